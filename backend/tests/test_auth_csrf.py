"""CSRF: every state-changing /api route refuses cookie auth without a same-origin Origin.

The routes are read from the app at test time, so routes other modules add later are covered too.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from spaceclip.api.deps import AuthDep
from spaceclip.config import Settings
from spaceclip.db import Database
from spaceclip.models.tables import Job, LoginAttempt, Project, User, UserSession
from tests.factories import DEFAULT_PASSWORD, TEST_ORIGIN, UserFactory
from tests.test_auth_at_rest import dump_database, token_vault

__all__ = ["token_vault"]
pytestmark = pytest.mark.usefixtures("token_vault")

ClientFactory = Callable[..., TestClient]
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
FOREIGN = "https://evil.example"
DUMMY_ID = "0" * 32


def state_changing_routes(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path) of every POST/PUT/PATCH/DELETE route under /api, nested routers included."""
    try:  # FastAPI >= 0.13x wraps included routers; this walks them.
        from fastapi.routing import iter_route_contexts

        routes: list[Any] = list(iter_route_contexts(app.routes))
    except ImportError:  # older FastAPI: app.routes is already flat
        routes = list(app.routes)
    found = set()
    for route in routes:
        path, methods = getattr(route, "path", None), getattr(route, "methods", None) or set()
        if path and path.startswith("/api/"):
            found.update((method, path) for method in methods & WRITE_METHODS)
    return sorted(found)


def fill(path: str, known: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)(?::[^}]*)?\}", lambda m: known.get(m.group(1), DUMMY_ID), path)


def owned_objects(database: Database, user_id: str) -> dict[str, str]:
    """Real objects of the user for the path parameters, so an accepted write would change them."""
    with database.session() as db:
        project = Project(owner_id=user_id, name="Victim's project", source_kind="upload")
        db.add(project)
        db.flush()
        job = Job(project_id=project.id, owner_id=user_id, kind="probe")
        db.add(job)
        db.flush()
        return {"project_id": project.id, "job_id": job.id}


def snapshot(database: Database) -> list[tuple[str, str, Any]]:
    return sorted(dump_database(database), key=repr)


def test_route_discovery_sees_the_auth_routes(app: FastAPI) -> None:
    found = set(state_changing_routes(app))
    # Cross-check with the OpenAPI document: the walk misses no documented write.
    documented = {
        (method.upper(), path)
        for path, ops in app.openapi()["paths"].items()
        for method in ops
        if method.upper() in WRITE_METHODS and path.startswith("/api/")
    }
    assert documented <= found
    assert {
        ("POST", "/api/auth/login"),
        ("POST", "/api/auth/register"),
        ("POST", "/api/auth/logout"),
        ("POST", "/api/auth/logout-all"),
        ("POST", "/api/auth/password"),
        ("DELETE", "/api/auth/sessions/{session_id}"),
    } <= found


@pytest.mark.parametrize("origin", [FOREIGN, None, "null", "http://testserver.evil.example"])
def test_every_write_with_cookie_and_bad_origin_is_refused(
    origin: str | None,
    app: FastAPI,
    make_client: ClientFactory,
    users: UserFactory,
    database: Database,
) -> None:
    user, token = users.create_with_token()
    browser = users.with_cookie(make_client(TEST_ORIGIN), token)
    session_id = browser.get("/api/auth/sessions").json()["items"][0]["id"]
    known = {"session_id": session_id, **owned_objects(database, user.id)}
    before = snapshot(database)

    attacker = users.with_cookie(make_client(origin), token)
    checked = []
    for method, path in state_changing_routes(app):
        url = fill(path, known)
        resp = attacker.request(method, url, json={"email": user.email, "password": DEFAULT_PASSWORD})
        assert resp.status_code == 403, f"{method} {path} answered {resp.status_code}: {resp.text}"
        assert "Origin" in resp.json()["detail"] or "not allowed" in resp.json()["detail"]
        checked.append(f"{method} {path}")
    assert len(checked) >= 6

    # Nothing changed: every row of every table is as before, and the session still works.
    assert snapshot(database) == before
    assert browser.get("/api/auth/me").status_code == 200


def test_same_origin_cookie_writes_are_allowed(
    client: TestClient, users: UserFactory, settings: Settings, database: Database
) -> None:
    user = users.create()
    users.sign_in(client, user)
    resp = client.post("/api/auth/logout-all")
    assert resp.status_code == 200


def test_trusted_origin_is_allowed(make_client: ClientFactory, users: UserFactory, settings: Settings) -> None:
    settings.trusted_origins = ["https://app.example"]
    c = make_client("https://app.example")
    users.sign_in(c, users.create())
    assert c.post("/api/auth/logout-all").status_code == 200


def test_bearer_writes_without_origin_are_allowed(
    app: FastAPI, make_client: ClientFactory, users: UserFactory, database: Database
) -> None:
    """API clients authenticate by header, which a cross-site page cannot send: no Origin needed."""
    user = users.create()
    api = make_client(None)
    for method, path in state_changing_routes(app):
        token = users.token_for(user)
        resp = api.request(
            method,
            fill(path, {}),
            headers={"Authorization": f"Bearer {token}"},
            json={"email": "nobody@example.com", "password": "wrong password"},
        )
        refused_as_csrf = resp.status_code == 403 and "Origin" in resp.text
        assert not refused_as_csrf, f"{method} {path}: {resp.text}"
        assert resp.status_code < 500, f"{method} {path}: {resp.status_code} {resp.text}"
    token = users.token_for(user)
    assert api.post("/api/auth/logout-all", headers={"Authorization": f"Bearer {token}"}).status_code == 200


@pytest.mark.parametrize("path", ["/api/auth/login", "/api/auth/register"])
def test_login_csrf_foreign_origin_is_refused_even_without_a_cookie(
    path: str, make_client: ClientFactory, users: UserFactory, database: Database
) -> None:
    user = users.create()
    attacker = make_client(FOREIGN)
    body = {"email": user.email if path.endswith("login") else "victim@example.com", "password": DEFAULT_PASSWORD}
    resp = attacker.post(path, json=body)
    assert resp.status_code == 403
    assert "set-cookie" not in resp.headers
    with database.session() as db:
        assert db.scalar(select(func.count()).select_from(UserSession)) == 0
        assert db.scalar(select(func.count()).select_from(User)) == 1
        assert db.scalar(select(func.count()).select_from(LoginAttempt)) == 0


@pytest.mark.parametrize("path", ["/api/auth/login", "/api/auth/register"])
def test_signin_without_origin_needs_no_cookie(path: str, make_client: ClientFactory, users: UserFactory) -> None:
    """Scripts (no Origin, no cookie) may sign in; with a session cookie the Origin is required."""
    user = users.create()
    script = make_client(None)
    body = {"email": user.email if path.endswith("login") else "script@example.com", "password": DEFAULT_PASSWORD}
    assert script.post(path, json=body).status_code in {200, 201}
    stale = users.with_cookie(make_client(None), "anything")
    body["email"] = user.email if path.endswith("login") else "script2@example.com"
    assert stale.post(path, json=body).status_code == 403


def test_dependency_layer_checks_origin_without_the_middleware(
    settings: Settings, database: Database, users: UserFactory
) -> None:
    """get_auth refuses cookie writes with a foreign Origin on its own (second layer)."""
    from spaceclip.api.errors import install_error_handlers

    bare = FastAPI()
    bare.state.settings = settings
    bare.state.db = database
    install_error_handlers(bare)

    @bare.post("/api/thing")
    def post_thing(auth: AuthDep) -> dict[str, str]:
        return {"user": auth.user.id}

    token = users.token_for(users.create())
    for origin, expected in ((FOREIGN, 403), (None, 403), (TEST_ORIGIN, 200)):
        headers = {"Origin": origin} if origin else {}
        c = TestClient(bare, base_url=TEST_ORIGIN, headers=headers)
        c.cookies.set(settings.session_cookie_name, token)
        assert c.post("/api/thing").status_code == expected
    bearer_only = TestClient(bare, base_url=TEST_ORIGIN)
    assert bearer_only.post("/api/thing", headers={"Authorization": f"Bearer {token}"}).status_code == 200
