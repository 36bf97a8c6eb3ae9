"""The loudest moment of a stretch of audio, for the thumbnail (:func:`peak_time`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from spaceclip.services.media.process import ffmpeg_args, media_input_args, run_process

__all__ = ["PEAK_HOP_S", "PEAK_RATE", "PEAK_WINDOW_S", "loudest_window", "peak_time"]

PEAK_RATE = 8000
PEAK_WINDOW_S = 0.5
PEAK_HOP_S = 0.05


def loudest_window(samples: np.ndarray, rate: int, window_s: float = PEAK_WINDOW_S, hop_s: float = PEAK_HOP_S) -> float:
    """Seconds from the start of ``samples`` to the centre of the loudest ``window_s`` window. Pure.

    Silence (or too little audio for one window) gives the middle.
    """
    n = len(samples)
    if n == 0:
        return 0.0
    hop = max(1, round(hop_s * rate))
    win = max(1, round(window_s * rate))
    if n <= win:
        return n / rate / 2
    energy = np.asarray(samples, dtype=np.float64) ** 2
    frames = energy[: n // hop * hop].reshape(-1, hop).sum(axis=1)
    per_window = max(1, win // hop)
    sums = np.convolve(frames, np.ones(per_window), mode="valid")
    if sums.size == 0 or float(sums.max()) <= 0.0:
        return n / rate / 2
    best = int(np.argmax(sums))
    return (best * hop + per_window * hop / 2) / rate


def peak_time(
    audio_path: Path,
    start: float,
    end: float,
    *,
    timeout_s: float | None = None,
    cancel: Callable[[], bool] | None = None,
) -> float:
    """The loudest moment of ``audio_path`` between ``start`` and ``end``, in seconds of the file.

    The range is decoded at 8 kHz mono and the centre of the loudest half second is returned
    (the middle of the range when it is silent).
    """
    start, end = max(0.0, float(start)), float(end)
    if end <= start:
        return start
    length = end - start
    argv = ffmpeg_args(
        "-ss", f"{start:.3f}", "-t", f"{length:.3f}", *media_input_args(audio_path),
        "-map", "0:a:0", "-vn", "-sn", "-dn", "-ac", "1", "-ar", str(PEAK_RATE),
        "-f", "s16le", "-c:a", "pcm_s16le", "pipe:1",
    )  # fmt: skip
    limit = timeout_s if timeout_s is not None else 60.0 + length
    result = run_process(argv, timeout_s=limit, cancel=cancel)
    samples = np.frombuffer(result.stdout[: len(result.stdout) // 2 * 2], dtype="<i2")
    offset = loudest_window(samples, PEAK_RATE) if samples.size else length / 2
    return round(start + min(offset, length), 3)
