"""No raw session token is ever stored or logged.

Every token the code issues is recorded (``new_token`` is wrapped, still producing real tokens).
After each auth test, before the database is wiped, every row of every table is dumped through
SQLAlchemy (all columns, tables found by reflection so tables added later are included) and
searched for the raw tokens; on SQLite the database file and its WAL are searched byte for byte
too, and the captured log output as well. The other auth test modules import ``token_vault`` and
use it on every test.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import MetaData, select, update

from spaceclip.auth import sessions
from spaceclip.auth.sessions import hash_token
from spaceclip.config import Settings
from spaceclip.db import Database
from spaceclip.models.tables import User
from tests.factories import DEFAULT_PASSWORD, UserFactory

# Every token issued during this test run (all modules), checked against each test's database.
ALL_ISSUED: list[str] = []


def dump_database(database: Database) -> list[tuple[str, str, Any]]:
    """(table, column, value) for every column of every row of every table in the database."""
    meta = MetaData()
    meta.reflect(bind=database.engine)
    cells: list[tuple[str, str, Any]] = []
    with database.engine.connect() as conn:
        for table in meta.sorted_tables:
            for row in conn.execute(select(table)).mappings():
                cells.extend((table.name, column, value) for column, value in row.items())
    return cells


def _as_text(value: Any) -> str:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).decode("latin-1")
    return str(value)


def assert_no_raw_tokens(database: Database, settings: Settings, tokens: list[str], log_text: str) -> int:
    """Fail if any of ``tokens`` is in any cell, in the SQLite files or in the log; returns #cells."""
    cells = dump_database(database)
    for table, column, value in cells:
        text = _as_text(value)
        leaked = [t for t in tokens if t in text]
        assert not leaked, f"raw session token stored in {table}.{column}"
    if settings.is_sqlite:
        path = Path(settings.database_url.removeprefix("sqlite:///"))
        for file in (path, path.with_name(path.name + "-wal")):
            if file.exists():
                data = file.read_bytes()
                assert not [t for t in tokens if t.encode() in data], f"raw token in {file.name}"
    assert not [t for t in tokens if t in log_text], "raw session token written to the log"
    return len(cells)


@pytest.fixture
def token_vault(
    monkeypatch: pytest.MonkeyPatch, database: Database, settings: Settings, caplog: pytest.LogCaptureFixture
) -> Iterator[list[str]]:
    """Record every issued token; after the test, assert none is stored or logged anywhere."""
    issued: list[str] = []
    real_new_token = sessions.new_token

    def recording_new_token() -> str:
        token = real_new_token()
        issued.append(token)
        ALL_ISSUED.append(token)
        return token

    monkeypatch.setattr(sessions, "new_token", recording_new_token)
    caplog.set_level(logging.DEBUG)
    yield issued
    assert_no_raw_tokens(database, settings, ALL_ISSUED, caplog.text)


pytestmark = pytest.mark.usefixtures("token_vault")


def test_tokens_are_stored_only_as_sha256(
    client: TestClient,
    make_client: Callable[..., TestClient],
    users: UserFactory,
    database: Database,
    settings: Settings,
    token_vault: list[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    user = users.create()
    login = client.post("/api/auth/login", json={"email": user.email, "password": DEFAULT_PASSWORD})
    assert login.status_code == 200
    token = login.json()["token"]
    other = make_client()
    reg = other.post("/api/auth/register", json={"email": "new@example.com", "password": "another good password"})
    assert reg.status_code == 201
    assert other.get("/api/auth/me").json()["email"] == "new@example.com"
    assert client.get("/api/auth/me").json()["email"] == user.email
    assert token_vault == [token, reg.json()["token"]]

    cells = dump_database(database)
    values = {_as_text(v) for _, _, v in cells}
    # The dump sees the sessions table: the hashes are there, the tokens are not.
    assert hash_token(token) in values
    assert hash_token(reg.json()["token"]) in values
    assert assert_no_raw_tokens(database, settings, token_vault, caplog.text) == len(cells)


def test_the_check_can_fail(database: Database, settings: Settings, users: UserFactory) -> None:
    """Control: a token written into a column is found by the dump."""
    user = users.create()
    planted = secrets.token_urlsafe(32)
    with database.session() as db:
        db.execute(update(User).values(display_name=f"x{planted}y"))
    with pytest.raises(AssertionError, match=r"users\.display_name"):
        assert_no_raw_tokens(database, settings, [planted], "")
    assert user.id
