"""``spaceclip clean``: a whole episode without its fillers and long pauses, with its cut list,
re-timed subtitles and chapters, from real speech through real Whisper and ffmpeg."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import opentimelineio as otio
import pytest

from spaceclip.services.media.process import ffmpeg_args, ffprobe_args, run_process
from spaceclip.services.speech.transcript import parse_srt, parse_vtt
from tests.cli_output import plain
from tests.media import make_speech
from tests.test_cli import _env

PARTS = (
    ("So, um, we opened the shop in the spring.", 0.4),
    ("It was, uh, the hardest month of the year.", 2.5),  # a long pause follows
    ("Um, then the bank said yes.", 0.4),
    ("We sold bread on Fridays and cakes on Sundays.", 3.0),
    ("Honestly, uh, I would do it all again.", 0.5),
)
PAUSE_OVER, PAUSE_TO = 0.8, 0.4


def _samples(path: Path) -> np.ndarray:
    raw = run_process(ffmpeg_args("-i", path, "-f", "f32le", "-ac", "1", "-ar", "16000", "-"), timeout_s=120).stdout
    return np.frombuffer(raw, dtype=np.float32)


def _longest_silence(samples: np.ndarray, rate: int = 16000, frame_s: float = 0.02) -> float:
    """The longest run of 20 ms frames more than 40 dB under the loudest frame, in seconds."""
    n = int(rate * frame_s)
    frames = samples[: len(samples) // n * n].reshape(-1, n)
    rms = np.sqrt((frames.astype(np.float64) ** 2).mean(axis=1)) + 1e-9
    quiet = 20 * np.log10(rms / rms.max()) < -40
    best = run = 0
    for q in quiet:
        run = run + 1 if q else 0
        best = max(best, run)
    return best * frame_s


@pytest.fixture(scope="module")
def episode(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 320x240 video of espeak-ng speech with fillers and long pauses, with two MP4 chapters."""
    folder = tmp_path_factory.mktemp("clean")
    pieces = []
    for i, (text, pause) in enumerate(PARTS):
        wav = make_speech(folder / f"part{i}.wav", text)
        rate = 22050
        raw = run_process(ffmpeg_args("-i", wav, "-f", "f32le", "-ac", "1", "-ar", str(rate), "-"), timeout_s=60).stdout
        pieces += [np.frombuffer(raw, dtype=np.float32), np.zeros(int(pause * rate), dtype=np.float32)]
    audio = np.concatenate(pieces)
    (folder / "speech.f32").write_bytes(audio.tobytes())
    seconds = len(audio) / 22050
    meta = folder / "chapters.txt"
    half = int(seconds * 500)
    meta.write_text(
        f";FFMETADATA1\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND={half}\ntitle=Opening\n"
        f"[CHAPTER]\nTIMEBASE=1/1000\nSTART={half}\nEND={int(seconds * 1000)}\ntitle=Second half\n",
        encoding="utf-8",
    )
    src = folder / "episode.mp4"
    run_process(ffmpeg_args(
        "-f", "f32le", "-ar", "22050", "-ac", "1", "-i", folder / "speech.f32",
        "-f", "lavfi", "-i", f"testsrc2=s=320x240:r=25:d={seconds:.3f}", "-f", "ffmetadata", "-i", meta,
        "-map", "1:v", "-map", "0:a", "-map_chapters", "2", "-c:v", "libx264", "-pix_fmt", "yuv420p",
        "-c:a", "aac", "-shortest", "-y", src,
    ), timeout_s=120)  # fmt: skip
    return src


def _probe(path: Path) -> dict[str, object]:
    text = run_process(
        ffprobe_args(path, "-show_streams", "-show_format", "-show_chapters", "-of", "json"), timeout_s=60
    ).stdout_text
    data: dict[str, object] = json.loads(text)
    return data


def test_clean_writes_the_episode_without_fillers_and_long_pauses(episode: Path, tmp_path: Path) -> None:
    out = tmp_path / "cleaned.mp4"
    result = subprocess.run(
        [sys.executable, "-m", "spaceclip.cli", "clean", str(episode), "--out", str(out),
         "--pause-over", str(PAUSE_OVER), "--pause-to", str(PAUSE_TO)],
        env=_env(tmp_path), capture_output=True, text=True, timeout=600, cwd=os.getcwd(),
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    before, after = _probe(episode), _probe(out)
    length_before = float(before["format"]["duration"])  # type: ignore[index]
    length_after = float(after["format"]["duration"])  # type: ignore[index]
    assert length_after < length_before - 3.0  # about 4 s of pauses and the fillers are gone

    # The picture and the sound stay in step: both streams as long as each other, within a frame.
    streams = {s["codec_type"]: s for s in after["streams"]}  # type: ignore[attr-defined, index]
    assert abs(float(streams["video"]["duration"]) - float(streams["audio"]["duration"])) <= 1 / 25 + 0.025

    # Pauses up to X stay as they were and the longer ones come down to Y: none in the cleaned sound
    # is longer than X (give or take 0.15 s: the 40 dB floor reaches into word edges).
    assert _longest_silence(_samples(episode)) > 2.4
    assert _longest_silence(_samples(out)) <= PAUSE_OVER + 0.15

    # The cut list: OpenTimelineIO reads it back, and its length is the cleaned episode's within a frame.
    timeline = otio.adapters.read_from_file(str(out.with_suffix(".otio")))
    video_track = next(t for t in timeline.tracks if t.kind == otio.schema.TrackKind.Video)
    assert len(list(video_track.find_clips())) >= 3
    assert abs(video_track.duration().to_seconds() - length_after) <= 1 / 25 + 0.05
    clip = next(iter(video_track.find_clips()))
    assert Path(clip.media_reference.target_url.removeprefix("file://")).name == "episode.mp4"

    # Subtitles re-timed to the cleaned episode: they end inside it, and say what was said.
    cues = parse_srt(out.with_suffix(".srt").read_text(encoding="utf-8"))
    assert cues and cues[-1].end <= length_after + 0.1
    said = " ".join(c.text for c in cues).lower()
    assert "fridays" in said and "sundays" in said
    # ... and none of the fillers the transcript flagged, which are cut from the sound too.
    assert not {"um", "uh"} & set(said.replace(",", " ").replace(".", " ").split())
    assert parse_vtt(out.with_suffix(".vtt").read_text(encoding="utf-8"))

    # Chapters moved with the cuts: the second starts earlier than it did, both still there.
    chapters = after["chapters"]  # type: ignore[index]
    assert [c["tags"]["title"] for c in chapters] == ["Opening", "Second half"]  # type: ignore[index]
    old_start = float(before["chapters"][1]["start_time"])  # type: ignore[index]
    assert float(chapters[1]["start_time"]) < old_start - 0.5  # type: ignore[index]
    assert abs(float(chapters[-1]["end_time"]) - length_after) < 0.1  # type: ignore[index]

    summary = plain(result.stdout)
    assert "pause cut" in summary and "cleaned.otio" in summary


def test_clean_refuses_a_name_it_cannot_write_before_any_work(episode: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "spaceclip.cli", "clean", str(episode), "--out", str(tmp_path / "x.docx")],
        env=_env(tmp_path), capture_output=True, text=True, timeout=600, cwd=os.getcwd(),
    )  # fmt: skip
    assert result.returncode == 1
    assert "cannot write a .docx file" in plain(result.stderr)
    assert not list(tmp_path.glob("x.*"))
