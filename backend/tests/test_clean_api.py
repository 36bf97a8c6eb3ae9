"""The whole-episode clean-up as a project action: POST starts a real ``clean`` job on a real worker
(real ffmpeg), GET follows it, and the cleaned episode, its .otio and its subtitles download."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import opentimelineio as otio
import pytest
from fastapi.testclient import TestClient

from spaceclip.config import Settings
from spaceclip.db import Database
from spaceclip.models.tables import ChapterList, Project, ProjectStatus
from spaceclip.services.edit.chapters import read_chapters
from spaceclip.services.edit.cuts import CutSettings, plan_cuts
from spaceclip.services.speech.transcript import parse_srt
from spaceclip.tasks.worker import Worker
from tests.editor_edit import SOURCE_S, cut_transcript
from tests.factories import UserFactory
from tests.job_api import wait_for_api_job
from tests.render_media import make_talk_video, probe
from tests.test_editor_api import _project

pytestmark = pytest.mark.db
FPS = 30


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_talk_video(tmp_path_factory.mktemp("clean-api") / "talk.mp4", seconds=SOURCE_S, fps=FPS)


def test_a_project_is_cleaned_and_its_files_download(
    client: TestClient, users: UserFactory, database: Database, settings: Settings, source: Path, worker: Worker,
    tmp_path: Path,
) -> None:  # fmt: skip
    owner = users.create()
    users.sign_in(client, owner)
    project_id, _ = _project(database, settings, owner, source, clips=0)
    assert client.get(f"/api/projects/{project_id}/clean").json() == {"job": None, "result": None}
    res = client.get(f"/api/projects/{project_id}/clean/download")
    assert res.status_code == 404 and "Start a clean-up" in res.json()["detail"]

    res = client.post(f"/api/projects/{project_id}/clean", json={"pause_over_s": 0.6, "pause_to_s": 0.3})
    assert res.status_code == 202, res.text
    job = wait_for_api_job(client, res.json()["id"])
    assert job["status"] == "succeeded", job
    assert job["kind"] == "clean" and "Cleaned" in job["message"]

    state = client.get(f"/api/projects/{project_id}/clean").json()
    result: dict[str, Any] = state["result"]
    assert state["job"]["id"] == job["id"] and result["job_id"] == job["id"]
    assert sorted(result["files"]) == ["media", "otio", "srt", "vtt"]
    # The same plan the cut functions make for the whole recording: two fillers and the long pauses out.
    expected = plan_cuts(
        0.0, SOURCE_S, cut_transcript().words, CutSettings(remove_fillers=True, shorten_pauses=True), fps=FPS
    )
    assert result["duration_before"] == pytest.approx(SOURCE_S, abs=0.05)
    assert result["duration_after"] == pytest.approx(expected.duration, abs=1e-3)
    assert result["removed_s"]["filler"] > 0 and result["removed_s"]["pause"] > 1.0

    media = client.get(f"/api/projects/{project_id}/clean/download", params={"file": "media"})
    assert media.status_code == 200 and media.headers["content-type"] == "video/mp4"
    assert 'filename="Shop talk.clean.mp4"' in media.headers["content-disposition"]
    cleaned = tmp_path / "cleaned.mp4"
    cleaned.write_bytes(media.content)
    info = probe(cleaned, settings)
    assert info.has_video and abs((info.duration_s or 0) - expected.duration) <= 1 / FPS + 0.03

    timeline = otio.adapters.read_from_string(
        client.get(f"/api/projects/{project_id}/clean/download", params={"file": "otio"}).text, "otio_json"
    )
    video = next(t for t in timeline.tracks if t.kind == otio.schema.TrackKind.Video)
    assert len(list(video.find_clips())) == len(expected.keeps)
    assert abs(video.duration().to_seconds() - expected.duration) <= 1 / FPS

    cues = parse_srt(client.get(f"/api/projects/{project_id}/clean/download", params={"file": "srt"}).text)
    assert cues and cues[-1].end <= expected.duration + 0.05
    assert "um" not in " ".join(c.text.lower() for c in cues).split()
    assert client.get(f"/api/projects/{project_id}/clean/download", params={"file": "vtt"}).text.startswith("WEBVTT")


def test_bad_choices_and_projects_not_ready_say_what_to_do(
    client: TestClient, make_client: Any, users: UserFactory, database: Database, settings: Settings, source: Path
) -> None:
    owner = users.create()
    users.sign_in(client, owner)
    project_id, _ = _project(database, settings, owner, source, clips=0)
    url = f"/api/projects/{project_id}/clean"
    assert client.post(url, json={"pause_over_s": 0.5, "pause_to_s": 0.5}).status_code == 422
    assert client.post(url, json={"remove_fillers": False, "shorten_pauses": False}).status_code == 422
    assert client.post(url, json={"pause_over_s": -1}).status_code == 422
    # No worker runs here: the first stays queued and a second is refused while it waits.
    assert client.post(url, json={}).status_code == 202
    again = client.post(url, json={})
    assert again.status_code == 409 and "Wait for it to finish" in again.json()["detail"]
    assert client.get(url).json()["job"]["status"] == "queued"
    # Another user sees nothing of it.
    other = make_client()
    users.sign_in(other, users.create())
    assert other.post(url, json={}).status_code == 404
    assert other.get(url).status_code == 404
    assert other.get(f"{url}/download").status_code == 404

    with database.session() as db:
        bare = Project(owner_id=owner.id, name="Empty", source_kind="upload", status=ProjectStatus.QUEUED)
        db.add(bare)
        db.flush()
        bare_id = bare.id
    res = client.post(f"/api/projects/{bare_id}/clean", json={})
    assert res.status_code == 409 and "no media file yet" in res.json()["detail"]


def test_nothing_to_cut_fails_the_job_with_what_to_do(
    client: TestClient, users: UserFactory, database: Database, settings: Settings, source: Path, worker: Worker
) -> None:
    owner = users.create()
    users.sign_in(client, owner)
    project_id, _ = _project(database, settings, owner, source, clips=0)
    # Only pauses over 10 s: the hand-made transcript has none, and fillers are not asked for.
    body = {"remove_fillers": False, "pause_over_s": 10, "pause_to_s": 1}
    job = wait_for_api_job(client, client.post(f"/api/projects/{project_id}/clean", json=body).json()["id"])
    assert job["status"] == "failed" and "nothing to cut" in (job["error"] or job["message"])
    assert client.get(f"/api/projects/{project_id}/clean").json()["result"] is None


def test_the_projects_chapters_go_into_the_cleaned_episode_as_mp4_chapters(
    client: TestClient, users: UserFactory, database: Database, settings: Settings, source: Path, worker: Worker,
    tmp_path: Path,
) -> None:  # fmt: skip
    owner = users.create()
    users.sign_in(client, owner)
    project_id, _ = _project(database, settings, owner, source, clips=0)
    planned = [(0.0, 4.0, "Trust"), (4.0, 8.0, "The pause"), (8.0, SOURCE_S, "The end")]
    with database.session() as db:
        db.add(ChapterList(project_id=project_id, chapters=[{"start": a, "end": b, "title": t} for a, b, t in planned]))
    job = wait_for_api_job(client, client.post(f"/api/projects/{project_id}/clean", json={}).json()["id"])
    assert job["status"] == "succeeded", job
    assert client.get(f"/api/projects/{project_id}/clean").json()["result"]["chapters"] == 3
    cleaned = tmp_path / "cleaned.mp4"
    cleaned.write_bytes(client.get(f"/api/projects/{project_id}/clean/download").content)
    # ffprobe reads the MP4 chapter atoms back: the titles, each start moved through the cuts.
    back = read_chapters(cleaned, timeout_s=60)
    assert [c.title for c in back] == ["Trust", "The pause", "The end"]
    cuts = plan_cuts(
        0.0, SOURCE_S, cut_transcript().words, CutSettings(remove_fillers=True, shorten_pauses=True), fps=FPS
    )
    for chapter, (start, _, _) in zip(back, planned, strict=True):
        assert chapter.start == pytest.approx(cuts.to_output(start), abs=0.01)
