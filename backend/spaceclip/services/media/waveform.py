"""Waveform peaks for the clip editor, read from a project's 16 kHz mono ``audio.wav``.

The file is read in bounded chunks, so a three-hour recording costs a few megabytes of memory
whatever range and resolution are asked for.
"""

from __future__ import annotations

import logging
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from spaceclip.errors import NotFound, ValidationFailed

log = logging.getLogger(__name__)

__all__ = ["MAX_POINTS", "Waveform", "bucket_edges", "read_peaks"]

MAX_POINTS = 4000
CHUNK_FRAMES = 1 << 20  # about 65 s of 16 kHz audio per read (4 MiB as int32)
NO_AUDIO = "This project has no extracted audio yet. Wait for its analysis to finish, or start it again."


@dataclass(frozen=True)
class Waveform:
    """Peaks (0..1 of full scale) of ``points`` equal slices of ``[start, end]`` seconds."""

    start: float
    end: float
    peaks: list[float]


def bucket_edges(first: int, last: int, points: int) -> np.ndarray:
    """``points + 1`` frame indices splitting ``[first, last)`` into near-equal, non-empty slices.

    ``points`` is lowered to the number of frames when there are fewer frames than points.
    """
    frames = last - first
    points = max(1, min(points, frames))
    # Integer arithmetic: exact, and strictly increasing because frames >= points.
    return first + (np.arange(points + 1, dtype=np.int64) * frames) // points


def read_peaks(
    audio_path: Path,
    start: float | None = None,
    end: float | None = None,
    points: int = 1000,
    *,
    chunk_frames: int = CHUNK_FRAMES,
) -> Waveform:
    """Peak level of each of ``points`` slices of ``[start, end]`` (defaults: the whole file).

    Raises:
        NotFound: the audio file does not exist (the project was not analysed yet).
        ValidationFailed: ``points`` out of 1..MAX_POINTS, or an empty or inverted range.
    """
    if not 1 <= points <= MAX_POINTS:
        raise ValidationFailed(f"Ask for between 1 and {MAX_POINTS} waveform points.")
    if not audio_path.is_file():
        raise NotFound(NO_AUDIO)
    with wave.open(str(audio_path), "rb") as wav:
        rate, channels, width, total = wav.getframerate(), wav.getnchannels(), wav.getsampwidth(), wav.getnframes()
        if width != 2:
            raise ValueError(f"{audio_path} is not 16-bit PCM")
        duration = total / rate
        t0 = 0.0 if start is None else min(max(start, 0.0), duration)
        t1 = duration if end is None else min(max(end, 0.0), duration)
        if t1 <= t0:
            raise ValidationFailed(
                f"The waveform range {t0:.2f} to {t1:.2f} s is empty; the audio is {duration:.2f} s long. "
                "Ask for a start before the end, inside the audio."
            )
        first, last = round(t0 * rate), min(total, round(t1 * rate))
        if last <= first:
            return Waveform(start=t0, end=t1, peaks=[0.0])
        edges = bucket_edges(first, last, points)
        peaks = np.zeros(len(edges) - 1, dtype=np.int32)
        pos = first
        wav.setpos(first)
        while pos < last:
            count = min(chunk_frames, last - pos)
            raw = wav.readframes(count)
            data = np.abs(np.frombuffer(raw, dtype="<i2").astype(np.int32))
            if channels > 1:
                data = data.reshape(-1, channels).max(axis=1)
            count = data.size
            if count == 0:
                break
            # Buckets this chunk touches, and where each one starts inside the chunk.
            lo = int(np.searchsorted(edges, pos, side="right")) - 1
            hi = int(np.searchsorted(edges, pos + count - 1, side="right")) - 1
            offsets = np.concatenate(([0], edges[lo + 1 : hi + 1] - pos))
            part = np.maximum.reduceat(data, offsets)
            peaks[lo : hi + 1] = np.maximum(peaks[lo : hi + 1], part)
            pos += count
    levels = np.minimum(peaks / 32767.0, 1.0)
    return Waveform(start=round(t0, 3), end=round(t1, 3), peaks=[round(float(v), 4) for v in levels])
