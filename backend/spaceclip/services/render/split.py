"""Split screen for tall exports of a wide two-person shot: when to stack the two faces, and the filter.

All planning is pure and tested as tables. From the reframe's face analysis
(:func:`spaceclip.services.render.reframe.analyse_faces`: faces per sample, linked into ids, speakers
matched to faces) :func:`plan_split` decides, per stretch of the clip, between

* ``split``: the two people stacked, each face crop filling one half of the frame (left person on
  top), the one speaking marked (an accent frame; the other half dimmed), and
* ``single``: one full-frame crop; while one person talks alone it rests on them, elsewhere the
  reframe's speaker-following crop is used.

Rules (``auto``): two people must show (each in at least :data:`MIN_PERSON_SHARE` of the samples);
while both take turns the layout is split; once one of them stays silent for :data:`LONE_S` or more
while the other talks, that stretch is single. Every layout segment then lasts at least
:data:`MIN_SEGMENT_S` (a shorter one is merged into its neighbours: hysteresis), so the layout never
flickers and each change is a cut. ``split`` asks for the stacked layout all along (when two people
show), ``single`` never splits. Who speaks comes from the transcript's turns where speakers are
matched to faces, else from the mouths (:func:`~spaceclip.services.render.faces.mouth_activity`).

:func:`split_filter` builds the ffmpeg fragment: the source split three ways (the single crop, the top
and the bottom face crop), the halves stacked with the mark drawn on the active one, and the stack laid
over the single crop during split segments (``overlay`` with ``enable``).
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from spaceclip.services.media.filters import grouped_sum
from spaceclip.services.render.crop_path import CropPlan, Keyframe, position_at
from spaceclip.services.render.faces import Box

__all__ = [
    "LAYOUT_MODES",
    "LONE_S",
    "MIN_SEGMENT_S",
    "HalfCrop",
    "LayoutMode",
    "LayoutSegment",
    "Person",
    "SplitPlan",
    "enforce_min_length",
    "find_people",
    "half_crop",
    "lone_stretches",
    "mark_runs",
    "no_faces_note",
    "plan_split",
    "snap_to_turns",
    "split_filter",
    "talkers",
]

LayoutMode = Literal["auto", "single", "split"]
Kind = Literal["single", "split"]
LAYOUT_MODES: tuple[LayoutMode, ...] = ("auto", "single", "split")

#: The shortest layout segment (s): no split or single stretch is shorter, so the layout never flickers.
MIN_SEGMENT_S = 3.0
#: One person talking while the other stays silent this long (s) returns the layout to a single crop.
LONE_S = 6.0
#: Share of the samples a person must show in to count as in the shot.
MIN_PERSON_SHARE = 0.5
#: Samples a face may go unseen (a missed detection) and still count as showing.
HOLD_SAMPLES = 4
#: Mouth activity that counts as talking when no transcript turn says who speaks.
MIN_ACTIVITY = 2.0
#: A mouth-based change of the mark needs this many samples in a row of the other person talking.
MARK_STICK = 2
#: Height of a half's crop as a multiple of the face's height (room for the head and shoulders).
FACE_ZOOM = 2.6
#: Where the face's centre sits in its half, from the top (a share of the half's height).
FACE_LEVEL = 0.45
#: The active half's frame: colour and thickness (px of the output); the other half is dimmed.
MARK_COLOR = "0xFFC83D"
MARK_THICKNESS = 12
DIM = "black@0.35"
DIVIDER = 6


@dataclass(frozen=True, slots=True)
class Person:
    """One person in the shot: the face ids that are them, and their face's median box (source px)."""

    ids: frozenset[int]
    box: Box
    share: float


@dataclass(frozen=True, slots=True)
class LayoutSegment:
    """``[start, end)`` (clip seconds) in one layout; ``person`` is whom a lone single rests on."""

    start: float
    end: float
    kind: Kind
    person: int | None = None


@dataclass(frozen=True, slots=True)
class HalfCrop:
    """The crop of one person for a half of the frame (source px): fixed size, top-left corner."""

    x: int
    y: int
    w: int
    h: int


@dataclass(frozen=True)
class SplitPlan:
    """The layout of a clip: its segments, the two halves' crops and the active mark.

    ``marks`` are ``(start, end, half)`` with half 0 (top) or 1 (bottom), inside split segments.
    ``note`` says why a split asked for was not made (None when it was, or was not asked for).
    """

    mode: LayoutMode
    segments: tuple[LayoutSegment, ...]
    people: tuple[Person, ...] = ()
    crops: tuple[HalfCrop, ...] = ()
    marks: tuple[tuple[float, float, int], ...] = ()
    single_crops: tuple[HalfCrop, ...] = ()
    note: str | None = None
    matched: tuple[str, ...] = field(default=())

    @property
    def has_split(self) -> bool:
        return any(s.kind == "split" for s in self.segments)

    @property
    def layout(self) -> str:
        """What the render used: ``split`` (some or all of it stacked) or ``single``."""
        return "split" if self.has_split else "single"

    @property
    def shortest_segment(self) -> float:
        return min((s.end - s.start for s in self.segments), default=0.0)


# --- who is in the shot, who talks --------------------------------------------------------------------


def find_people(
    detections: Sequence[Sequence[Box]], ids: Sequence[Sequence[int]], *, min_share: float = MIN_PERSON_SHARE
) -> list[Person]:
    """The people showing in at least ``min_share`` of the samples, left to right. Pure.

    Face ids (from :func:`~spaceclip.services.render.tracking.link_faces`) whose median centres lie within
    a face width of each other are one person (a track lost for a moment and found again).
    """
    n = len(detections)
    if n == 0:
        return []
    boxes: dict[int, list[Box]] = {}
    for row, row_ids in zip(detections, ids, strict=True):
        for box, tid in zip(row, row_ids, strict=True):
            boxes.setdefault(tid, []).append(box)
    groups: list[tuple[set[int], list[Box]]] = []
    for tid in sorted(boxes, key=lambda k: -len(boxes[k])):
        med = _median_box(boxes[tid])
        for group_ids, group_boxes in groups:
            other = _median_box(group_boxes)
            if abs(med.cx - other.cx) <= max(med.w, other.w) and abs(med.cy - other.cy) <= max(med.h, other.h):
                group_ids.add(tid)
                group_boxes.extend(boxes[tid])
                break
        else:
            groups.append(({tid}, list(boxes[tid])))
    people = []
    for group_ids, _ in groups:
        seen = sum(1 for row_ids in ids if group_ids.intersection(row_ids))
        if seen / n >= min_share:
            box = _median_box([b for tid in group_ids for b in boxes[tid]])
            people.append(Person(frozenset(group_ids), box, round(seen / n, 3)))
    return sorted(people, key=lambda p: p.box.cx)


def _median_box(boxes: Sequence[Box]) -> Box:
    return Box(
        statistics.median(b.x for b in boxes),
        statistics.median(b.y for b in boxes),
        statistics.median(b.w for b in boxes),
        statistics.median(b.h for b in boxes),
    )


def _person_of(people: Sequence[Person], tid: int | None) -> int | None:
    return next((k for k, p in enumerate(people) if tid is not None and tid in p.ids), None)


def talkers(
    times: Sequence[float],
    detections: Sequence[Sequence[Box]],
    ids: Sequence[Sequence[int]],
    people: Sequence[Person],
    turns: Sequence[tuple[float, float, str]],
    matched: Mapping[str, int],
    *,
    min_activity: float = MIN_ACTIVITY,
) -> list[int | None]:
    """Which person (index into ``people``) talks at each sample; None when nobody does. Pure.

    A transcript turn of a speaker matched to a face says who; outside such turns, the face whose
    mouth moves most (at least ``min_activity``) does.
    """
    out: list[int | None] = []
    for i, t in enumerate(times):
        who = next((s for a, b, s in turns if a <= t < b), None)
        person = _person_of(people, matched.get(who)) if who is not None else None
        if person is None and (who is None or who not in matched):
            active = [(b.activity, tid) for b, tid in zip(detections[i], ids[i], strict=True)]
            best = max(active, default=(0.0, -1))
            person = _person_of(people, best[1]) if best[0] >= min_activity else None
        out.append(person)
    return out


def _present(ids: Sequence[Sequence[int]], person: Person, hold: int) -> list[bool]:
    """Per sample: whether ``person`` shows, gaps of up to ``hold`` samples filled."""
    seen = [bool(person.ids.intersection(row)) for row in ids]
    out = list(seen)
    last = -(10**9)
    for i, s in enumerate(seen):
        if s:
            if 0 < i - last - 1 <= hold:
                out[last + 1 : i] = [True] * (i - last - 1)
            last = i
    return out


def lone_stretches(
    times: Sequence[float], who: Sequence[int | None], end: float, *, lone_s: float = LONE_S
) -> list[tuple[float, float, int]]:
    """``(start, end, person)`` where ``person`` (0 or 1) talks and the other stays silent ``lone_s`` or more. Pure.

    A stretch runs from the end of the silent one's last sample of talk to the start of their next
    (the clip's start or end when there is none).
    """
    out: list[tuple[float, float, int]] = []
    for talker, silent in ((0, 1), (1, 0)):
        spoke = [i for i, w in enumerate(who) if w == silent]
        bounds = [-1, *spoke, len(times)]
        for a, b in itertools.pairwise(bounds):
            lo = 0.0 if a < 0 else times[a + 1] if a + 1 < len(times) else end
            hi = end if b >= len(times) else times[b]
            if hi - lo >= lone_s and any(w == talker for w in who[a + 1 : b]):
                out.append((round(lo, 3), round(hi, 3), talker))
    return sorted(out)


def enforce_min_length(segments: Sequence[LayoutSegment], min_s: float = MIN_SEGMENT_S) -> list[LayoutSegment]:
    """Segments shorter than ``min_s`` merged away, shortest first, until none is left (or one segment). Pure.

    A short segment takes the kind of its longer neighbour and joins it (and the other neighbour too,
    when that has the same kind), so no layout lasts under ``min_s`` unless the whole clip does.
    """
    segs = _joined(list(segments))
    while len(segs) > 1:
        k = min(range(len(segs)), key=lambda j: (segs[j].end - segs[j].start, j))
        s = segs[k]
        if s.end - s.start >= min_s:
            break
        left = segs[k - 1] if k > 0 else None
        right = segs[k + 1] if k + 1 < len(segs) else None
        pick = max((n for n in (left, right) if n is not None), key=lambda n: n.end - n.start)
        segs[k] = LayoutSegment(s.start, s.end, pick.kind, pick.person)
        segs = _joined(segs)
    return segs


def snap_to_turns(segments: Sequence[LayoutSegment], starts: Sequence[float], step: float) -> list[LayoutSegment]:
    """Each change of layout moved back to the latest turn start less than ``step`` before it. Pure.

    Samples are ``step`` apart, so a change found at a sample happened up to a step earlier; when a
    speaker's turn began in that time, the change is made when they start talking.
    """
    out = list(segments)
    for k in range(1, len(out)):
        at = out[k].start
        near = [t for t in starts if at - step < t <= at and t > out[k - 1].start]
        if near:
            t = round(max(near), 3)
            out[k - 1] = LayoutSegment(out[k - 1].start, t, out[k - 1].kind, out[k - 1].person)
            out[k] = LayoutSegment(t, out[k].end, out[k].kind, out[k].person)
    return out


def _joined(segs: list[LayoutSegment]) -> list[LayoutSegment]:
    out: list[LayoutSegment] = []
    for s in segs:
        if out and out[-1].kind == s.kind and out[-1].person == s.person:
            out[-1] = LayoutSegment(out[-1].start, s.end, s.kind, s.person)
        else:
            out.append(s)
    return out


def mark_runs(
    segments: Sequence[LayoutSegment],
    turns: Sequence[tuple[float, float, str]],
    half_of: Mapping[str, int],
    times: Sequence[float],
    who: Sequence[int | None],
    *,
    stick: int = MARK_STICK,
) -> list[tuple[float, float, int]]:
    """The active half ``(start, end, half)`` through each split segment. Pure.

    With turns of speakers matched to a half (``half_of``), the mark moves to a half when its speaker's
    turn starts (exactly then) and stays until the other one's starts; without them, when the other
    person's mouth has moved most for ``stick`` samples in a row. A segment starts on its first talker.
    """
    changes: list[tuple[float, int]] = []
    if any(s in half_of for _, _, s in turns):
        changes = [(a, half_of[s]) for a, _, s in sorted(turns) if s in half_of]
    else:
        current, streak = None, 0
        for i, w in enumerate(who):
            if w is None or w == current:
                streak = 0
                continue
            streak += 1
            if current is None or streak >= stick:
                at = times[i - streak + 1]
                changes.append((at, w))
                current, streak = w, 0
    out: list[tuple[float, float, int]] = []
    for seg in segments:
        if seg.kind != "split":
            continue
        inside = [(t, h) for t, h in changes if seg.start < t < seg.end]
        before = [h for t, h in changes if t <= seg.start]
        first = before[-1] if before else (inside[0][1] if inside else 0)
        points = [(seg.start, first), *inside]
        for (t, h), nxt in zip(points, [*points[1:], (seg.end, -1)], strict=True):
            if out and out[-1][2] == h and abs(out[-1][1] - t) < 1e-9:
                out[-1] = (out[-1][0], nxt[0], h)
            elif nxt[0] > t:
                out.append((round(t, 3), round(nxt[0], 3), h))
    return out


# --- geometry -------------------------------------------------------------------------------------------


def half_crop(face: Box, src_w: int, src_h: int, half_w: int, half_h: int, *, max_w: float | None = None) -> HalfCrop:
    """The crop (source px, even sizes) that frames ``face`` in a ``half_w`` x ``half_h`` half. Pure.

    The crop is :data:`FACE_ZOOM` face heights tall with the half's aspect, at most ``max_w`` wide (so
    it stops short of the other person), the face centred across and at :data:`FACE_LEVEL` down;
    clamped into the frame.
    """
    aspect = half_w / half_h
    ch = min(float(src_h), FACE_ZOOM * face.h)
    cw = ch * aspect
    limit = min(float(src_w), max_w if max_w is not None else float(src_w))
    if cw > limit:
        cw = limit
        ch = cw / aspect
    w, h = max(2, int(cw) // 2 * 2), max(2, int(ch) // 2 * 2)
    x = min(max(0.0, face.cx - w / 2), src_w - w)
    y = min(max(0.0, face.cy - FACE_LEVEL * h), src_h - h)
    return HalfCrop(round(x), round(y), w, h)


def no_faces_note(mode: LayoutMode, found: int = 0) -> str | None:
    """Why a split screen asked for was not made: fewer than two faces (None unless ``mode`` is split)."""
    if mode != "split":
        return None
    faces = "one face" if found == 1 else "no face"
    return (
        f"Split screen needs two people in the shot, but {faces} showed in most of this clip, so a single "
        "crop was used. Pick a range where both people are on screen, or choose Single."
    )


# --- the plan ---------------------------------------------------------------------------------------------


def plan_split(
    *,
    mode: LayoutMode,
    times: Sequence[float],
    detections: Sequence[Sequence[Box]],
    ids: Sequence[Sequence[int]],
    turns: Sequence[tuple[float, float, str]],
    matched: Mapping[str, int],
    length: float,
    src_w: int,
    src_h: int,
    out_w: int,
    out_h: int,
    crop_w: int,
    min_segment_s: float = MIN_SEGMENT_S,
    lone_s: float = LONE_S,
) -> SplitPlan:
    """The layout of a clip ``length`` s long from its face samples (clip-relative ``times``). Pure.

    ``detections`` are in source pixels with the talking cue in their activity, ``matched`` maps
    speakers of ``turns`` to face ids. ``crop_w`` is the single crop's width (a lone person's crop).
    """
    whole = (LayoutSegment(0.0, round(length, 3), "single"),)
    if mode == "single":
        return SplitPlan(mode, whole)
    people = find_people(detections, ids)
    if len(people) < 2:
        return SplitPlan(mode, whole, people=tuple(people), note=no_faces_note(mode, len(people)))
    # Two people: the two that show most, kept left to right.
    pair = sorted(sorted(people, key=lambda p: -p.share)[:2], key=lambda p: p.box.cx)
    who = talkers(times, detections, ids, pair, turns, matched)
    shown = [_present(ids, p, HOLD_SAMPLES) for p in pair]
    both = [a and b for a, b in zip(*shown, strict=True)]
    lone = lone_stretches(times, who, length, lone_s=lone_s) if mode == "auto" else []
    raw: list[LayoutSegment] = []
    for i, t in enumerate(times):
        end = times[i + 1] if i + 1 < len(times) else length
        alone = next((p for a, b, p in lone if a <= round(t, 3) < b), None)
        if not both[i]:
            seg = LayoutSegment(round(t, 3), round(end, 3), "single")
        elif alone is not None:
            seg = LayoutSegment(round(t, 3), round(end, 3), "single", alone)
        else:
            seg = LayoutSegment(round(t, 3), round(end, 3), "split")
        raw.append(seg)
    if raw:
        raw[0] = LayoutSegment(0.0, raw[0].end, raw[0].kind, raw[0].person)
        raw[-1] = LayoutSegment(raw[-1].start, round(length, 3), raw[-1].kind, raw[-1].person)
    step = (times[-1] - times[0]) / (len(times) - 1) if len(times) > 1 else length
    starts = sorted({a for a, _, who in turns if who in matched})
    segments = tuple(enforce_min_length(snap_to_turns(_joined(raw), starts, step), min_segment_s)) if raw else whole
    gap = abs(pair[1].box.cx - pair[0].box.cx)
    half_h = out_h // 2 // 2 * 2
    crops = tuple(half_crop(p.box, src_w, src_h, out_w, half_h, max_w=gap) for p in pair)
    singles = tuple(
        HalfCrop(round(min(max(0.0, p.box.cx - crop_w / 2), src_w - crop_w)), 0, crop_w, src_h) for p in pair
    )
    half_of = {s: k for k, p in enumerate(pair) for s, tid in matched.items() if tid in p.ids}
    marks = tuple(mark_runs(segments, turns, half_of, times, who))
    note = None
    if mode == "split" and not any(s.kind == "split" for s in segments):
        note = (
            "Split screen needs both people on screen together, but they were not for long enough in "
            "this clip, so a single crop was used. Pick another range, or choose Single."
        )
    return SplitPlan(
        mode, segments, people=tuple(pair), crops=crops, marks=marks, single_crops=singles, note=note,
        matched=tuple(sorted(half_of)),
    )  # fmt: skip


# --- the filter ---------------------------------------------------------------------------------------------


def _label(name: str) -> str:
    return name.strip().strip("[]")


def _within(ranges: Sequence[tuple[float, float]]) -> str:
    """An expression of ``t``: 1 inside any of the half-open ``ranges``, else 0."""
    return grouped_sum([f"gte(t,{a:.3f})*lt(t,{b:.3f})" for a, b in ranges]) or "0"


def single_keyframes(crop: CropPlan, plan: SplitPlan) -> CropPlan:
    """The single crop, resting on the lone talker through each lone single segment. Pure.

    Elsewhere it keeps the reframe's path; each change is a step (a cut), not a pan.
    """
    lone = [s for s in plan.segments if s.kind == "single" and s.person is not None]
    if not lone or not plan.single_crops or crop.mode != "track":
        return crop
    base = list(crop.keyframes) or [Keyframe(0.0, *position_at(crop, 0.0))]
    points: list[Keyframe] = [k for k in base if not any(s.start <= k.t < s.end for s in lone)]
    for s in lone:
        assert s.person is not None
        x = float(min(max(0, plan.single_crops[s.person].x), crop.src_w - crop.crop_w))
        y = position_at(crop, s.start)[1]
        before = position_at(crop, max(0.0, s.start - 0.001))
        after = position_at(crop, s.end)
        points += [Keyframe(max(0.0, s.start - 0.001), *before), Keyframe(s.start, x, y)]
        points += [Keyframe(max(s.start, s.end - 0.001), x, y), Keyframe(s.end, *after)]
    points.sort(key=lambda k: k.t)
    return CropPlan(
        "track", crop.src_w, crop.src_h, crop.crop_w, crop.crop_h, keyframes=tuple(points),
        face_share=crop.face_share, switches=crop.switches, samples=crop.samples,
        matched_speakers=crop.matched_speakers, max_step_per_s=crop.max_step_per_s,
    )  # fmt: skip


def split_filter(crop: CropPlan, plan: SplitPlan, out_w: int, out_h: int, in_label: str, out_label: str) -> str:
    """The filter_complex fragment ``[in]...[out]`` of the layout ``plan`` at ``out_w`` x ``out_h``.

    Without a split segment it is the single crop (:func:`~spaceclip.services.render.reframe.crop_filter`).
    Clip time ``t`` drives it, so the input must start at the clip start.
    """
    from spaceclip.services.render.reframe import crop_filter

    src, dst = _label(in_label), _label(out_label)
    single = single_keyframes(crop, plan)
    if not plan.has_split or len(plan.crops) < 2:
        return crop_filter(single, out_w, out_h, src, dst)
    top_h = out_h // 2 // 2 * 2
    bottom_h = out_h - top_h
    p = f"{dst}_"
    parts = [f"[{src}]split=3[{p}a][{p}b][{p}c]", crop_filter(single, out_w, out_h, f"{p}a", f"{p}single")]
    for name, label, c, h in (("top", "b", plan.crops[0], top_h), ("bottom", "c", plan.crops[1], bottom_h)):
        parts.append(
            f"[{p}{label}]crop=w={c.w}:h={c.h}:x={c.x}:y={c.y},scale={out_w}:{h}:flags=bicubic,setsar=1[{p}{name}]"
        )
    marks = []
    for half, (y, h) in enumerate(((0, top_h), (top_h, bottom_h))):
        on = _within([(a, b) for a, b, k in plan.marks if k == half])
        off = _within([(a, b) for a, b, k in plan.marks if k != half])
        t = MARK_THICKNESS
        marks.append(f"drawbox=x=0:y={y}:w={out_w}:h={h}:color={DIM}:t=fill:enable='{off}'")
        marks.append(f"drawbox=x=0:y={y}:w={out_w}:h={h}:color={MARK_COLOR}:t={t}:enable='{on}'")
    divider = f"drawbox=x=0:y={top_h - DIVIDER // 2}:w={out_w}:h={DIVIDER}:color=black:t=fill"
    parts.append(f"[{p}top][{p}bottom]vstack=inputs=2,{','.join(marks)},{divider}[{p}stack]")
    when = _within([(s.start, s.end) for s in plan.segments if s.kind == "split"])
    parts.append(f"[{p}single][{p}stack]overlay=x=0:y=0:enable='{when}',setsar=1[{dst}]")
    return ";".join(parts)
