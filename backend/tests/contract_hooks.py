"""Schemathesis hooks for :mod:`tests.contract` (loaded by ``SCHEMATHESIS_HOOKS``).

Before every request: a live session cookie of the seeded user (a new session whenever a logout
ended the last one) with the same-origin ``Origin`` that cookie-authenticated writes need, and most
path ids swapped for the seeded objects' so that the cases reach the routes' real work. A DELETE gets
a fresh object of its own (a project, clip, export or session), so the seeded ones survive the run.
"""

from __future__ import annotations

import json
import os
import zlib
from functools import cache
from typing import Any

import schemathesis
from sqlalchemy import select

from spaceclip.auth.sessions import create_session, hash_token
from spaceclip.config import Settings
from spaceclip.db import Database
from spaceclip.models.tables import Clip, Export, Project, User, UserSession

STATE_ENV = "SPACECLIP_CONTRACT_STATE"
#: One generated path id in this many is left as generated (it gives a 404 or a 422 of its own).
KEEP_GENERATED = 4


@cache
def _state() -> dict[str, Any]:
    state: dict[str, Any] = json.loads(open(os.environ[STATE_ENV], encoding="utf-8").read())  # noqa: SIM115
    return state


@cache
def _database() -> Database:
    return Database.from_url(_state()["database_url"])


@cache
def _settings() -> Settings:
    state = _state()
    return Settings(data_dir=state["data_dir"], database_url_setting=state["database_url"], _env_file=None)  # type: ignore[call-arg]


_token: list[str] = []


def _live_token() -> str:
    """The cached session token while its row lives; else a new session for the seeded user."""
    with _database().session() as db:
        if _token and db.scalar(select(UserSession.id).where(UserSession.token_hash == hash_token(_token[0]))):
            return _token[0]
        user = db.get(User, _state()["user_id"])
        assert user is not None
        _token[:] = [create_session(db, user, _settings()).token]
        return _token[0]


def _disposable(param: str) -> str | None:
    """A fresh object for a DELETE to remove, or None when ``param`` names no deletable kind."""
    state, ids = _state(), _state()["ids"]
    with _database().session() as db:
        owner = state["user_id"]
        if param == "project_id":
            row: Any = Project(owner_id=owner, name="to delete", source_kind="upload", status="failed")
        elif param == "clip_id":
            row = Clip(project_id=ids["project_id"], owner_id=owner, title="to delete", start=0.2, end=5.5)
        elif param == "export_id":
            row = Export(
                clip_id=ids["clip_id"], project_id=ids["project_id"], owner_id=owner, platform="x", status="failed"
            )
        elif param == "session_id":
            user = db.get(User, owner)
            assert user is not None
            return create_session(db, user, _settings()).session.id
        else:
            return None
        db.add(row)
        db.flush()
        return str(row.id)


def _swap_ids(case: Any) -> None:
    params = case.path_parameters
    if not params:
        return
    ids = _state()["ids"]
    deleting = case.method.upper() == "DELETE"
    negative = case._meta is not None and case._meta.generation.mode.is_negative
    if negative:
        # The generated values stay (the case is about them), but a DELETE never gets a seeded object:
        # a case negative in its headers or query alone still deletes what its path names.
        for name, value in list(params.items()):
            fresh = _disposable(name) if deleting and value in ids.values() else None
            if fresh is not None:
                params[name] = fresh
        return
    for name, value in list(params.items()):
        seeded = value in ids.values()  # Schemathesis reuses ids it saw in responses
        if not seeded and zlib.crc32(str(value).encode()) % KEEP_GENERATED == 0:
            continue
        fresh = _disposable(name) if deleting else None
        if fresh is not None:
            params[name] = fresh
        elif name in ids and not seeded:
            params[name] = ids[name]


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    _swap_ids(case)
    state = _state()
    case.headers = {
        **(case.headers or {}),
        "Cookie": f"{state['cookie_name']}={_live_token()}",
        "Origin": state["origin"],
    }
