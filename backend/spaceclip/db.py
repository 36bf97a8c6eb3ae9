"""Database engine, session factory, and the one place that commits.

Transactions belong to the use cases (``spaceclip.usecases``, ``spaceclip.auth``): a use case that
writes is decorated with :func:`transactional`, or runs inside :func:`transaction`, and the outermost
one commits when it returns and rolls back when it raises. Use cases called from other use cases
join the caller's transaction. Entry points (routes, tasks, the CLI) never call ``commit()``; a
use case that must release the database part-way (before a slow password hash, or to publish a
cancel request to workers) commits explicitly and says why.

SQLite (the default) runs in WAL mode with a busy timeout, and every transaction starts with
``BEGIN IMMEDIATE`` so that concurrent writers wait for each other instead of failing with
"database is locked" when a read transaction tries to upgrade. PostgreSQL is used when
``DATABASE_URL`` names it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 30_000

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


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take over transaction control from the driver so BEGIN IMMEDIATE can be issued.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str) -> Engine:
    """Create an engine for ``url`` with SpaceClip's connection settings."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
            pool_size=10,
            max_overflow=20,
        )
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


@dataclass
class Database:
    """An engine and its session factory; one per process."""

    engine: Engine
    sessionmaker: sessionmaker[Session]

    @classmethod
    def from_url(cls, url: str) -> Database:
        engine = make_engine(url)
        return cls(engine=engine, sessionmaker=sessionmaker(engine, expire_on_commit=False))

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one :func:`transaction`: committed on success, rolled back on error."""
        with self.sessionmaker() as db, transaction(db):
            yield db

    def dispose(self) -> None:
        self.engine.dispose()
