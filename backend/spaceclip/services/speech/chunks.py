"""Working through a long recording in pieces: where to cut it, and how to join the pieces (pure).

Memory must not grow with the episode, so speech is decoded a piece of about :data:`CHUNK_S` at a
time, read from the WAV on disk. Each cut is moved to the quietest stretch within
:data:`SEARCH_S` of its planned place (:func:`quietest_point` on frame levels), and every piece is
decoded with :data:`OVERLAP_S` of audio beyond its cuts, so a word that crosses a cut is heard
whole by both neighbours. At each cut :func:`merge_seam` keeps exactly one copy of every word:

1. the left piece owns the words whose middle is before the cut, the right piece the others;
2. a right word that overlaps a kept left word by more than half of the shorter one is the same
   word heard twice, and is dropped;
3. a left word dropped in 1. that overlaps no kept word, while the right piece also heard a word
   there (and dropped it in 1.), is the same word timed differently by the two: the left copy is
   kept, so nothing is lost;
4. where the two kept words at the seam still overlap a little, both end at the middle of it.

Speech regions (the VAD's) are joined the same way by :func:`join_regions`. Nothing here reads
audio or runs a model.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from spaceclip.services.speech.transcript import Segment, Word

__all__ = [
    "CHUNK_S",
    "FRAME_S",
    "OVERLAP_S",
    "SEARCH_S",
    "Chunk",
    "frame_levels",
    "join_regions",
    "merge_seam",
    "plan_chunks",
    "planned_cuts",
    "quietest_point",
]

CHUNK_S = 300.0  # a piece's length: its decoded audio and features stay well under 0.5 GB
SEARCH_S = 15.0  # how far from its planned place a cut may move to find a pause
OVERLAP_S = 1.5  # audio decoded beyond each cut, so a word crossing it is heard whole
FRAME_S = 0.02  # energy frames for finding the pause
QUIET_DB = 10.0  # a frame within this of the window's quietest one is part of a pause
SAME_WORD_OVERLAP = 0.5  # two words overlapping more than this share of the shorter are one
_MIN_WORD_S = 0.02


@dataclass(frozen=True, slots=True)
class Chunk:
    """A piece of the recording: decode ``start..end`` (s), keep its words in ``keep_from..keep_to``."""

    start: float
    end: float
    keep_from: float
    keep_to: float


def planned_cuts(duration: float, chunk_s: float = CHUNK_S) -> list[float]:
    """Where the cuts would go without looking at the audio: pieces of equal length, none over
    ``chunk_s`` (none for a recording that fits in one piece)."""
    if duration <= chunk_s or chunk_s <= 0:
        return []
    pieces = math.ceil(duration / chunk_s)
    return [round(duration * k / pieces, 3) for k in range(1, pieces)]


def frame_levels(samples: np.ndarray, frame_s: float = FRAME_S, rate: int = 16000) -> np.ndarray:
    """RMS level (dB full scale, floor -120) of each whole ``frame_s`` frame of float samples."""
    frame = max(1, round(frame_s * rate))
    usable = (samples.size // frame) * frame
    if usable == 0:
        return np.zeros(0, dtype=np.float64)
    blocks = samples[:usable].reshape(-1, frame).astype(np.float64)
    rms = np.sqrt(np.mean(np.square(blocks), axis=1))
    return np.asarray(20.0 * np.log10(np.maximum(rms, 1e-6)))


def quietest_point(
    levels_db: np.ndarray,
    offset: float,
    planned: float,
    *,
    frame_s: float = FRAME_S,
    quiet_db: float = QUIET_DB,
) -> float:
    """The middle of the longest quiet stretch of a level profile, in seconds of the recording.

    Args:
        levels_db: frame levels of the audio from ``offset`` seconds on (:func:`frame_levels`).
        offset: where the profile starts in the recording.
        planned: where the cut would go; the nearest of equally long pauses wins, and an empty
            profile leaves the cut there.
        frame_s: frame length of the profile.
        quiet_db: a frame within this many dB of the quietest frame counts as quiet.
    """
    if levels_db.size == 0:
        return planned
    quiet = levels_db <= float(levels_db.min()) + quiet_db
    edges = np.flatnonzero(np.diff(np.concatenate(([0], quiet.astype(np.int8), [0]))))
    runs = edges.reshape(-1, 2)  # [first, stop) frame index of each quiet stretch
    lengths = runs[:, 1] - runs[:, 0]
    middles = offset + (runs[:, 0] + runs[:, 1]) / 2 * frame_s
    best = min(range(len(runs)), key=lambda i: (-int(lengths[i]), abs(float(middles[i]) - planned)))
    return round(float(middles[best]), 3)


def plan_chunks(duration: float, cuts: Sequence[float], *, overlap: float = OVERLAP_S) -> list[Chunk]:
    """The pieces between ``cuts`` (sorted, inside ``0..duration``), each with ``overlap`` seconds
    of audio beyond its cuts."""
    bounds = [0.0, *cuts, duration]
    return [
        Chunk(
            start=round(max(0.0, lo - overlap), 3),
            end=round(min(duration, hi + overlap), 3),
            keep_from=lo,
            keep_to=hi,
        )
        for lo, hi in itertools.pairwise(bounds)
    ]


def _middle(start: float, end: float) -> float:
    return (start + end) / 2


def _same_word(a: Word, b: Word) -> bool:
    shared = min(a.end, b.end) - max(a.start, b.start)
    shorter = max(_MIN_WORD_S, min(a.end - a.start, b.end - b.start))
    return shared > SAME_WORD_OVERLAP * shorter


def merge_seam(left: Sequence[Segment], right: Sequence[Segment], cut: float) -> tuple[list[Segment], list[Segment]]:
    """Join the transcripts of two neighbouring pieces at ``cut`` (the module's rules 1-4).

    Both sides are time-ordered segments in seconds of the recording. Returns what each side keeps:
    segments emptied of words are dropped, the others keep their kept words (text rebuilt from them).
    A segment without word times stays on the side its middle falls.
    """
    left_words = [w for s in left for w in s.words]
    right_words = [w for s in right for w in s.words]
    keep_left = [_middle(w.start, w.end) < cut for w in left_words]
    keep_right = [_middle(w.start, w.end) >= cut for w in right_words]
    kept_left = [w for w, k in zip(left_words, keep_left, strict=True) if k]
    for j, word in enumerate(right_words):
        if keep_right[j] and any(_same_word(word, other) for other in kept_left[-8:]):
            keep_right[j] = False
    kept_right = [w for w, k in zip(right_words, keep_right, strict=True) if k]
    dropped_right = [w for w, k in zip(right_words, keep_right, strict=True) if not k]
    for i, word in enumerate(left_words):
        if keep_left[i]:
            continue
        if any(_same_word(word, other) for other in (*kept_left[-8:], *kept_right[:8])):
            continue
        later_right = kept_right and _middle(kept_right[0].start, kept_right[0].end) < _middle(word.start, word.end)
        if not later_right and any(_same_word(word, other) for other in dropped_right):
            keep_left[i] = True
            kept_left.append(word)
    left_out = _rebuild(left, keep_left, lambda s: _middle(s.start, s.end) < cut)
    right_out = _rebuild(right, keep_right, lambda s: _middle(s.start, s.end) >= cut)
    return _meet(left_out, right_out)


def _rebuild(
    segments: Sequence[Segment], keep: Sequence[bool], keep_wordless: Callable[[Segment], bool]
) -> list[Segment]:
    out: list[Segment] = []
    i = 0
    for segment in segments:
        if not segment.words:
            if keep_wordless(segment):
                out.append(segment)
            continue
        flags = keep[i : i + len(segment.words)]
        i += len(segment.words)
        words = tuple(w for w, k in zip(segment.words, flags, strict=True) if k)
        if len(words) == len(segment.words):
            out.append(segment)
        elif words:
            out.append(_with_words(segment, words))
    return out


def _with_words(segment: Segment, words: tuple[Word, ...]) -> Segment:
    text = " ".join(w.word for w in words)
    return replace(segment, start=words[0].start, end=words[-1].end, text=text, words=words)


def _meet(left: list[Segment], right: list[Segment]) -> tuple[list[Segment], list[Segment]]:
    """Rule 4: the last left word and the first right word end where they overlap's middle is."""
    last = next((i for i in range(len(left) - 1, -1, -1) if left[i].words), None)
    first = next((i for i in range(len(right)) if right[i].words), None)
    if last is None or first is None:
        return left, right
    a, b = left[last].words[-1], right[first].words[0]
    if b.start >= a.end:
        return left, right
    meet = round(_middle(max(a.start, b.start), min(a.end, b.end)), 3)
    a = replace(a, end=max(a.start + _MIN_WORD_S, meet))
    b = replace(b, start=min(b.end - _MIN_WORD_S, meet))
    left[last] = _with_words(left[last], (*left[last].words[:-1], a))
    right[first] = _with_words(right[first], (b, *right[first].words[1:]))
    return left, right


def join_regions(
    left: Sequence[tuple[float, float]], right: Sequence[tuple[float, float]], cut: float
) -> list[tuple[float, float]]:
    """Speech regions of two neighbouring pieces as one sorted, disjoint list: the left's that start
    before ``cut`` and the right's that end after it, overlapping ones merged."""
    chosen = sorted([r for r in left if r[0] < cut] + [r for r in right if r[1] > cut])
    out: list[tuple[float, float]] = []
    for start, end in chosen:
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out
