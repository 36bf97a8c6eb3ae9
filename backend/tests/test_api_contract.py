"""The API's contract, route by route: one error body for every refusal, statuses and enums declared.

The full check over every operation is Schemathesis (``python -m tests.contract``, run by
``scripts/test.sh``); these tests pin the pieces it relies on, each of which it once found broken.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from spaceclip.api.deps import get_auth
from spaceclip.api.responses import automatic_statuses
from spaceclip.main import api_routers
from spaceclip.models.render_keys import AudiogramStyleKey, CaptionStyleKey, PlatformKey
from spaceclip.models.tables import Project
from spaceclip.services.ingest.storage import Storage
from spaceclip.services.render.audiogram import AUDIOGRAM_STYLES
from spaceclip.services.render.captions.styles import CAPTION_STYLES
from spaceclip.services.render.presets import PRESETS
from tests.factories import UserFactory

ERROR_KEYS = {"detail", "code"}


def _assert_error(body: dict[str, Any], code: str) -> None:
    assert ERROR_KEYS <= set(body) <= ERROR_KEYS | {"errors"}
    assert body["code"] == code
    assert isinstance(body["detail"], str) and body["detail"].endswith(".")


def test_validation_errors_use_the_one_error_body(client: TestClient, users: UserFactory) -> None:
    users.sign_in(client, users.create())
    response = client.get("/api/projects", params={"offset": 9223372036854775808, "limit": 0})
    assert response.status_code == 422
    body = response.json()
    _assert_error(body, "invalid_request")
    assert [e["loc"] for e in body["errors"]] == [["query", "limit"], ["query", "offset"]]
    assert all(set(e) == {"loc", "msg", "type"} for e in body["errors"])  # never the input back
    assert "query.offset" in body["detail"] and "Correct them" in body["detail"]


def test_offset_past_what_the_database_holds_is_refused_not_a_crash(client: TestClient, users: UserFactory) -> None:
    users.sign_in(client, users.create())
    assert client.get("/api/projects", params={"offset": 2**31 - 1}).json()["items"] == []
    too_far = client.get("/api/projects", params={"offset": 2**63})
    assert too_far.status_code == 422 and too_far.json()["errors"][0]["type"] == "less_than_equal"


def test_unknown_platform_or_style_is_refused_by_the_schema(client: TestClient, users: UserFactory) -> None:
    users.sign_in(client, users.create())
    response = client.post("/api/clips/nope/exports", json={"platform": "myspace"})
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["loc"] == ["body", "platform"] and error["type"] == "enum"
    assert "tiktok" in error["msg"]  # the message lists the valid keys
    preview = client.get("/api/clips/nope/preview", params={"caption_style": "comic-sans"})
    assert preview.status_code == 422 and preview.json()["errors"][0]["loc"] == ["query", "caption_style"]


def test_unreadable_body_unknown_address_and_wrong_method(client: TestClient, users: UserFactory) -> None:
    users.sign_in(client, users.create())
    garbled = client.put(
        "/api/highlights/x/feedback", content=b"\xff\xfe3\x01\xef", headers={"Content-Type": "application/json"}
    )
    assert garbled.status_code in (400, 422)
    _assert_error(garbled.json(), "bad_request" if garbled.status_code == 400 else "invalid_request")
    missing = client.get("/api/no-such-thing")
    assert missing.status_code == 404
    _assert_error(missing.json(), "not_found")
    wrong = client.put("/api/health")
    assert wrong.status_code == 405
    _assert_error(wrong.json(), "method_not_allowed")


def test_media_byte_ranges_are_refused_in_the_error_body(client: TestClient, users: UserFactory, settings) -> None:
    user = users.create()
    users.sign_in(client, user)
    storage = Storage(settings)
    with client.app.state.db.session() as db:  # type: ignore[attr-defined]
        project = Project(owner_id=user.id, name="r", source_kind="upload", status="ready")
        db.add(project)
        db.flush()
        dest = storage.source_path(project.id, "talk.mp4")
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(bytes(range(256)) * 4)
        project.media_path = storage.relative(dest)
        pid = project.id
    url = f"/api/projects/{pid}/media"
    part = client.get(url, headers={"Range": "bytes=1000-"})
    assert part.status_code == 206 and len(part.content) == 24
    past = client.get(url, headers={"Range": "bytes=5000-"})
    assert past.status_code == 416 and past.headers["content-range"] == "bytes */1024"
    _assert_error(past.json(), "range_not_satisfiable")
    bad = client.get(url, headers={"Range": "pages=1-2"})
    assert bad.status_code == 400
    _assert_error(bad.json(), "bad_request")


def test_every_operation_declares_its_error_answers(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    routes = {
        (method.lower(), route.path): route
        for router in api_routers()
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in route.methods
    }
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    assert set(spec["components"]["schemas"]["ErrorBody"]["required"]) == {"detail", "code"}
    checked = 0
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            route = routes[(method, path)]
            declared = {int(s) for s in operation["responses"] if int(s) >= 400}
            assert automatic_statuses(route) <= declared, (method, path)
            needs_session = any(d.call is get_auth for d in _all_dependencies(route))
            assert (401 in declared) == needs_session or path == "/api/auth/login", (method, path)
            for status in declared:
                content = operation["responses"][str(status)]["content"]
                assert content == {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
            checked += 1
    assert checked == len(routes) >= 40


def _all_dependencies(route: APIRoute) -> list[Any]:
    found, stack = [], list(route.dependant.dependencies)
    while stack:
        dep = stack.pop()
        found.append(dep)
        stack.extend(dep.dependencies)
    return found


@pytest.mark.parametrize(
    ("enum", "table"),
    [(PlatformKey, PRESETS), (CaptionStyleKey, CAPTION_STYLES), (AudiogramStyleKey, AUDIOGRAM_STYLES)],
)
def test_schema_enums_are_the_pipelines_keys(enum: type, table: dict[str, Any]) -> None:
    assert [member.value for member in enum] == list(table)  # type: ignore[attr-defined]
