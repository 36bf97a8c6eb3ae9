"""Waveform peaks for the clip editor: exact per-slice peaks from real WAV files, bounded points,
chunked reading equal to reading at once, and the owner-only API route."""

from __future__ import annotations

import itertools
import wave
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from spaceclip.config import Settings
from spaceclip.db import Database
from spaceclip.errors import NotFound, ValidationFailed
from spaceclip.models.tables import Project
from spaceclip.services.ingest.storage import Storage
from spaceclip.services.media.waveform import MAX_POINTS, bucket_edges, read_peaks
from tests.factories import UserFactory

RATE = 16000


def _write_wav(path: Path, samples: np.ndarray, rate: int = RATE) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(samples.astype("<i2").tobytes())
    return path


def _silence_then_tone(path: Path, level: float = 0.5) -> Path:
    """2 s of silence, then 2 s of a 440 Hz tone peaking at ``level`` of full scale."""
    t = np.arange(2 * RATE) / RATE
    tone = np.round(level * 32767 * np.sin(2 * np.pi * 440 * t))
    return _write_wav(path, np.concatenate([np.zeros(2 * RATE), tone]))


@pytest.mark.parametrize(
    ("first", "last", "points", "expected"),
    [
        (0, 10, 5, [0, 2, 4, 6, 8, 10]),
        (0, 10, 3, [0, 3, 6, 10]),
        (100, 103, 10, [100, 101, 102, 103]),  # fewer frames than points: one frame per slice
        (5, 6, 1, [5, 6]),
        (0, 7, 7, [0, 1, 2, 3, 4, 5, 6, 7]),
    ],
)
def test_bucket_edges(first: int, last: int, points: int, expected: list[int]) -> None:
    assert bucket_edges(first, last, points).tolist() == expected


def test_peaks_follow_the_level_of_each_slice(tmp_path: Path) -> None:
    wav = _silence_then_tone(tmp_path / "audio.wav")
    whole = read_peaks(wav, points=4)
    assert whole.start == 0.0 and whole.end == 4.0
    assert whole.peaks[:2] == [0.0, 0.0]
    assert whole.peaks[2:] == pytest.approx([0.5, 0.5], abs=0.002)
    part = read_peaks(wav, 1.5, 2.5, points=2)
    assert part.peaks[0] == 0.0 and part.peaks[1] == pytest.approx(0.5, abs=0.002)
    clamped = read_peaks(wav, 3.0, 99.0, points=10)
    assert clamped.end == 4.0 and len(clamped.peaks) == 10


@pytest.mark.parametrize("chunk_frames", [1, 7, 1000, 1 << 20])
@pytest.mark.parametrize("points", [1, 3, 999, 4000])
def test_chunked_reading_equals_a_direct_computation(tmp_path: Path, chunk_frames: int, points: int) -> None:
    rng = np.random.default_rng(7)
    samples = rng.integers(-32768, 32767, size=3 * RATE // 4, endpoint=True)
    samples[100] = -32768  # the most negative sample counts as full scale, not an overflow
    wav = _write_wav(tmp_path / "noise.wav", samples)
    got = read_peaks(wav, 0.1, 0.7, points, chunk_frames=chunk_frames)
    first, last = round(0.1 * RATE), round(0.7 * RATE)
    edges = bucket_edges(first, last, points)
    magnitude = np.abs(samples.astype(np.int64))
    expected = [min(1.0, magnitude[a:b].max() / 32767) for a, b in itertools.pairwise(edges)]
    assert got.peaks == pytest.approx(expected, abs=1e-4)
    assert len(got.peaks) == points
    assert all(0.0 <= p <= 1.0 for p in got.peaks)


def test_bad_requests_say_what_to_do(tmp_path: Path) -> None:
    wav = _silence_then_tone(tmp_path / "audio.wav")
    with pytest.raises(ValidationFailed, match="between 1 and 4000"):
        read_peaks(wav, points=MAX_POINTS + 1)
    with pytest.raises(ValidationFailed, match="start before the end"):
        read_peaks(wav, 3.0, 2.0)
    with pytest.raises(NotFound, match="no extracted audio"):
        read_peaks(tmp_path / "missing.wav")


def test_waveform_route_is_owner_only(
    client: TestClient, make_client, users: UserFactory, database: Database, settings: Settings
) -> None:
    owner = users.create()
    users.sign_in(client, owner)
    with database.session() as db:
        project = Project(owner_id=owner.id, name="Tone", source_kind="upload", status="ready")
        db.add(project)
        db.flush()
        pid = project.id
    missing = client.get(f"/api/projects/{pid}/waveform")
    assert missing.status_code == 404 and "no extracted audio" in missing.json()["detail"]
    _silence_then_tone(Storage(settings).project_dir(pid, create=True) / "audio.wav")

    body = client.get(f"/api/projects/{pid}/waveform", params={"points": 4}).json()
    assert body["start"] == 0.0 and body["end"] == 4.0
    assert body["peaks"][:2] == [0.0, 0.0] and body["peaks"][2] == pytest.approx(0.5, abs=0.002)
    part = client.get(f"/api/projects/{pid}/waveform", params={"start": 2, "end": 3, "points": 2}).json()
    assert part["peaks"] == pytest.approx([0.5, 0.5], abs=0.002)
    assert client.get(f"/api/projects/{pid}/waveform", params={"points": 4001}).status_code == 422
    assert client.get(f"/api/projects/{pid}/waveform", params={"start": 3, "end": 1}).status_code == 422

    other = make_client()
    users.sign_in(other, users.create())
    assert other.get(f"/api/projects/{pid}/waveform").status_code == 404
