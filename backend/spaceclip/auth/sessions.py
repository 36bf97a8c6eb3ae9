"""Opaque session tokens stored as SHA-256 hashes in the ``sessions`` table.

The raw token exists only in the client's cookie (or ``Authorization: Bearer`` header) and in the
login response; the database holds ``sha256(token)``. Every request is verified by a lookup.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, joinedload

from spaceclip.config import Settings
from spaceclip.db import transactional
from spaceclip.models.tables import User, UserSession, utcnow

TOKEN_BYTES = 32


def new_token() -> str:
    """A fresh random token: 32 bytes (256 bits) from :mod:`secrets`, URL-safe."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class IssuedSession:
    """A session just created; ``token`` is shown to the client once and never stored."""

    token: str
    session: UserSession


def create_session(db: Session, user: User, settings: Settings, *, ip: str = "", user_agent: str = "") -> IssuedSession:
    """Create a session row for ``user`` and return it with its raw token."""
    token = new_token()
    now = utcnow()
    row = UserSession(
        user_id=user.id,
        token_hash=hash_token(token),
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(hours=settings.session_absolute_hours),
        ip=ip[:64],
        user_agent=user_agent[:512],
    )
    db.add(row)
    db.flush()
    return IssuedSession(token=token, session=row)


def is_expired(row: UserSession, settings: Settings, now: datetime) -> bool:
    """Absolute expiry or idle expiry, whichever comes first."""
    if now >= row.expires_at:
        return True
    return now - row.last_seen_at > timedelta(hours=settings.session_idle_hours)


@transactional
def resolve_session(db: Session, token: str, settings: Settings) -> UserSession | None:
    """The live session for ``token``, or None. Expired rows are deleted on sight.

    ``last_seen_at`` is written at most once per ``session_touch_interval_s`` to keep reads cheap.
    """
    if not token or len(token) > 512:
        return None
    digest = hash_token(token)
    # The user is loaded with the session, so reading it after the commit needs no new transaction.
    stmt = select(UserSession).options(joinedload(UserSession.user)).where(UserSession.token_hash == digest)
    row = db.scalars(stmt).first()
    if row is None or not hmac.compare_digest(row.token_hash, digest):
        return None
    now = utcnow()
    if is_expired(row, settings, now):
        db.delete(row)
        db.flush()
        return None
    if (now - row.last_seen_at).total_seconds() >= settings.session_touch_interval_s:
        row.last_seen_at = now
        db.flush()
    return row


@transactional
def revoke_session(db: Session, session_id: str, user_id: str) -> bool:
    """Delete one of ``user_id``'s sessions; False when it does not exist or is not theirs."""
    result = db.execute(delete(UserSession).where(UserSession.id == session_id, UserSession.user_id == user_id))
    return bool(result.rowcount)  # type: ignore[attr-defined]


@transactional
def revoke_all_sessions(db: Session, user_id: str, *, except_id: str | None = None) -> int:
    """Delete every session of ``user_id`` (but ``except_id``); returns how many."""
    stmt = delete(UserSession).where(UserSession.user_id == user_id)
    if except_id is not None:
        stmt = stmt.where(UserSession.id != except_id)
    return int(db.execute(stmt).rowcount)  # type: ignore[attr-defined]


def purge_expired_sessions(db: Session, settings: Settings) -> int:
    """Delete sessions past their absolute or idle expiry; returns how many."""
    now = utcnow()
    idle_cutoff = now - timedelta(hours=settings.session_idle_hours)
    result = db.execute(
        delete(UserSession).where((UserSession.expires_at <= now) | (UserSession.last_seen_at < idle_cutoff))
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def rotate_token(db: Session, row: UserSession) -> str:
    """Give ``row`` a new token (the old one stops working at once); returns the new raw token.

    Used after a privilege change such as a new password (Django's ``cycle_key``). The session
    keeps its id, creation time and absolute expiry.
    """
    token = new_token()
    row.token_hash = hash_token(token)
    row.last_seen_at = utcnow()
    db.flush()
    return token


def list_sessions(db: Session, user_id: str, settings: Settings) -> list[UserSession]:
    """``user_id``'s live sessions, most recently used first (expired ones are left out)."""
    now = utcnow()
    rows = db.scalars(
        select(UserSession)
        .where(UserSession.user_id == user_id)
        .order_by(UserSession.last_seen_at.desc(), UserSession.created_at.desc())
    ).all()
    return [row for row in rows if not is_expired(row, settings, now)]
