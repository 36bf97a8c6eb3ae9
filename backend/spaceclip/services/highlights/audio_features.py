"""Speaker energy from the audio and pace from the word times, each relative to the whole file.

Energy reads the 16 kHz WAV the analyze job writes (``audio.wav``) in blocks, so a long file is
never held in memory: the RMS level of every 50 ms frame, in dB. A stretch's energy is the mean
level of its voiced frames compared with the file's typical speech level: 0.5 is typical, 1 is
6 dB or more louder. Pace is words per second against the transcript's median, 0.5 typical.
Without audio (``audio_path`` None, or a file that cannot be read) energy is a neutral 0.5.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["FRAME_S", "AudioProfile", "energy", "load_profile", "pace_scores", "relative_score"]

log = logging.getLogger(__name__)

FRAME_S = 0.05
_BLOCK_FRAMES = 1200  # one minute of 50 ms frames per read
_VOICED_BELOW_REF_DB = 25.0
_ENERGY_SPAN_DB = 12.0  # ±6 dB around the typical level maps to 0..1


@dataclass(frozen=True, slots=True)
class AudioProfile:
    """Frame levels (dB full scale, one per ``FRAME_S``) and the file's typical speech level."""

    frame_db: np.ndarray
    reference_db: float


def relative_score(value: float, reference: float, span: float) -> float:
    """``0.5 + (value - reference) / span`` clipped to 0..1 (pure)."""
    if span <= 0:
        return 0.5
    return float(min(1.0, max(0.0, 0.5 + (value - reference) / span)))


def load_profile(audio_path: Path | None) -> AudioProfile | None:
    """Frame levels of ``audio_path``; None when there is no path or the file cannot be read."""
    if audio_path is None:
        return None
    import soundfile

    try:
        info = soundfile.info(str(audio_path))
        frame = max(1, round(info.samplerate * FRAME_S))
        levels: list[np.ndarray] = []
        for block in soundfile.blocks(
            str(audio_path), blocksize=frame * _BLOCK_FRAMES, dtype="float32", always_2d=True
        ):
            mono = block.mean(axis=1)
            usable = (mono.size // frame) * frame
            if usable == 0:
                continue
            rms = np.sqrt(np.mean(np.square(mono[:usable].reshape(-1, frame), dtype=np.float64), axis=1))
            levels.append(20.0 * np.log10(np.maximum(rms, 1e-6)))
    except (RuntimeError, OSError) as exc:  # soundfile.LibsndfileError is a RuntimeError
        log.warning("highlight energy left neutral: cannot read %s (%s)", audio_path, exc)
        return None
    if not levels:
        return None
    frame_db = np.concatenate(levels)
    loud = frame_db[frame_db > float(np.percentile(frame_db, 95)) - _VOICED_BELOW_REF_DB]
    reference = float(np.median(loud)) if loud.size else float(np.median(frame_db))
    return AudioProfile(frame_db=frame_db, reference_db=reference)


def energy(profile: AudioProfile | None, start: float, end: float) -> float:
    """Loudness of [start, end] against the file's typical speech level (0..1, 0.5 typical)."""
    if profile is None:
        return 0.5
    lo, hi = int(start / FRAME_S), max(int(start / FRAME_S) + 1, int(np.ceil(end / FRAME_S)))
    frames = profile.frame_db[lo:hi]
    voiced = frames[frames > profile.reference_db - _VOICED_BELOW_REF_DB]
    if voiced.size == 0:
        return 0.5
    return relative_score(float(voiced.mean()), profile.reference_db, _ENERGY_SPAN_DB)


def pace_scores(word_counts: Sequence[int], durations: Sequence[float]) -> list[float]:
    """Per sentence, words per second against the median sentence pace (0..1, 0.5 typical;
    one word per second faster than the median is 1)."""
    rates = [n / d if d > 0.2 else 0.0 for n, d in zip(word_counts, durations, strict=True)]
    usable = [r for r in rates if r > 0]
    if not usable:
        return [0.5] * len(rates)
    median = float(np.median(usable))
    return [relative_score(r, median, 2.0) if r > 0 else 0.5 for r in rates]
