"""Load: 100 requests in flight for 20 s against a real ``spaceclip serve``, on SQLite and PostgreSQL.

For each database it starts ``python -m spaceclip.cli serve`` (API and job workers, as a new user
runs it) on a free loopback port with a temporary data directory; for PostgreSQL it first starts a
throw-away cluster with ``scripts/lib/postgres.sh``, as ``scripts/test.sh`` does. It signs up a user,
uploads a short WAV (made with ffmpeg), gives that project a transcript and a few jobs that stay
queued (so their event streams stay open), and then keeps ``--in-flight`` requests going for
``--seconds``:

* readers: the projects list, a project, its transcript, a job, ``/api/health``, at random;
* SSE clients: ``GET /api/jobs/{id}/events`` on a waiting job, read for a few seconds, reconnect;
* uploaders: a real multipart upload of the WAV (``analyze=false``: the worker probes it).

It prints, per database: requests, errors (by status), 503s, hangs (no answer within ``--hang-s``),
p50/p95/p99 latency and req/s of reads and uploads, the time to the first event of the SSE streams,
and how often the server's log says ``database is locked`` or ``QueuePool limit``. The goal: 0
errors, 0 hangs, and every upload started during the burst completes.

Run from backend/ (``--modes sqlite`` to skip PostgreSQL):

    ../.venv/bin/python benchmarks/bench_load.py [--modes sqlite,postgres] [--in-flight 100] [--seconds 20]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil

BACKEND = Path(__file__).resolve().parent.parent
ROOT = BACKEND.parent
# Appended, not prepended: PYTHONPATH decides which checkout's spaceclip is measured.
sys.path.append(str(BACKEND))  # for tests.media (the WAV maker)

from tests.media import make_audio  # noqa: E402

PASSWORD = "load test password 123"
TERMINAL = {"succeeded", "failed", "cancelled"}

#: Starts the cluster with the project's own helper, prints its URL, and stops it (the helper's
#: EXIT trap) when our end of stdin closes, however this script ends.
POSTGRES_SCRIPT = """
set -euo pipefail
source "$ROOT/scripts/lib/common.sh"
VENV="$BENCH_VENV"
source "$ROOT/scripts/lib/postgres.sh"
start_test_postgres >&2
echo "PG_URL=$PG_URL"
read -r _ || true
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[str]:
    env = {**os.environ, "ROOT": str(ROOT), "BENCH_VENV": str(Path(sys.executable).parent.parent)}
    proc = subprocess.Popen(
        ["bash", "-c", POSTGRES_SCRIPT], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env
    )
    assert proc.stdin is not None and proc.stdout is not None
    try:
        line = proc.stdout.readline().strip()
        if not line.startswith("PG_URL="):
            raise RuntimeError(f"PostgreSQL did not start (exit {proc.wait(30)})")
        yield line.removeprefix("PG_URL=")
    finally:
        proc.stdin.close()
        proc.wait(60)


class Server:
    """``spaceclip serve`` in its own process group, its log in ``log_path``."""

    def __init__(self, data_dir: Path, database_url: str | None) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = data_dir.parent / f"{data_dir.name}-server.log"
        env = {
            **os.environ,
            "SPACECLIP_DATA_DIR": str(data_dir),
            "SPACECLIP_LOG_LEVEL": "WARNING",
            # The SSE jobs stay queued: no redelivery of "lost" jobs within the run.
            "SPACECLIP_JOB_STALE_S": "3600",
        }
        env.pop("DATABASE_URL", None)
        if database_url:
            env["DATABASE_URL"] = database_url
        self.env = env
        self._log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "spaceclip.cli", "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            env=env,
            cwd=data_dir.parent,  # not backend/: ``python -m`` puts the cwd first on sys.path
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited ({self.proc.returncode}); see {self.log_path}")
            try:
                if httpx.get(f"{self.base}/api/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"the server did not start; see {self.log_path}")

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
        self._log.close()

    def cpu_seconds(self) -> tuple[float, float]:
        """CPU time so far of the API process and of its children (the job workers)."""
        api = psutil.Process(self.proc.pid)
        own = api.cpu_times()
        children = 0.0
        for child in api.children(recursive=True):
            with contextlib.suppress(psutil.NoSuchProcess):
                times = child.cpu_times()
                children += times.user + times.system
        return own.user + own.system, children

    def log_count(self, needle: str) -> int:
        return self.log_path.read_text(errors="replace").count(needle)


@dataclass
class Seed:
    token: str
    project_id: str
    job_id: str  # the upload's probe job (finished)
    waiting_jobs: list[str]  # queued, never run: their streams stay open


def seed(server: Server, wav: Path, data_dir: Path, database_url: str | None, waiting: int) -> Seed:
    """A user (through the API), an uploaded project with a transcript, and ``waiting`` queued jobs."""
    with httpx.Client(base_url=server.base, timeout=30) as client:
        resp = client.post("/api/auth/register", json={"email": "load@example.com", "password": PASSWORD})
        resp.raise_for_status()
        token = resp.json()["token"]
        client.headers["Authorization"] = f"Bearer {token}"
        with wav.open("rb") as fh:
            resp = client.post("/api/projects?analyze=false", files={"file": (wav.name, fh, "audio/wav")})
        resp.raise_for_status()
        project_id, job_id = resp.json()["project"]["id"], resp.json()["job"]["id"]
        deadline = time.monotonic() + 60
        while client.get(f"/api/jobs/{job_id}").json()["status"] not in TERMINAL:
            if time.monotonic() > deadline:
                raise RuntimeError("the probe job of the seed upload did not finish in 60 s")
            time.sleep(0.2)

    # Straight into the database: a transcript needs an analysis (a speech model), and these jobs
    # must stay queued. Imported here so that PYTHONPATH picks which checkout is measured.
    from spaceclip.config import Settings
    from spaceclip.db import Database
    from spaceclip.models.tables import Project

    try:
        from spaceclip.services.speech.transcript import Segment, Speaker, Transcript, Word
        from spaceclip.usecases.jobs import create_job
        from spaceclip.usecases.transcripts import save_transcript
    except ImportError:  # a checkout from before the use-case layer (to measure the old main)
        from spaceclip.services.jobs import create_job  # type: ignore[no-redef]
        from spaceclip.services.transcript import Segment, Speaker, Transcript, Word  # type: ignore[no-redef]
        from spaceclip.services.transcript_store import save_transcript  # type: ignore[no-redef]

    settings = Settings(data_dir=data_dir, database_url_setting=database_url, _env_file=None)  # type: ignore[call-arg]
    segments = []
    for i in range(40):
        words = tuple(
            Word(start=i * 3 + k * 0.5, end=i * 3 + k * 0.5 + 0.4, word=f" word{k}", probability=0.9) for k in range(6)
        )
        text = "".join(w.word for w in words).strip()
        segments.append(Segment(start=i * 3, end=i * 3 + 2.9, text=text, speaker=f"SPEAKER_{i % 2}", words=words))
    transcript = Transcript(
        duration=120.0,
        language="en",
        speakers=(Speaker(label="SPEAKER_0"), Speaker(label="SPEAKER_1")),
        segments=tuple(segments),
    )
    database = Database.from_url(settings.database_url)
    try:
        with database.session() as db:
            save_transcript(db, project_id, transcript, model="bench")
            project = db.get(Project, project_id)
            assert project is not None
            waiting_jobs = [create_job(db, project, "probe", settings).id for _ in range(waiting)]
    finally:
        database.dispose()
    return Seed(token, project_id, job_id, waiting_jobs)


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {"read": [], "upload": [], "sse": []})
    outcomes: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    uploads_started_in_burst: int = 0
    uploads_done_in_burst: int = 0

    def record(self, kind: str, started: float, outcome: str, answered: float | None = None) -> None:
        self.outcomes[f"{kind}:{outcome}"] += 1
        if outcome == "ok":
            self.latencies[kind].append((answered or time.perf_counter()) - started)
        else:
            self.errors[f"{kind} {outcome}"] += 1


def outcome_of(status: int, expected: int) -> str:
    if status == expected:
        return "ok"
    return "busy-503" if status == 503 else f"HTTP {status}"


async def reader(client: httpx.AsyncClient, s: Seed, results: Results, stop_at: float, hang_s: float) -> None:
    paths = [
        "/api/projects",
        f"/api/projects/{s.project_id}",
        f"/api/projects/{s.project_id}/transcript",
        f"/api/jobs/{s.job_id}",
        "/api/health",
    ]
    while time.perf_counter() < stop_at:
        started = time.perf_counter()
        try:
            resp = await client.get(random.choice(paths), timeout=hang_s)
            results.record("read", started, outcome_of(resp.status_code, 200))
        except httpx.TimeoutException:
            results.record("read", started, "hang")
        except httpx.HTTPError as exc:
            results.record("read", started, type(exc).__name__)


async def watch(resp: httpx.Response, hang_s: float, hold_s: float) -> tuple[str, float]:
    """Wait for the stream's first event (at most ``hang_s``), then keep reading for ``hold_s``.

    Returns the outcome and when the first event came.
    """
    lines = resp.aiter_lines()
    try:
        async with asyncio.timeout(hang_s):
            async for line in lines:
                if line.startswith("data: "):
                    break
            else:
                return "ended before any event", 0.0
    except TimeoutError:
        return "hang", 0.0
    first = time.perf_counter()
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(hold_s):
            async for _line in lines:
                pass
    return "ok", first


async def sse_client(client: httpx.AsyncClient, s: Seed, results: Results, stop_at: float, hang_s: float) -> None:
    while time.perf_counter() < stop_at:
        started = time.perf_counter()
        first_event_at = started
        try:
            async with client.stream("GET", f"/api/jobs/{random.choice(s.waiting_jobs)}/events", timeout=hang_s) as r:
                if r.status_code != 200:
                    outcome = outcome_of(r.status_code, 200)
                else:
                    outcome, first_event_at = await watch(r, hang_s, random.uniform(2.0, 6.0))
        except httpx.TimeoutException:
            outcome = "hang"
        except httpx.HTTPError as exc:
            outcome = type(exc).__name__
        results.record("sse", started, outcome, first_event_at if outcome == "ok" else None)


async def uploader(
    client: httpx.AsyncClient, wav_bytes: bytes, results: Results, stop_at: float, hang_s: float
) -> None:
    while time.perf_counter() < stop_at:
        started = time.perf_counter()
        results.uploads_started_in_burst += 1
        try:
            resp = await client.post(
                "/api/projects?analyze=false",
                files={"file": ("burst.wav", wav_bytes, "audio/wav")},
                timeout=hang_s,
            )
            outcome = outcome_of(resp.status_code, 202)
        except httpx.TimeoutException:
            outcome = "hang"
        except httpx.HTTPError as exc:
            outcome = type(exc).__name__
        results.record("upload", started, outcome)
        if outcome == "ok":
            results.uploads_done_in_burst += 1
        await asyncio.sleep(0.5)


async def burst(server: Server, s: Seed, wav: Path, args: argparse.Namespace) -> tuple[Results, float]:
    results = Results()
    # Idle connections expire before the server's keep-alive timeout (uvicorn: 5 s), or a request
    # sent on one the server is closing meets "Server disconnected" (a client race, not an answer).
    slots = args.in_flight + 10
    limits = httpx.Limits(max_connections=slots, max_keepalive_connections=slots, keepalive_expiry=3.0)
    headers = {"Authorization": f"Bearer {s.token}"}
    async with httpx.AsyncClient(base_url=server.base, headers=headers, limits=limits) as client:
        start = time.perf_counter()
        stop_at = start + args.seconds
        readers = args.in_flight - args.sse - args.uploaders
        tasks = [reader(client, s, results, stop_at, args.hang_s) for _ in range(readers)]
        tasks += [sse_client(client, s, results, stop_at, args.hang_s) for _ in range(args.sse)]
        wav_bytes = wav.read_bytes()
        tasks += [uploader(client, wav_bytes, results, stop_at, args.hang_s) for _ in range(args.uploaders)]
        # Bounded: a request started before stop_at gets hang_s to finish, then everything stops.
        try:
            async with asyncio.timeout(args.seconds + args.hang_s + 10):
                await asyncio.gather(*tasks)
        except TimeoutError:
            results.errors["still running at the end (cancelled)"] += 1
        elapsed = time.perf_counter() - start
    return results, elapsed


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def report(mode: str, results: Results, elapsed: float, server: Server, args: argparse.Namespace) -> None:
    out = results.outcomes
    total = sum(out.values())
    hangs = sum(n for k, n in out.items() if k.endswith(":hang"))
    busy = sum(n for k, n in out.items() if k.endswith(":busy-503"))
    errors = sum(results.errors.values())
    print(
        f"\n[{mode}] {args.in_flight} in flight for {args.seconds:.0f} s "
        f"({args.in_flight - args.sse - args.uploaders} readers, {args.sse} SSE, {args.uploaders} uploaders)"
    )
    print(f"  requests {total}, errors {errors} (of which 503: {busy}), hangs (> {args.hang_s:.0f} s) {hangs}")
    for name, n in sorted(results.errors.items()):
        print(f"    {name}: {n}")
    for kind, label in (("read", "reads"), ("upload", "uploads"), ("sse", "SSE first event")):
        lat = results.latencies[kind]
        ms = [v * 1000 for v in lat]
        if not ms:
            print(f"  {label}: none answered")
            continue
        print(
            f"  {label}: {len(ms)} ok, p50 {pct(ms, 50):.0f} ms, p95 {pct(ms, 95):.0f} ms, "
            f"p99 {pct(ms, 99):.0f} ms, max {max(ms):.0f} ms, mean {statistics.fmean(ms):.0f} ms"
        )
    done = len(results.latencies["read"]) + len(results.latencies["upload"])
    print(f"  throughput (reads + uploads answered): {done / elapsed:.1f} req/s over {elapsed:.1f} s")
    print(
        f"  uploads started during the burst {results.uploads_started_in_burst}, completed "
        f"{results.uploads_done_in_burst}"
    )
    print(
        f"  server log: 'database is locked' x{server.log_count('database is locked')}, "
        f"'QueuePool limit' x{server.log_count('QueuePool limit')}, 'Traceback' x{server.log_count('Traceback')}"
    )


def run_mode(mode: str, tmp: Path, wav: Path, args: argparse.Namespace) -> None:
    with contextlib.ExitStack() as stack:
        url = stack.enter_context(throwaway_postgres()) if mode == "postgres" else None
        data_dir = tmp / mode
        server = Server(data_dir, url)
        stack.callback(server.stop)
        server.wait_ready()
        s = seed(server, wav, data_dir, url, args.waiting_jobs)
        api_cpu, workers_cpu = server.cpu_seconds()
        own = psutil.Process().cpu_times()
        results, elapsed = asyncio.run(burst(server, s, wav, args))
        api_after, workers_after = server.cpu_seconds()
        own_after = psutil.Process().cpu_times()
        report(mode, results, elapsed, server, args)
        answered = max(1, len(results.latencies["read"]) + len(results.latencies["upload"]))
        bench_cpu = own_after.user + own_after.system - own.user - own.system
        api_s = api_after - api_cpu
        print(
            f"  CPU during the burst: API {api_s:.1f} s ({api_s / answered * 1000:.1f} ms per answered request), "
            f"workers {workers_after - workers_cpu:.1f} s, this load generator {bench_cpu:.1f} s"
        )
        # After the burst: the server still answers at once.
        started = time.perf_counter()
        try:
            health = str(httpx.get(f"{server.base}/api/health", timeout=args.hang_s).status_code)
        except httpx.HTTPError as exc:
            health = type(exc).__name__
        print(f"  /api/health right after the burst: {health} in {(time.perf_counter() - started) * 1000:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modes", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
    parser.add_argument("--in-flight", type=int, default=100, help="concurrent clients (default 100)")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of the burst (default 20)")
    parser.add_argument("--sse", type=int, default=20, help="how many of the clients hold SSE streams (default 20)")
    parser.add_argument("--uploaders", type=int, default=2, help="how many of the clients upload (default 2)")
    parser.add_argument("--waiting-jobs", type=int, default=5, help="queued jobs the SSE clients watch (default 5)")
    parser.add_argument("--hang-s", type=float, default=30.0, help="a request unanswered this long is a hang")
    args = parser.parse_args()
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    import spaceclip

    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, spaceclip from {Path(spaceclip.__file__).parent}")
    with tempfile.TemporaryDirectory(prefix="spaceclip-load-") as tmp_name:
        tmp = Path(tmp_name)
        wav = make_audio(tmp / "tone.wav", seconds=3.0)
        for mode in modes:
            run_mode(mode, tmp, wav, args)


if __name__ == "__main__":
    main()
