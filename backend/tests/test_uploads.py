"""Uploads: streamed to disk, size cap enforced while streaming, nothing left behind on refusal."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import anyio
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlalchemy import select as sql_select

from spaceclip.config import Settings
from spaceclip.db import Database
from spaceclip.errors import PayloadTooLarge
from spaceclip.models.tables import Job, Project
from spaceclip.services.ingest.storage import Storage
from spaceclip.services.ingest.uploads import receive_upload
from spaceclip.tasks.worker import Worker
from tests.factories import UserFactory
from tests.media import cached, make_long_audio, make_text_as_media, make_truncated_mp4, make_video
from tests.raw_http import send_chunked_until_answered

BOUNDARY = "spaceclip-test-boundary-7f3a"
CONTENT_TYPE = f"multipart/form-data; boundary={BOUNDARY}"
MB = 1024 * 1024
CHUNK = 64 * 1024


# Upload without starting the analysis (only the probe), so these tests stay about the upload.
UPLOAD_URL = "/api/projects?analyze=false"


def file_head(filename: str = "big.mp4", field: str = "file") -> bytes:
    return (
        f"--{BOUNDARY}\r\n"
        f'Content-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
        "Content-Type: video/mp4\r\n\r\n"
    ).encode()


def text_part(name: str, value: str) -> bytes:
    return f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()


TAIL = f"\r\n--{BOUNDARY}--\r\n".encode()


def multipart_stream(size: int, chunk: int = CHUNK) -> Iterator[bytes]:
    """A multipart body with one ``file`` part of ``size`` bytes, produced chunk by chunk."""
    yield file_head()
    remaining = size
    block = b"\x01" * chunk
    while remaining > 0:
        n = min(chunk, remaining)
        yield block[:n]
        remaining -= n
    yield TAIL


def leftovers(settings: Settings) -> list[Path]:
    return sorted(settings.upload_dir.rglob("*"))


def project_count(database: Database) -> int:
    with database.session() as db:
        return int(db.scalar(sql_select(func.count()).select_from(Project)) or 0)


def assert_nothing_kept(settings: Settings, database: Database) -> None:
    assert leftovers(settings) == []
    assert project_count(database) == 0
    with database.session() as db:
        assert db.scalar(sql_select(func.count()).select_from(Job)) == 0


@pytest.fixture
def small_cap(settings: Settings) -> Settings:
    settings.max_upload_mb = 1
    return settings


def test_over_cap_streamed_without_length_is_413_and_leaves_nothing(
    client: TestClient, users: UserFactory, small_cap: Settings, database: Database
) -> None:
    users.sign_in(client, users.create())

    resp = client.post(UPLOAD_URL, content=multipart_stream(5 * MB), headers={"Content-Type": CONTENT_TYPE})

    assert resp.status_code == 413
    detail = resp.json()["detail"]
    assert "1 MB" in detail
    assert "SPACECLIP_MAX_UPLOAD_MB" in detail
    assert_nothing_kept(small_cap, database)


def test_over_cap_declared_length_is_413_and_leaves_nothing(
    client: TestClient, users: UserFactory, small_cap: Settings, database: Database
) -> None:
    users.sign_in(client, users.create())
    body = b"".join(multipart_stream(5 * MB))

    resp = client.post(
        UPLOAD_URL,
        content=iter([body]),
        headers={"Content-Type": CONTENT_TYPE, "Content-Length": str(len(body))},
    )

    assert resp.status_code == 413
    assert "SPACECLIP_MAX_UPLOAD_MB" in resp.json()["detail"]
    assert_nothing_kept(small_cap, database)


def test_exactly_at_cap_is_accepted_one_byte_more_is_not(
    client: TestClient, users: UserFactory, small_cap: Settings, database: Database
) -> None:
    users.sign_in(client, users.create())
    over = client.post(UPLOAD_URL, content=multipart_stream(MB + 1), headers={"Content-Type": CONTENT_TYPE})
    assert over.status_code == 413
    assert_nothing_kept(small_cap, database)

    ok = client.post(UPLOAD_URL, content=multipart_stream(MB), headers={"Content-Type": CONTENT_TYPE})

    assert ok.status_code == 202, ok.text
    pid = ok.json()["project"]["id"]
    assert ok.json()["project"]["size_bytes"] == MB
    assert Storage(small_cap).resolve(f"{pid}/source.mp4").stat().st_size == MB


def test_refusal_happens_while_streaming(small_cap: Settings) -> None:
    """The service stops pulling body chunks right after the cap; the rest is never read."""
    pulled = 0

    async def body() -> AsyncIterator[bytes]:
        nonlocal pulled
        for part in multipart_stream(64 * MB):
            pulled += len(part)
            yield part

    async def main() -> None:
        await receive_upload(body(), CONTENT_TYPE, small_cap, Storage(small_cap), project_id="streamed")

    with pytest.raises(PayloadTooLarge):
        anyio.run(main)
    assert pulled <= MB + 2 * CHUNK
    assert leftovers(small_cap) == []


MALFORMED: list[tuple[str, bytes, str]] = [
    ("empty file", file_head() + TAIL, "empty"),
    ("no file part", text_part("name", "only a name") + f"--{BOUNDARY}--\r\n".encode(), "No file"),
    ("ends early", file_head() + b"\x01" * 300_000, "ended before"),
    ("two files", file_head() + b"a\r\n" + file_head() + b"b" + TAIL, "one file"),
    ("wrong field", file_head(field="media") + b"abc" + TAIL, "form field `file`"),
    ("huge name field", text_part("name", "n" * 10_000) + file_head() + b"abc" + TAIL, "longer than"),
    ("garbage", b"this is not multipart at all" * 100, "not valid multipart"),
]


@pytest.mark.parametrize(("case", "body", "message"), MALFORMED, ids=[c[0] for c in MALFORMED])
def test_malformed_uploads_are_400_and_leave_nothing(
    client: TestClient,
    users: UserFactory,
    settings: Settings,
    database: Database,
    case: str,
    body: bytes,
    message: str,
) -> None:
    users.sign_in(client, users.create())

    resp = client.post(UPLOAD_URL, content=body, headers={"Content-Type": CONTENT_TYPE})

    assert resp.status_code == 400, (case, resp.text)
    assert message in resp.json()["detail"]
    assert_nothing_kept(settings, database)


def test_missing_boundary_is_400(client: TestClient, users: UserFactory, settings: Settings) -> None:
    users.sign_in(client, users.create())
    resp = client.post(UPLOAD_URL, content=b"x", headers={"Content-Type": "multipart/form-data"})
    assert resp.status_code == 400
    assert "boundary" in resp.json()["detail"]
    assert leftovers(settings) == []


def test_bad_content_length_is_400(client: TestClient, users: UserFactory) -> None:
    users.sign_in(client, users.create())
    resp = client.post(
        UPLOAD_URL,
        content=iter([b"".join(multipart_stream(10))]),
        headers={"Content-Type": CONTENT_TYPE, "Content-Length": "lots"},
    )
    assert resp.status_code == 400


# --- against a real HTTP server (uvicorn on loopback), raw sockets --------------------------------


class LiveServer:
    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.01)
        self.port: int = self.server.servers[0].sockets[0].getsockname()[1]
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)

    def connect(self) -> socket.socket:
        return socket.create_connection(("127.0.0.1", self.port), timeout=10)


@pytest.fixture
def live(app: FastAPI) -> Iterator[LiveServer]:
    with LiveServer(app) as server:
        yield server


def request_head(token: str, extra: str = "") -> bytes:
    return (
        "POST /api/projects HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Bearer {token}\r\nContent-Type: {CONTENT_TYPE}\r\n{extra}\r\n"
    ).encode()


def read_status(sock: socket.socket) -> int:
    data = b""
    while b"\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return int(data.split(b" ", 2)[1])


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.02)


def test_live_declared_length_over_cap_is_refused_before_the_body(
    live: LiveServer, users: UserFactory, settings: Settings, database: Database
) -> None:
    token = users.token_for(users.create())
    with live.connect() as sock:
        sock.sendall(request_head(token, f"Content-Length: {50 * 1024**3}\r\n"))  # 50 GB, never sent
        assert read_status(sock) == 413
    assert_nothing_kept(settings, database)


def test_live_over_cap_stream_is_refused_before_it_ends(
    live: LiveServer, users: UserFactory, small_cap: Settings, database: Database
) -> None:
    token = users.token_for(users.create())
    total = 256 * MB
    status = None
    with live.connect() as sock:
        sock.sendall(request_head(token, "Transfer-Encoding: chunked\r\n"))
        sent, _ = send_chunked_until_answered(sock, multipart_stream(total, chunk=256 * 1024))
        status = read_status(sock)
    assert status == 413
    assert sent < total / 4, f"the server let {sent} bytes in before refusing"
    wait_until(lambda: leftovers(small_cap) == [])
    assert_nothing_kept(small_cap, database)


def test_live_client_disconnect_mid_upload_leaves_nothing(
    live: LiveServer, users: UserFactory, settings: Settings, database: Database
) -> None:
    token = users.token_for(users.create())
    sock = live.connect()
    sock.sendall(request_head(token, f"Content-Length: {10 * MB}\r\n"))
    sock.sendall(file_head() + b"\x01" * (3 * MB))
    # The project folder and its temp file exist while the body streams...
    wait_until(lambda: any(p.name.endswith(".part") for p in leftovers(settings)))
    # ...and no database connection (so no transaction, no SQLite write lock) is held meanwhile.
    assert live.app.state.db.engine.pool.checkedout() == 0
    sock.close()
    # ...and are gone once the server sees the disconnect.
    wait_until(lambda: leftovers(settings) == [])
    assert_nothing_kept(settings, database)


# --- end to end with the real worker (in-process threads) and generated media --------------------


@pytest.fixture(scope="module")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("media")


def upload_file(client: TestClient, path: Path) -> dict[str, str]:
    with path.open("rb") as f:
        resp = client.post(UPLOAD_URL, files={"file": (path.name, f, "application/octet-stream")})
    assert resp.status_code == 202, resp.text
    return {"project": resp.json()["project"]["id"], "job": resp.json()["job"]["id"]}


def wait_for_project(client: TestClient, project_id: str, timeout: float = 90.0) -> dict[str, object]:
    """Poll until the project leaves queued/probing; returns its final JSON."""
    deadline = time.monotonic() + timeout
    while True:
        body: dict[str, object] = client.get(f"/api/projects/{project_id}").json()
        if body["status"] not in ("queued", "probing"):
            return body
        assert time.monotonic() < deadline, f"project still {body['status']} after {timeout} s"
        time.sleep(0.1)


def job_of(client: TestClient, project_id: str) -> dict[str, object]:
    jobs = client.get(f"/api/projects/{project_id}/jobs").json()
    assert len(jobs) == 1
    job: dict[str, object] = jobs[0]
    return job


@pytest.mark.slow
@pytest.mark.parametrize(
    ("maker", "words"),
    [(make_text_as_media, "not an audio or video file"), (make_truncated_mp4, "could not read")],
    ids=["text-renamed-mp4", "truncated-mp4"],
)
def test_bad_media_fails_job_and_project_with_same_message(
    client: TestClient,
    users: UserFactory,
    worker: Worker,
    media_dir: Path,
    maker: Callable[[Path], Path],
    words: str,
) -> None:
    users.sign_in(client, users.create())
    path = cached(media_dir / f"{maker.__name__}.mp4", maker)
    ids = upload_file(client, path)

    project = wait_for_project(client, ids["project"])

    job = job_of(client, ids["project"])
    assert job["status"] == "failed"
    assert project["status"] == "failed"
    assert isinstance(job["error"], str) and words in job["error"]
    assert project["error"] == job["error"]
    assert project["media_info"] is None


@pytest.mark.slow
def test_good_video_becomes_ready_for_analysis(
    client: TestClient, users: UserFactory, worker: Worker, media_dir: Path
) -> None:
    users.sign_in(client, users.create())
    ids = upload_file(client, cached(media_dir / "talk.mp4", make_video))

    project = wait_for_project(client, ids["project"])

    assert project["status"] == "ready_for_analysis", project
    assert project["error"] is None
    info = project["media_info"]
    assert isinstance(info, dict)
    assert 1.5 < float(info["duration_s"]) < 2.5
    assert job_of(client, ids["project"])["status"] == "succeeded"


@pytest.mark.slow
def test_twenty_concurrent_uploads_all_ready_without_lock_errors(
    make_client: Callable[..., TestClient],
    users: UserFactory,
    worker: Worker,
    media_dir: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    video = cached(media_dir / "talk.mp4", make_video)
    user = users.create()
    clients = [make_client() for _ in range(20)]
    for c in clients:
        users.sign_in(c, user)
    barrier = threading.Barrier(len(clients))
    responses: list[tuple[int, str]] = []
    lock = threading.Lock()

    def send(c: TestClient) -> None:
        barrier.wait()
        with video.open("rb") as f:
            resp = c.post(UPLOAD_URL, files={"file": ("talk.mp4", f, "video/mp4")})
        with lock:
            responses.append((resp.status_code, resp.text))

    threads = [threading.Thread(target=send, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)

    assert sorted(code for code, _ in responses) == [202] * 20, responses
    project_ids = [json.loads(text)["project"]["id"] for _, text in responses]
    assert len(set(project_ids)) == 20
    finals = [wait_for_project(clients[0], pid, timeout=240) for pid in project_ids]
    assert [p["status"] for p in finals] == ["ready_for_analysis"] * 20, [p["error"] for p in finals]
    listed = clients[0].get("/api/projects").json()["items"]
    assert {p["id"] for p in listed} == set(project_ids)
    assert all(p["latest_job"]["status"] == "succeeded" for p in listed)
    everything = caplog.text + "".join(text for _, text in responses)
    assert "database is locked" not in everything.lower()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text[-3000:]


@pytest.mark.slow
def test_delete_while_probe_runs_leaves_nothing(
    client: TestClient,
    users: UserFactory,
    worker: Worker,
    media_dir: Path,
    settings: Settings,
    database: Database,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    users.sign_in(client, users.create())
    ids = upload_file(client, cached(media_dir / "long.ogg", make_long_audio, minutes=60))
    wait_until(lambda: job_of(client, ids["project"])["status"] == "running", timeout=30)

    assert client.delete(f"/api/projects/{ids['project']}").status_code == 204

    # Audio extraction of an hour takes seconds; for that long nothing may reappear on disk.
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        assert leftovers(settings) == []
        time.sleep(0.1)
    assert_nothing_kept(settings, database)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text[-3000:]
