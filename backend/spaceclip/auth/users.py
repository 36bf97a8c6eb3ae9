"""User accounts: e-mail normalisation, the password policy, creation and password checks.

:func:`create_user` is the one way to make an account; ``POST /api/auth/register`` and the CLI
(``spaceclip user create``) both call it.
"""

from __future__ import annotations

import logging
import re
import unicodedata

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from spaceclip.auth.passwords import (
    hash_password,
    needs_rehash,
    verify_dummy,
    verify_password,
)
from spaceclip.errors import Conflict, ValidationFailed
from spaceclip.models.account_rules import MAX_DISPLAY_NAME_LENGTH, MAX_EMAIL_LENGTH, check_password_policy
from spaceclip.models.tables import User, utcnow

log = logging.getLogger(__name__)


# One "@", something on both sides, no whitespace. Deliverability is not checked: SpaceClip sends
# no mail, and self-hosted installs use addresses such as admin@localhost.
_EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}$")


def canonical_email(email: str) -> str:
    """The form e-mail addresses are stored and looked up in: NFKC, trimmed, lower case.

    Never raises, so sign-in can look up whatever was typed.
    """
    return unicodedata.normalize("NFKC", email).strip().lower()


def normalize_email(email: str) -> str:
    """:func:`canonical_email`, checked to look like an address.

    Raises:
        ValidationFailed: the address is empty, too long or not of the form ``name@domain``.
    """
    value = canonical_email(email)
    if not value:
        raise ValidationFailed("Enter your e-mail address.")
    if len(value) > MAX_EMAIL_LENGTH or not _EMAIL_RE.fullmatch(value) or not value.isprintable():
        raise ValidationFailed(f"{value[:80]!r} is not an e-mail address. Enter an address such as name@example.com.")
    return value


def clean_display_name(display_name: str, email: str) -> str:
    """Trimmed display name, or the part of ``email`` before the "@" when none was given."""
    name = " ".join(display_name.split())
    if len(name) > MAX_DISPLAY_NAME_LENGTH:
        raise ValidationFailed(
            f"The display name is too long ({len(name)} characters). Use at most {MAX_DISPLAY_NAME_LENGTH} characters."
        )
    return name or email.split("@", 1)[0]


def get_user_by_email(db: Session, email: str) -> User | None:
    """The user with this address (compared in canonical form), or None."""
    return db.scalars(select(User).where(User.email == canonical_email(email))).first()


def create_user(db: Session, email: str, password: str, display_name: str = "") -> User:
    """Create an account and flush it (the caller commits).

    Args:
        db: an open database session.
        email: any case and surrounding spaces; stored normalised (lower case).
        password: 8 to 256 characters; stored as an Argon2id hash.
        display_name: shown in the UI; defaults to the part of the address before the "@".

    Raises:
        ValidationFailed: bad address, password or display name.
        Conflict: an account with this address exists.
    """
    address = normalize_email(email)
    check_password_policy(password)
    name = clean_display_name(display_name, address)
    # Hashed before the first query, so the slow part can run outside a transaction (SQLite lock).
    password_hash = hash_password(password)
    if db.scalar(select(func.count()).select_from(User).where(User.email == address)):
        raise _email_taken()
    user = User(email=address, display_name=name, password_hash=password_hash)
    try:
        # A savepoint, so that losing a race against a concurrent sign-up leaves the caller's
        # transaction usable.
        with db.begin_nested():
            db.add(user)
    except IntegrityError as exc:
        raise _email_taken() from exc
    log.info("Created user %s", user.id)
    return user


def _email_taken() -> Conflict:
    return Conflict("An account with this e-mail address already exists. Sign in instead, or use another address.")


def check_credentials(user: User | None, password: str) -> bool:
    """Verify ``password`` for ``user`` with the same Argon2 work whether or not the user exists."""
    if user is None:
        return verify_dummy(password)
    return verify_password(user.password_hash, password)


def upgrade_hash_if_needed(user: User, password: str) -> bool:
    """After a successful check, re-hash with the current Argon2 parameters if they changed."""
    if not needs_rehash(user.password_hash):
        return False
    user.password_hash = hash_password(password)
    log.info("Re-hashed the password of user %s with the current parameters", user.id)
    return True


def set_password(user: User, new_password: str) -> None:
    """Store a new password for ``user`` (policy-checked, hashed); the caller revokes sessions."""
    check_password_policy(new_password)
    user.password_hash = hash_password(new_password)
    user.password_changed_at = utcnow()
