"""The one wrapper for every external process SpaceClip runs (ffmpeg, ffprobe, ...).

Every command is an argument list (never a shell string), runs in its own session so that the whole
process group can be killed, has a wall-clock limit, and can be cancelled: the ``cancel`` callback is
polled about every half second and, when it returns True, the process group is killed and
:class:`~spaceclip.errors.JobCancelled` is raised. A non-zero exit raises
:class:`~spaceclip.errors.ExternalToolError` carrying the last lines of stderr.

Untrusted media is read with ``-protocol_whitelist file,pipe``, a demuxer allow-list
(``-format_whitelist``) and ``file:`` before every path, the way yt-dlp's ffmpeg postprocessor does;
:func:`ffmpeg_args`, :func:`ffprobe_args` and :func:`media_input_args` build those lists.

Typical use::

    argv = ffmpeg_args(*media_input_args(src), "-map", "0:a:0", "-progress", "pipe:1", "-y", dest)
    run_process(argv, timeout_s=settings.process_timeout_s, cancel=ctx.should_stop,
                on_stdout_line=progress_reporter(duration_s, report))
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import shlex
import shutil
import signal
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import IO, Literal

from spaceclip.errors import ExternalToolError, JobCancelled, ProcessTimedOut, ToolFailed, ToolMissing

log = logging.getLogger(__name__)

__all__ = [
    "ALLOWED_DEMUXERS",
    "ProcessResult",
    "check_media_tools",
    "ffmpeg_args",
    "ffprobe_args",
    "file_arg",
    "media_input_args",
    "parse_progress_line",
    "progress_reporter",
    "require_tool",
    "run_process",
    "tier_timeout",
]

FFMPEG = "ffmpeg"
FFPROBE = "ffprobe"

#: Demuxers allowed to open user files (names as libavformat spells them). Playlists and file lists
#: (``hls``, ``concat``, ``ffconcat``, ``image2`` sequences, ``tty``...) are absent on purpose.
ALLOWED_DEMUXERS: tuple[str, ...] = (
    "mov",
    "mp4",
    "m4a",
    "3gp",
    "3g2",
    "mj2",
    "matroska",
    "webm",
    "mp3",
    "wav",
    "ogg",
    "flac",
    "aac",
    "avi",
    "mpegts",
    "flv",
    "aiff",
)

CANCEL_POLL_S = 0.5
STDERR_TAIL_LINES = 40
MAX_STDOUT_BYTES = 64 * 1024 * 1024
INSTALL_HINT = "install ffmpeg: apt-get install ffmpeg (Debian/Ubuntu) or brew install ffmpeg (macOS)"


@dataclass(frozen=True)
class ProcessResult:
    """What a finished process left behind."""

    argv: tuple[str, ...]
    returncode: int
    stdout: bytes
    stderr_tail: tuple[str, ...]
    elapsed_s: float

    @property
    def stdout_text(self) -> str:
        return self.stdout.decode("utf-8", errors="replace")


# --- argument builders -------------------------------------------------------------------------


def file_arg(path: str | os.PathLike[str]) -> str:
    """``file:<absolute path>``, so a name like ``-x`` or ``http:...`` is never read as an option or URL."""
    text = os.fspath(path)
    if text == "-" or text.startswith("pipe:"):
        return text
    return "file:" + str(Path(text).absolute())


def _convert(args: Sequence[str | os.PathLike[str]]) -> list[str]:
    # Paths become file: arguments; strings are passed through untouched (options, values).
    return [file_arg(a) if isinstance(a, PurePath) else os.fspath(a) for a in args]


def media_input_args(path: str | os.PathLike[str]) -> list[str]:
    """Input options for a user's file: only local files, only allow-listed demuxers."""
    return [
        "-protocol_whitelist",
        "file,pipe",
        "-format_whitelist",
        ",".join(ALLOWED_DEMUXERS),
        "-i",
        file_arg(path),
    ]


def ffmpeg_args(*args: str | os.PathLike[str], loglevel: str = "error") -> list[str]:
    """``ffmpeg -nostdin -hide_banner -nostats -loglevel <level> <args>``; Path args become ``file:``."""
    return [FFMPEG, "-nostdin", "-hide_banner", "-nostats", "-loglevel", loglevel, *_convert(args)]


def ffprobe_args(path: str | os.PathLike[str], *args: str, loglevel: str = "error") -> list[str]:
    """ffprobe reading a user's file: protocol and demuxer allow-lists, ``file:`` path last."""
    return [
        FFPROBE,
        "-hide_banner",
        "-loglevel",
        loglevel,
        "-protocol_whitelist",
        "file,pipe",
        "-format_whitelist",
        ",".join(ALLOWED_DEMUXERS),
        *args,
        file_arg(path),
    ]


# --- tools ---------------------------------------------------------------------------------------


#: Wall-clock tiers below the configured limit for a whole pass: a still frame or a short check,
#: and a probe (ffprobe may read a whole file to count its packets).
TIMEOUT_TIERS: dict[str, float] = {"still": 120.0, "probe": 300.0}


def tier_timeout(limit_s: float, tier: Literal["still", "probe", "full"]) -> float:
    """The wall-clock limit for a process of ``tier``: ``limit_s`` (the configured limit for a full
    pass over a file, ``settings.process_timeout_s``) capped by the tier's own."""
    return limit_s if tier == "full" else min(limit_s, TIMEOUT_TIERS[tier])


def require_tool(name: str) -> str:
    """The full path of ``name``; raises :class:`ToolMissing` with install advice when absent."""
    found = shutil.which(name)
    if found is None:
        hint = INSTALL_HINT if name in (FFMPEG, FFPROBE) else f"install {name} and make sure it is on PATH"
        raise ToolMissing(f"{name} was not found on this machine; {hint}.")
    return found


def check_media_tools() -> dict[str, str]:
    """Paths of ffmpeg and ffprobe; raises :class:`ToolMissing` when either is missing."""
    return {name: require_tool(name) for name in (FFMPEG, FFPROBE)}


# --- progress ------------------------------------------------------------------------------------

_NOPTS = -9223372036854775807
_HMS = re.compile(r"^(\d+):(\d{1,2}):(\d{1,2}(?:\.\d+)?)$")


def parse_progress_line(line: str) -> float | None:
    """Seconds of output written, from one line of ``ffmpeg -progress`` output, else None.

    ``out_time_us`` and ``out_time_ms`` both hold microseconds (ffmpeg's ``_ms`` key has always
    carried microseconds); ``out_time`` is ``HH:MM:SS.micro``. ``N/A`` and negative values give None.
    """
    key, sep, value = line.strip().partition("=")
    if not sep:
        return None
    value = value.strip()
    if key in ("out_time_us", "out_time_ms"):
        try:
            micros = int(value)
        except ValueError:
            return None
        if micros < 0 or micros == _NOPTS:
            return None
        return micros / 1_000_000
    if key == "out_time":
        match = _HMS.match(value)
        if match is None:
            return None
        hours, minutes, seconds = match.groups()
        return int(hours) * 3600 + int(minutes) * 60 + float(seconds)
    return None


def progress_reporter(duration_s: float, report: Callable[[float], None]) -> Callable[[str], None]:
    """A line callback turning ``-progress`` lines into fractions 0..1 of ``duration_s`` for ``report``."""

    def on_line(line: str) -> None:
        if line.strip() == "progress=end":
            report(1.0)
            return
        if not line.startswith("out_time_us="):
            return  # one of the three out_time keys is enough
        seconds = parse_progress_line(line)
        if seconds is not None and duration_s > 0:
            report(min(1.0, max(0.0, seconds / duration_s)))

    return on_line


# --- running -------------------------------------------------------------------------------------


def _kill_group(pid: int) -> None:
    # ProcessLookupError: the group is already gone.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def _leader_exited(pid: int) -> bool:
    # WNOWAIT leaves the zombie in place, so the group id cannot be reused before we kill stragglers.
    info = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    return info is not None


def _pump_stderr(stream: IO[bytes], tail: deque[str], tool: str) -> None:
    for raw in stream:
        line = raw.decode("utf-8", errors="replace").rstrip()
        if line:
            tail.append(line)
            log.debug("%s: %s", tool, line)


def _pump_stdout(
    stream: IO[bytes], sink: bytearray, on_line: Callable[[str], None] | None, errors: list[BaseException]
) -> None:
    for raw in stream:
        if on_line is not None:
            try:
                on_line(raw.decode("utf-8", errors="replace").rstrip("\r\n"))
            except Exception as exc:  # reported by run_process once the process is stopped
                errors.append(exc)
                return
        elif len(sink) + len(raw) <= MAX_STDOUT_BYTES:
            sink.extend(raw)
        else:
            errors.append(ExternalToolError("A tool printed far more output than expected and was stopped."))
            return


def run_process(
    argv: Sequence[str],
    *,
    timeout_s: float,
    cancel: Callable[[], bool] | None = None,
    on_stdout_line: Callable[[str], None] | None = None,
    cwd: str | os.PathLike[str] | None = None,
    check: bool = True,
) -> ProcessResult:
    """Run ``argv`` (a list, never a shell string) and wait for it.

    Args:
        argv: the program and its arguments.
        timeout_s: wall-clock limit; past it the whole process group is killed and
            :class:`ProcessTimedOut` is raised.
        cancel: polled about every 0.5 s; when it returns True the group is killed and
            :class:`~spaceclip.errors.JobCancelled` is raised.
        on_stdout_line: called with each stdout line (e.g. ``-progress pipe:1``); stdout is then not
            kept. An exception it raises stops the process and is re-raised.
        cwd: working directory.
        check: raise :class:`~spaceclip.errors.ExternalToolError` on a non-zero exit.

    Returns:
        The exit code, stdout (when no line callback is given) and the last stderr lines.
    """
    argv = [os.fspath(a) for a in argv]
    tool = Path(argv[0]).name
    log.debug("Running %s", shlex.join(argv))
    started = time.monotonic()
    try:
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=cwd,
            start_new_session=True,
            close_fds=True,
        )
    except FileNotFoundError as exc:
        require_tool(argv[0])
        raise ToolMissing(f"{tool} could not be started; {INSTALL_HINT}.", detail=str(exc)) from exc
    assert proc.stdout is not None and proc.stderr is not None
    tail: deque[str] = deque(maxlen=STDERR_TAIL_LINES)
    sink = bytearray()
    callback_errors: list[BaseException] = []
    readers = [
        threading.Thread(target=_pump_stderr, args=(proc.stderr, tail, tool), daemon=True),
        threading.Thread(target=_pump_stdout, args=(proc.stdout, sink, on_stdout_line, callback_errors), daemon=True),
    ]
    for reader in readers:
        reader.start()

    outcome = _supervise(proc.pid, started, timeout_s, cancel, callback_errors)
    _kill_group(proc.pid)  # stragglers (e.g. a backgrounded child) go with the leader
    returncode = proc.wait()
    for reader in readers:
        reader.join(timeout=5)
    proc.stdout.close()
    proc.stderr.close()
    elapsed = time.monotonic() - started
    result = ProcessResult(tuple(argv), returncode, bytes(sink), tuple(tail), elapsed)

    if outcome == "timeout":
        raise ProcessTimedOut(
            f"{tool} ran longer than the limit of {timeout_s:g} s and was stopped. Try a shorter file, "
            "or raise SPACECLIP_PROCESS_TIMEOUT_S.",
            detail=shlex.join(argv),
        )
    if outcome == "cancelled":
        raise JobCancelled()
    if callback_errors:
        raise callback_errors[0]
    if check and returncode != 0:
        raise ToolFailed(
            _failure_message(tool, returncode, tail),
            returncode=returncode,
            stderr_tail=tuple(tail),
            detail=shlex.join(argv),
        )
    log.debug("%s finished in %.2f s (exit %d)", tool, elapsed, returncode)
    return result


def _supervise(
    pid: int,
    started: float,
    timeout_s: float,
    cancel: Callable[[], bool] | None,
    callback_errors: list[BaseException],
) -> str:
    """Wait for the leader to exit; returns "exited", "timeout", "cancelled" or "callback"."""
    deadline = started + timeout_s
    next_cancel_check = started + CANCEL_POLL_S
    delay = 0.005
    while not _leader_exited(pid):
        now = time.monotonic()
        if now >= deadline:
            log.warning("Process %d timed out after %.1f s; killing its group", pid, timeout_s)
            _kill_group(pid)
            return "timeout"
        if callback_errors:
            _kill_group(pid)
            return "callback"
        if cancel is not None and now >= next_cancel_check:
            next_cancel_check = now + CANCEL_POLL_S
            if cancel():
                log.info("Process %d cancelled; killing its group", pid)
                _kill_group(pid)
                return "cancelled"
        time.sleep(min(delay, max(0.0, deadline - now)))
        delay = min(delay * 2, 0.1)
    return "exited"


def _failure_message(tool: str, returncode: int, tail: deque[str]) -> str:
    if returncode < 0:
        try:
            how = f"was killed by {signal.Signals(-returncode).name}"
        except ValueError:
            how = f"was killed by signal {-returncode}"
    else:
        how = f"failed with exit code {returncode}"
    last = " | ".join(list(tail)[-3:]) or "no error output"
    return f"{tool} {how}: {last}. Run `spaceclip doctor` to check the installation, then try again."
