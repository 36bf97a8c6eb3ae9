"""The words around a cut between transcription pieces, checked against a conversation's truth.

For each cut, the turns within ``reach`` seconds of it are the reference; the recognised words
whose middles fall in the same stretch (from half-way through the pause before the first of those
turns to half-way through the pause after the last) are the hypothesis. An edit-distance alignment
of the two gives the words doubled (insertions), lost (deletions) and misheard (substitutions);
those within ``zone`` seconds of the cut, where the two pieces overlap, are the seam's.
Shared by tests/test_transcribe_chunks.py and benchmarks/bench_length.py.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tests.speech import TurnTruth, align, normalize_words

REACH_S = 6.0  # turns this near a cut are aligned
ZONE_S = 2.0  # errors this near a cut are the seam's (the pieces overlap by 1.5 s)


@dataclass(frozen=True)
class SeamCheck:
    """One cut: the words near it (reference and heard) and the errors within ``zone`` s of it."""

    cut: float
    reference: tuple[str, ...]
    heard: tuple[str, ...]
    words: int  # reference words within the zone
    inserted: int
    deleted: int
    substituted: int

    @property
    def errors(self) -> int:
        return self.inserted + self.deleted + self.substituted


def check_seam(
    turns: Sequence[TurnTruth], words: Sequence[Any], cut: float, *, reach: float = REACH_S, zone: float = ZONE_S
) -> SeamCheck:
    """Align the words near ``cut`` with the turns near it (``words`` time-ordered) and count the
    errors within ``zone`` seconds of the cut. An error's time is its heard word's middle; a lost
    word takes the time of the heard word before it (after it, at the start)."""
    near = [i for i, t in enumerate(turns) if t.end > cut - reach and t.start < cut + reach]
    if not near:
        return SeamCheck(cut, (), (), 0, 0, 0, 0)
    first, last = near[0], near[-1]
    lo = (turns[first - 1].end + turns[first].start) / 2 if first else 0.0
    hi = (turns[last].end + turns[last + 1].start) / 2 if last + 1 < len(turns) else float("inf")
    reference = [token for i in near for token in normalize_words(turns[i].text)]
    begin = bisect.bisect_left([w.start for w in words], lo - 5.0)
    heard: list[str] = []
    times: list[float] = []
    for w in words[begin:]:
        middle = (w.start + w.end) / 2
        if w.start > hi + 5.0:
            break
        if lo <= middle < hi:
            for token in normalize_words(w.word):
                heard.append(token)
                times.append(middle)
    _, pairs = align(reference, heard)
    counts = {"words": 0, "inserted": 0, "deleted": 0, "substituted": 0}
    previous: float | None = None
    for k, (r, h) in enumerate(pairs):
        if h is not None:
            previous = times[h]
        when = previous if previous is not None else next((times[h2] for _, h2 in pairs[k:] if h2 is not None), cut)
        if abs(when - cut) > zone:
            continue
        if r is not None:
            counts["words"] += 1
        if r is None:
            counts["inserted"] += 1
        elif h is None:
            counts["deleted"] += 1
        elif reference[r] != heard[h]:
            counts["substituted"] += 1
    return SeamCheck(cut, tuple(reference), tuple(heard), **counts)


def seam_accuracy(checks: Sequence[SeamCheck]) -> float:
    """Share of the reference words within the seams' zones recognised right (1 - errors / words)."""
    words = sum(c.words for c in checks)
    return 1.0 - sum(c.errors for c in checks) / max(1, words)


def block_wer(turns: Sequence[TurnTruth], words: Sequence[Any], *, per: int = 25) -> float:
    """Word error rate of a long transcript, aligned a block of ``per`` turns at a time (each
    block's heard words: those whose middles fall between the pauses around it)."""
    errors = total = 0
    index = 0
    for first in range(0, len(turns), per):
        last = min(first + per, len(turns)) - 1
        lo = (turns[first - 1].end + turns[first].start) / 2 if first else float("-inf")
        hi = (turns[last].end + turns[last + 1].start) / 2 if last + 1 < len(turns) else float("inf")
        heard: list[str] = []
        while index < len(words) and (words[index].start + words[index].end) / 2 < hi:
            if (words[index].start + words[index].end) / 2 >= lo:
                heard.extend(normalize_words(words[index].word))
            index += 1
        reference = [token for t in turns[first : last + 1] for token in normalize_words(t.text)]
        errors += align(reference, heard)[0]
        total += len(reference)
    return errors / max(1, total)
