"""Shared fixtures: a fresh database (SQLite by default, PostgreSQL when
``SPACECLIP_TEST_DATABASE_URL`` is set), the app, clients and users."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import text

from spaceclip.config import Settings
from spaceclip.db import Database
from spaceclip.main import create_app
from spaceclip.migrate import upgrade
from spaceclip.models.tables import Base
from spaceclip.tasks.worker import Worker
from tests.factories import TEST_ORIGIN, UserFactory
from tests.llm_server import llm_server  # noqa: F401  (session fixture: real llama.cpp + SmolLM2)
from tests.speech import three_speaker_analysis, three_speaker_conversation  # noqa: F401  (session fixtures)

TEST_DB_ENV = "SPACECLIP_TEST_DATABASE_URL"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark ``db`` every test that uses the database.

    Every database-backed fixture (``app``, ``client``, ``worker``, the users…) stands on
    ``database``, so a test's fixture closure names it exactly when it touches the database; a test
    that reaches the database another way (a CLI subprocess) carries ``@pytest.mark.db`` itself.
    ``scripts/test.sh`` runs everything on SQLite, then ``-m db`` on PostgreSQL: the tests that never
    touch the database (pure functions, media, speech) would only repeat the same computation there.
    """
    for item in items:
        if "database" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.db)


def _test_database_url(tmp_path: Path) -> str:
    import os

    return os.environ.get(TEST_DB_ENV) or f"sqlite:///{tmp_path / 'spaceclip.db'}"


def _wipe(database: Database) -> None:
    """Empty every table (PostgreSQL is shared between tests; SQLite files are per test anyway)."""
    with database.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for one test: its own data dir, database and queue file, fast Argon2 kept real."""
    data = tmp_path / "data"
    s = Settings(
        data_dir=data,
        database_url_setting=_test_database_url(tmp_path),
        job_heartbeat_s=0.5,
        job_stale_s=3.0,
        job_retry_backoff_s=0.2,
        ollama_host="http://127.0.0.1:9",  # nothing listens on the discard port
        _env_file=None,  # type: ignore[call-arg]
    )
    s.ensure_dirs()
    return s


@pytest.fixture
def database(settings: Settings) -> Iterator[Database]:
    upgrade(settings)
    db = Database.from_url(settings.database_url)
    _wipe(db)
    yield db
    _wipe(db)
    db.dispose()


@pytest.fixture
def app(settings: Settings, database: Database) -> FastAPI:
    return create_app(settings)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    """A browser-like client: cookies kept, same-origin ``Origin`` sent on every request."""
    with TestClient(app, base_url=TEST_ORIGIN, headers={"Origin": TEST_ORIGIN}) as c:
        yield c


@pytest.fixture
def make_client(app: FastAPI) -> Iterator[object]:
    """Factory for more independent clients (another browser, another user)."""
    clients: list[TestClient] = []

    def factory(origin: str | None = TEST_ORIGIN) -> TestClient:
        headers = {"Origin": origin} if origin else {}
        c = TestClient(app, base_url=TEST_ORIGIN, headers=headers)
        c.__enter__()
        clients.append(c)
        return c

    yield factory
    for c in clients:
        c.__exit__(None, None, None)


@pytest.fixture
def worker(settings: Settings, database: Database) -> Iterator[Worker]:
    """A real worker (Huey consumer threads + maintenance) in this process, stopped after the test."""
    w = Worker(settings)
    w.start()
    yield w
    w.stop()


@pytest.fixture
def users(database: Database, settings: Settings) -> UserFactory:
    return UserFactory(database, settings)
