"""Exports through the API and a real worker: render, check, downloads, owners, delete, cancel."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import psutil
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from spaceclip.config import Settings
from spaceclip.db import Database
from spaceclip.models.tables import Clip, Export, ExportStatus, Project, ProjectStatus
from spaceclip.services.ingest.storage import Storage
from spaceclip.services.media.process import ffprobe_args, run_process
from spaceclip.services.speech.transcript import parse_srt
from spaceclip.usecases.transcripts import save_transcript
from tests.factories import MadeUser, UserFactory
from tests.job_api import TERMINAL, wait_for_api_job
from tests.render_media import attach_source, made_up_transcript, make_talk_video
from tests.system_fonts import DEJAVU_SANS, use_fonts


@pytest.fixture(scope="module")
def short_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_talk_video(tmp_path_factory.mktemp("exports-src") / "talk.mp4", seconds=5.0)


def _ready_clip(
    database: Database, settings: Settings, owner: MadeUser, source: Path, *, start: float, end: float
) -> tuple[str, str]:
    """A project (media + transcript, as an analysis leaves it) with one clip; returns (project, clip) ids."""
    with database.session() as db:
        project = Project(owner_id=owner.id, name="Shop talk", source_kind="upload", status=ProjectStatus.READY)
        db.add(project)
        db.flush()
        info = attach_source(project, source, settings)
        save_transcript(db, project.id, made_up_transcript(info.duration_s), model="made-up")
        clip = Clip(
            project_id=project.id, owner_id=owner.id, title="Why small shops win", start=start, end=end,
            caption_style="karaoke",
        )  # fmt: skip
        db.add(clip)
        db.flush()
        return project.id, clip.id


def _probe_streams(path: Path) -> dict[str, Any]:
    out = run_process(ffprobe_args(path, "-show_streams", "-show_format", "-of", "json"), timeout_s=60)
    data: dict[str, Any] = json.loads(out.stdout_text)
    return data


def test_render_options_list_presets_and_styles(client: TestClient, users: UserFactory) -> None:
    users.sign_in(client, users.create())
    body = client.get("/api/render/options").json()
    keys = {p["key"] for p in body["platforms"]}
    assert {"instagram_reels", "instagram_feed", "tiktok", "youtube_shorts", "linkedin_square"} <= keys
    assert {"linkedin_landscape", "x"} <= keys
    tiktok = next(p for p in body["platforms"] if p["key"] == "tiktok")
    assert (tiktok["width"], tiktok["height"], tiktok["aspect"]) == (1080, 1920, "9:16")
    assert {"karaoke", "pop", "subtitle"} <= {s["key"] for s in body["caption_styles"]}
    assert {"bars", "wave", "radial"} <= {s["key"] for s in body["audiogram_styles"]}
    assert all(s["name"] and s["description"] for s in body["caption_styles"] + body["audiogram_styles"])


def test_export_renders_checks_and_downloads(
    client: TestClient,
    make_client: Any,
    users: UserFactory,
    database: Database,
    settings: Settings,
    worker: object,
    short_source: Path,
    tmp_path: Path,
) -> None:
    owner = users.create()
    users.sign_in(client, owner)
    project_id, clip_id = _ready_clip(database, settings, owner, short_source, start=0.6, end=4.1)

    bad = client.post(f"/api/clips/{clip_id}/exports", json={"platform": "myspace"})
    assert bad.status_code == 422 and "tiktok" in bad.json()["detail"]

    created = client.post(f"/api/clips/{clip_id}/exports", json={"platform": "x"})
    assert created.status_code == 202, created.text
    export, job = created.json()["export"], created.json()["job"]
    assert export["status"] == "queued" and export["job_id"] == job["id"] and job["kind"] == "render"
    assert export["settings"]["title"] == "Why small shops win" and export["settings"]["audiogram_style"] is None
    assert "layout" not in export["settings"]

    assert wait_for_api_job(client, job["id"])["status"] == "succeeded"
    done = client.get(f"/api/exports/{export['id']}").json()
    assert done["status"] == "done" and done["error"] is None
    assert done["check"]["passed"], done["check"]
    # A wide test picture without a face going to 9:16: a centre crop would keep under a third of
    # it, so the whole picture is fitted over a blurred copy.
    assert done["settings"]["layout"] == "crop:blur_fit"
    assert done["settings"]["title"] == "Why small shops win"
    assert done["has_video"] and done["has_srt"] and done["has_vtt"] and done["has_thumbnail"]
    assert done["duration"] == pytest.approx(3.5, abs=0.01) and done["size_bytes"] > 10_000
    assert [e["id"] for e in client.get(f"/api/clips/{clip_id}/exports").json()] == [export["id"]]

    video = client.get(f"/api/exports/{export['id']}/download", params={"file": "video"})
    assert video.status_code == 200
    assert video.headers["content-type"] == "video/mp4"
    assert video.headers["content-disposition"] == 'attachment; filename="Why-small-shops-win-x.mp4"'
    assert video.headers["x-content-type-options"] == "nosniff"
    saved = tmp_path / "download.mp4"
    saved.write_bytes(video.content)
    streams = _probe_streams(saved)["streams"]
    v = next(s for s in streams if s["codec_type"] == "video")
    a = next(s for s in streams if s["codec_type"] == "audio")
    assert (v["codec_name"], v["width"], v["height"], v["pix_fmt"]) == ("h264", 720, 1280, "yuv420p")
    assert (a["codec_name"], int(a["sample_rate"])) == ("aac", 48000)

    srt = client.get(f"/api/exports/{export['id']}/download", params={"file": "srt"})
    assert srt.headers["content-type"].startswith("application/x-subrip")
    assert srt.headers["content-disposition"].endswith('filename="Why-small-shops-win-x.srt"')
    cues = parse_srt(srt.text)
    assert cues and cues[0].start < 0.5 and cues[-1].end <= 3.55  # re-timed to the clip
    vtt = client.get(f"/api/exports/{export['id']}/download", params={"file": "vtt"})
    assert vtt.headers["content-type"].startswith("text/vtt") and vtt.text.startswith("WEBVTT")
    thumb = client.get(f"/api/exports/{export['id']}/download", params={"file": "thumbnail"})
    assert thumb.headers["content-type"] == "image/png" and thumb.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert client.get(f"/api/exports/{export['id']}/download", params={"file": "source"}).status_code == 422

    # Another user sees nothing of it.
    other = make_client()
    users.sign_in(other, users.create())
    assert other.get(f"/api/exports/{export['id']}").status_code == 404
    assert other.get(f"/api/exports/{export['id']}/download").status_code == 404
    assert other.get(f"/api/clips/{clip_id}/exports").status_code == 404
    assert other.post(f"/api/clips/{clip_id}/exports", json={"platform": "x"}).status_code == 404
    assert other.get(f"/api/clips/{clip_id}/preview").status_code == 404
    assert other.delete(f"/api/exports/{export['id']}").status_code == 404

    folder = Storage(settings).output_dir(project_id) / export["id"]
    assert sorted(p.name for p in folder.iterdir()) == ["clip.mp4", "clip.png", "clip.srt", "clip.vtt"]
    assert client.delete(f"/api/exports/{export['id']}").status_code == 204
    assert not folder.exists()
    assert client.get(f"/api/exports/{export['id']}").status_code == 404
    assert client.get(f"/api/clips/{clip_id}/exports").json() == []


def test_preview_is_one_frame_of_the_preset(
    client: TestClient, users: UserFactory, database: Database, settings: Settings, short_source: Path, tmp_path: Path
) -> None:
    owner = users.create()
    users.sign_in(client, owner)
    _, clip_id = _ready_clip(database, settings, owner, short_source, start=0.6, end=4.1)
    for params, size in (
        ({"platform": "instagram_feed", "caption_style": "pop"}, (1080, 1350)),
        ({"platform": "x", "audiogram_style": "wave"}, (720, 1280)),
    ):
        res = client.get(f"/api/clips/{clip_id}/preview", params=params)
        assert res.status_code == 200, res.text
        assert res.headers["content-type"] == "image/png"
        path = tmp_path / "preview.png"
        path.write_bytes(res.content)
        with Image.open(path) as im:
            assert im.size == size


def _ffmpeg_children() -> list[psutil.Process]:
    found = []
    for child in psutil.Process().children(recursive=True):
        try:
            if child.name() == "ffmpeg" and "-filter_complex" in child.cmdline():
                found.append(child)
        except psutil.NoSuchProcess:
            continue
    return found


def test_cancel_kills_the_running_render(
    client: TestClient,
    users: UserFactory,
    database: Database,
    settings: Settings,
    worker: object,
    tmp_path: Path,
) -> None:
    long_source = make_talk_video(tmp_path / "long.mp4", seconds=60.0)
    owner = users.create()
    users.sign_in(client, owner)
    project_id, clip_id = _ready_clip(database, settings, owner, long_source, start=0.0, end=59.0)
    created = client.post(f"/api/clips/{clip_id}/exports", json={"platform": "linkedin_landscape"}).json()
    export_id, job_id = created["export"]["id"], created["job"]["id"]

    deadline = time.monotonic() + 60
    while not (procs := _ffmpeg_children()):
        assert client.get(f"/api/jobs/{job_id}").json()["status"] not in TERMINAL, "render ended before cancel"
        assert time.monotonic() < deadline, "ffmpeg never started"
        time.sleep(0.1)
    assert client.post(f"/api/jobs/{job_id}/cancel").status_code == 200
    job = wait_for_api_job(client, job_id, timeout=30)
    assert job["status"] == "cancelled"
    _gone, alive = psutil.wait_procs(procs, timeout=10)
    assert not alive, "ffmpeg survived the cancel"
    export = client.get(f"/api/exports/{export_id}").json()
    assert export["status"] == "failed" and "Cancelled" in export["error"] and not export["has_video"]
    folder = Storage(settings).output_dir(project_id) / export_id
    assert not folder.exists() or not list(folder.iterdir()), "a cancelled render left files behind"
    with database.session() as db:
        row = db.get(Export, export_id)
        assert row is not None and row.status == ExportStatus.FAILED and row.video_path is None
        assert row.srt_path is None and row.vtt_path is None


def _failed_export(client: TestClient, clip_id: str) -> dict[str, Any]:
    """Export the clip for TikTok; the render fails at its first attempt (the user's problem: no retry)."""
    created = client.post(f"/api/clips/{clip_id}/exports", json={"platform": "tiktok"}).json()
    job = wait_for_api_job(client, created["job"]["id"], timeout=60)
    assert job["status"] == "failed" and job["attempts"] == 1
    export: dict[str, Any] = client.get(f"/api/exports/{created['export']['id']}").json()
    assert export["status"] == "failed"
    return export


def test_a_render_that_cannot_work_fails_its_export_with_the_reason(
    client: TestClient,
    users: UserFactory,
    database: Database,
    settings: Settings,
    worker: object,
    short_source: Path,
) -> None:
    owner = users.create()
    users.sign_in(client, owner)
    # A range past the end of the 5 s source (a clip made before the media was replaced, say).
    _, clip_id = _ready_clip(database, settings, owner, short_source, start=10.0, end=14.0)
    export = _failed_export(client, clip_id)
    assert "Move its start or end" in export["error"]
    assert not export["has_video"] and export["check"] is None
    assert client.get(f"/api/exports/{export['id']}/download").status_code == 404


def test_captions_no_installed_font_can_draw_fail_the_export_before_rendering(
    client: TestClient,
    users: UserFactory,
    worker: object,
    database: Database,
    settings: Settings,
    short_source: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use_fonts(monkeypatch, tmp_path / "fc", [DEJAVU_SANS])  # no font with Chinese characters
    owner = users.create()
    users.sign_in(client, owner)
    project_id, clip_id = _ready_clip(database, settings, owner, short_source, start=0.6, end=4.1)
    segment = client.get(f"/api/projects/{project_id}/transcript").json()["segments"][0]
    edited = client.patch(f"/api/projects/{project_id}/segments/{segment['id']}", json={"text": "我们 开了 一家 小店"})
    assert edited.status_code == 200, edited.text  # the clip (0.6-4.1 s) begins after 我们

    preview = client.get(f"/api/clips/{clip_id}/preview", params={"caption_style": "karaoke"})
    assert preview.status_code == 422 and preview.json()["code"] == "glyphs_missing"
    assert "开 (U+5F00)" in preview.json()["detail"] and "fonts-noto-cjk" in preview.json()["detail"]

    export = _failed_export(client, clip_id)
    assert "开 (U+5F00)" in export["error"] and "edit the transcript" in export["error"] and not export["has_video"]
