"""Concurrency: reads never take SQLite's write lock, writers and readers at once all complete, the
API under many requests answers them all, and when it is saturated it says 503 with Retry-After.

The SQLite tests build their own database file (they are about SQLite, so they do not join the
PostgreSQL run); the API tests run against whichever database the suite uses.
"""

from __future__ import annotations

import contextlib
import json
import socket
import sqlite3
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from spaceclip.config import Settings
from spaceclip.db import Database, sqlite_statement_writes
from spaceclip.errors import ServiceBusy
from spaceclip.main import create_app
from spaceclip.migrate import upgrade
from spaceclip.models.tables import Project, User
from tests.factories import UserFactory
from tests.media import cached, make_audio
from tests.test_uploads import LiveServer, file_head, request_head, wait_until
from tests.test_worker import make_project, submit_job

CLIENT_TIMEOUT_S = 60.0  # a bound on every request here, never a measurement


@pytest.fixture(scope="module")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("media")


# --- SQLite: its own file ----------------------------------------------------------------------------


@pytest.fixture
def sqlite_settings(tmp_path: Path) -> Settings:
    s = Settings(
        data_dir=tmp_path / "data",
        database_url_setting=f"sqlite:///{tmp_path / 'concurrency.db'}",
        ollama_host="http://127.0.0.1:9",
        _env_file=None,  # type: ignore[call-arg]
    )
    s.ensure_dirs()
    upgrade(s)
    return s


@pytest.fixture
def sqlite_db(sqlite_settings: Settings) -> Iterator[Database]:
    database = Database.from_url(sqlite_settings.database_url)
    yield database
    database.dispose()


def sqlite_path(settings: Settings) -> str:
    return settings.database_url.removeprefix("sqlite:///")


def add_user(database: Database, email: str) -> str:
    with database.session() as db:
        user = User(email=email, password_hash="not a real hash")
        db.add(user)
        db.flush()
        return user.id


@pytest.mark.parametrize(
    ("statement", "writes"),
    [
        ("SELECT 1", False),
        ("  (SELECT 1) UNION (SELECT 2)", False),
        ("PRAGMA foreign_keys", False),
        ("WITH t AS (SELECT 1) SELECT * FROM t", False),
        ("INSERT INTO users VALUES (1)", True),
        ("update projects set name = 'x'", True),
        ("DELETE FROM jobs", True),
        ("WITH old AS (SELECT 1) DELETE FROM jobs", True),
        ("CREATE TABLE t (x)", True),
        ("SAVEPOINT sa_savepoint_1", True),
        ("BEGIN", None),
        ("COMMIT", None),
        ("ROLLBACK TO SAVEPOINT sa_savepoint_1", None),
        ("RELEASE SAVEPOINT sa_savepoint_1", None),
    ],
)
def test_which_statements_need_the_write_lock(statement: str, writes: bool | None) -> None:
    assert sqlite_statement_writes(statement) is writes


def test_select_for_update_counts_as_a_write() -> None:
    assert sqlite_statement_writes("SELECT * FROM projects", locks_rows=True) is True


def test_the_upgrade_hazard_is_real_with_plain_sqlite(sqlite_settings: Settings) -> None:
    """The case the engine avoids: a read snapshot that another writer has moved past cannot write."""
    path = sqlite_path(sqlite_settings)
    reader = sqlite3.connect(path, isolation_level=None, timeout=5)
    writer = sqlite3.connect(path, isolation_level=None, timeout=5)
    try:
        writer.execute("CREATE TABLE hazard (x INTEGER)")
        reader.execute("BEGIN")
        reader.execute("SELECT COUNT(*) FROM hazard").fetchall()  # the snapshot starts here
        writer.execute("INSERT INTO hazard VALUES (1)")  # committed at once
        with pytest.raises(sqlite3.OperationalError, match="locked"):  # SQLITE_BUSY_SNAPSHOT: no retry
            reader.execute("INSERT INTO hazard VALUES (2)")
    finally:
        reader.close()
        writer.close()


def test_a_read_that_goes_on_to_write_after_another_writer_committed(sqlite_db: Database) -> None:
    """The same sequence through the engine: the first write restarts as a write transaction."""
    add_user(sqlite_db, "first@example.com")
    with sqlite_db.sessionmaker() as db:
        assert db.scalar(select(func.count()).select_from(User)) == 1  # a read snapshot...
        add_user(sqlite_db, "meanwhile@example.com")  # ...that another writer moves past
        db.add(User(email="late@example.com", password_hash="h"))
        db.commit()
        assert db.scalar(select(func.count()).select_from(User)) == 3


def test_reads_go_on_while_a_writer_holds_the_lock(sqlite_settings: Settings, sqlite_db: Database) -> None:
    owner = add_user(sqlite_db, "owner@example.com")
    holder = sqlite3.connect(sqlite_path(sqlite_settings), isolation_level=None, timeout=5)
    try:
        holder.execute("BEGIN IMMEDIATE")  # the write lock, held until the reads are done
        holder.execute("UPDATE users SET display_name = 'busy' WHERE id = ?", (owner,))

        def read(_i: int) -> int:
            with sqlite_db.session() as db:
                return len(db.scalars(select(User)).all())

        with ThreadPoolExecutor(16) as pool:
            counts = list(pool.map(read, range(48), timeout=CLIENT_TIMEOUT_S))
        assert counts == [1] * 48
        assert holder.in_transaction, "the reads finished while the writer still held the lock"
        holder.execute("COMMIT")
    finally:
        holder.close()


def test_concurrent_writers_and_readers_all_complete(sqlite_db: Database) -> None:
    owner = add_user(sqlite_db, "owner@example.com")
    writers, per_writer = 6, 15
    done = threading.Event()
    failures: list[BaseException] = []
    reads = 0

    def write(w: int) -> None:
        for i in range(per_writer):
            with sqlite_db.session() as db:
                # Read first (a snapshot others move past), then write: the case that used to fail.
                before = db.scalar(select(func.count()).select_from(Project).where(Project.owner_id == owner))
                assert before is not None
                db.add(Project(owner_id=owner, name=f"w{w}-{i}", source_kind="upload"))

    def read() -> None:
        nonlocal reads
        while not done.is_set():
            with sqlite_db.session() as db:
                db.scalars(select(Project).where(Project.owner_id == owner)).all()
            reads += 1

    def guarded(fn: object, *args: object) -> None:
        try:
            fn(*args)  # type: ignore[operator]
        except BaseException as exc:
            failures.append(exc)

    readers = [threading.Thread(target=guarded, args=(read,)) for _ in range(6)]
    for t in readers:
        t.start()
    try:
        with ThreadPoolExecutor(writers) as pool:
            list(pool.map(lambda w: guarded(write, w), range(writers), timeout=CLIENT_TIMEOUT_S))
    finally:
        done.set()
        for t in readers:
            t.join(CLIENT_TIMEOUT_S)
    assert failures == []
    assert reads > 0
    with sqlite_db.session() as db:
        assert db.scalar(select(func.count()).select_from(Project)) == writers * per_writer


def test_api_reads_answer_while_a_writer_holds_the_lock(sqlite_settings: Settings, sqlite_db: Database) -> None:
    users = UserFactory(sqlite_db, sqlite_settings)
    token = users.token_for(users.create())
    holder = sqlite3.connect(sqlite_path(sqlite_settings), isolation_level=None, timeout=5)
    try:
        with LiveServer(create_app(sqlite_settings, web=False)) as live:
            holder.execute("BEGIN IMMEDIATE")
            holder.execute("UPDATE users SET display_name = 'busy'")
            statuses = many_gets(live, token, ["/api/projects", "/api/health", "/api/auth/me"] * 10)
            assert statuses == [200] * 30
            assert holder.in_transaction
            holder.execute("COMMIT")
    finally:
        holder.close()


def test_a_pool_with_no_connection_free_says_busy(sqlite_settings: Settings) -> None:
    database = Database.from_url(sqlite_settings.database_url, connections=1, pool_timeout_s=0.2)
    try:
        with database.engine.connect(), pytest.raises(ServiceBusy) as caught, database.engine.connect():
            pass
        assert caught.value.status_code == 503 and caught.value.retry_after_s > 0
    finally:
        database.dispose()


# --- The API over real HTTP (uvicorn on loopback) -----------------------------------------------------


def many_gets(live: LiveServer, token: str, paths: list[str]) -> list[int]:
    """All of ``paths`` requested at once (one connection each); their statuses in order."""
    headers = {"Authorization": f"Bearer {token}"}

    def get(path: str) -> int:
        return httpx.get(f"http://127.0.0.1:{live.port}{path}", headers=headers, timeout=CLIENT_TIMEOUT_S).status_code

    with ThreadPoolExecutor(len(paths)) as pool:
        return list(pool.map(get, paths))


def signed_in_with_project(
    users: UserFactory, database: Database, settings: Settings, media_dir: Path
) -> tuple[str, str]:
    """A new user's session token and the id of their project (a short WAV)."""
    user = users.create()
    return users.token_for(user), make_project(database, settings, user.id, cached(media_dir / "a.wav", make_audio))


def test_many_reads_and_an_upload_at_once_all_complete(
    settings: Settings, users: UserFactory, database: Database, media_dir: Path
) -> None:
    token, project_id = signed_in_with_project(users, database, settings, media_dir)
    reads = [
        "/api/projects",
        f"/api/projects/{project_id}",
        f"/api/projects/{project_id}/jobs",
        "/api/health",
    ] * 20
    wav = cached(media_dir / "a.wav", make_audio).read_bytes()
    with LiveServer(create_app(settings, web=False)) as live:
        base = f"http://127.0.0.1:{live.port}"

        def upload() -> int:
            resp = httpx.post(
                f"{base}/api/projects?analyze=false",
                headers={"Authorization": f"Bearer {token}"},
                files={"file": ("a.wav", wav, "audio/wav")},
                timeout=CLIENT_TIMEOUT_S,
            )
            return resp.status_code

        with ThreadPoolExecutor(1) as side:
            uploaded = side.submit(upload)
            statuses = many_gets(live, token, reads)
            assert uploaded.result(CLIENT_TIMEOUT_S) == 202
    assert statuses == [200] * len(reads)


@contextlib.contextmanager
def half_sent_upload(live: LiveServer, token: str, settings: Settings) -> Iterator[socket.socket]:
    """An upload whose body has begun and does not end: it holds its place in line until closed."""
    sock = live.connect()
    try:
        sock.sendall(request_head(token, "Transfer-Encoding: chunked\r\n"))
        head = file_head()
        sock.sendall(b"%x\r\n%s\r\n" % (len(head), head))
        wait_until(lambda: any(p.name.endswith(".part") for p in settings.upload_dir.rglob("*")))
        yield sock
    finally:
        sock.close()


def test_a_saturated_server_answers_503_with_retry_after(
    settings: Settings, users: UserFactory, database: Database
) -> None:
    settings.api_concurrency = 1
    settings.api_queue_timeout_s = 0.5
    token = users.token_for(users.create())
    with LiveServer(create_app(settings, web=False)) as live:
        health = f"http://127.0.0.1:{live.port}/api/health"
        with half_sent_upload(live, token, settings):
            resp = httpx.get(health, timeout=CLIENT_TIMEOUT_S)
            assert resp.status_code == 503
            assert int(resp.headers["Retry-After"]) > 0
            assert resp.headers["Cache-Control"] == "no-store"
            assert resp.json()["code"] == "service_busy"
            assert "try again" in resp.json()["detail"]
        # The place is given back when the upload's connection goes: the line moves again.
        wait_until(lambda: httpx.get(health, timeout=CLIENT_TIMEOUT_S).status_code == 200)


def test_event_streams_hold_no_place_in_line(
    settings: Settings, users: UserFactory, database: Database, media_dir: Path
) -> None:
    settings.api_concurrency = 1
    token, project_id = signed_in_with_project(users, database, settings, media_dir)
    job_id = submit_job(database, settings, project_id, enqueue=False)  # stays queued: streams stay open
    headers = {"Authorization": f"Bearer {token}"}
    with LiveServer(create_app(settings, web=False)) as live, contextlib.ExitStack() as streams:
        base = f"http://127.0.0.1:{live.port}"
        for _ in range(5):
            client = streams.enter_context(httpx.Client(base_url=base, headers=headers, timeout=CLIENT_TIMEOUT_S))
            resp = streams.enter_context(client.stream("GET", f"/api/jobs/{job_id}/events"))
            assert resp.status_code == 200
            first = next(line for line in resp.iter_lines() if line.startswith("data: "))
            assert json.loads(first.removeprefix("data: "))["status"] == "queued"
        # Five streams open, one place in line: the line is still free for everything else.
        resp = httpx.get(f"{base}/api/projects/{project_id}", headers=headers, timeout=CLIENT_TIMEOUT_S)
        assert resp.status_code == 200
