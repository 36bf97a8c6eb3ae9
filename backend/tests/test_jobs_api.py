"""The jobs API: status, the server-sent-events stream, cancel, and owner-only access."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from spaceclip.api import jobs as jobs_api
from spaceclip.config import Settings
from spaceclip.db import Database
from spaceclip.tasks.worker import Worker
from tests.factories import UserFactory
from tests.media import cached, make_audio, make_long_audio
from tests.test_worker import load_project, make_project, my_ffmpeg_processes, submit_job, wait_for_job, wait_until


@pytest.fixture(scope="module")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("media")


@dataclass(frozen=True)
class LongJob:
    owner_id: str
    project_id: str
    job_id: str


@pytest.fixture
def long_job(
    client: TestClient, users: UserFactory, database: Database, settings: Settings, worker: Worker, media_dir: Path
) -> LongJob:
    """Alice, signed in on ``client``, with an hour of audio whose probe job the running worker takes."""
    alice = users.create()
    users.sign_in(client, alice)
    project_id = make_project(database, settings, alice.id, cached(media_dir / "long.ogg", make_long_audio, minutes=60))
    return LongJob(alice.id, project_id, submit_job(database, settings, project_id))


def read_events(client: TestClient, job_id: str) -> tuple[str, list[dict[str, object]], list[str]]:
    """The stream's content type, its data events (parsed) and its comment lines."""
    events: list[dict[str, object]] = []
    comments: list[str] = []
    with client.stream("GET", f"/api/jobs/{job_id}/events") as resp:
        assert resp.status_code == 200
        content_type = resp.headers["content-type"]
        for line in resp.iter_lines():
            if line.startswith("data: "):
                events.append(json.loads(line.removeprefix("data: ")))
            elif line.startswith(":"):
                comments.append(line)
    return content_type, events, comments


def test_get_job_and_owner_only_access(
    client: TestClient, make_client, users: UserFactory, database: Database, settings: Settings, media_dir: Path
) -> None:
    alice, bob = users.create(), users.create()
    project_id = make_project(database, settings, alice.id, cached(media_dir / "a.wav", make_audio))
    job_id = submit_job(database, settings, project_id, enqueue=False)

    assert client.get(f"/api/jobs/{job_id}").status_code == 401, "signed out"
    users.sign_in(client, alice)
    body = client.get(f"/api/jobs/{job_id}").json()
    assert body["id"] == job_id and body["project_id"] == project_id
    assert (body["kind"], body["status"], body["progress"], body["attempts"]) == ("probe", "queued", 0.0, 0)
    assert "owner_id" not in body and "worker_id" not in body

    other = make_client()
    users.sign_in(other, bob)
    for method, url in [
        ("GET", f"/api/jobs/{job_id}"),
        ("GET", f"/api/jobs/{job_id}/events"),
        ("POST", f"/api/jobs/{job_id}/cancel"),
        ("GET", "/api/jobs/doesnotexist"),
        ("GET", "/api/jobs/doesnotexist/events"),
        ("POST", "/api/jobs/doesnotexist/cancel"),
    ]:
        resp = other.request(method, url)
        assert resp.status_code == 404, (method, url, resp.text)
        assert resp.json()["code"] == "not_found"
    assert client.get(f"/api/jobs/{job_id}").json()["status"] == "queued", "bob's cancel did nothing"


def test_cancel_a_queued_job_at_once(
    client: TestClient, users: UserFactory, database: Database, settings: Settings, media_dir: Path
) -> None:
    alice = users.create()
    users.sign_in(client, alice)
    project_id = make_project(database, settings, alice.id, cached(media_dir / "a.wav", make_audio))
    job_id = submit_job(database, settings, project_id, enqueue=False)

    resp = client.post(f"/api/jobs/{job_id}/cancel")
    assert resp.status_code == 200
    assert resp.json()["status"] == "cancelled" and resp.json()["finished_at"] is not None
    assert client.post(f"/api/jobs/{job_id}/cancel").json()["status"] == "cancelled", "idempotent"
    project = load_project(database, project_id)
    assert (project.status, project.error) == ("failed", "Cancelled by you.")
    # The stream of a finished job holds one event and ends.
    _, events, _ = read_events(client, job_id)
    assert [e["status"] for e in events] == ["cancelled"]


def test_cancel_needs_a_same_origin_request(
    make_client, users: UserFactory, database: Database, settings: Settings, media_dir: Path
) -> None:
    alice = users.create()
    project_id = make_project(database, settings, alice.id, cached(media_dir / "a.wav", make_audio))
    job_id = submit_job(database, settings, project_id, enqueue=False)
    foreign = make_client(origin="http://evil.example")
    users.sign_in(foreign, alice)
    assert foreign.post(f"/api/jobs/{job_id}/cancel").status_code == 403
    assert foreign.get(f"/api/jobs/{job_id}").json()["status"] == "queued"


def test_stream_pings_while_waiting_and_ends_when_cancelled(
    client: TestClient,
    users: UserFactory,
    database: Database,
    settings: Settings,
    media_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(jobs_api, "PING_INTERVAL_S", 0.3)
    alice = users.create()
    users.sign_in(client, alice)
    token = users.token_for(alice)
    project_id = make_project(database, settings, alice.id, cached(media_dir / "a.wav", make_audio))
    job_id = submit_job(database, settings, project_id, enqueue=False)  # no worker: it stays queued

    pool_samples: list[int] = []

    def cancel_later() -> None:
        for _ in range(15):  # while the stream is open, it holds no database connection
            time.sleep(0.1)
            pool_samples.append(client.app.state.db.engine.pool.checkedout())  # type: ignore[attr-defined]
        with TestClient(client.app, base_url=str(client.base_url)) as api:
            api.post(f"/api/jobs/{job_id}/cancel", headers={"Authorization": f"Bearer {token}"})

    canceller = threading.Thread(target=cancel_later)
    canceller.start()
    started = time.monotonic()
    content_type, events, comments = read_events(client, job_id)
    canceller.join()
    assert content_type.startswith("text/event-stream")
    assert [e["status"] for e in events] == ["queued", "cancelled"], "one event per change"
    assert len(comments) >= 2 and all(c == ": ping" for c in comments)
    assert time.monotonic() - started < 10
    assert min(pool_samples) == 0 and max(pool_samples) <= 1, pool_samples


@pytest.mark.slow
def test_stream_delivers_progress_and_ends_at_success(client: TestClient, long_job: LongJob) -> None:
    job_id = long_job.job_id
    content_type, events, _ = read_events(client, job_id)

    assert content_type.startswith("text/event-stream")
    statuses = [e["status"] for e in events]
    assert statuses[-1] == "succeeded" and statuses.count("succeeded") == 1
    assert set(statuses) <= {"queued", "running", "succeeded"}
    progress = [float(e["progress"]) for e in events]  # type: ignore[arg-type]
    assert progress == sorted(progress), "progress never goes backwards"
    middle = [e for e in events if 0.0 < float(e["progress"]) < 1.0 and e["stage"] == "extracting_audio"]  # type: ignore[arg-type]
    assert len(middle) >= 2, events
    print(f"SSE: {len(events)} events, progress {[round(p, 2) for p in progress]}")
    assert events[-1]["progress"] == 1.0
    assert client.get(f"/api/jobs/{job_id}").json() == events[-1]


@pytest.mark.slow
def test_cancel_a_running_job_through_the_api(
    client: TestClient, database: Database, settings: Settings, media_dir: Path, long_job: LongJob
) -> None:
    project_id, job_id = long_job.project_id, long_job.job_id
    wait_until(lambda: my_ffmpeg_processes(project_id), timeout=30, interval=0.02)

    resp = client.post(f"/api/jobs/{job_id}/cancel")
    assert resp.status_code == 200 and resp.json()["status"] == "running"
    job = wait_for_job(database, job_id, timeout=20)
    assert job.status == "cancelled"
    wait_until(lambda: not my_ffmpeg_processes(project_id), timeout=5)
    assert client.post(f"/api/jobs/{job_id}/cancel").status_code == 200
    # A finished job cannot be cancelled.
    done_project = make_project(database, settings, long_job.owner_id, cached(media_dir / "a.wav", make_audio))
    done_job = wait_for_job(database, submit_job(database, settings, done_project))
    assert done_job.status == "succeeded"
    resp = client.post(f"/api/jobs/{done_job.id}/cancel")
    assert resp.status_code == 409 and "already succeeded" in resp.json()["detail"]
