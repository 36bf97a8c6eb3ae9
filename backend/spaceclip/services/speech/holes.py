"""Speech that the decoder skipped: stretches the VAD calls speech but no transcribed word covers (pure).

faster-whisper's batched pipeline decodes each 30 s window of speech in one go, without timestamp
tokens. Now and then Whisper ends a window early and the rest of that window is never decoded; the
sequential decoder would have gone on from the last timestamp. It happens most at the two ends of a
piece (:mod:`~spaceclip.services.speech.chunks`), where a window starts or stops in the middle of
a turn: a 4-hour episode lost 292 of the 667 words within 2 s of its 47 seams (``bench_length``).

:func:`uncovered_speech` finds those stretches; ``transcribe`` decodes each again with the
sequential decoder and :func:`fill_holes` puts what it heard in place. A word heard anew is kept
only inside its hole, so a word that was heard the first time is never doubled.
"""

from __future__ import annotations

from collections.abc import Sequence

from spaceclip.services.speech.transcript import Segment, Word

__all__ = ["HOLE_MIN_S", "HOLE_PAD_S", "WORD_REACH_S", "fill_holes", "uncovered_speech"]

#: Uncovered speech shorter than this is a pause between words, or a word timed a little short.
HOLE_MIN_S = 1.0
#: A word covers its own span and this much on each side (word times are approximate).
WORD_REACH_S = 0.3
#: Audio decoded around a hole, so its first and last words are heard whole.
HOLE_PAD_S = 0.5


def uncovered_speech(
    regions: Sequence[tuple[float, float]],
    words: Sequence[Word],
    *,
    min_s: float = HOLE_MIN_S,
    reach: float = WORD_REACH_S,
) -> list[tuple[float, float]]:
    """The parts of ``regions`` (sorted, disjoint speech) of at least ``min_s`` that no word reaches.

    ``words`` need not be sorted. Each word covers ``start - reach .. end + reach``.
    """
    covered = sorted((w.start - reach, w.end + reach) for w in words)
    merged: list[list[float]] = []
    for start, end in covered:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    holes: list[tuple[float, float]] = []
    k = 0
    for region_start, region_end in regions:
        position = region_start
        while k < len(merged) and merged[k][1] <= region_start:
            k += 1
        j = k
        while j < len(merged) and merged[j][0] < region_end:
            if merged[j][0] - position >= min_s:
                holes.append((round(position, 3), round(merged[j][0], 3)))
            position = max(position, merged[j][1])
            j += 1
        if region_end - position >= min_s:
            holes.append((round(position, 3), round(region_end, 3)))
    return holes


def fill_holes(
    segments: Sequence[Segment], heard: Sequence[tuple[tuple[float, float], Sequence[Segment]]]
) -> list[Segment]:
    """``segments`` with what was heard in each hole added, in time order.

    ``heard`` pairs each hole with the segments decoded around it (times in the recording's
    seconds). Only the words whose middle lies inside the hole are kept; a segment left without
    words is dropped.
    """
    added: list[Segment] = []
    for (start, end), found in heard:
        for segment in found:
            words = tuple(w for w in segment.words if start <= (w.start + w.end) / 2 < end)
            if words:
                text = " ".join(w.word for w in words)
                added.append(Segment(start=words[0].start, end=words[-1].end, text=text, words=words))
    return sorted([*segments, *added], key=lambda s: (s.start, s.end))
