"""Session lifecycle: logged-out, revoked, idle-expired, absolute-expired and forged tokens → 401.

Every case runs with the token as the session cookie and as ``Authorization: Bearer``, and each has
a control: the same token (or the real one it was forged from) works right before.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from spaceclip.auth.sessions import (
    create_session,
    hash_token,
    is_expired,
    purge_expired_sessions,
    resolve_session,
)
from spaceclip.config import Settings
from spaceclip.db import Database
from spaceclip.models.tables import User, UserSession, utcnow
from tests.factories import TEST_ORIGIN, UserFactory
from tests.test_auth_at_rest import token_vault

__all__ = ["token_vault"]
pytestmark = pytest.mark.usefixtures("token_vault")

ClientFactory = Callable[..., TestClient]
STATES = [
    "logged_out",
    "revoked",
    "idle_expired",
    "absolute_expired",
    "forged_random",
    "forged_one_char",
    "forged_sha256_as_token",
]


def _ask(make_client: ClientFactory, users: UserFactory, token: str, transport: str) -> int:
    """Status of GET /api/auth/me with ``token`` sent by ``transport``."""
    c = make_client(TEST_ORIGIN)
    if transport == "cookie":
        return users.with_cookie(c, token).get("/api/auth/me").status_code
    return c.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code


def _shift(database: Database, token: str, **values: datetime) -> None:
    with database.session() as db:
        db.execute(update(UserSession).where(UserSession.token_hash == hash_token(token)).values(**values))


def _one_char_changed(token: str) -> str:
    i = len(token) // 2
    return token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1 :]


@pytest.mark.parametrize("transport", ["cookie", "bearer"])
@pytest.mark.parametrize("state", STATES)
def test_dead_or_forged_token_gets_401(
    state: str,
    transport: str,
    make_client: ClientFactory,
    users: UserFactory,
    database: Database,
    settings: Settings,
) -> None:
    user, token = users.create_with_token()
    assert _ask(make_client, users, token, transport) == 200  # control: live before
    helper = make_client(None)
    auth = {"Authorization": f"Bearer {token}"}
    with database.session() as db:
        sessions_before = db.scalar(select(func.count()).select_from(UserSession))

    if state == "logged_out":
        assert helper.post("/api/auth/logout", headers=auth).status_code == 204
    elif state == "revoked":
        session_id = helper.get("/api/auth/sessions", headers=auth).json()["items"][0]["id"]
        other = users.token_for(user)
        resp = helper.delete(f"/api/auth/sessions/{session_id}", headers={"Authorization": f"Bearer {other}"})
        assert resp.status_code == 204
    elif state == "idle_expired":
        _shift(database, token, last_seen_at=utcnow() - timedelta(hours=settings.session_idle_hours, minutes=1))
    elif state == "absolute_expired":
        _shift(database, token, expires_at=utcnow() - timedelta(seconds=1))
    elif state == "forged_random":
        token = secrets.token_urlsafe(32)
    elif state == "forged_one_char":
        token = _one_char_changed(token)
    elif state == "forged_sha256_as_token":
        token = hash_token(token)  # what the database holds is useless as a token

    assert _ask(make_client, users, token, transport) == 401
    with database.session() as db:
        sessions_after = db.scalar(select(func.count()).select_from(UserSession))
        expired_row = db.scalars(select(UserSession).where(UserSession.token_hash == hash_token(token))).first()
    if state.startswith("forged"):
        assert sessions_after == sessions_before  # a forged token never creates a session
    elif state == "revoked":
        assert sessions_after == sessions_before  # one revoked, one (the revoker's) added
    else:
        assert expired_row is None  # expired rows are deleted on sight; logged-out ones at logout
        assert sessions_after == sessions_before - 1


def test_dead_tokens_get_401_on_writes_too(make_client: ClientFactory, users: UserFactory, database: Database) -> None:
    _, token = users.create_with_token()
    _shift(database, token, expires_at=utcnow() - timedelta(seconds=1))
    api = make_client(None)
    resp = api.post("/api/auth/logout-all", headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 401
    assert "Sign in again" in resp.json()["detail"]


def test_last_seen_is_written_at_most_once_per_interval(
    users: UserFactory, database: Database, settings: Settings
) -> None:
    _, token = users.create_with_token()
    recent = utcnow() - timedelta(minutes=30)
    _shift(database, token, last_seen_at=recent)
    with database.session() as db:
        row = resolve_session(db, token, settings)
        assert row is not None
        assert row.last_seen_at == recent  # within the hour: not written
    old = utcnow() - timedelta(hours=2)
    _shift(database, token, last_seen_at=old)
    with database.session() as db:
        row = resolve_session(db, token, settings)
        assert row is not None
    with database.session() as db:
        stored = db.scalars(select(UserSession.last_seen_at)).one()
    assert stored > old + timedelta(minutes=119)


NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("last_seen_ago_h", "expires_in_h", "expired"),
    [
        (0, 100, False),
        (71.9, 100, False),  # idle limit is 72 h
        (72.01, 100, True),
        (1, 0, True),  # absolute expiry reached exactly
        (1, -1, True),
        (1, 0.01, False),
        (80, -5, True),  # both
    ],
)
def test_is_expired_table(last_seen_ago_h: float, expires_in_h: float, expired: bool) -> None:
    settings = Settings(session_idle_hours=72, session_absolute_hours=720, _env_file=None)  # type: ignore[call-arg]
    row = UserSession(
        last_seen_at=NOW - timedelta(hours=last_seen_ago_h), expires_at=NOW + timedelta(hours=expires_in_h)
    )
    assert is_expired(row, settings, NOW) is expired


def test_purge_expired_sessions(users: UserFactory, database: Database, settings: Settings) -> None:
    user = users.create()
    now = utcnow()
    with database.session() as db:
        owner = db.get(User, user.id)
        assert owner is not None
        live = create_session(db, owner, settings)
        idle = create_session(db, owner, settings)
        idle.session.last_seen_at = now - timedelta(hours=settings.session_idle_hours + 1)
        absolute = create_session(db, owner, settings)
        absolute.session.expires_at = now - timedelta(minutes=1)
        live_id = live.session.id
    with database.session() as db:
        assert purge_expired_sessions(db, settings) == 2
    with database.session() as db:
        assert db.scalars(select(UserSession.id)).all() == [live_id]
        assert purge_expired_sessions(db, settings) == 0
