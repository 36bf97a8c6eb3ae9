"""Sign-in throttling: 10 failed tries per 3 minutes per IP and per account, then 429."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from spaceclip.auth import passwords, throttle
from spaceclip.config import Settings
from spaceclip.db import Database
from spaceclip.main import create_app
from spaceclip.models.tables import LoginAttempt, utcnow
from tests.factories import DEFAULT_PASSWORD, TEST_ORIGIN, UserFactory
from tests.test_auth_api import CountingHasher
from tests.test_auth_at_rest import token_vault

__all__ = ["token_vault"]
pytestmark = pytest.mark.usefixtures("token_vault")

LOGIN = "/api/auth/login"


def client_at(app: FastAPI, ip: str) -> TestClient:
    """A client whose requests come from ``ip``."""
    return TestClient(app, base_url=TEST_ORIGIN, headers={"Origin": TEST_ORIGIN}, client=(ip, 40000))


def attempt(c: TestClient, email: str, password: str = "wrong password") -> int:
    return c.post(LOGIN, json={"email": email, "password": password}).status_code


def test_eleventh_try_for_one_account_is_refused_from_any_ip(
    app: FastAPI, users: UserFactory, settings: Settings
) -> None:
    user = users.create()
    assert settings.login_max_attempts == 10 and settings.login_window_s == 180
    # Ten wrong passwords, each from a different address: the IP limit never applies.
    statuses = [attempt(client_at(app, f"198.51.100.{i}"), user.email) for i in range(1, 11)]
    assert statuses == [401] * 10
    resp = client_at(app, "198.51.100.99").post(LOGIN, json={"email": user.email, "password": DEFAULT_PASSWORD})
    assert resp.status_code == 429  # even the right password, from a fresh address
    retry = int(resp.headers["retry-after"])
    assert 170 <= retry <= 180
    assert "Wait" in resp.json()["detail"] and "try again" in resp.json()["detail"]
    # Other accounts are not affected.
    other = users.create()
    assert attempt(client_at(app, "198.51.100.99"), other.email, DEFAULT_PASSWORD) == 200


def test_eleventh_try_from_one_ip_is_refused_for_any_account(app: FastAPI, users: UserFactory) -> None:
    user = users.create()
    c = client_at(app, "203.0.113.7")
    # Ten wrong tries at ten different (unknown) accounts from one address.
    assert [attempt(c, f"guess{i}@example.com") for i in range(10)] == [401] * 10
    resp = c.post(LOGIN, json={"email": user.email, "password": DEFAULT_PASSWORD})
    assert resp.status_code == 429
    assert int(resp.headers["retry-after"]) > 0
    # The same account from another address is fine: the limit was on the IP.
    assert attempt(client_at(app, "203.0.113.8"), user.email, DEFAULT_PASSWORD) == 200


def test_success_clears_the_accounts_failures_but_not_the_ips(
    app: FastAPI, users: UserFactory, database: Database
) -> None:
    user = users.create()
    c = client_at(app, "192.0.2.1")
    assert [attempt(c, user.email) for _ in range(9)] == [401] * 9
    assert attempt(c, user.email, DEFAULT_PASSWORD) == 200
    with database.session() as db:
        keys = db.scalars(select(LoginAttempt.key)).all()
    assert keys == [throttle.ip_key("192.0.2.1")] * 9  # the account's rows are gone
    # One more failure from this IP fills its quota; the account alone would still have 9 left.
    assert attempt(c, user.email) == 401
    assert attempt(c, user.email, DEFAULT_PASSWORD) == 429
    assert attempt(client_at(app, "192.0.2.2"), user.email, DEFAULT_PASSWORD) == 200


def test_throttled_tries_do_not_check_the_password(
    app: FastAPI, users: UserFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = users.create()
    hasher = CountingHasher()
    monkeypatch.setattr(passwords, "_hasher", hasher)
    c = client_at(app, "192.0.2.50")
    for _ in range(10):
        attempt(c, user.email)
    assert len(hasher.verified) == 10  # control: each failed try ran one Argon2 verify
    assert attempt(c, user.email) == 429
    assert len(hasher.verified) == 10


def test_the_limit_is_shared_across_app_instances(
    app: FastAPI, settings: Settings, users: UserFactory, database: Database
) -> None:
    """Two app instances (two engines, as two worker processes would have) share the counts."""
    user = users.create()
    second_app = create_app(settings)
    for i in range(10):
        target = app if i % 2 else second_app
        assert attempt(client_at(target, f"198.51.100.{i}"), user.email) == 401
    assert attempt(client_at(app, "198.51.100.200"), user.email, DEFAULT_PASSWORD) == 429
    assert attempt(client_at(second_app, "198.51.100.201"), user.email, DEFAULT_PASSWORD) == 429


def test_failures_leave_the_window(users: UserFactory, database: Database, settings: Settings) -> None:
    """Tries older than the window no longer count, and purging deletes them."""
    keys = [throttle.ip_key("192.0.2.9"), throttle.account_key("x@example.com")]
    old = utcnow() - timedelta(seconds=settings.login_window_s + 1)
    with database.session() as db:
        for _ in range(10):
            throttle.record_failure(db, keys, now=old)
        throttle.check_allowed(db, keys, settings)  # nothing in the window: allowed
        for _ in range(10):
            throttle.record_failure(db, keys[:1])
        with pytest.raises(throttle.TooManyRequests) as info:
            throttle.check_allowed(db, keys, settings)
        assert 1 <= info.value.retry_after_s <= settings.login_window_s
        assert throttle.purge_old_attempts(db, settings) == 20
        assert db.scalar(select(func.count()).select_from(LoginAttempt)) == 10


T0 = datetime(2025, 6, 1, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("oldest_offset_s", "window_s", "expected"),
    [
        (0, 180, 180),  # the oldest try is now: the whole window
        (-60, 180, 120),
        (-179.2, 180, 1),  # rounded up, never 0
        (-179.99, 180, 1),
        (-200, 180, 1),  # already outside (should not be asked): at least 1
        (-0.5, 180, 180),
        (-30, 60, 30),
    ],
)
def test_retry_after_table(oldest_offset_s: float, window_s: float, expected: int) -> None:
    assert throttle.retry_after_s(T0 + timedelta(seconds=oldest_offset_s), T0, window_s) == expected


def test_account_key_does_not_store_the_address() -> None:
    key = throttle.account_key("secret.person@example.com")
    assert "secret" not in key and "example" not in key
    assert key == throttle.account_key("secret.person@example.com")
    assert key != throttle.account_key("other@example.com")
