"""Upload memory and throughput: the server's RSS must not grow with the size of an upload.

Starts the real app with uvicorn in a subprocess on a free loopback port, then

1. streams a 1 GiB file (chunked transfer, generated on the fly, no Content-Length) under the default
   cap (SPACECLIP_MAX_UPLOAD_MB=4096) and prints the server's RSS before / after / peak and the
   throughput;
2. streams another 1 GiB file at a second server whose cap is 100 MB and prints how far the body got
   before the 413 arrived (the refusal happens while streaming) and the RSS.

Run: ``cd backend && ../.venv/bin/python benchmarks/bench_upload_memory.py [--size-mb 1024]``
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # backend/, for the tests' raw-HTTP helper

from spaceclip.auth.passwords import hash_password
from spaceclip.auth.sessions import create_session
from spaceclip.config import Settings
from spaceclip.db import Database
from spaceclip.migrate import upgrade
from spaceclip.models.tables import User
from tests.raw_http import send_chunked_until_answered

MB = 1024 * 1024
CHUNK = 256 * 1024
BOUNDARY = "bench-boundary-1b2c3d"
CONTENT_TYPE = f"multipart/form-data; boundary={BOUNDARY}"
HEAD = (
    f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.mp4"\r\n'
    "Content-Type: video/mp4\r\n\r\n"
).encode()
TAIL = f"\r\n--{BOUNDARY}--\r\n".encode()


def body(size: int) -> Iterator[bytes]:
    yield HEAD
    block = os.urandom(CHUNK)
    left = size
    while left > 0:
        n = min(CHUNK, left)
        yield block[:n]
        left -= n
    yield TAIL


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RssSampler:
    """Samples a process's RSS every 20 ms in a thread; keeps the peak."""

    def __init__(self, pid: int) -> None:
        self.proc = psutil.Process(pid)
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def rss(self) -> int:
        return int(self.proc.memory_info().rss)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.rss())
            time.sleep(0.02)

    def __enter__(self) -> RssSampler:
        self.peak = self.rss()
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()


class Server:
    """``uvicorn spaceclip.main:create_app --factory`` with its own data dir and cap."""

    def __init__(self, data_dir: Path, max_upload_mb: int | None) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        env = {**os.environ, "SPACECLIP_DATA_DIR": str(data_dir), "SPACECLIP_LOG_LEVEL": "WARNING"}
        env.pop("DATABASE_URL", None)
        if max_upload_mb is not None:
            env["SPACECLIP_MAX_UPLOAD_MB"] = str(max_upload_mb)
        settings = Settings(data_dir=data_dir, _env_file=None)
        if max_upload_mb is not None:
            settings.max_upload_mb = max_upload_mb
        self.settings = settings
        upgrade(settings)
        self.token = self._make_token(settings)
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "spaceclip.main:create_app",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=Path(__file__).resolve().parent.parent,
        )
        self._wait_ready()

    @staticmethod
    def _make_token(settings: Settings) -> str:
        database = Database.from_url(settings.database_url)
        with database.session() as db:
            user = User(email="bench@example.com", password_hash=hash_password("bench password 123"))
            db.add(user)
            db.flush()
            token = create_session(db, user, settings).token
        database.dispose()
        return token

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{self.port}/api/health", timeout=1).status_code < 500:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("the server did not start")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


def accepted_upload(server: Server, size: int) -> None:
    url = f"http://127.0.0.1:{server.port}/api/projects?analyze=false"
    headers = {"Authorization": f"Bearer {server.token}", "Content-Type": CONTENT_TYPE}
    with RssSampler(server.proc.pid) as sampler:
        before = sampler.rss()
        start = time.perf_counter()
        resp = httpx.post(url, content=body(size), headers=headers, timeout=600)
        elapsed = time.perf_counter() - start
        after = sampler.rss()
    print(f"[accepted] {size / MB:.0f} MiB upload (chunked, no Content-Length): HTTP {resp.status_code}")
    if resp.status_code != 202:
        print(f"  body: {resp.text[:300]}")
    print(f"  server RSS before {before / MB:.1f} MiB, after {after / MB:.1f} MiB, peak {sampler.peak / MB:.1f} MiB")
    growth, peak_growth = (after - before) / MB, (sampler.peak - before) / MB
    print(f"  RSS growth: after-before {growth:+.1f} MiB, peak-before {peak_growth:+.1f} MiB")
    print(f"  time {elapsed:.2f} s, throughput {size / MB / elapsed:.0f} MiB/s")
    stored = sorted(server.settings.upload_dir.rglob("source*"))
    print(f"  stored: {[f'{p.relative_to(server.settings.upload_dir)} ({p.stat().st_size} B)' for p in stored]}")


def refused_upload(server: Server, size: int) -> None:
    head = (
        "POST /api/projects HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Bearer {server.token}\r\nContent-Type: {CONTENT_TYPE}\r\n"
        "Transfer-Encoding: chunked\r\n\r\n"
    ).encode()
    with RssSampler(server.proc.pid) as sampler:
        before = sampler.rss()
        start = time.perf_counter()
        with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
            sock.sendall(head)
            sent, complete = send_chunked_until_answered(sock, body(size))
            if complete:
                sock.sendall(b"0\r\n\r\n")  # the whole body went through: end the chunked body
            reply = b""
            try:
                while not reply.endswith(b"}"):
                    chunk = sock.recv(65536)
                    if not chunk:
                        break
                    reply += chunk
            except ConnectionResetError:
                reply += b"(connection reset while reading the reply)"
        elapsed = time.perf_counter() - start
        time.sleep(0.5)
        after = sampler.rss()
    status_line = reply.split(b"\r\n", 1)[0].decode(errors="replace")
    detail = reply.rsplit(b"\r\n\r\n", 1)[-1][:200].decode(errors="replace")
    leftovers = list(server.settings.upload_dir.rglob("*"))
    print(f"[refused] {size / MB:.0f} MiB upload against a {server.settings.max_upload_mb} MB cap: {status_line}")
    print(f"  reply: {detail}")
    print(f"  body bytes the client had sent when the reply came: {sent} ({sent / MB:.1f} MiB, of {size / MB:.0f} MiB;")
    print(f"  includes what sat in loopback socket buffers), after {elapsed:.2f} s")
    print(f"  server RSS before {before / MB:.1f} MiB, after {after / MB:.1f} MiB, peak {sampler.peak / MB:.1f} MiB")
    print(f"  files left under the upload dir: {len(leftovers)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=1024, help="upload size in MiB (default 1024)")
    parser.add_argument("--refuse-cap-mb", type=int, default=100, help="cap of the second server (default 100)")
    args = parser.parse_args()
    size = args.size_mb * MB
    print(f"python {sys.version.split()[0]}, {psutil.cpu_count()} CPUs, psutil {psutil.__version__}")
    with tempfile.TemporaryDirectory(prefix="spaceclip-bench-") as tmp:
        server = Server(Path(tmp) / "default-cap", None)
        try:
            print(f"server pid {server.proc.pid}, cap {server.settings.max_upload_mb} MB (default)")
            accepted_upload(server, size)
        finally:
            server.stop()
        capped = Server(Path(tmp) / "small-cap", args.refuse_cap_mb)
        try:
            refused_upload(capped, size)
        finally:
            capped.stop()


if __name__ == "__main__":
    main()
