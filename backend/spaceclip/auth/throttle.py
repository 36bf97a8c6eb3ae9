"""Sign-in throttling per client IP and per account, stored in the ``login_attempts`` table.

Every failed password check adds one row for the IP (``ip:<address>``) and one for the account
(``account:<sha256 of the canonical e-mail>``; hashed because people sometimes type a password into
the e-mail field). A key with ``login_max_attempts`` rows inside the last ``login_window_s``
seconds is refused with 429 until its oldest row leaves the window. Because the state lives in the
database, the limit holds across worker processes and machines (SQLite or PostgreSQL).

A successful sign-in clears the account's rows but not the IP's, so one valid account does not
reset the counter of an address that is guessing other accounts' passwords. Refused tries are not
recorded: they cost no password check, and the time in ``Retry-After`` stays exact.
"""

from __future__ import annotations

import hashlib
import math
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from spaceclip.config import Settings
from spaceclip.errors import TooManyRequests
from spaceclip.models.tables import LoginAttempt, utcnow


def ip_key(ip: str) -> str:
    """Throttle key of a client address."""
    return f"ip:{ip or 'unknown'}"[:400]


def account_key(canonical_email: str) -> str:
    """Throttle key of an account (or of an address that has no account: same treatment)."""
    return "account:" + hashlib.sha256(canonical_email.encode("utf-8")).hexdigest()


def retry_after_s(oldest_in_window: datetime, now: datetime, window_s: float) -> int:
    """Whole seconds until the oldest counted try leaves the window (at least 1)."""
    remaining = (oldest_in_window + timedelta(seconds=window_s) - now).total_seconds()
    return max(1, math.ceil(remaining))


def check_allowed(db: Session, keys: list[str], settings: Settings, now: datetime | None = None) -> None:
    """Raise :class:`TooManyRequests` when any of ``keys`` has used up its tries in the window."""
    now = now or utcnow()
    since = now - timedelta(seconds=settings.login_window_s)
    wait = 0
    for key in keys:
        count, oldest = db.execute(
            select(func.count(), func.min(LoginAttempt.created_at)).where(
                LoginAttempt.key == key, LoginAttempt.created_at > since
            )
        ).one()
        if count >= settings.login_max_attempts and oldest is not None:
            wait = max(wait, retry_after_s(_aware(oldest), now, settings.login_window_s))
    if wait:
        raise TooManyRequests(
            f"Too many failed sign-in attempts. Wait {_human(wait)} and try again "
            f"(after {(now + timedelta(seconds=wait)):%H:%M:%S} UTC).",
            retry_after_s=wait,
        )


def record_failure(db: Session, keys: list[str], now: datetime | None = None) -> None:
    """Count one failed try against each of ``keys`` (flushed; the caller commits)."""
    now = now or utcnow()
    db.add_all(LoginAttempt(key=key, created_at=now) for key in keys)
    db.flush()


def clear(db: Session, key: str) -> None:
    """Forget the failed tries of ``key`` (after a successful sign-in)."""
    db.execute(delete(LoginAttempt).where(LoginAttempt.key == key))


def purge_old_attempts(db: Session, settings: Settings, now: datetime | None = None) -> int:
    """Delete rows that no longer count (older than the window); returns how many."""
    cutoff = (now or utcnow()) - timedelta(seconds=settings.login_window_s)
    result = db.execute(delete(LoginAttempt).where(LoginAttempt.created_at <= cutoff))
    return int(result.rowcount)  # type: ignore[attr-defined]


def _aware(value: datetime) -> datetime:
    # func.min() bypasses the column type on some backends, so SQLite hands back a naive value
    # (or even a string).
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _human(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} seconds"
    return f"{math.ceil(seconds / 60)} minutes"
