"""``spaceclip process`` end to end: generated speech → transcript → highlights → checked TikTok clip."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from spaceclip.services.speech.transcript import parse_srt, parse_vtt
from tests.cli_output import plain
from tests.media import make_speech
from tests.test_cli import _env

TALK = (
    "Welcome back to the show. Today we talk about small business. "
    "Small shops win because they know every customer by name. "
    "That trust is worth more than any advert you could ever buy. "
    "Here is the surprising part. Most owners never ask their best customers what they want next. "
    "So start with the people who already love you, and ask them one simple question. "
    "What would make you come back twice as often? Write the answers down and act on them this week."
)


def test_process_writes_transcript_highlights_and_checked_clips(tmp_path: Path) -> None:
    talk = make_speech(tmp_path / "talk.wav", TALK)
    out = tmp_path / "out"
    result = subprocess.run(
        [
            sys.executable, "-m", "spaceclip.cli", "process", str(talk), "--out", str(out),
            "--clips", "1", "--platform", "tiktok", "--style", "pop", "--min-length", "6", "--max-length", "20",
        ],
        env=_env(tmp_path), capture_output=True, text=True, timeout=600, cwd=os.getcwd(),
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr

    transcript = json.loads((out / "transcript.json").read_text())
    text = " ".join(s["text"] for s in transcript["segments"]).lower()
    assert "small" in text and "customer" in text
    highlights = json.loads((out / "highlights.json").read_text())
    first = highlights["highlights"][0]
    assert first["rank"] == 1 and 6.0 - 0.5 <= first["duration"] <= 20.0 + 0.5 and first["title"]

    clips = sorted(p.name for p in (out / "clips").iterdir())
    assert clips == ["01-tiktok.mp4", "01-tiktok.png", "01-tiktok.srt", "01-tiktok.vtt"]
    cues = parse_srt((out / "clips" / "01-tiktok.srt").read_text())
    assert cues and cues[0].start < 1.0  # re-timed to the clip, not the source
    assert parse_vtt((out / "clips" / "01-tiktok.vtt").read_text())
    assert (out / "clips" / "01-tiktok.mp4").stat().st_size > 20_000
    # Where the seconds went, stage by stage, in the order they ran.
    seconds = json.loads((out / "timings.json").read_text())["seconds"]
    assert list(seconds) == ["fetch", "probe", "extract", "transcribe", "speakers", "highlights", "render", "total"]
    assert all(v >= 0 for v in seconds.values()) and seconds["total"] >= sum(seconds.values()) - seconds["total"] - 0.1
    # The summary table names the export and its check result.
    summary = plain(result.stdout)
    assert "01-tiktok" in summary and "passed" in summary


def test_process_refuses_an_unknown_platform(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "spaceclip.cli", "process", str(tmp_path / "x.wav"), "--out", str(tmp_path / "o"),
         "--platform", "myspace"],
        env=_env(tmp_path), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 2 and "tiktok" in plain(result.stderr)


def test_process_exits_1_when_an_export_fails_its_platform_check(tmp_path: Path) -> None:
    # 2.6 s of speech: shorter than TikTok's 3 s minimum, so the clip (all of it) cannot pass.
    talk = make_speech(tmp_path / "short.wav", "Nobody tells you this. Trust wins.")
    out = tmp_path / "out"
    result = subprocess.run(
        [
            sys.executable, "-m", "spaceclip.cli", "process", str(talk), "--out", str(out),
            "--clips", "1", "--platform", "tiktok", "--min-length", "1", "--max-length", "3",
        ],
        env=_env(tmp_path), capture_output=True, text=True, timeout=600, cwd=os.getcwd(),
    )  # fmt: skip
    assert result.returncode == 1, result.stdout + result.stderr
    # The table says which rule failed, and the render is kept for the creator to look at. _env's
    # wide terminal keeps each row of the table on one line.
    row = next(line for line in result.stdout.splitlines() if "01-tiktok" in line)
    assert "failed: Length" in plain(row), result.stdout
    assert (out / "clips" / "01-tiktok.mp4").stat().st_size > 1_000
