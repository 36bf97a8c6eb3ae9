"""The clip editor's player source: GET /api/projects/{id}/media with HTTP Range, owner-only."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from spaceclip.api.clips import media_type_for
from spaceclip.config import Settings
from spaceclip.db import Database
from spaceclip.models.tables import Project
from spaceclip.services.ingest.storage import Storage
from spaceclip.services.media.probe import inspect_media
from tests.factories import UserFactory
from tests.media import make_audio, make_video


def _project_with_media(database: Database, settings: Settings, owner_id: str, maker, name: str) -> tuple[str, bytes]:
    with database.session() as db:
        project = Project(owner_id=owner_id, name=name, source_kind="upload", status="ready")
        db.add(project)
        db.flush()
        storage = Storage(settings)
        path = storage.source_path(project.id, name)
        path.parent.mkdir(parents=True, exist_ok=True)
        maker(path)
        project.media_path = storage.relative(path)
        project.media_info = inspect_media(path, settings).to_dict()
        return project.id, path.read_bytes()


def test_media_is_served_with_range_support(
    client: TestClient, make_client, users: UserFactory, database: Database, settings: Settings, tmp_path: Path
) -> None:
    owner = users.create()
    users.sign_in(client, owner)
    pid, data = _project_with_media(database, settings, owner.id, make_video, "talk.mp4")

    full = client.get(f"/api/projects/{pid}/media")
    assert full.status_code == 200
    assert full.headers["content-type"] == "video/mp4"
    assert full.headers["accept-ranges"] == "bytes"
    assert full.content == data

    part = client.get(f"/api/projects/{pid}/media", headers={"Range": "bytes=100-1123"})
    assert part.status_code == 206
    assert part.headers["content-range"] == f"bytes 100-1123/{len(data)}"
    assert part.headers["content-length"] == "1024"
    assert part.content == data[100:1124]
    tail = client.get(f"/api/projects/{pid}/media", headers={"Range": "bytes=-10"})
    assert tail.status_code == 206 and tail.content == data[-10:]
    beyond = client.get(f"/api/projects/{pid}/media", headers={"Range": f"bytes={len(data) + 5}-"})
    assert beyond.status_code == 416

    other = make_client()
    users.sign_in(other, users.create())
    assert other.get(f"/api/projects/{pid}/media").status_code == 404
    assert other.get(f"/api/projects/{pid}/media", headers={"Range": "bytes=0-10"}).status_code == 404


def test_audio_media_type_comes_from_the_probe(
    client: TestClient, users: UserFactory, database: Database, settings: Settings
) -> None:
    owner = users.create()
    users.sign_in(client, owner)
    pid, _ = _project_with_media(database, settings, owner.id, make_audio, "voice.m4a")
    response = client.get(f"/api/projects/{pid}/media", headers={"Range": "bytes=0-99"})
    assert response.status_code == 206 and response.headers["content-type"] == "audio/mp4"


@pytest.mark.parametrize(
    ("format_name", "has_video", "suffix", "expected"),
    [
        ("mov,mp4,m4a,3gp,3g2,mj2", True, ".mov", "video/mp4"),
        ("mov,mp4,m4a,3gp,3g2,mj2", False, ".m4a", "audio/mp4"),
        ("matroska,webm", True, ".webm", "video/webm"),
        ("matroska,webm", True, ".mkv", "video/x-matroska"),
        ("matroska,webm", False, ".webm", "audio/webm"),
        ("mp3", False, ".mp3", "audio/mpeg"),
        ("wav", False, "", "audio/wav"),
        ("ogg", False, ".opus", "audio/ogg"),
        ("flac", False, ".flac", "audio/flac"),
        ("something_new", False, ".xyz", "application/octet-stream"),
    ],
)
def test_media_type_for(format_name: str, has_video: bool, suffix: str, expected: str) -> None:
    assert media_type_for({"format_name": format_name, "has_video": has_video}, suffix) == expected


def test_media_missing_says_so(client: TestClient, users: UserFactory, database: Database) -> None:
    owner = users.create()
    users.sign_in(client, owner)
    with database.session() as db:
        project = Project(owner_id=owner.id, name="link", source_kind="url", source_url="https://example.com/a")
        db.add(project)
        db.flush()
        pid = project.id
    response = client.get(f"/api/projects/{pid}/media")
    assert response.status_code == 404 and "no media file yet" in response.json()["detail"]
