"""The process wrapper: timeouts and cancel kill the whole process group; failures say why."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import psutil
import pytest

from spaceclip.errors import ExternalToolError, JobCancelled, ProcessTimedOut, ToolFailed, ToolMissing
from spaceclip.services.media.process import (
    check_media_tools,
    ffmpeg_args,
    ffprobe_args,
    file_arg,
    media_input_args,
    parse_progress_line,
    progress_reporter,
    require_tool,
    run_process,
)

# A shell whose background child and foreground child both sleep; argv list, no shell=True.
TWO_SLEEPERS = ["sh", "-c", "sleep 30 & sleep 30"]


def _sleepers_of_this_test() -> list[psutil.Process]:
    # Only this process's descendants: another test run on the machine has sleepers of its own.
    found = []
    for proc in psutil.Process().children(recursive=True):
        try:
            if proc.cmdline()[:2] == ["sleep", "30"]:
                found.append(proc)
        except (psutil.NoSuchProcess, psutil.ZombieProcess):
            continue
    return found


def _alive(procs: list[psutil.Process]) -> list[psutil.Process]:
    alive = []
    for p in procs:
        try:
            if p.status() != psutil.STATUS_ZOMBIE:
                alive.append(p)
        except psutil.NoSuchProcess:
            continue
    return alive


def _run_in_thread_and_capture_children(**kwargs: Any) -> tuple[object, list[psutil.Process]]:
    """Run TWO_SLEEPERS in a thread; return (exception, sleep processes seen while it ran)."""
    import threading

    result: dict[str, object] = {}

    def target() -> None:
        try:
            run_process(TWO_SLEEPERS, **kwargs)
        except Exception as exc:
            result["exc"] = exc

    before = {p.pid for p in _sleepers_of_this_test()}
    t = threading.Thread(target=target)
    t.start()
    seen: list[psutil.Process] = []
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and len(seen) < 2:
        seen = [p for p in _sleepers_of_this_test() if p.pid not in before]
        time.sleep(0.02)
    t.join(timeout=20)
    assert not t.is_alive()
    return result.get("exc"), seen


def test_timeout_kills_the_whole_process_group() -> None:
    started = time.monotonic()
    exc, seen = _run_in_thread_and_capture_children(timeout_s=1.0)
    elapsed = time.monotonic() - started
    assert len(seen) == 2, "both the foreground and the background sleep were running"
    assert isinstance(exc, ProcessTimedOut)
    assert "longer than the limit of 1 s" in exc.user_message
    assert elapsed < 5
    psutil.wait_procs(seen, timeout=3)
    assert _alive(seen) == []


def test_cancel_callback_kills_the_group_and_raises_job_cancelled() -> None:
    t0 = time.monotonic()
    exc, seen = _run_in_thread_and_capture_children(timeout_s=60, cancel=lambda: time.monotonic() - t0 > 0.7)
    assert len(seen) == 2
    assert isinstance(exc, JobCancelled)
    assert time.monotonic() - t0 < 4
    psutil.wait_procs(seen, timeout=3)
    assert _alive(seen) == []


def test_stragglers_are_killed_when_the_leader_exits() -> None:
    # The shell exits at once but leaves a background sleep holding its pipes.
    started = time.monotonic()
    result = run_process(["sh", "-c", "sleep 30 & echo done"], timeout_s=10)
    assert result.returncode == 0
    assert result.stdout_text.strip() == "done"
    assert time.monotonic() - started < 5


def test_non_zero_exit_raises_with_the_last_stderr_lines() -> None:
    argv = [
        sys.executable,
        "-c",
        "import sys; print('first', file=sys.stderr); print('the real reason', file=sys.stderr); sys.exit(3)",
    ]
    with pytest.raises(ToolFailed) as info:
        run_process(argv, timeout_s=30)
    err = info.value
    assert isinstance(err, ExternalToolError)
    assert err.returncode == 3
    assert "exit code 3" in err.user_message
    assert "the real reason" in err.user_message
    assert err.stderr_tail[-1] == "the real reason"


def test_non_zero_exit_without_check_returns_the_result() -> None:
    result = run_process(["sh", "-c", "echo out; exit 2"], timeout_s=10, check=False)
    assert result.returncode == 2
    assert result.stdout == b"out\n"


def test_killed_by_signal_is_reported() -> None:
    with pytest.raises(ToolFailed) as info:
        run_process(["sh", "-c", "kill -9 $$"], timeout_s=10)
    assert info.value.returncode == -9
    assert "killed by SIGKILL" in info.value.user_message


def test_line_callback_gets_each_stdout_line() -> None:
    lines: list[str] = []
    result = run_process(["printf", "a=1\\nb=2\\n"], timeout_s=10, on_stdout_line=lines.append)
    assert lines == ["a=1", "b=2"]
    assert result.stdout == b""


def test_line_callback_error_stops_the_process() -> None:
    def boom(_line: str) -> None:
        raise RuntimeError("callback failed")

    started = time.monotonic()
    with pytest.raises(RuntimeError, match="callback failed"):
        run_process(["sh", "-c", "echo x; sleep 30"], timeout_s=60, on_stdout_line=boom)
    assert time.monotonic() - started < 5


def test_missing_program_gives_install_advice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ToolMissing, match="not found"):
        run_process(["spaceclip-no-such-tool-xyz"], timeout_s=5)
    monkeypatch.setenv("PATH", str(tmp_path))  # a machine without ffmpeg
    with pytest.raises(ToolMissing, match="apt-get install ffmpeg"):
        run_process(ffmpeg_args("-version"), timeout_s=5)
    with pytest.raises(ToolMissing, match=r"ffmpeg was not found.*apt-get install ffmpeg"):
        check_media_tools()
    with pytest.raises(ToolMissing, match="install yt-dlp"):
        require_tool("yt-dlp")


def test_media_tools_are_installed() -> None:
    tools = check_media_tools()
    assert set(tools) == {"ffmpeg", "ffprobe"}
    assert all(Path(p).is_file() for p in tools.values())


def test_argument_builders_prefix_paths_and_restrict_inputs(tmp_path: Path) -> None:
    weird = tmp_path / "-i http:evil.mp4"
    assert file_arg(weird) == f"file:{weird}"
    assert file_arg("-") == "-"
    argv = ffmpeg_args(*media_input_args(weird), "-f", "wav", tmp_path / "out.wav")
    assert argv[:6] == ["ffmpeg", "-nostdin", "-hide_banner", "-nostats", "-loglevel", "error"]
    assert argv[argv.index("-protocol_whitelist") + 1] == "file,pipe"
    whitelist = argv[argv.index("-format_whitelist") + 1].split(",")
    assert "hls" not in whitelist and "concat" not in whitelist and "mov" in whitelist
    assert argv[argv.index("-i") + 1] == f"file:{weird}"
    assert argv[-1] == f"file:{tmp_path / 'out.wav'}"
    probe = ffprobe_args(weird, "-show_format")
    assert probe[0] == "ffprobe" and probe[-1] == f"file:{weird}"
    assert probe[probe.index("-protocol_whitelist") + 1] == "file,pipe"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("out_time_us=1500000", 1.5),
        ("out_time_ms=1500000", 1.5),  # ffmpeg writes microseconds under the _ms key too
        ("out_time_us=0", 0.0),
        ("out_time=00:01:02.500000", 62.5),
        ("out_time=01:00:00.000000", 3600.0),
        ("out_time_us=N/A", None),
        ("out_time=N/A", None),
        ("out_time_us=-9223372036854775807", None),
        ("out_time_us=-5", None),
        ("out_time_us=abc", None),
        ("frame=10", None),
        ("progress=continue", None),
        ("", None),
        ("garbage", None),
        ("  out_time_us=250000  ", 0.25),
    ],
)
def test_parse_progress_line(line: str, expected: float | None) -> None:
    assert parse_progress_line(line) == expected


def test_progress_reporter_maps_lines_to_fractions() -> None:
    seen: list[float] = []
    on_line = progress_reporter(10.0, seen.append)
    for line in [
        "out_time_ms=2500000",
        "out_time_us=2500000",
        "out_time_us=N/A",
        "out_time_us=20000000",
        "progress=end",
    ]:
        on_line(line)
    assert seen == [0.25, 1.0, 1.0]
