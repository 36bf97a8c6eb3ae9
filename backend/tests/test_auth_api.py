"""Sign-in routes: register, log in, log out, sessions, /me, password change, cookie flags, policy."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from spaceclip.auth import passwords
from spaceclip.auth.sessions import hash_token
from spaceclip.config import Settings
from spaceclip.db import Database
from spaceclip.models.tables import User, UserSession
from tests.factories import DEFAULT_PASSWORD, TEST_ORIGIN, MadeUser, UserFactory
from tests.test_auth_at_rest import token_vault

__all__ = ["token_vault"]
pytestmark = pytest.mark.usefixtures("token_vault")

ClientFactory = Callable[..., TestClient]
LOGIN = "/api/auth/login"


def login(c: TestClient, user: MadeUser, password: str | None = None) -> dict[str, Any]:
    resp = c.post(LOGIN, json={"email": user.email, "password": password or user.password})
    assert resp.status_code == 200, resp.text
    body: dict[str, Any] = resp.json()
    return body


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def session_cookie_header(resp: Any, settings: Settings) -> str:
    headers = [h for h in resp.headers.get_list("set-cookie") if h.startswith(settings.session_cookie_name + "=")]
    assert len(headers) == 1, headers
    return str(headers[0])


def count_sessions(database: Database, user_id: str | None = None) -> int:
    with database.session() as db:
        stmt = select(func.count()).select_from(UserSession)
        if user_id:
            stmt = stmt.where(UserSession.user_id == user_id)
        return int(db.scalar(stmt) or 0)


def test_register_creates_user_and_signs_in(client: TestClient, database: Database, settings: Settings) -> None:
    resp = client.post(
        "/api/auth/register",
        json={"email": "  Ada@Example.COM ", "password": "analytical engine", "display_name": " Ada  L "},
    )
    assert resp.status_code == 201, resp.text
    body = resp.json()
    assert body["user"]["email"] == "ada@example.com"
    assert body["user"]["display_name"] == "Ada L"
    assert set(body) == {"user", "token", "expires_at"}
    assert settings.session_cookie_name in session_cookie_header(resp, settings)
    assert client.get("/api/auth/me").json()["id"] == body["user"]["id"]

    again = client.post("/api/auth/register", json={"email": "ADA@example.com", "password": "something else"})
    assert again.status_code == 409
    assert "already exists" in again.json()["detail"]
    with database.session() as db:
        assert db.scalar(select(func.count()).select_from(User)) == 1


def test_register_can_be_turned_off(client: TestClient, settings: Settings) -> None:
    settings.allow_registration = False
    resp = client.post("/api/auth/register", json={"email": "a@example.com", "password": "long enough"})
    assert resp.status_code == 403
    assert "spaceclip user create" in resp.json()["detail"]


@pytest.mark.parametrize(
    ("password", "expected"),
    [("x" * 7, "at least 8 characters"), ("x" * 257, "at most 256 characters")],
)
def test_password_policy_on_register(client: TestClient, password: str, expected: str) -> None:
    resp = client.post("/api/auth/register", json={"email": "p@example.com", "password": password})
    assert resp.status_code == 422
    body = resp.json()
    assert body["code"] == "invalid_request"
    (error,) = body["errors"]
    assert error["loc"] == ["body", "password"]
    assert expected in error["msg"] and expected in body["detail"]
    assert password not in resp.text  # the password is not echoed back


def test_password_policy_boundaries_accepted(client: TestClient) -> None:
    for i, length in enumerate((8, 256)):
        resp = client.post("/api/auth/register", json={"email": f"b{i}@example.com", "password": "y" * length})
        assert resp.status_code == 201, resp.text


def test_login_sets_cookie_with_safe_flags_and_returns_token(
    client: TestClient, users: UserFactory, settings: Settings
) -> None:
    user = users.create()
    resp = client.post(LOGIN, json={"email": user.email.upper(), "password": DEFAULT_PASSWORD})
    assert resp.status_code == 200
    body = resp.json()
    cookie = session_cookie_header(resp, settings)
    assert cookie.startswith(f"{settings.session_cookie_name}={body['token']};")
    attrs = [a.strip().lower() for a in cookie.split(";")[1:]]
    assert "httponly" in attrs
    assert "samesite=lax" in attrs
    assert "path=/" in attrs
    assert not [a for a in attrs if a.startswith("domain")]
    assert "secure" not in attrs  # plain http in this test
    assert len(body["token"]) >= 43  # 32 random bytes, URL-safe base64
    expires = datetime.fromisoformat(body["expires_at"])
    hours = (expires - datetime.now(UTC)).total_seconds() / 3600
    assert settings.session_absolute_hours - 0.1 < hours <= settings.session_absolute_hours
    assert resp.headers["cache-control"] == "no-store"
    # The token works as a Bearer token for API clients, too.
    assert TestClient(client.app).get("/api/auth/me", headers=bearer(body["token"])).status_code == 200


@pytest.mark.parametrize(
    ("base_url", "cookie_secure", "secure"),
    [
        ("https://testserver", "auto", True),
        ("http://testserver", "always", True),
        ("https://testserver", "never", False),
    ],
)
def test_cookie_secure_flag(
    app: FastAPI, users: UserFactory, settings: Settings, base_url: str, cookie_secure: Any, secure: bool
) -> None:
    settings.cookie_secure = cookie_secure
    user = users.create()
    c = TestClient(app, base_url=base_url, headers={"Origin": base_url})
    resp = c.post(LOGIN, json={"email": user.email, "password": DEFAULT_PASSWORD})
    assert resp.status_code == 200
    attrs = [a.strip().lower() for a in session_cookie_header(resp, settings).split(";")]
    assert ("secure" in attrs) is secure


def test_every_login_issues_a_new_token_and_replaces_the_browsers_old_session(
    client: TestClient, make_client: ClientFactory, users: UserFactory, database: Database
) -> None:
    user = users.create()
    first = login(client, user)["token"]
    second = login(client, user)["token"]  # same browser: its old session is replaced
    assert first != second
    assert count_sessions(database, user.id) == 1
    other = make_client()
    third = login(other, user)["token"]  # another browser: a second session
    assert len({first, second, third}) == 3
    assert count_sessions(database, user.id) == 2
    api = make_client(origin=None)
    assert api.get("/api/auth/me", headers=bearer(first)).status_code == 401
    assert api.get("/api/auth/me", headers=bearer(second)).status_code == 200


def test_unknown_user_and_wrong_password_get_the_same_answer(client: TestClient, users: UserFactory) -> None:
    user = users.create()
    wrong = client.post(LOGIN, json={"email": user.email, "password": "not the password"})
    unknown = client.post(LOGIN, json={"email": "nobody@example.com", "password": "not the password"})
    garbage = client.post(LOGIN, json={"email": "not an address", "password": "x"})
    assert wrong.status_code == unknown.status_code == garbage.status_code == 401
    assert wrong.json() == unknown.json() == garbage.json()
    assert "e-mail address or password is not correct" in wrong.json()["detail"]


class CountingHasher(PasswordHasher):
    """The real Argon2 hasher, counting which hashes it verifies against."""

    def __init__(self) -> None:
        super().__init__(
            time_cost=passwords.ARGON2_TIME_COST,
            memory_cost=passwords.ARGON2_MEMORY_KIB,
            parallelism=passwords.ARGON2_PARALLELISM,
            hash_len=32,
            salt_len=16,
        )
        self.verified: list[str] = []

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        self.verified.append(hash if isinstance(hash, str) else hash.decode())
        return super().verify(hash, password)


def test_unknown_user_runs_the_same_argon2_verify_as_a_wrong_password(
    client: TestClient, users: UserFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Structural timing check (the measured figures are in benchmarks/bench_login_timing.py)."""
    user = users.create()
    hasher = CountingHasher()
    monkeypatch.setattr(passwords, "_hasher", hasher)

    assert client.post(LOGIN, json={"email": user.email, "password": "wrong password"}).status_code == 401
    assert len(hasher.verified) == 1
    real_hash = hasher.verified[0]

    assert client.post(LOGIN, json={"email": "ghost@example.com", "password": "wrong password"}).status_code == 401
    assert len(hasher.verified) == 2
    dummy_hash = hasher.verified[1]
    assert dummy_hash != real_hash
    # Same algorithm and cost parameters: the same work.
    assert dummy_hash.rsplit("$", 2)[0] == real_hash.rsplit("$", 2)[0] == "$argon2id$v=19$m=19456,t=2,p=1"


def test_login_rehashes_when_parameters_changed(client: TestClient, users: UserFactory, database: Database) -> None:
    user = users.create()
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(DEFAULT_PASSWORD)
    with database.session() as db:
        row = db.get(User, user.id)
        assert row is not None
        row.password_hash = weak
    login(client, user)
    with database.session() as db:
        row = db.get(User, user.id)
        assert row is not None
        new_hash = row.password_hash
    assert new_hash != weak
    assert new_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert passwords.verify_password(new_hash, DEFAULT_PASSWORD)
    login(client, user)  # still signs in, and is not re-hashed again
    with database.session() as db:
        row = db.get(User, user.id)
        assert row is not None
        assert row.password_hash == new_hash


def test_logout_deletes_the_session_and_expires_the_cookie(
    client: TestClient, users: UserFactory, database: Database, settings: Settings
) -> None:
    user = users.create()
    token = login(client, user)["token"]
    resp = client.post("/api/auth/logout")
    assert resp.status_code == 204
    cookie = session_cookie_header(resp, settings).lower()
    assert "max-age=0" in cookie
    expires = next(a for a in cookie.split(";") if a.strip().startswith("expires="))
    assert parsedate_to_datetime(expires.split("=", 1)[1]) <= datetime.now(UTC)
    assert count_sessions(database) == 0
    assert client.cookies.get(settings.session_cookie_name) is None
    assert client.get("/api/auth/me").status_code == 401
    assert TestClient(client.app).get("/api/auth/me", headers=bearer(token)).status_code == 401
    assert client.post("/api/auth/logout").status_code == 204  # repeating it is harmless


def test_logout_with_bearer_token(make_client: ClientFactory, users: UserFactory, database: Database) -> None:
    user = users.create()
    token = users.token_for(user)
    api = make_client(origin=None)
    assert api.post("/api/auth/logout", headers=bearer(token)).status_code == 204
    assert count_sessions(database) == 0


def test_sessions_list_marks_current_and_revokes(
    client: TestClient, make_client: ClientFactory, users: UserFactory, database: Database
) -> None:
    user = users.create()
    login(client, user)
    phone = make_client()
    phone.headers["User-Agent"] = "PhoneBrowser/1.0"
    login(phone, user)
    listing = client.get("/api/auth/sessions")
    assert listing.status_code == 200
    assert listing.headers["cache-control"] == "no-store"
    items = listing.json()["items"]
    assert len(items) == 2
    assert [i["current"] for i in items].count(True) == 1
    phone_item = next(i for i in items if i["user_agent"] == "PhoneBrowser/1.0")
    assert phone_item["current"] is False
    assert phone_item["ip"] == "testclient"
    assert {"created_at", "last_seen_at", "expires_at"} <= set(phone_item)

    assert client.delete(f"/api/auth/sessions/{phone_item['id']}").status_code == 204
    assert phone.get("/api/auth/me").status_code == 401
    assert client.get("/api/auth/me").status_code == 200
    assert client.delete(f"/api/auth/sessions/{phone_item['id']}").status_code == 404


def test_revoking_another_users_session_gives_404(
    client: TestClient, make_client: ClientFactory, users: UserFactory, database: Database
) -> None:
    alice, mallory = users.create(), users.create()
    alice_client = make_client()
    login(alice_client, alice)
    alice_session = alice_client.get("/api/auth/sessions").json()["items"][0]["id"]
    login(client, mallory)
    resp = client.delete(f"/api/auth/sessions/{alice_session}")
    assert resp.status_code == 404
    assert alice_session not in resp.text
    assert alice_client.get("/api/auth/me").status_code == 200
    assert count_sessions(database, alice.id) == 1


def test_logout_all_signs_out_every_session(
    client: TestClient, make_client: ClientFactory, users: UserFactory, database: Database, settings: Settings
) -> None:
    user, bystander = users.create(), users.create()
    login(client, user)
    other = make_client()
    login(other, user)
    api_token = users.token_for(user)
    bystander_token = users.token_for(bystander)
    resp = client.post("/api/auth/logout-all")
    assert resp.status_code == 200
    assert resp.json() == {"revoked": 3}
    assert "max-age=0" in session_cookie_header(resp, settings).lower()
    api = make_client(origin=None)
    assert other.get("/api/auth/me").status_code == 401
    assert api.get("/api/auth/me", headers=bearer(api_token)).status_code == 401
    assert api.get("/api/auth/me", headers=bearer(bystander_token)).status_code == 200
    assert count_sessions(database, user.id) == 0


def test_password_change_revokes_other_sessions_and_cycles_the_token(
    client: TestClient, make_client: ClientFactory, users: UserFactory, database: Database, settings: Settings
) -> None:
    user = users.create()
    old_token = login(client, user)["token"]
    laptop = make_client()
    login(laptop, user)
    script_token = users.token_for(user)
    api = make_client(origin=None)
    session_id = client.get("/api/auth/sessions").json()["items"]
    current_id = next(i["id"] for i in session_id if i["current"])

    resp = client.post(
        "/api/auth/password", json={"current_password": DEFAULT_PASSWORD, "new_password": "a brand new secret"}
    )
    assert resp.status_code == 200, resp.text
    new_token = resp.json()["token"]
    assert new_token != old_token
    assert session_cookie_header(resp, settings).startswith(f"{settings.session_cookie_name}={new_token};")

    # The changing session keeps working (same session, new token); everything else is signed out.
    me = client.get("/api/auth/me")
    assert me.status_code == 200
    assert [i["id"] for i in client.get("/api/auth/sessions").json()["items"]] == [current_id]
    assert api.get("/api/auth/me", headers=bearer(new_token)).status_code == 200
    assert api.get("/api/auth/me", headers=bearer(old_token)).status_code == 401
    assert api.get("/api/auth/me", headers=bearer(script_token)).status_code == 401
    assert laptop.get("/api/auth/me").status_code == 401
    assert count_sessions(database, user.id) == 1
    with database.session() as db:
        row = db.get(UserSession, current_id)
        assert row is not None
        assert row.token_hash == hash_token(new_token)

    # The new password signs in; the old one does not.
    fresh = make_client()
    assert fresh.post(LOGIN, json={"email": user.email, "password": DEFAULT_PASSWORD}).status_code == 401
    assert fresh.post(LOGIN, json={"email": user.email, "password": "a brand new secret"}).status_code == 200


def test_password_change_needs_the_current_password_and_a_valid_new_one(
    client: TestClient, users: UserFactory, database: Database
) -> None:
    user = users.create()
    login(client, user)
    other_token = users.token_for(user)
    wrong = client.post("/api/auth/password", json={"current_password": "nope nope", "new_password": "good new one"})
    assert wrong.status_code == 400
    assert "current password is not correct" in wrong.json()["detail"]
    short = client.post("/api/auth/password", json={"current_password": DEFAULT_PASSWORD, "new_password": "short"})
    assert short.status_code == 422
    assert "at least 8 characters" in short.json()["errors"][0]["msg"]
    # Nothing changed: the other session lives, the old password still works.
    api = TestClient(client.app)
    assert api.get("/api/auth/me", headers=bearer(other_token)).status_code == 200
    assert api.post(LOGIN, json={"email": user.email, "password": DEFAULT_PASSWORD}).status_code == 200


def test_password_change_with_bearer_token(make_client: ClientFactory, users: UserFactory) -> None:
    user = users.create()
    token = users.token_for(user)
    api = make_client(origin=None)
    resp = api.post(
        "/api/auth/password",
        headers=bearer(token),
        json={"current_password": DEFAULT_PASSWORD, "new_password": "script changed it"},
    )
    assert resp.status_code == 200, resp.text
    assert api.get("/api/auth/me", headers=bearer(token)).status_code == 401
    assert api.get("/api/auth/me", headers=bearer(resp.json()["token"])).status_code == 200


def test_authenticated_and_error_responses_are_not_cached(client: TestClient, users: UserFactory) -> None:
    users.sign_in(client, users.create())
    for path in ("/api/auth/me", "/api/auth/sessions"):
        resp = client.get(path)
        assert resp.status_code == 200
        assert resp.headers["cache-control"] == "no-store"
    client.cookies.clear()
    resp = client.get("/api/auth/me")
    assert resp.status_code == 401
    assert resp.headers["cache-control"] == "no-store"
    assert resp.headers["www-authenticate"] == "Bearer"


def test_token_in_query_string_is_ignored(make_client: ClientFactory, users: UserFactory) -> None:
    token = users.token_for(users.create())
    api = make_client(origin=None)
    for name in ("token", "access_token", "session", "spaceclip_session"):
        assert api.get(f"/api/auth/me?{name}={token}").status_code == 401
    assert api.get("/api/auth/me", headers=bearer(token)).status_code == 200


def test_login_from_the_real_origin_header(make_client: ClientFactory, users: UserFactory) -> None:
    """The browser client sends its own origin; scripts send none. Both may sign in."""
    user = users.create()
    assert (
        make_client(TEST_ORIGIN).post(LOGIN, json={"email": user.email, "password": user.password}).status_code == 200
    )
    assert make_client(None).post(LOGIN, json={"email": user.email, "password": user.password}).status_code == 200
