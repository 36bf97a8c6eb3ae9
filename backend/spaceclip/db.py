"""Database engine, session factory, and the one place that commits.

Transactions belong to the use cases (``spaceclip.usecases``, ``spaceclip.auth``): a use case that
writes is decorated with :func:`transactional`, or runs inside :func:`transaction`, and the outermost
one commits when it returns and rolls back when it raises. Use cases called from other use cases
join the caller's transaction. Entry points (routes, tasks, the CLI) never call ``commit()``; a
use case that must release the database part-way (before a slow password hash, or to publish a
cancel request to workers) commits explicitly and says why.

SQLite (the default) runs in WAL mode with a busy timeout. Reads never take its write lock: a
transaction starts with a plain (deferred) ``BEGIN`` and reads a snapshot, as many at once as
like. The first write of a transaction (an INSERT, UPDATE or DELETE, DDL, a savepoint, or a
``SELECT … FOR UPDATE``, which SQLite cannot express) ends that read-only snapshot and starts
again with ``BEGIN IMMEDIATE``: the write lock is taken up front, waiting its turn behind other
writers (the busy timeout), and from then on the transaction sees the latest data. Upgrading the
read snapshot in place is what SQLite cannot do safely: it fails at once with "database is
locked" (SQLITE_BUSY, or SQLITE_BUSY_SNAPSHOT when another writer committed since the snapshot),
and the busy timeout does not retry it. What was read before the first write may therefore be
older than the write, as under PostgreSQL's READ COMMITTED; rows whose updates must not be lost
carry a version column (the ORM's ``version_id_col``, a 409 on conflict) or are read ``FOR
UPDATE``. PostgreSQL is used when ``DATABASE_URL`` names it.

Connections are pooled per process; the API sizes its pool to the requests it works on at once
(see :func:`spaceclip.main.create_app` and docs/DEVELOPING.md, "Concurrency"). A checkout that
waits longer than the pool timeout, or a SQLite write that waits longer than the busy timeout,
raises :class:`~spaceclip.errors.ServiceBusy` (503 with ``Retry-After``) instead of hanging.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import create_engine, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Engine, ExceptionContext, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from spaceclip.errors import ServiceBusy

SQLITE_BUSY_TIMEOUT_MS = 30_000

#: Connections a pool opens at most, unless the caller says (the API sizes its own pool).
DEFAULT_POOL_CONNECTIONS = 30
#: Of those, how many are kept open while idle (PostgreSQL: one server process each).
POOL_KEPT_OPEN = 10
#: How long a checkout waits for a free connection before :class:`ServiceBusy`.
DEFAULT_POOL_TIMEOUT_S = 30.0

BUSY_MESSAGE = "SpaceClip is busy right now. Wait a few seconds and try again."
BUSY_RETRY_AFTER_S = 2

_SQLITE_TXN = "spaceclip.sqlite_txn"  # key in a connection's info: "read" or "write"
_NEUTRAL = frozenset({"BEGIN", "COMMIT", "END", "ROLLBACK", "RELEASE"})
_READS = frozenset({"SELECT", "PRAGMA", "EXPLAIN", "VALUES"})
_WRITE_WORDS = ("INSERT", "UPDATE", "DELETE", "REPLACE")

_DEPTH = "spaceclip.transaction_depth"  # key in Session.info

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def transaction(db: Session) -> Iterator[Session]:
    """A unit of work on ``db``: the outermost block commits on success and rolls back on error;
    blocks nested inside it (a use case calling another) join it."""
    depth: int = db.info.get(_DEPTH, 0)
    db.info[_DEPTH] = depth + 1
    try:
        yield db
        if depth == 0:
            db.commit()
    except BaseException:
        if depth == 0:
            db.rollback()
        raise
    finally:
        db.info[_DEPTH] = depth


def transactional(fn: Callable[Concatenate[Session, P], R]) -> Callable[Concatenate[Session, P], R]:
    """Run the use case ``fn(db, ...)`` in :func:`transaction` on its first argument."""

    @functools.wraps(fn)
    def run(db: Session, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with transaction(db):
            return fn(db, *args, **kwargs)

    return run


def _first_word(statement: str) -> str:
    words = statement.lstrip(" \t\r\n(").split(None, 1)
    return words[0].upper() if words else ""


def sqlite_statement_writes(statement: str, locks_rows: bool = False) -> bool | None:
    """Whether ``statement`` needs SQLite's write lock: True (writes), False (reads), None (neither:
    transaction control). Anything not known to be a read counts as a write."""
    word = _first_word(statement)
    if word in _NEUTRAL:
        return None
    if word == "WITH":
        upper = statement.upper()
        return locks_rows or any(w in upper for w in _WRITE_WORDS)
    return locks_rows or word not in _READS


def _locks_rows(context: Any) -> bool:
    """A ``SELECT … FOR UPDATE`` (SQLite drops the clause from the SQL, so look at the statement)."""
    compiled = getattr(context, "compiled", None)
    return getattr(getattr(compiled, "statement", None), "_for_update_arg", None) is not None


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take over transaction control from the driver so BEGIN / BEGIN IMMEDIATE are ours.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN")  # deferred: a read snapshot, no lock
        conn.info[_SQLITE_TXN] = "read"

    @event.listens_for(engine, "before_cursor_execute")
    def _before_execute(
        conn: Any, _cursor: Any, statement: str, _params: Any, context: Any, _executemany: bool
    ) -> None:
        if conn.info.get(_SQLITE_TXN) != "read":
            return
        if not sqlite_statement_writes(statement, _locks_rows(context)):
            return
        # The first write: end the read-only snapshot (nothing to commit) and start over holding
        # the write lock, waiting for it up to the busy timeout. See the module docstring.
        conn.info[_SQLITE_TXN] = "write"
        raw = conn.connection.dbapi_connection
        raw.execute("COMMIT")
        raw.execute("BEGIN IMMEDIATE")

    @event.listens_for(engine, "handle_error")
    def _on_error(context: ExceptionContext) -> ServiceBusy | None:
        # The busy timeout ran out: the database is taken by other writers. Tell the caller to come
        # back (503) rather than failing the request as a bug.
        if "database is locked" in str(context.original_exception):
            busy = ServiceBusy(BUSY_MESSAGE, retry_after_s=BUSY_RETRY_AFTER_S, detail="SQLite busy timeout")
            busy.__cause__ = context.original_exception
            return busy
        return None


class _BusyQueuePool(QueuePool):
    """A QueuePool whose checkout timeout is a :class:`ServiceBusy` (503, Retry-After)."""

    def _do_get(self) -> Any:
        try:
            return super()._do_get()
        except sa_exc.TimeoutError as exc:
            raise ServiceBusy(BUSY_MESSAGE, retry_after_s=BUSY_RETRY_AFTER_S, detail=str(exc)) from exc


def make_engine(
    url: str, *, connections: int = DEFAULT_POOL_CONNECTIONS, pool_timeout_s: float = DEFAULT_POOL_TIMEOUT_S
) -> Engine:
    """Create an engine for ``url`` with SpaceClip's connection settings.

    ``connections`` is the most the pool opens at once (``POOL_KEPT_OPEN`` of them stay open while
    idle); a checkout waits up to ``pool_timeout_s`` for one, then raises :class:`ServiceBusy`.
    """
    parsed = make_url(url)
    kept = min(POOL_KEPT_OPEN, connections)
    pool: dict[str, Any] = {
        "poolclass": _BusyQueuePool,
        "pool_size": kept,
        "max_overflow": connections - kept,
        "pool_timeout": pool_timeout_s,
    }
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
            **pool,
        )
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, **pool)


@dataclass
class Database:
    """An engine and its session factory; one per process."""

    engine: Engine
    sessionmaker: sessionmaker[Session]

    @classmethod
    def from_url(
        cls, url: str, *, connections: int = DEFAULT_POOL_CONNECTIONS, pool_timeout_s: float = DEFAULT_POOL_TIMEOUT_S
    ) -> Database:
        engine = make_engine(url, connections=connections, pool_timeout_s=pool_timeout_s)
        return cls(engine=engine, sessionmaker=sessionmaker(engine, expire_on_commit=False))

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one :func:`transaction`: committed on success, rolled back on error."""
        with self.sessionmaker() as db, transaction(db):
            yield db

    def dispose(self) -> None:
        self.engine.dispose()
