"""The ``spaceclip`` command as a user runs it: serve (API + workers), user create, doctor, db upgrade."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil
import pytest

from tests.cli_output import WIDE_TERMINAL, plain
from tests.conftest import TEST_DB_ENV


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SPACECLIP_", "DATABASE_URL"))}
    env["SPACECLIP_DATA_DIR"] = str(tmp_path / "data")
    env["OLLAMA_HOST"] = "http://127.0.0.1:9"
    env |= WIDE_TERMINAL  # rich lays out at a fixed width, whatever the terminal the tests run in
    if os.environ.get(TEST_DB_ENV):
        env["DATABASE_URL"] = os.environ[TEST_DB_ENV]
    return env


def _cli(tmp_path: Path, *args: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "spaceclip.cli", *args],
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        input=input,
        timeout=120,
    )


def test_serve_runs_api_and_workers_and_stops_both(tmp_path: Path, database: object) -> None:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "spaceclip.cli", "serve", "--port", str(port)],
        env=_env(tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                health = httpx.get(f"{base}/api/health", timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else "serve exited"
                assert time.monotonic() < deadline, "serve did not answer within 60 s"
                time.sleep(0.3)
        assert health.status_code == 200 and health.json()["status"] == "ok"
        docs = httpx.get(f"{base}/docs", timeout=5)
        assert docs.status_code == 200 and "swagger" in docs.text.lower()
        children = psutil.Process(proc.pid).children(recursive=True)
        assert any("worker" in " ".join(c.cmdline()) for c in children), "serve started no worker process"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    assert proc.returncode is not None
    for child in children:
        assert not child.is_running() or child.status() == psutil.STATUS_ZOMBIE


def test_user_create_then_login(tmp_path: Path, database: object) -> None:
    result = _cli(tmp_path, "user", "create", "ada@example.com", "--password", "analytical engine")
    assert result.returncode == 0, result.stderr
    assert "Created user ada@example.com" in plain(result.stdout)
    again = _cli(tmp_path, "user", "create", "ada@example.com", "--password", "analytical engine")
    assert again.returncode == 1
    short = _cli(tmp_path, "user", "create", "bob@example.com", "--password", "short")
    assert short.returncode == 1 and "8" in plain(short.stderr)


def test_doctor_reports_each_check(tmp_path: Path, database: object) -> None:
    assert _cli(tmp_path, "db", "upgrade").returncode == 0
    result = _cli(tmp_path, "doctor")
    out = plain(result.stdout)
    for name in ("ffmpeg", "whisper model", "database", "queue", "ollama"):
        assert name in out
    assert "WARN" in out and "not reachable" in out  # no Ollama here: a warning, not a failure
    assert result.returncode == 0, result.stdout


def test_bad_setting_stops_with_a_clear_message(tmp_path: Path) -> None:
    env = _env(tmp_path) | {"DATABASE_URL": "mysql://nope"}
    result = subprocess.run(
        [sys.executable, "-m", "spaceclip.cli", "db", "upgrade"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "DATABASE_URL" in plain(result.stderr)


@pytest.mark.parametrize("fmt", ["txt", "json"])
def test_transcribe_command_writes_the_transcript(tmp_path: Path, fmt: str) -> None:
    wav = tmp_path / "hello.wav"
    subprocess.run(
        ["espeak-ng", "-w", str(wav), "Welcome to the show. Today we talk about small business."],
        check=True,
        timeout=60,
    )
    out = tmp_path / f"out.{fmt}"
    result = _cli(tmp_path, "transcribe", str(wav), "--format", fmt, "--out", str(out))
    assert result.returncode == 0, result.stderr
    text = out.read_text()
    assert "small business" in text.lower()
    if fmt == "json":
        import json

        data = json.loads(text)
        assert set(data) == {"duration", "language", "speakers", "segments", "turns"}
        labels = {s["label"] for s in data["speakers"]}
        assert data["turns"] and all(a < b and who in labels for a, b, who in data["turns"])
        assert data["segments"][0]["words"][0].keys() == {"start", "end", "word", "probability", "filler"}


def test_transcribe_missing_file_says_so(tmp_path: Path) -> None:
    result = _cli(tmp_path, "transcribe", str(tmp_path / "nope.mp4"))
    assert result.returncode == 2, result.stdout + result.stderr  # a usage error, as typer gives one
    assert "nope.mp4 is not a file" in plain(result.stderr)


def test_doctor_fails_on_a_missing_whisper_model(tmp_path: Path, database: object) -> None:
    env = _env(tmp_path) | {"WHISPER_MODEL": str(tmp_path / "no-model")}
    result = subprocess.run(
        [sys.executable, "-m", "spaceclip.cli", "doctor"], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 1
    out = plain(result.stdout)
    assert "FAIL" in out and "WHISPER_MODEL" in out
