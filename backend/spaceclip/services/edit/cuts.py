"""Cuts inside a clip, computed from word times: filler words, long pauses, the creator's struck words.

Everything here is pure and works in source seconds. :func:`plan_cuts` turns a clip's range, its
words and its :class:`CutSettings` into a :class:`CutList`: the disjoint, labelled ranges taken out
(:class:`Cut`, reason ``filler``, ``pause`` or ``removed``) and the ranges kept. A :class:`CutList`
maps source time to the time of the cut clip (:meth:`CutList.to_output`) and back
(:meth:`CutList.to_source`), and re-times words and transcripts to the cut clip
(:meth:`CutList.retime_words`, :meth:`CutList.retime_transcript`), so captions, subtitles and
speaker tracks follow the cut picture.

The rules, in order:

1. Removed spans: each run of filler words (with ``remove_fillers``) with the hesitation around it,
   leaving at most ``pause_to_s`` between the words either side (:func:`_filler_spans`), and the
   creator's ``removed`` ranges. A filler whose middle lies in a ``restored`` range stays.
2. A word whose middle lies in a removed span is gone; the others are kept.
3. With ``shorten_pauses``, each silence between kept words (and at the clip's two ends) that is
   still longer than ``pause_over_s`` once the removed spans are out is cut down to ``pause_to_s``:
   half of it stays after the word before, half before the word after. A pause inside a
   ``restored`` range is left alone.
4. Cuts closer than :data:`MIN_KEEP_S` merge (no sliver of sound between them), cuts shorter than
   :data:`MIN_CUT_S` are dropped, and with ``fps`` every boundary moves to the clip's frame grid,
   so the picture and the sound are cut on the same frames.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise
from typing import Any, Literal

from spaceclip.services.speech.transcript import Segment, Transcript, Word

__all__ = [
    "DEFAULT_PAUSE_OVER_S",
    "DEFAULT_PAUSE_TO_S",
    "MIN_CUT_S",
    "MIN_KEEP_S",
    "Cut",
    "CutList",
    "CutReason",
    "CutSettings",
    "Range",
    "merge_ranges",
    "plan_cuts",
    "validate_ranges",
]

Range = tuple[float, float]
CutReason = Literal["filler", "pause", "removed"]

#: Pauses longer than this (s) are shortened ...
DEFAULT_PAUSE_OVER_S = 0.6
#: ... to this (s).
DEFAULT_PAUSE_TO_S = 0.3
#: A cut shorter than this (s) is not worth a seam.
MIN_CUT_S = 0.04
#: Kept sound shorter than this (s) between two cuts is cut too (a sliver would only click).
MIN_KEEP_S = 0.1
_EPS = 1e-6


@dataclass(frozen=True, slots=True)
class CutSettings:
    """A clip's cut choices. Ranges are in source seconds, each ``(start, end)`` with start < end."""

    remove_fillers: bool = False
    shorten_pauses: bool = False
    pause_over_s: float = DEFAULT_PAUSE_OVER_S
    pause_to_s: float = DEFAULT_PAUSE_TO_S
    removed: tuple[Range, ...] = ()
    restored: tuple[Range, ...] = ()

    @property
    def active(self) -> bool:
        return self.remove_fillers or self.shorten_pauses or bool(self.removed)


@dataclass(frozen=True, slots=True)
class Cut:
    """One range taken out of the clip (source seconds) and why."""

    start: float
    end: float
    reason: CutReason

    @property
    def length(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class CutList:
    """The clip ``[start, end]`` (source seconds) with ``cuts`` taken out: sorted, disjoint, inside it."""

    start: float
    end: float
    cuts: tuple[Cut, ...] = ()
    _keeps: tuple[Range, ...] = field(init=False, repr=False, compare=False)
    _offsets: tuple[float, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        keeps = [(a, b) for a, b in _complement([(c.start, c.end) for c in self.cuts], self.start, self.end)]
        offsets, total = [], 0.0
        for a, b in keeps:
            offsets.append(total)
            total += b - a
        object.__setattr__(self, "_keeps", tuple(keeps))
        object.__setattr__(self, "_offsets", tuple(offsets))

    @property
    def keeps(self) -> tuple[Range, ...]:
        """The ranges kept, in order (source seconds)."""
        return self._keeps

    @property
    def duration(self) -> float:
        """The length of the cut clip (s)."""
        return round(sum(b - a for a, b in self._keeps), 6)

    @property
    def removed_s(self) -> float:
        return round((self.end - self.start) - self.duration, 6)

    @property
    def seams(self) -> tuple[float, ...]:
        """Where the kept ranges meet in the cut clip (output seconds), one per joint."""
        return self._offsets[1:]

    def to_output(self, t: float) -> float:
        """Source time ``t`` in the cut clip: inside a cut it is the seam where the cut was."""
        if not self._keeps:
            return 0.0
        i = bisect.bisect_right([a for a, _ in self._keeps], t) - 1
        if i < 0:
            return 0.0
        a, b = self._keeps[i]
        return round(self._offsets[i] + min(max(t, a), b) - a, 6)

    def to_source(self, t_out: float) -> float:
        """Output time ``t_out`` of the cut clip back in the source (a seam maps to the later range)."""
        if not self._keeps:
            return self.start
        i = max(0, bisect.bisect_right(list(self._offsets), t_out + _EPS) - 1)
        a, b = self._keeps[i]
        return round(min(b, a + max(0.0, t_out - self._offsets[i])), 6)

    def is_cut(self, t: float) -> bool:
        """Whether source time ``t`` lies inside a cut."""
        return any(c.start < t < c.end for c in self.cuts)

    def retime_words(self, words: Iterable[Word]) -> list[Word]:
        """The words of the cut clip in its own time (0 = the clip's first kept moment); cut words drop.

        A word is kept when its middle is inside the clip and not in a cut; a kept word that reaches
        into a cut ends (or starts) at the seam.
        """
        out: list[Word] = []
        for w in words:
            mid = (w.start + w.end) / 2
            if not (self.start <= mid <= self.end) or self.is_cut(mid):
                continue
            a, b = self.to_output(max(w.start, self.start)), self.to_output(min(w.end, self.end))
            if b <= a:
                b = round(a + 0.01, 6)
            out.append(replace(w, start=a, end=b))
        return out

    def retime_transcript(self, transcript: Transcript) -> Transcript:
        """``transcript`` cut to this clip and re-timed to it (segments without kept words drop)."""
        segments: list[Segment] = []
        for seg in transcript.segments:
            words = tuple(self.retime_words(seg.words))
            if not words:
                continue
            whole = len(words) == len(seg.words)
            text = seg.text if whole else " ".join(w.word.strip() for w in words)
            segments.append(replace(seg, start=words[0].start, end=words[-1].end, text=text, words=words))
        return replace(transcript, duration=self.duration, segments=tuple(segments), turns=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "cuts": [{"start": c.start, "end": c.end, "reason": c.reason} for c in self.cuts],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CutList:
        reasons: dict[str, CutReason] = {"filler": "filler", "pause": "pause", "removed": "removed"}
        cuts = tuple(
            Cut(float(c["start"]), float(c["end"]), reasons.get(str(c.get("reason")), "removed"))
            for c in data.get("cuts") or ()
        )
        return cls(float(data["start"]), float(data["end"]), cuts)


def merge_ranges(ranges: Iterable[Range], *, join_within: float = 0.0) -> list[Range]:
    """Sorted, disjoint ranges covering ``ranges``; gaps of at most ``join_within`` are closed."""
    out: list[list[float]] = []
    for a, b in sorted((float(a), float(b)) for a, b in ranges if b > a):
        if out and a <= out[-1][1] + join_within + _EPS:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def _complement(ranges: Sequence[Range], lo: float, hi: float) -> list[Range]:
    out, at = [], lo
    for a, b in merge_ranges(ranges):
        if a > at:
            out.append((at, min(a, hi)))
        at = max(at, b)
    if at < hi:
        out.append((at, hi))
    return [(a, b) for a, b in out if b > a + _EPS]


def _inside(t: float, ranges: Sequence[Range]) -> bool:
    return any(a <= t <= b for a, b in ranges)


def validate_ranges(ranges: Sequence[Range], lo: float, hi: float) -> list[str]:
    """What is wrong with a clip's removed (or restored) ranges for the clip ``[lo, hi]``: empty if nothing.

    Each range must have start < end and lie inside the clip; no two may overlap.
    """
    problems: list[str] = []
    for i, (a, b) in enumerate(ranges):
        if not b > a:
            problems.append(f"range {i + 1} ({a:g}-{b:g} s) ends before it starts")
        elif a < lo - _EPS or b > hi + _EPS:
            problems.append(f"range {i + 1} ({a:g}-{b:g} s) is outside the clip ({lo:g}-{hi:g} s)")
    ordered = sorted(enumerate(ranges), key=lambda p: p[1][0])
    for (i, (a1, b1)), (j, (a2, b2)) in pairwise(ordered):
        if a2 < b1 - _EPS and b1 > a1 and b2 > a2:
            problems.append(f"ranges {i + 1} ({a1:g}-{b1:g} s) and {j + 1} ({a2:g}-{b2:g} s) overlap")
    return problems


def _snap(t: float, origin: float, fps: float | None) -> float:
    if not fps:
        return round(t, 6)
    return round(origin + round((t - origin) * fps) / fps, 6)


def _labelled(pieces: Sequence[tuple[Range, CutReason]], merged: Sequence[Range]) -> list[Cut]:
    """The merged cut ranges split back into labelled pieces: removed > filler > pause where they meet.

    Bits no piece covers (a sliver joined to its neighbours, a frame boundary's rounding) take the
    reason of the nearest piece.
    """
    rank: dict[CutReason, int] = {"removed": 0, "filler": 1, "pause": 2}
    cuts: list[Cut] = []
    for lo, hi in merged:
        points = sorted({lo, hi, *(min(max(t, lo), hi) for (a, b), _ in pieces for t in (a, b))})
        for a, b in pairwise(points):
            if b - a < _EPS:
                continue
            mid = (a + b) / 2
            reasons = [r for (pa, pb), r in pieces if pa <= mid <= pb]
            if reasons:
                reason = min(reasons, key=rank.__getitem__)
            else:
                reason = (
                    min(pieces, key=lambda p: min(abs(mid - p[0][0]), abs(mid - p[0][1])))[1] if pieces else "pause"
                )
            if cuts and cuts[-1].reason == reason and abs(cuts[-1].end - a) < _EPS:
                cuts[-1] = Cut(cuts[-1].start, b, reason)
            else:
                cuts.append(Cut(a, b, reason))
    return cuts


def _filler_spans(words: Sequence[Word], start: float, end: float, settings: CutSettings) -> list[Range]:
    """The span each run of filler words takes out: the words and the hesitation around them.

    Whisper gives a filler little time of its own (often 20 ms of a half-second "um"), so the cut
    reaches into the silence on both sides, up to half of ``pause_to_s`` from the kept words before
    and after: what is left between them is a pause of at most ``pause_to_s``.
    """
    pad = max(0.0, settings.pause_to_s) / 2
    spans: list[Range] = []
    i = 0
    while i < len(words):
        w = words[i]
        if not (w.filler and not _inside((w.start + w.end) / 2, settings.restored)):
            i += 1
            continue
        j = i
        while (
            j + 1 < len(words)
            and words[j + 1].filler
            and not _inside((words[j + 1].start + words[j + 1].end) / 2, settings.restored)
        ):
            j += 1
        before = words[i - 1].end if i > 0 else start
        after = words[j + 1].start if j + 1 < len(words) else end
        lo = max(before, min(w.start, before + pad))
        hi = min(after, max(words[j].end, after - pad))
        lo, hi = max(lo, start), min(hi, end)
        if hi > lo:
            spans.append((lo, hi))
        i = j + 1
    return spans


def plan_cuts(
    start: float,
    end: float,
    words: Iterable[Word],
    settings: CutSettings,
    *,
    fps: float | None = None,
) -> CutList:
    """The cuts of the clip ``[start, end]`` (source seconds) from its words and ``settings``. Pure.

    Args:
        start: the clip's start in the source.
        end: the clip's end.
        words: the transcript's words (any order; those outside the clip are ignored).
        settings: what to cut.
        fps: snap every cut boundary to this frame rate's grid from ``start`` (None: no snapping).
    """
    inside = sorted((w for w in words if w.end > start and w.start < end), key=lambda w: w.start)
    pieces: list[tuple[Range, CutReason]] = []
    for a, b in settings.removed:
        a, b = max(a, start), min(b, end)
        if b > a:
            pieces.append(((a, b), "removed"))
    if settings.remove_fillers:
        pieces += [(r, "filler") for r in _filler_spans(inside, start, end, settings)]
    removed = merge_ranges(r for r, _ in pieces)
    kept = [w for w in inside if not _inside((w.start + w.end) / 2, removed)]
    if settings.shorten_pauses:
        over, to = max(settings.pause_over_s, settings.pause_to_s), max(0.0, settings.pause_to_s)
        edges = [start, *(t for w in kept for t in (w.start, w.end)), end]
        for i in range(0, len(edges), 2):
            a, b = max(edges[i], start), min(edges[i + 1], end)
            if b <= a:
                continue
            silence = (b - a) - sum(max(0.0, min(b, rb) - max(a, ra)) for ra, rb in removed)
            if silence <= over + _EPS or _inside((a + b) / 2, settings.restored):
                continue
            # Between two words half the pause stays on each side; at the clip's start (or end) only
            # the half next to the first (or last) word stays.
            lead = 0.0 if i == 0 else to / 2
            tail = 0.0 if i + 2 == len(edges) else to / 2
            if b - tail > a + lead:
                pieces.append(((a + lead, b - tail), "pause"))
    merged = merge_ranges((r for r, _ in pieces), join_within=MIN_KEEP_S)
    snapped: list[Range] = []
    for a, b in merged:
        a, b = _snap(max(a, start), start, fps), _snap(min(b, end), start, fps)
        a, b = max(a, start), min(b, end)
        if b - a >= MIN_CUT_S - _EPS:
            snapped.append((a, b))
    snapped = merge_ranges(snapped, join_within=MIN_KEEP_S)
    if snapped and snapped[-1][1] > end - MIN_KEEP_S and snapped[-1][1] < end:
        snapped[-1] = (snapped[-1][0], end)
    if snapped and snapped[0][0] < start + MIN_KEEP_S and snapped[0][0] > start:
        snapped[0] = (start, snapped[0][1])
    return CutList(start=start, end=end, cuts=tuple(_labelled(pieces, snapped)))
