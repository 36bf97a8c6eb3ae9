"""Speaker energy from the audio file and pace from word times, relative to the whole file."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest

from spaceclip.services.highlights.audio_features import energy, load_profile, pace_scores, relative_score

RATE = 16000


def _write_wav(path: Path, samples: np.ndarray, channels: int = 1) -> Path:
    data = np.clip(samples * 32767, -32768, 32767).astype(np.int16)
    if channels == 2:
        data = np.repeat(data, 2)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(data.tobytes())
    return path


def _tone(seconds: float, amplitude: float) -> np.ndarray:
    t = np.arange(round(seconds * RATE)) / RATE
    return amplitude * np.sin(2 * np.pi * 220 * t)


@pytest.mark.parametrize("channels", [1, 2])
def test_louder_stretches_score_higher(tmp_path: Path, channels: int) -> None:
    # 4 s at normal level, 2 s four times (12 dB) louder, 2 s quieter, 2 s of silence
    samples = np.concatenate([_tone(4, 0.1), _tone(2, 0.4), _tone(2, 0.05), np.zeros(2 * RATE)])
    profile = load_profile(_write_wav(tmp_path / "a.wav", samples, channels))
    assert profile is not None
    assert profile.frame_db.size == 200  # one level per 50 ms
    normal, loud, quiet = energy(profile, 0.5, 3.5), energy(profile, 4.2, 5.8), energy(profile, 6.2, 7.8)
    assert loud == 1.0
    assert quiet < normal < loud
    assert energy(profile, 8.2, 9.8) == 0.5  # silence has no voiced frame: neutral


def test_no_audio_or_unreadable_audio_is_neutral(tmp_path: Path) -> None:
    assert load_profile(None) is None
    assert energy(None, 0.0, 10.0) == 0.5
    broken = tmp_path / "broken.wav"
    broken.write_bytes(b"RIFF not really a wave file")
    assert load_profile(broken) is None
    assert load_profile(tmp_path / "missing.wav") is None


@pytest.mark.parametrize(
    ("value", "reference", "span", "expected"),
    [
        (0.0, 0.0, 12.0, 0.5),
        (6.0, 0.0, 12.0, 1.0),
        (-3.0, 0.0, 12.0, 0.25),
        (50.0, 0.0, 12.0, 1.0),
        (1.0, 0.0, 0.0, 0.5),
    ],
)
def test_relative_score(value: float, reference: float, span: float, expected: float) -> None:
    assert relative_score(value, reference, span) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("counts", "durations", "expected"),
    [
        ([10, 10, 10], [4.0, 4.0, 4.0], [0.5, 0.5, 0.5]),
        ([10, 15, 5], [5.0, 5.0, 5.0], [0.5, 1.0, 0.0]),  # ±1 word/s around the median is 0..1
        ([3, 10], [0.1, 5.0], [0.5, 0.5]),  # a sentence too short to time is neutral
        ([], [], []),
    ],
)
def test_pace_scores(counts: list[int], durations: list[float], expected: list[float]) -> None:
    assert pace_scores(counts, durations) == pytest.approx(expected)
