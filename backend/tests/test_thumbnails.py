"""Project and highlight thumbnails: the moment (table), then real frames through the API, cached."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from spaceclip.config import Settings
from spaceclip.db import Database
from spaceclip.models.tables import Highlight, Project, ProjectStatus
from spaceclip.services.ingest.storage import Storage
from spaceclip.services.render.thumbnails import THUMB_WIDTH, thumbnail_moment
from tests.factories import UserFactory
from tests.render_media import make_talk_audio, make_talk_video
from tests.test_exports_api import _ready_clip


@pytest.mark.parametrize(
    ("duration", "start", "end", "expected"),
    [
        (60.0, None, None, 6.0),  # a tenth of the way in
        (3600.0, None, None, 30.0),  # at most 30 s in
        (0.4, None, None, 0.0),  # never past the last half second
        (60.0, 12.0, 27.0, 17.0),  # a third into the highlight
        (20.0, 19.8, 21.0, 19.5),  # clamped to the source
    ],
)
def test_thumbnail_moment(duration: float, start: float | None, end: float | None, expected: float) -> None:
    assert thumbnail_moment(duration, start, end) == expected


def _highlight(database: Database, project_id: str, start: float, end: float) -> str:
    with database.session() as db:
        row = Highlight(project_id=project_id, start=start, end=end, title="A moment")
        db.add(row)
        db.commit()
        return row.id


def _image(res: Any) -> Image.Image:
    assert res.status_code == 200, res.text
    assert res.headers["content-type"] == "image/jpeg"
    assert res.headers["cache-control"] == "private, max-age=3600"
    img = Image.open(io.BytesIO(res.content))
    assert img.format == "JPEG" and img.width == THUMB_WIDTH
    return img


def test_video_project_and_highlight_thumbnails(
    client: TestClient, make_client: Any, users: UserFactory, database: Database, settings: Settings, tmp_path: Path
) -> None:
    owner = users.create()
    users.sign_in(client, owner)
    source = make_talk_video(tmp_path / "talk.mp4", seconds=5.0, size="640x360")
    project_id, _ = _ready_clip(database, settings, owner, source, start=0.6, end=4.1)
    img = _image(client.get(f"/api/projects/{project_id}/thumbnail"))
    assert img.height == 270  # the source's 16:9
    cached = Storage(settings).output_dir(project_id) / "thumbs" / "project.jpg"
    stamp = cached.stat().st_mtime_ns
    _image(client.get(f"/api/projects/{project_id}/thumbnail"))
    assert cached.stat().st_mtime_ns == stamp  # served from disk the second time

    highlight_id = _highlight(database, project_id, 1.0, 4.0)
    _image(client.get(f"/api/highlights/{highlight_id}/thumbnail"))
    assert (cached.parent / f"highlight-{highlight_id}.jpg").is_file()

    other = make_client()
    users.sign_in(other, users.create())
    assert other.get(f"/api/projects/{project_id}/thumbnail").status_code == 404
    assert other.get(f"/api/highlights/{highlight_id}/thumbnail").status_code == 404


def test_audio_project_thumbnail_is_its_audiogram(
    client: TestClient, users: UserFactory, database: Database, settings: Settings, tmp_path: Path
) -> None:
    owner = users.create()
    users.sign_in(client, owner)
    source = make_talk_audio(tmp_path / "talk.m4a", seconds=5.0)
    project_id, _ = _ready_clip(database, settings, owner, source, start=0.6, end=4.1)
    img = _image(client.get(f"/api/projects/{project_id}/thumbnail")).convert("RGB")
    assert img.height == 270  # the 16:9 audiogram frame
    assert len(set(img.getdata())) > 20  # bars drawn, not a flat colour


def test_no_media_no_thumbnail(client: TestClient, users: UserFactory, database: Database) -> None:
    owner = users.create()
    users.sign_in(client, owner)
    with database.session() as db:
        project = Project(owner_id=owner.id, name="Empty", source_kind="upload", status=ProjectStatus.QUEUED)
        db.add(project)
        db.commit()
        pid = project.id
    res = client.get(f"/api/projects/{pid}/thumbnail")
    assert res.status_code == 404 and "no checked media" in res.json()["detail"]
