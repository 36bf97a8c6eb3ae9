"""The analyze job end to end through a real worker: upload → probe → audio → transcript → speakers,
and every failure path ending the job as failed with a clear message, the project retryable."""

from __future__ import annotations

import http.server
import threading
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from spaceclip.config import Settings
from spaceclip.tasks.worker import Worker
from tests.factories import UserFactory
from tests.job_api import wait_for_api_job
from tests.media import _ffmpeg, make_speech, make_video_only


def _upload(client: TestClient, path: Path, **params: str) -> dict[str, Any]:
    with path.open("rb") as fh:
        response = client.post(
            "/api/projects", params=params, files={"file": (path.name, fh, "application/octet-stream")}
        )
    assert response.status_code == 202, response.text
    return response.json()


def test_upload_is_analysed_into_a_transcript(
    client: TestClient, users: UserFactory, worker: Worker, tmp_path: Path
) -> None:
    users.sign_in(client, users.create())
    speech = make_speech(tmp_path / "talk.m4a", "Good morning. Today we talk about bread, butter and small business.")
    created = _upload(client, speech)
    assert created["job"]["kind"] == "analyze"
    job = wait_for_api_job(client, created["job"]["id"])
    assert job["status"] == "succeeded", job
    assert job["progress"] == 1.0
    project = client.get(f"/api/projects/{created['project']['id']}").json()
    assert project["status"] == "ready"
    assert project["media_info"]["duration_s"] > 2
    transcript = client.get(f"/api/projects/{created['project']['id']}/transcript").json()
    text = " ".join(s["text"] for s in transcript["segments"]).lower()
    assert "morning" in text and "small business" in text
    assert transcript["speakers"][0]["label"] == "Speaker 1"
    words = [w for s in transcript["segments"] for w in s["words"]]
    assert all(0 <= w["start"] <= w["end"] <= transcript["duration"] + 0.5 for w in words)


def _make_silence(path: Path) -> Path:
    _ffmpeg("-f", "lavfi", "-i", "anullsrc=r=16000:cl=mono:d=4", "-c:a", "pcm_s16le", "-y", path)
    return path


@pytest.mark.parametrize(
    ("maker", "name", "expected"),
    [
        (make_video_only, "silent-film.mp4", "no audio"),
        (_make_silence, "silence.wav", "No speech"),
    ],
)
def test_unusable_media_fails_with_a_clear_message(
    client: TestClient, users: UserFactory, worker: Worker, tmp_path: Path, maker: Any, name: str, expected: str
) -> None:
    users.sign_in(client, users.create())
    created = _upload(client, maker(tmp_path / name))
    job = wait_for_api_job(client, created["job"]["id"])
    assert job["status"] == "failed"
    assert expected.lower() in job["error"].lower()
    assert job["attempts"] == 1, "a user-caused failure is not retried"
    project = client.get(f"/api/projects/{created['project']['id']}").json()
    assert project["status"] == "failed" and expected.lower() in project["error"].lower()


def test_missing_model_fails_clearly_and_the_project_can_be_retried(
    client: TestClient, users: UserFactory, settings: Settings, database: Any, tmp_path: Path
) -> None:
    users.sign_in(client, users.create())
    speech = make_speech(tmp_path / "talk.wav", "Counting every cake and every slice of bread.")
    broken = settings.model_copy(update={"whisper_model": str(tmp_path / "no-such-model")})
    w = Worker(broken)
    w.start()
    try:
        created = _upload(client, speech)
        job = wait_for_api_job(client, created["job"]["id"])
    finally:
        w.stop()
    assert job["status"] == "failed"
    assert "WHISPER_MODEL" in job["error"]
    pid = created["project"]["id"]
    assert client.get(f"/api/projects/{pid}").json()["status"] == "failed"

    good = Worker(settings)
    good.start()
    try:
        retry = client.post(f"/api/projects/{pid}/analyze", json={})
        assert retry.status_code == 202, retry.text
        again = client.post(f"/api/projects/{pid}/analyze", json={})
        assert again.status_code in {202, 409}
        job = wait_for_api_job(client, retry.json()["id"])
    finally:
        good.stop()
    assert job["status"] == "succeeded", job
    assert client.get(f"/api/projects/{pid}").json()["status"] == "ready"


class _HtmlPage(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"<html><head><title>Not media</title></head><body>Just a page.</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


def test_unsupported_url_fails_with_a_clear_message(
    client: TestClient, users: UserFactory, settings: Settings, app: Any, database: Any
) -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _HtmlPage)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    local = settings.model_copy(update={"allow_private_urls": True})
    app.state.settings = local
    w = Worker(local)
    w.start()
    try:
        users.sign_in(client, users.create())
        url = f"http://127.0.0.1:{server.server_port}/page.html"
        response = client.post("/api/projects", json={"url": url})
        assert response.status_code == 202, response.text
        job = wait_for_api_job(client, response.json()["job"]["id"])
    finally:
        w.stop()
        server.shutdown()
    assert job["status"] == "failed"
    assert "media" in job["error"].lower()
    project = client.get(f"/api/projects/{response.json()['project']['id']}").json()
    assert project["status"] == "failed"
