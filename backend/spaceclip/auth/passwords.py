"""Argon2id password hashing (OWASP parameters: m=19456 KiB, t=2, p=1).

Hashes made with other parameters still verify; :func:`needs_rehash` tells the sign-in code to
store a fresh hash with the current parameters after a successful check.
"""

from __future__ import annotations

import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

ARGON2_TIME_COST = 2
ARGON2_MEMORY_KIB = 19456
ARGON2_PARALLELISM = 1

_hasher = PasswordHasher(
    time_cost=ARGON2_TIME_COST,
    memory_cost=ARGON2_MEMORY_KIB,
    parallelism=ARGON2_PARALLELISM,
    hash_len=32,
    salt_len=16,
)


def hash_password(password: str) -> str:
    """A new Argon2id hash of ``password`` with a random salt."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches ``password_hash``; False on mismatch or a malformed hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when ``password_hash`` was made with other parameters than the current ones."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except (InvalidHashError, ValueError):
        return True


# The hash of a random password nobody knows, made with the parameters above. Checking a password
# against it costs the same as checking a real user's hash.
_DUMMY_HASH = "$argon2id$v=19$m=19456,t=2,p=1$7hurKDCJn9VGwV/x1BMD5g$MLjsP58YTPgPNwwPyucuegI914FKP608CdnBjeyUujY"


@cache
def _dummy_hash() -> str:
    if not needs_rehash(_DUMMY_HASH):
        return _DUMMY_HASH
    # The parameters were changed: make a matching dummy once per process.
    return hash_password(secrets.token_urlsafe(24))


def verify_dummy(password: str) -> bool:
    """Spend the same work as :func:`verify_password` for a user that does not exist; always False.

    Sign-in calls this for unknown e-mail addresses so that "no such user" and "wrong password"
    take the same time and cannot be told apart.
    """
    verify_password(_dummy_hash(), password)
    return False
