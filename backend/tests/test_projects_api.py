"""Projects API: create by upload, list, read, rename, delete, jobs; owners only (others get 404)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from spaceclip.config import Settings
from spaceclip.db import Database
from spaceclip.models.tables import Job, Project
from spaceclip.services.ingest.storage import Storage
from tests.factories import UserFactory

SMALL = b"\x00\x00\x00\x18ftypmp42" + b"not really a video" * 10


# Upload without starting the analysis (only the probe), so these tests stay about the upload.
UPLOAD_URL = "/api/projects?analyze=false"


def upload(
    client: TestClient, data: bytes = SMALL, filename: str = "talk.mp4", name: str | None = None
) -> dict[str, Any]:
    """POST a small file as multipart; asserts 202 and returns the body."""
    form = {"name": name} if name is not None else None
    resp = client.post(UPLOAD_URL, files={"file": (filename, data, "video/mp4")}, data=form)
    assert resp.status_code == 202, resp.text
    body: dict[str, Any] = resp.json()
    return body


def test_upload_creates_project_and_probe_job(
    client: TestClient, users: UserFactory, database: Database, settings: Settings
) -> None:
    user = users.create()
    users.sign_in(client, user)

    body = upload(client, filename="../../My Episode.MP4")

    project, job = body["project"], body["job"]
    assert project["status"] == "queued"
    assert project["name"] == "My Episode"
    assert project["original_filename"] == "My Episode.MP4"
    assert project["size_bytes"] == len(SMALL)
    assert project["source_kind"] == "upload"
    assert project["version"] == 1
    assert job["kind"] == "probe"
    assert job["status"] == "queued"
    assert job["project_id"] == project["id"]
    with database.session() as db:
        row = db.get(Project, project["id"])
        assert row is not None
        assert row.owner_id == user.id
        assert row.media_path == f"{project['id']}/source.mp4"
        job_row = db.get(Job, job["id"])
        assert job_row is not None
        assert (job_row.project_id, job_row.owner_id, job_row.kind) == (project["id"], user.id, "probe")
    stored = Storage(settings).resolve(f"{project['id']}/source.mp4")
    assert stored.read_bytes() == SMALL
    # Only the source file is left in the project folder (the temp file was renamed).
    assert [p.name for p in stored.parent.iterdir()] == ["source.mp4"]
    pending = [task.args for task in client.app.state.queue.huey.pending()]  # type: ignore[attr-defined]
    assert pending == [(job["id"],)]


def test_upload_uses_given_name(client: TestClient, users: UserFactory) -> None:
    users.sign_in(client, users.create())
    body = upload(client, name="  Weekly show #12  ", filename="raw.bin")
    assert body["project"]["name"] == "Weekly show #12"


def test_upload_without_extension_or_name(client: TestClient, users: UserFactory, database: Database) -> None:
    users.sign_in(client, users.create())
    body = upload(client, filename="recording")
    assert body["project"]["name"] == "recording"
    with database.session() as db:
        row = db.get(Project, body["project"]["id"])
        assert row is not None and row.media_path == f"{row.id}/source"


def test_list_get_rename_delete(client: TestClient, users: UserFactory, database: Database, settings: Settings) -> None:
    users.sign_in(client, users.create())
    first = upload(client, name="first")["project"]
    second = upload(client, name="second")["project"]

    listed = client.get("/api/projects").json()["items"]
    assert [p["id"] for p in listed] == [second["id"], first["id"]]
    assert listed[0]["latest_job"]["kind"] == "probe"
    assert listed[0]["latest_job"]["status"] == "queued"
    assert client.get("/api/projects", params={"limit": 1, "offset": 1}).json()["items"][0]["id"] == first["id"]

    got = client.get(f"/api/projects/{first['id']}")
    assert got.status_code == 200
    assert got.json()["name"] == "first"

    renamed = client.patch(f"/api/projects/{first['id']}", json={"name": "  renamed ", "version": 1})
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["name"] == "renamed"
    assert renamed.json()["version"] == 2
    assert client.patch(f"/api/projects/{first['id']}", json={"name": "no version"}).json()["version"] == 3

    jobs = client.get(f"/api/projects/{first['id']}/jobs")
    assert jobs.status_code == 200
    assert [j["kind"] for j in jobs.json()] == ["probe"]

    storage = Storage(settings)
    (storage.output_dir(first["id"], create=True) / "clip.mp4").write_bytes(b"rendered")
    resp = client.delete(f"/api/projects/{first['id']}")
    assert resp.status_code == 204
    assert resp.content == b""
    assert client.get(f"/api/projects/{first['id']}").status_code == 404
    assert not storage.project_dir(first["id"]).exists()
    assert not storage.output_dir(first["id"]).exists()
    with database.session() as db:
        assert db.scalars(select(Job).where(Job.project_id == first["id"])).all() == []
    assert [p["id"] for p in client.get("/api/projects").json()["items"]] == [second["id"]]
    assert storage.project_dir(second["id"]).exists()


def test_delete_project_with_running_job(client: TestClient, users: UserFactory, database: Database) -> None:
    users.sign_in(client, users.create())
    body = upload(client)
    with database.session() as db:
        job = db.get(Job, body["job"]["id"])
        assert job is not None
        job.status = "running"
    assert client.delete(f"/api/projects/{body['project']['id']}").status_code == 204
    with database.session() as db:
        assert db.get(Job, body["job"]["id"]) is None
        assert db.get(Project, body["project"]["id"]) is None


def test_rename_with_stale_version_is_409(client: TestClient, users: UserFactory) -> None:
    users.sign_in(client, users.create())
    project = upload(client)["project"]
    assert client.patch(f"/api/projects/{project['id']}", json={"name": "tab one", "version": 1}).status_code == 200

    stale = client.patch(f"/api/projects/{project['id']}", json={"name": "tab two", "version": 1})

    assert stale.status_code == 409
    assert "Reload" in stale.json()["detail"]
    assert client.get(f"/api/projects/{project['id']}").json()["name"] == "tab one"


def test_rename_validation(client: TestClient, users: UserFactory) -> None:
    users.sign_in(client, users.create())
    project = upload(client)["project"]
    blank = client.patch(f"/api/projects/{project['id']}", json={"name": "   "})
    assert blank.status_code == 422
    assert "blank" in blank.json()["detail"]
    assert client.patch(f"/api/projects/{project['id']}", json={"name": "x" * 301}).status_code == 422


def test_missing_project_is_404(client: TestClient, users: UserFactory) -> None:
    users.sign_in(client, users.create())
    for method, suffix in [("GET", ""), ("PATCH", ""), ("DELETE", ""), ("GET", "/jobs")]:
        resp = client.request(method, f"/api/projects/doesnotexist{suffix}", json={"name": "x"})
        assert resp.status_code == 404, (method, suffix)
        assert "does not exist" in resp.json()["detail"]


def test_other_users_projects_are_404_and_unchanged(
    client: TestClient,
    make_client: Callable[..., TestClient],
    users: UserFactory,
    database: Database,
    settings: Settings,
) -> None:
    users.sign_in(client, users.create())
    created = upload(client, name="mine")
    project = created["project"]
    intruder = make_client()
    users.sign_in(intruder, users.create())
    pid = project["id"]

    attempts = [
        intruder.get(f"/api/projects/{pid}"),
        intruder.patch(f"/api/projects/{pid}", json={"name": "stolen"}),
        intruder.patch(f"/api/projects/{pid}", json={"name": "stolen", "version": 1}),
        intruder.delete(f"/api/projects/{pid}"),
        intruder.get(f"/api/projects/{pid}/jobs"),
    ]

    assert [r.status_code for r in attempts] == [404] * 5
    assert all(r.json()["detail"] == attempts[0].json()["detail"] for r in attempts)
    assert intruder.get("/api/projects").json()["items"] == []
    mine = client.get(f"/api/projects/{pid}").json()
    assert (mine["name"], mine["version"]) == ("mine", 1)
    assert Storage(settings).resolve(f"{pid}/source.mp4").read_bytes() == SMALL
    with database.session() as db:
        job = db.get(Job, created["job"]["id"])
        assert job is not None and not job.cancel_requested


def test_routes_need_sign_in(client: TestClient, settings: Settings) -> None:
    for method, path in [
        ("GET", "/api/projects"),
        ("GET", "/api/projects/x"),
        ("PATCH", "/api/projects/x"),
        ("DELETE", "/api/projects/x"),
        ("GET", "/api/projects/x/jobs"),
    ]:
        assert client.request(method, path).status_code == 401, (method, path)
    resp = client.post(UPLOAD_URL, files={"file": ("a.mp4", SMALL)})
    assert resp.status_code == 401
    assert list(settings.upload_dir.rglob("*")) == []


def test_cookie_upload_without_origin_is_403(
    make_client: Callable[..., TestClient], users: UserFactory, settings: Settings
) -> None:
    bare = make_client(origin=None)
    users.sign_in(bare, users.create())
    resp = bare.post(UPLOAD_URL, files={"file": ("a.mp4", SMALL)})
    assert resp.status_code == 403
    assert list(settings.upload_dir.rglob("*")) == []


def test_bearer_token_upload_works_without_origin(make_client: Callable[..., TestClient], users: UserFactory) -> None:
    api = make_client(origin=None)
    token = users.token_for(users.create())
    resp = api.post(UPLOAD_URL, files={"file": ("a.mp3", SMALL)}, headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 202, resp.text


def test_url_body_validation(client: TestClient, users: UserFactory, database: Database) -> None:
    users.sign_in(client, users.create())
    for body in ({"link": "https://example.com/a.mp4"}, {"url": ""}, {"url": "x" * 3000}):
        resp = client.post(UPLOAD_URL, json=body)
        assert resp.status_code == 422, body
        assert "url" in resp.json()["detail"]
    broken = client.post(UPLOAD_URL, content=b"{not json", headers={"Content-Type": "application/json"})
    assert broken.status_code == 422
    with database.session() as db:
        assert db.scalars(select(Project)).all() == []


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/a.mp4",
        "http://169.254.169.254/latest/meta-data",
        "ftp://93.184.215.14/a.mp4",
        "file:///etc/passwd",
    ],
)
def test_url_refused_by_ssrf_guard_creates_nothing(
    client: TestClient, users: UserFactory, database: Database, url: str
) -> None:
    users.sign_in(client, users.create())

    resp = client.post(UPLOAD_URL, json={"url": url})

    assert resp.status_code == 400
    assert resp.json()["code"] == "url_refused"
    with database.session() as db:
        assert db.scalars(select(Project)).all() == []
        assert db.scalars(select(Job)).all() == []


def test_url_import_creates_project_and_analyze_job(
    client: TestClient, users: UserFactory, database: Database, settings: Settings
) -> None:
    user = users.create()
    users.sign_in(client, user)
    url = "https://93.184.215.14/episode.mp3"  # a public IP literal: the guard needs no DNS; nothing is fetched

    resp = client.post(UPLOAD_URL, json={"url": url, "name": " Episode 3 "})

    assert resp.status_code == 202, resp.text
    project, job = resp.json()["project"], resp.json()["job"]
    assert (project["source_kind"], project["source_url"], project["name"]) == ("url", url, "Episode 3")
    assert (job["kind"], job["status"]) == ("analyze", "queued")
    with database.session() as db:
        row = db.get(Job, job["id"])
        assert row is not None and row.owner_id == user.id
    pending = [task.args for task in client.app.state.queue.huey.pending()]  # type: ignore[attr-defined]
    assert pending == [(job["id"],)]
    assert list(settings.upload_dir.rglob("*")) == []


def test_other_content_types_are_415(client: TestClient, users: UserFactory) -> None:
    users.sign_in(client, users.create())
    resp = client.post(UPLOAD_URL, content=b"raw bytes", headers={"Content-Type": "video/mp4"})
    assert resp.status_code == 415
    assert "multipart/form-data" in resp.json()["detail"]


def test_openapi_describes_upload_body(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    body = spec["paths"]["/api/projects"]["post"]["requestBody"]["content"]
    file_schema = body["multipart/form-data"]["schema"]
    assert file_schema["properties"]["file"]["format"] == "binary"
    assert file_schema["required"] == ["file"]
    assert "url" in body["application/json"]["schema"]["properties"]
    assert "202" in spec["paths"]["/api/projects"]["post"]["responses"]
