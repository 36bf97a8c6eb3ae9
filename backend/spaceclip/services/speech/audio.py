"""The analysis audio, read a window at a time: a 16 kHz mono WAV on disk, or samples in memory.

The speech stages never hold a whole episode: they ask an :class:`Audio` for the seconds they work
on (:meth:`Audio.read`), so their memory is that of one window whatever the length.
"""

from __future__ import annotations

import contextlib
import threading
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

import numpy as np

__all__ = ["SAMPLE_RATE", "ArrayAudio", "Audio", "WavAudio", "is_plain_wav", "mean_square"]

SAMPLE_RATE = 16000
_BLOCK_S = 60.0  # window of a whole-file pass (mean_square)


class Audio(Protocol):
    """Mono float32 samples at :data:`SAMPLE_RATE`, read by frame range."""

    @property
    def frames(self) -> int: ...

    def read(self, start: int, stop: int) -> np.ndarray:
        """Samples ``start..stop`` (clipped to the audio) as float32 in [-1, 1]."""
        ...


class ArrayAudio:
    """Samples already in memory (short inputs, tests)."""

    def __init__(self, samples: np.ndarray) -> None:
        self._samples = samples.astype(np.float32, copy=False)

    @property
    def frames(self) -> int:
        return int(self._samples.size)

    def read(self, start: int, stop: int) -> np.ndarray:
        return self._samples[max(0, start) : max(0, stop)]


class WavAudio:
    """A 16 kHz mono 16-bit PCM WAV, read from disk a window at a time (thread-safe)."""

    def __init__(self, path: Path) -> None:
        self._wave = wave.open(str(path), "rb")  # noqa: SIM115 - closed by close()
        self._lock = threading.Lock()
        self._frames = self._wave.getnframes()

    @property
    def frames(self) -> int:
        return self._frames

    def read(self, start: int, stop: int) -> np.ndarray:
        start, stop = max(0, start), min(self._frames, stop)
        if stop <= start:
            return np.zeros(0, dtype=np.float32)
        with self._lock:
            self._wave.setpos(start)
            raw = self._wave.readframes(stop - start)
        return np.frombuffer(raw, dtype=np.int16).astype(np.float32) / np.float32(32768.0)

    def close(self) -> None:
        self._wave.close()

    @classmethod
    @contextlib.contextmanager
    def open(cls, path: Path) -> Iterator[WavAudio]:
        audio = cls(path)
        try:
            yield audio
        finally:
            audio.close()


def is_plain_wav(path: Path) -> bool:
    """Whether ``path`` is a WAV that :class:`WavAudio` reads (16 kHz, mono, 16-bit PCM)."""
    try:
        with wave.open(str(path)) as w:
            return (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (SAMPLE_RATE, 1, 2)
    except (wave.Error, EOFError, OSError):
        return False


def mean_square(audio: Audio) -> float:
    """The mean of the squared samples of the whole audio, a window at a time."""
    total, count = 0.0, 0
    step = int(_BLOCK_S * SAMPLE_RATE)
    for start in range(0, audio.frames, step):
        block = audio.read(start, start + step)
        total += float(np.sum(np.square(block, dtype=np.float64)))
        count += block.size
    return total / count if count else 0.0
