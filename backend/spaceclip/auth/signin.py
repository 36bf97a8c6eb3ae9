"""Sign-in flows used by the routes in :mod:`spaceclip.api.auth`: log in, register, change password.

Argon2 work happens outside any database transaction: SQLite serialises writers, and holding its
lock for the ~50 ms of a password check would make sign-ins queue behind each other.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.orm import Session

from spaceclip.auth import throttle
from spaceclip.auth.sessions import IssuedSession, create_session, resolve_session, revoke_all_sessions
from spaceclip.auth.sessions import rotate_token as rotate_session_token
from spaceclip.auth.users import (
    canonical_email,
    check_credentials,
    create_user,
    get_user_by_email,
    set_password,
    upgrade_hash_if_needed,
)
from spaceclip.config import Settings
from spaceclip.db import transactional
from spaceclip.errors import BadRequest, Conflict, Forbidden, NotAuthenticated
from spaceclip.models.account_rules import check_password_policy
from spaceclip.models.tables import User, UserSession

log = logging.getLogger(__name__)

BAD_CREDENTIALS = "The e-mail address or password is not correct. Check both and try again."


@dataclass(frozen=True)
class ClientInfo:
    """Where a sign-in comes from, kept on the session row so the user can recognise it."""

    ip: str
    user_agent: str
    previous_token: str | None = None  # a session cookie already sent; replaced by the new one


@transactional
def log_in(db: Session, settings: Settings, email: str, password: str, client: ClientInfo) -> IssuedSession:
    """Check the password and open a new session (committed).

    Unknown addresses and wrong passwords give the same error after the same Argon2 work.

    Raises:
        TooManyRequests: this IP or this account used up its tries in the window.
        NotAuthenticated: wrong address or password (the failure is recorded and committed).
    """
    address = canonical_email(email)
    keys = [throttle.ip_key(client.ip), throttle.account_key(address)]
    throttle.check_allowed(db, keys, settings)
    user = get_user_by_email(db, address)
    db.commit()  # release the database before the slow hash check
    if not check_credentials(user, password) or user is None:
        throttle.record_failure(db, keys)
        throttle.purge_old_attempts(db, settings)
        db.commit()
        log.info("Failed sign-in from %s", client.ip or "unknown address")
        raise NotAuthenticated(BAD_CREDENTIALS)
    upgrade_hash_if_needed(user, password)
    throttle.clear(db, keys[1])
    issued = _open_session(db, settings, user, client)
    log.info("User %s signed in (session %s)", user.id, issued.session.id)
    return issued


@transactional
def register(
    db: Session, settings: Settings, email: str, password: str, display_name: str, client: ClientInfo
) -> IssuedSession:
    """Create an account and sign it in (committed).

    Raises:
        Forbidden: registration is turned off.
        TooManyRequests: this IP failed too often (taken addresses count as failures).
        ValidationFailed, Conflict: from :func:`spaceclip.auth.users.create_user`.
    """
    if not settings.allow_registration:
        raise Forbidden(
            "Registration is turned off on this server. Ask its administrator for an account "
            "(they can run `spaceclip user create`)."
        )
    keys = [throttle.ip_key(client.ip)]
    throttle.check_allowed(db, keys, settings)
    db.commit()
    try:
        user = create_user(db, email, password, display_name)
    except Conflict:
        # Counted so that registration cannot be used to test thousands of addresses quickly.
        db.rollback()
        throttle.record_failure(db, keys)
        db.commit()
        raise
    return _open_session(db, settings, user, client)


@transactional
def change_password(db: Session, settings: Settings, session: UserSession, current: str, new: str, ip: str) -> str:
    """Set a new password, sign out every other session and give this one a new token (committed).

    Returns:
        The new raw token of the current session.

    Raises:
        TooManyRequests: too many wrong current passwords for this account or IP.
        BadRequest: the current password is wrong (counted like a failed sign-in).
        ValidationFailed: the new password breaks the policy.
    """
    check_password_policy(new)
    user = session.user
    keys = [throttle.ip_key(ip), throttle.account_key(user.email)]
    throttle.check_allowed(db, keys, settings)
    db.commit()
    if not check_credentials(user, current):
        throttle.record_failure(db, keys)
        db.commit()
        raise BadRequest("The current password is not correct. Type it again, or sign out and reset it.")
    set_password(user, new)
    revoked = revoke_all_sessions(db, user.id, except_id=session.id)
    token = rotate_session_token(db, session)
    log.info("User %s changed the password; %d other session(s) signed out", user.id, revoked)
    return token


@transactional
def log_out(db: Session, settings: Settings, token: str | None) -> None:
    """Delete the session of ``token``, if it is live; safe to repeat."""
    row = resolve_session(db, token, settings) if token else None
    if row is not None:
        db.delete(row)


def _open_session(db: Session, settings: Settings, user: User, client: ClientInfo) -> IssuedSession:
    if client.previous_token:
        # The browser already had a session: it is replaced, not left behind as a live row.
        old = resolve_session(db, client.previous_token, settings)
        if old is not None:
            db.delete(old)
    return create_session(db, user, settings, ip=client.ip, user_agent=client.user_agent)
