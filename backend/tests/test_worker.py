"""Jobs through real workers: success, user errors, bounded retries, cancel, crash recovery, Redis."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import wave
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil
import pytest

from spaceclip.config import Settings
from spaceclip.db import Database
from spaceclip.models.tables import TERMINAL_JOB_STATUSES, Job, JobStatus, Project, utcnow
from spaceclip.tasks.queue import JobQueue
from spaceclip.tasks.registry import TaskSpec, register
from spaceclip.tasks.runner import JobContext
from spaceclip.tasks.worker import Worker
from spaceclip.usecases import jobs as job_service
from tests.factories import UserFactory
from tests.media import cached, make_audio, make_long_audio, make_text_as_media, make_video

BACKEND_DIR = Path(__file__).resolve().parent.parent


# --- helpers (also used by test_jobs_api.py) -----------------------------------------------------


def wait_until(predicate: Callable[[], object], timeout: float = 60.0, interval: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"condition not met within {timeout} s"
        time.sleep(interval)


def make_project(database: Database, settings: Settings, owner_id: str, media: Path) -> str:
    """A Project row whose upload is a copy of ``media`` at ``<upload_dir>/<id>/source<ext>``."""
    with database.session() as db:
        project = Project(owner_id=owner_id, name=media.name, source_kind="upload", original_filename=media.name)
        db.add(project)
        db.flush()
        folder = settings.upload_dir / project.id
        folder.mkdir(parents=True)
        shutil.copyfile(media, folder / f"source{media.suffix}")
        project.media_path = f"{project.id}/source{media.suffix}"
        project.size_bytes = media.stat().st_size
        return project.id


def submit_job(
    database: Database, settings: Settings, project_id: str, kind: str = "probe", enqueue: bool = True
) -> str:
    """Create a queued job for the project, commit, then enqueue it (as the API does)."""
    with database.session() as db:
        project = db.get(Project, project_id)
        assert project is not None
        job_id = job_service.create_job(db, project, kind, settings).id
    if enqueue:
        JobQueue(settings).enqueue(job_id)
    return job_id


def load_job(database: Database, job_id: str) -> Job:
    with database.session() as db:
        job = db.get(Job, job_id)
        assert job is not None
        db.expunge(job)
        return job


def load_project(database: Database, project_id: str) -> Project:
    with database.session() as db:
        project = db.get(Project, project_id)
        assert project is not None
        db.expunge(project)
        return project


def wait_for_job(database: Database, job_id: str, timeout: float = 90.0) -> Job:
    wait_until(lambda: load_job(database, job_id).status in TERMINAL_JOB_STATUSES, timeout=timeout)
    return load_job(database, job_id)


def ffmpeg_descendants(pid: int) -> list[psutil.Process]:
    try:
        children = psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    return [p for p in children if _name(p) == "ffmpeg"]


def _name(p: psutil.Process) -> str:
    try:
        return str(p.name())
    except psutil.Error:
        return ""


def my_ffmpeg_processes(marker: str) -> list[psutil.Process]:
    """ffmpeg processes (anywhere: they run in their own sessions) whose command line mentions ``marker``."""
    found = []
    for p in psutil.process_iter(["name", "cmdline", "status"]):
        alive_ffmpeg = p.info["name"] == "ffmpeg" and p.info["status"] != psutil.STATUS_ZOMBIE
        if alive_ffmpeg and any(marker in part for part in p.info["cmdline"] or []):
            found.append(p)
    return found


# --- fixtures ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("media")


@pytest.fixture
def owner(users: UserFactory) -> str:
    return users.create().id


# --- guarded transitions (no worker needed) ------------------------------------------------------


def test_claim_is_idempotent_and_a_zombie_cannot_complete(
    database: Database, settings: Settings, owner: str, media_dir: Path
) -> None:
    project_id = make_project(database, settings, owner, cached(media_dir / "a.wav", make_audio))
    job_id = submit_job(database, settings, project_id, enqueue=False)
    with database.session() as db:
        assert job_service.claim_job(db, job_id, "host:1:1")
    with database.session() as db:
        assert not job_service.claim_job(db, job_id, "host:2:2"), "a duplicate delivery claims nothing"
    # The first worker is presumed dead: its job is re-queued and claimed by another.
    with database.session() as db:
        job = db.get(Job, job_id)
        assert job is not None
        assert job_service.requeue_stale_job(db, job, utcnow())
    with database.session() as db:
        assert job_service.claim_job(db, job_id, "host:2:2")
    with database.session() as db:
        zombie_done = job_service.finish_job(db, job_id, "host:1:1", JobStatus.SUCCEEDED, message="Done")
        zombie_progress = job_service.set_progress(db, job_id, "x", 0.5, worker_id="host:1:1")
        zombie_beat = job_service.heartbeat(db, job_id, "host:1:1")
    assert (zombie_done, zombie_progress, zombie_beat.owned) == (False, False, False)
    with database.session() as db:
        assert job_service.finish_job(db, job_id, "host:2:2", JobStatus.SUCCEEDED, message="Done")
    with database.session() as db:
        assert not job_service.finish_job(db, job_id, "host:2:2", JobStatus.SUCCEEDED, message="Done")
    job = load_job(database, job_id)
    assert (job.status, job.attempts, job.worker_id, job.progress) == ("succeeded", 2, "host:2:2", 1.0)


@pytest.mark.parametrize(("attempts", "expected"), [(1, 0.2), (2, 0.4), (3, 0.8), (30, 3600.0)])
def test_retry_delay_doubles(settings: Settings, attempts: int, expected: float) -> None:
    assert job_service.retry_delay_s(settings, attempts) == pytest.approx(expected)


# --- real workers --------------------------------------------------------------------------------


@pytest.mark.slow
def test_probe_job_succeeds(
    database: Database, settings: Settings, owner: str, worker: Worker, media_dir: Path
) -> None:
    project_id = make_project(database, settings, owner, cached(media_dir / "talk.mp4", make_video, seconds=3.0))
    job = wait_for_job(database, submit_job(database, settings, project_id), timeout=60)
    assert (job.status, job.attempts, job.progress, job.stage, job.error) == ("succeeded", 1, 1.0, "done", None)
    assert job.result is not None and job.result["audio_path"] == f"{project_id}/audio.wav"
    project = load_project(database, project_id)
    assert project.status == "ready_for_analysis" and project.error is None
    assert project.media_info is not None
    assert project.media_info["duration_s"] == pytest.approx(3.0, abs=0.1)
    assert project.media_info["has_video"] is True
    folder = settings.upload_dir / project_id
    assert sorted(p.name for p in folder.iterdir()) == ["audio.wav", "source.mp4"]
    with wave.open(str(folder / "audio.wav"), "rb") as w:
        assert (w.getframerate(), w.getnchannels()) == (16000, 1)
        assert w.getnframes() / 16000 == pytest.approx(3.0, abs=0.1)


@pytest.mark.slow
def test_duplicate_delivery_runs_once(
    database: Database, settings: Settings, owner: str, worker: Worker, media_dir: Path
) -> None:
    project_id = make_project(database, settings, owner, cached(media_dir / "a.wav", make_audio))
    job_id = submit_job(database, settings, project_id)
    for _ in range(3):
        JobQueue(settings).enqueue(job_id)
    job = wait_for_job(database, job_id)
    time.sleep(1.0)  # let the duplicates arrive
    job = load_job(database, job_id)
    assert (job.status, job.attempts) == ("succeeded", 1)


@pytest.mark.slow
def test_user_error_fails_without_retry_and_project_shows_it(
    database: Database, settings: Settings, owner: str, worker: Worker, tmp_path: Path
) -> None:
    project_id = make_project(database, settings, owner, make_text_as_media(tmp_path / "notes.mp4"))
    job = wait_for_job(database, submit_job(database, settings, project_id))
    assert job.status == "failed"
    assert job.attempts == 1, "a user error is not retried"
    assert job.error is not None and "not an audio or video file" in job.error
    project = load_project(database, project_id)
    assert project.status == "failed"
    assert project.error == job.error
    assert project.media_info is None


@pytest.mark.slow
def test_a_bug_is_retried_max_attempts_then_fails_with_the_reason(
    database: Database, settings: Settings, owner: str, worker: Worker, media_dir: Path
) -> None:
    calls: list[int] = []

    def boom(ctx: JobContext) -> None:
        calls.append(ctx.attempt)
        raise RuntimeError("boom in the task")

    register("test_boom", TaskSpec(run=boom))
    project_id = make_project(database, settings, owner, cached(media_dir / "a.wav", make_audio))
    job = wait_for_job(database, submit_job(database, settings, project_id, kind="test_boom"), timeout=30)
    assert calls == [1, 2, 3]
    assert (job.status, job.attempts, job.max_attempts) == ("failed", 3, 3)
    assert job.error is not None
    assert "failed 3 times" in job.error and "RuntimeError: boom in the task" in job.error


@pytest.mark.slow
def test_cancel_of_a_running_probe_kills_its_ffmpeg(
    database: Database, settings: Settings, owner: str, worker: Worker, media_dir: Path
) -> None:
    project_id = make_project(database, settings, owner, cached(media_dir / "long.ogg", make_long_audio, minutes=60))
    job_id = submit_job(database, settings, project_id)
    wait_until(lambda: my_ffmpeg_processes(project_id), timeout=30, interval=0.02)
    running = my_ffmpeg_processes(project_id)
    with database.session() as db:
        job_service.cancel_job(db, db.get(Job, job_id))  # type: ignore[arg-type]
    job = wait_for_job(database, job_id, timeout=20)
    assert job.status == "cancelled"
    psutil.wait_procs(running, timeout=5)
    assert my_ffmpeg_processes(project_id) == []
    assert all(not p.is_running() or p.status() == psutil.STATUS_ZOMBIE for p in running)
    project = load_project(database, project_id)
    assert (project.status, project.error) == ("failed", "Cancelled by you.")
    assert sorted(p.name for p in (settings.upload_dir / project_id).iterdir()) == ["source.ogg"], "no partial output"


@pytest.mark.slow
def test_a_job_never_delivered_is_found_and_run(
    database: Database, settings: Settings, owner: str, worker: Worker, media_dir: Path
) -> None:
    project_id = make_project(database, settings, owner, cached(media_dir / "a.wav", make_audio))
    job_id = submit_job(database, settings, project_id, enqueue=False)  # as if the API died before enqueue
    job = wait_for_job(database, job_id, timeout=settings.job_stale_s + 20)
    assert (job.status, job.attempts) == ("succeeded", 1)


def _worker_env(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SPACECLIP_") and k != "DATABASE_URL"}
    env.update(
        SPACECLIP_DATA_DIR=str(settings.data_dir),
        DATABASE_URL=settings.database_url,
        SPACECLIP_WORKERS="1",
        SPACECLIP_JOB_HEARTBEAT_S=str(settings.job_heartbeat_s),
        SPACECLIP_JOB_STALE_S=str(settings.job_stale_s),
        SPACECLIP_JOB_RETRY_BACKOFF_S=str(settings.job_retry_backoff_s),
        SPACECLIP_LOG_LEVEL="INFO",
    )
    return env


def _start_worker_process(settings: Settings, log_path: Path) -> subprocess.Popen[bytes]:
    log_file = log_path.open("ab")
    return subprocess.Popen(
        [sys.executable, "-m", "spaceclip.tasks.worker"],
        cwd=BACKEND_DIR,
        env=_worker_env(settings),
        stdout=log_file,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _kill_everything(proc: subprocess.Popen[bytes]) -> None:
    """Power loss: SIGKILL the worker's process group and every process it started."""
    descendants = psutil.Process(proc.pid).children(recursive=True)
    os.killpg(proc.pid, signal.SIGKILL)
    for child in descendants:
        with contextlib.suppress(psutil.NoSuchProcess):
            child.kill()
    proc.wait(timeout=10)
    psutil.wait_procs(descendants, timeout=5)


@pytest.mark.slow
def test_crash_recovery_sigkill_mid_job_then_a_new_worker_finishes_it_once(
    database: Database, settings: Settings, owner: str, media_dir: Path, tmp_path: Path
) -> None:
    project_id = make_project(database, settings, owner, cached(media_dir / "long.ogg", make_long_audio, minutes=60))
    job_id = submit_job(database, settings, project_id)
    log_path = tmp_path / "workers.log"
    first = _start_worker_process(settings, log_path)
    try:
        # Wait until the first worker is extracting audio, then kill it and everything it started.
        wait_until(lambda: ffmpeg_descendants(first.pid), timeout=60, interval=0.02)
        assert load_job(database, job_id).status == "running"
        _kill_everything(first)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
            first.wait()
    crashed = load_job(database, job_id)
    assert (crashed.status, crashed.attempts) == ("running", 1), "nobody recorded anything for the dead worker"
    folder = settings.upload_dir / project_id
    assert not (folder / "audio.wav").exists()

    started = time.monotonic()
    second = _start_worker_process(settings, log_path)
    try:
        job = wait_for_job(database, job_id, timeout=120)
        recovery_s = time.monotonic() - started
        # Stop the second worker the polite way; it must exit cleanly.
        os.killpg(second.pid, signal.SIGTERM)
        assert second.wait(timeout=30) == 0
    finally:
        if second.poll() is None:
            os.killpg(second.pid, signal.SIGKILL)
            second.wait()
    print(f"crash recovery: job finished {recovery_s:.1f} s after the second worker started")
    assert (job.status, job.attempts, job.error) == ("succeeded", 2, None), log_path.read_text()[-3000:]
    project = load_project(database, project_id)
    assert project.status == "ready_for_analysis"
    assert sorted(p.name for p in folder.iterdir()) == ["audio.wav", "source.ogg"], "one output, no leftovers"
    with wave.open(str(folder / "audio.wav"), "rb") as w:
        assert w.getnframes() / w.getframerate() == pytest.approx(3600, abs=2)
    with database.session() as db:
        assert db.query(Job).filter(Job.project_id == project_id).count() == 1
    log_text = log_path.read_text()
    assert log_text.count(f"Job {job_id} (probe) succeeded") == 1


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    try:

        def up() -> bool:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                return True
            except OSError:
                return False

        wait_until(up, timeout=10)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.mark.slow
def test_job_runs_through_redis_queue(
    database: Database, settings: Settings, owner: str, media_dir: Path, redis_url: str
) -> None:
    redis_settings = settings.model_copy(update={"redis_url": redis_url})
    project_id = make_project(database, redis_settings, owner, cached(media_dir / "a.m4a", make_audio))
    with Worker(redis_settings):
        job = wait_for_job(database, submit_job(database, redis_settings, project_id), timeout=60)
    assert (job.status, job.attempts) == ("succeeded", 1)
    assert load_project(database, project_id).status == "ready_for_analysis"
    assert not redis_settings.queue_path.exists(), "the SQLite queue was not used"


@pytest.mark.slow
def test_stopping_a_worker_mid_job_puts_the_job_back(
    database: Database, settings: Settings, owner: str, media_dir: Path
) -> None:
    project_id = make_project(database, settings, owner, cached(media_dir / "long.ogg", make_long_audio, minutes=60))
    job_id = submit_job(database, settings, project_id)
    w = Worker(settings)
    w.start()
    try:
        wait_until(lambda: my_ffmpeg_processes(project_id), timeout=30, interval=0.02)
    finally:
        stopper = threading.Thread(target=w.stop)
        stopper.start()
        stopper.join(timeout=30)
    job = load_job(database, job_id)
    assert (job.status, job.attempts, job.worker_id) == ("queued", 0, None)
    assert my_ffmpeg_processes(project_id) == []


@pytest.mark.slow
def test_maintenance_fails_a_stale_job_on_its_last_attempt_and_purges_sessions(
    database: Database, settings: Settings, users: UserFactory, media_dir: Path
) -> None:
    from datetime import timedelta

    from sqlalchemy import update

    from spaceclip.models.tables import UserSession

    user = users.create()
    token = users.token_for(user)
    project_id = make_project(database, settings, user.id, cached(media_dir / "a.wav", make_audio))
    job_id = submit_job(database, settings, project_id, enqueue=False)
    long_ago = utcnow() - timedelta(hours=1)
    with database.session() as db:
        # A job whose worker died on its third and last attempt, and a session past its expiry.
        db.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(status="running", attempts=3, worker_id="dead-host:1:1", heartbeat_at=long_ago)
        )
        db.execute(update(UserSession).values(expires_at=long_ago))
    w = Worker(settings)
    w.start()
    try:
        job = wait_for_job(database, job_id, timeout=10)
    finally:
        w.stop()
    assert (job.status, job.attempts) == ("failed", 3)
    assert job.error is not None and "stopped unexpectedly 3 times" in job.error
    project = load_project(database, project_id)
    assert (project.status, project.error) == ("failed", job.error)
    with database.session() as db:
        assert db.query(UserSession).count() == 0, f"expired session for token {token[:4]}... purged"
