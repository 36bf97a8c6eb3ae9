"""Editor downloads through the API: a clip's and a project's edit as zips, read back by the adapters."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from spaceclip.config import Settings
from spaceclip.db import Database
from spaceclip.models.tables import Clip, Project, ProjectStatus
from spaceclip.services.edit.editor import EDITOR_FORMATS, read_cut_list
from spaceclip.services.ingest.storage import Storage
from spaceclip.services.render.presets import get_preset
from spaceclip.usecases.transcripts import save_transcript
from tests.editor_edit import SOURCE_S, STRUCK, cut_transcript, several_cuts
from tests.factories import MadeUser, UserFactory
from tests.render_media import make_talk_video, probe


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_talk_video(tmp_path_factory.mktemp("editor-api") / "talk.mp4", seconds=SOURCE_S, fps=30)


def _project(database: Database, settings: Settings, owner: MadeUser, source: Path, clips: int) -> tuple[str, str]:
    """A ready project (media + hand-made transcript) with ``clips`` TikTok clips; returns (project, first clip)."""
    storage = Storage(settings)
    with database.session() as db:
        project = Project(owner_id=owner.id, name="Shop talk", source_kind="upload", status=ProjectStatus.READY)
        db.add(project)
        db.flush()
        dest = storage.source_path(project.id, "talk.mp4")
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, dest)
        project.media_path = storage.relative(dest)
        project.media_info = probe(source, settings).to_dict()
        save_transcript(db, project.id, cut_transcript(), model="hand-made")
        ids = []
        for n in range(clips):
            cuts = {"removed": [list(STRUCK)]}
            clip = Clip(
                project_id=project.id, owner_id=owner.id, title=f"Trust {n + 1}", start=0.1, end=11.9,
                caption_style="karaoke", options={"platform": "tiktok", "cuts": cuts},
            )  # fmt: skip
            db.add(clip)
            db.flush()
            ids.append(clip.id)
        return project.id, ids[0] if ids else ""


@pytest.mark.parametrize("fmt", list(EDITOR_FORMATS))
def test_a_clip_downloads_in_each_format_with_its_cuts(
    client: TestClient, users: UserFactory, database: Database, settings: Settings, source: Path, fmt: str
) -> None:
    owner = users.create()
    users.sign_in(client, owner)
    _, clip_id = _project(database, settings, owner, source, clips=1)
    res = client.get(f"/api/clips/{clip_id}/editor", params={"format": fmt})
    assert res.status_code == 200, res.text
    assert res.headers["content-type"] == "application/zip"
    assert res.headers["content-disposition"] == f'attachment; filename="Trust-1-{fmt}.zip"'
    archive = zipfile.ZipFile(io.BytesIO(res.content))
    suffix = EDITOR_FORMATS[fmt].suffix
    assert set(archive.namelist()) == {f"Trust-1{suffix}", "clip.srt", "crop.csv", "README.txt"}
    left = res.headers["x-spaceclip-left-out"]
    assert "speaker tracking" in left  # the API's crop is the centre window, and it says so
    assert ("crop keyframes" in left) == (fmt != "otio")
    readme = archive.read("README.txt").decode()
    assert all(item in readme for item in left.split("; "))
    expected = several_cuts(cut_transcript(), get_preset("tiktok"))
    back = read_cut_list(archive.read(f"Trust-1{suffix}"), fmt, 30.0)["Video"]
    assert len(back) == len(expected.keeps)
    assert (
        max(abs(x - y) for (a, b), (c, d) in zip(expected.keeps, back, strict=True) for x, y in ((a, c), (b, d))) * 30
        <= 1
    )


def test_a_project_downloads_every_clip_and_owners_only(
    client: TestClient, make_client: Any, users: UserFactory, database: Database, settings: Settings, source: Path
) -> None:
    owner = users.create()
    users.sign_in(client, owner)
    project_id, clip_id = _project(database, settings, owner, source, clips=2)
    res = client.get(f"/api/projects/{project_id}/editor", params={"format": "fcp7"})
    assert res.status_code == 200, res.text
    names = zipfile.ZipFile(io.BytesIO(res.content)).namelist()
    assert {n.split("/")[0] for n in names} == {"01-Trust-1", "02-Trust-2"}
    assert client.get(f"/api/clips/{clip_id}/editor", params={"format": "avid"}).status_code == 422

    other = make_client()
    users.sign_in(other, users.create())
    assert other.get(f"/api/clips/{clip_id}/editor").status_code == 404
    assert other.get(f"/api/projects/{project_id}/editor").status_code == 404


def test_a_project_without_clips_says_to_make_one(
    client: TestClient, users: UserFactory, database: Database, settings: Settings, source: Path
) -> None:
    owner = users.create()
    users.sign_in(client, owner)
    project_id, _ = _project(database, settings, owner, source, clips=0)
    res = client.get(f"/api/projects/{project_id}/editor", params={"format": "edl"})
    assert res.status_code == 409
    assert "Make a clip first" in res.text
