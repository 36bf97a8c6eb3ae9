"""Speaker-following crop for video going to a narrower (or shorter) frame.

:func:`plan_crop` samples the clip a few times a second, finds faces
(:mod:`spaceclip.services.render.faces`), picks the face to follow and turns its positions into a calm
camera path; :func:`crop_filter` turns that plan into an ffmpeg fragment.

The path is built by pure functions, each tested as a table:

1. :func:`link_faces` links faces from sample to sample; how much each one's mouth moves
   (:func:`spaceclip.services.render.faces.mouth_activity`, on frame pairs an eighth of a second apart) is
   the cue for who is talking. With the transcript's speaker turns, :func:`speaker_faces` matches
   each speaker to the face whose mouth moves when they speak, and :func:`fuse_speech` lets the
   transcript say who talks (a listener laughing does not count); :func:`smooth_activity` averages
   the cue over a couple of seconds.
   :func:`choose_track` follows one face: the one continuing the current track; another face takes
   over only after it has dominated (talking clearly more, bigger while the followed face is not
   the one talking, or the only one) for ``stick`` samples in a row, so the crop never flips
   between two people; a scene cut starts afresh, and a change of speaker is a cut, not a pan.
2. :func:`fill_gaps` holds the last position through samples without a face.
3. :func:`dead_zone`: the camera stays put while the face stays within a central zone and re-centres
   when it leaves it (hysteresis: no jitter).
4. :func:`smooth`: forward-backward exponential smoothing (no lag, since the whole clip is known).
5. :func:`limit_speed`: at most ``max_speed`` source pixels per second; scene cuts may jump.
6. :func:`clamp` into the frame, then :func:`simplify` drops keyframes a straight line already gives.

The crop position is a piecewise-linear function of the clip time ``t`` written as a sum of
``gte(t,a)*lt(t,b)*(...)`` terms (no ``if`` nesting), in parenthesised groups of :data:`EXPR_GROUP`
because ffmpeg's expression parser refuses a flat sum of about a hundred terms; the ``crop`` filter
evaluates it for every frame.
"""

from __future__ import annotations

import itertools
import logging
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from spaceclip.errors import JobCancelled, ValidationFailed
from spaceclip.services.media.filters import grouped_sum
from spaceclip.services.media.probe import MediaInfo
from spaceclip.services.render import faces
from spaceclip.services.render.faces import Box

log = logging.getLogger(__name__)

__all__ = [
    "CropPlan",
    "Keyframe",
    "choose_track",
    "clamp",
    "crop_filter",
    "crop_size",
    "dead_zone",
    "fill_gaps",
    "fuse_speech",
    "limit_speed",
    "linear_expr",
    "link_faces",
    "plan_crop",
    "plan_path",
    "position_at",
    "simplify",
    "smooth",
    "smooth_activity",
    "speaker_at",
    "speaker_faces",
]

Mode = Literal["track", "center", "blur_fit"]

#: Share of samples that must show a face for the crop to follow faces.
MIN_FACE_SHARE = 0.25
#: Without faces, a crop keeping at least this share of the picture is used; else a blurred fit.
MIN_CENTER_KEEP = 0.55
#: Samples another face must dominate before the crop moves to it.
STICK_SAMPLES = 6
#: A face this much larger than the followed one dominates it.
DOMINANCE = 1.4
#: Samples a lost face is held before the crop may move to another one.
HOLD_SAMPLES = 8
#: Mouth activity (grey levels, see :func:`spaceclip.services.render.faces.mouth_activity`) that counts as talking.
MIN_ACTIVITY = 2.0
#: A face talking this many times more than the followed one dominates it.
TALK_DOMINANCE = 2.0
#: Samples either side over which a face's mouth activity is averaged.
TALK_WINDOW = 3
#: Samples (with the face showing) needed on each side to match a speaker to a face.
MATCH_MIN_SAMPLES = 4
#: Mouth activity given to the face of a matched speaker while the transcript says they speak.
MATCHED_TALK = 10.0
#: Half-width of the central zone, as a share of the crop size.
DEAD_ZONE = 0.12
#: Smoothing factor per sample at 4 samples/s (scaled for other rates).
SMOOTHING = 0.45
#: Fastest pan, in crop widths per second.
MAX_SPEED = 1.25
#: Terms per parenthesised group of a crop expression (ffmpeg refuses a flat sum of ~100 terms).
#: Most keyframes written into one expression (the tolerance grows until the path fits).
MAX_KEYFRAMES = 400


@dataclass(frozen=True, slots=True)
class Keyframe:
    """The crop window at clip time ``t`` (seconds from the clip start), in source pixels."""

    t: float
    x: float
    y: float
    w: int
    h: int


@dataclass(frozen=True)
class CropPlan:
    """How to crop a clip: the mode, the crop size and the (smoothed) path of its top-left corner."""

    mode: Mode
    src_w: int
    src_h: int
    crop_w: int
    crop_h: int
    keyframes: tuple[Keyframe, ...] = ()
    face_share: float = 0.0
    switches: int = 0
    samples: int = 0
    matched_speakers: tuple[str, ...] = ()
    max_step_per_s: float = field(default=0.0)


# --- pure path functions -------------------------------------------------------------------------


def crop_size(src_w: int, src_h: int, out_w: int, out_h: int) -> tuple[int, int]:
    """The largest even ``(w, h)`` with the output's aspect that fits in the source. Pure."""
    if src_w <= 0 or src_h <= 0 or out_w <= 0 or out_h <= 0:
        raise ValueError("sizes must be positive")
    if src_w * out_h > src_h * out_w:  # source wider: full height
        h = src_h
        w = round(src_h * out_w / out_h)
    else:
        w = src_w
        h = round(src_w * out_h / out_w)
    return max(2, min(src_w, w) // 2 * 2), max(2, min(src_h, h) // 2 * 2)


def _talking(box: Box, min_activity: float) -> bool:
    return box.activity >= min_activity


def _first_pick(boxes: Sequence[Box], min_activity: float) -> Box:
    """The face to start with: the one talking most, else the biggest (``boxes`` biggest first)."""
    talker = max(boxes, key=lambda b: b.activity)
    return talker if _talking(talker, min_activity) else boxes[0]


def choose_track(
    samples: Sequence[Sequence[Box]],
    cuts: Sequence[bool] | None = None,
    *,
    stick: int = STICK_SAMPLES,
    dominance: float = DOMINANCE,
    hold: int = HOLD_SAMPLES,
    min_activity: float = MIN_ACTIVITY,
    talk_dominance: float = TALK_DOMINANCE,
) -> tuple[list[Box | None], list[bool]]:
    """The face to follow in each sample, and whether the followed person changed there. Pure.

    A face continues the track when its centre lies within one face width of the tracked one. Another
    face takes over when, for ``stick`` samples in a row, it dominates the tracked face, or for a third
    of that when the tracked face is missing. A face dominates when it talks (its
    :attr:`~spaceclip.services.render.faces.Box.activity` is at least ``min_activity``) ``talk_dominance``
    times more than the tracked face, or when it is ``dominance`` times bigger and the tracked face
    is not the one clearly talking. After ``hold`` samples of no face at all the track is dropped and
    the next face seen starts a new one (the one talking, else the biggest). A cut drops the track.
    """
    out: list[Box | None] = []
    switched: list[bool] = []
    current: Box | None = None
    challenger: Box | None = None
    streak = 0
    missing = 0
    for i, found in enumerate(samples):
        if cuts is not None and i < len(cuts) and cuts[i]:
            current, challenger, streak, missing = None, None, 0, 0
        boxes = sorted(found, key=lambda b: b.area, reverse=True)
        if current is None:
            change = False
            if boxes:
                change = any(o is not None for o in out)
                current = _first_pick(boxes, min_activity)
            out.append(current)
            switched.append(change)
            continue
        tracked = current
        match = min(
            (b for b in boxes if math.hypot(b.cx - tracked.cx, b.cy - tracked.cy) <= max(tracked.w, b.w)),
            key=lambda b: math.hypot(b.cx - tracked.cx, b.cy - tracked.cy),
            default=None,
        )
        others = [b for b in boxes if b is not match]
        talkers = [b for b in others if _talking(b, min_activity)]
        rival = max(talkers, key=lambda b: b.activity) if talkers else (others[0] if others else None)
        if rival is None:
            dominated = False
        elif match is None:
            dominated = True
        else:
            talks_more = _talking(rival, min_activity) and rival.activity >= talk_dominance * match.activity
            talks_less = _talking(match, min_activity) and match.activity >= talk_dominance * rival.activity
            dominated = talks_more or (rival.area >= dominance * match.area and not talks_less)
        if dominated and rival is not None:
            same = challenger is not None and math.hypot(rival.cx - challenger.cx, rival.cy - challenger.cy) <= max(
                challenger.w, rival.w
            )
            streak = streak + 1 if same else 1
            challenger = rival
        else:
            streak, challenger = 0, None
        # A lost face gives way sooner than one still on screen.
        needed = stick if match is not None else max(2, stick // 3)
        change = False
        if challenger is not None and streak >= needed:
            current, challenger, streak, missing = challenger, None, 0, 0
            change = True
        elif match is not None:
            current, missing = match, 0
        else:
            missing += 1
            if missing > hold and not boxes:
                current = None
        out.append(current)
        switched.append(change)
    return out, switched


def link_faces(
    samples: Sequence[Sequence[Box]], cuts: Sequence[bool] | None = None, *, hold: int = HOLD_SAMPLES
) -> list[list[int]]:
    """An id per face per sample, the same for one person across samples. Pure.

    A face continues the nearest earlier face within a face width, seen at most ``hold`` samples
    before; never across a cut. Ids count up from 0 in order of first appearance.
    """
    ids: list[list[int]] = []
    last: dict[int, tuple[int, Box]] = {}
    count = 0
    for i, boxes in enumerate(samples):
        if cuts is not None and i < len(cuts) and cuts[i]:
            last = {}
        row: list[int] = []
        for box in boxes:
            near = [
                (math.hypot(box.cx - prev.cx, box.cy - prev.cy), tid)
                for tid, (j, prev) in last.items()
                if tid not in row
                and i - j <= hold + 1
                and math.hypot(box.cx - prev.cx, box.cy - prev.cy) <= max(prev.w, box.w)
            ]
            if near:
                tid = min(near)[1]
            else:
                tid, count = count, count + 1
            last[tid] = (i, box)
            row.append(tid)
        ids.append(row)
    return ids


def smooth_activity(
    samples: Sequence[Sequence[Box]],
    cuts: Sequence[bool] | None = None,
    *,
    window: int = TALK_WINDOW,
    hold: int = HOLD_SAMPLES,
    ids: Sequence[Sequence[int]] | None = None,
) -> list[list[Box]]:
    """The same faces, each with its talking activity averaged over ``window`` samples either side. Pure.

    Mouths open and close between syllables and pauses, so one sample says little. Faces are linked
    from sample to sample (:func:`link_faces`, unless ``ids`` are given) and each face's activity
    becomes the mean over its own samples in the window.
    """
    ids = ids if ids is not None else link_faces(samples, cuts, hold=hold)
    series: dict[int, list[tuple[int, float]]] = {}
    for i, boxes in enumerate(samples):
        for box, tid in zip(boxes, ids[i], strict=True):
            series.setdefault(tid, []).append((i, box.activity))
    out: list[list[Box]] = []
    for i, boxes in enumerate(samples):
        smoothed = []
        for box, tid in zip(boxes, ids[i], strict=True):
            values = [a for j, a in series[tid] if abs(j - i) <= window]
            smoothed.append(box.with_activity(sum(values) / len(values)))
        out.append(smoothed)
    return out


def speaker_at(turns: Sequence[tuple[float, float, str]], times: Sequence[float]) -> list[str | None]:
    """Who speaks at each time, from ``(start, end, speaker)`` turns; None between turns. Pure."""
    return [next((who for a, b, who in turns if a <= t < b), None) for t in times]


def speaker_faces(
    samples: Sequence[Sequence[Box]],
    ids: Sequence[Sequence[int]],
    speaking: Sequence[str | None],
    *,
    min_samples: int = MATCH_MIN_SAMPLES,
    margin: float = MIN_ACTIVITY,
) -> dict[str, int]:
    """Which face (an id from :func:`link_faces`) each speaker is, from whose mouth moves when. Pure.

    For each speaker and face, the lead is the face's mean mouth activity over the samples where
    that speaker speaks less its mean over the other samples, each from at least ``min_samples``
    samples in which the face shows. Pairs are taken best lead first, one face per speaker and one
    speaker per face, and only with a lead of at least ``margin``: a speaker who is off screen (or
    never moves their lips visibly) matches no face.
    """
    during: dict[tuple[str, int], list[float]] = {}
    outside: dict[tuple[str, int], list[float]] = {}
    speakers = sorted({s for s in speaking if s is not None})
    for i, boxes in enumerate(samples):
        now = speaking[i] if i < len(speaking) else None
        for box, tid in zip(boxes, ids[i], strict=True):
            for who in speakers:
                (during if who == now else outside).setdefault((who, tid), []).append(box.activity)
    leads: list[tuple[float, str, int]] = []
    for (who, tid), inside in during.items():
        other = outside.get((who, tid), [])
        if len(inside) >= min_samples and len(other) >= min_samples:
            lead = sum(inside) / len(inside) - sum(other) / len(other)
            if lead >= margin:
                leads.append((lead, who, tid))
    matched: dict[str, int] = {}
    for _, who, tid in sorted(leads, key=lambda x: (-x[0], x[1], x[2])):
        if who not in matched and tid not in matched.values():
            matched[who] = tid
    return matched


def fuse_speech(
    samples: Sequence[Sequence[Box]],
    ids: Sequence[Sequence[int]],
    speaking: Sequence[str | None],
    faces_of: Mapping[str, int],
    *,
    talk: float = MATCHED_TALK,
) -> list[list[Box]]:
    """Mouth activity corrected by who the transcript says is speaking. Pure.

    While a speaker matched to a face speaks and that face shows, it gets at least ``talk`` and the
    other faces 0: someone laughing or nodding while another person speaks does not take the crop.
    Otherwise (silence, an unmatched or off-screen speaker, the face not found) the mouths decide.
    """
    out: list[list[Box]] = []
    for i, boxes in enumerate(samples):
        now = speaking[i] if i < len(speaking) else None
        face = faces_of.get(now) if now is not None else None
        if face is None or face not in ids[i]:
            out.append(list(boxes))
            continue
        out.append(
            [
                b.with_activity(max(b.activity, talk) if tid == face else 0.0)
                for b, tid in zip(boxes, ids[i], strict=True)
            ]
        )
    return out


def fill_gaps(values: Sequence[float | None]) -> list[float] | None:
    """Missing values held from the last known one (leading gaps take the first known). Pure.

    None when no value is known at all.
    """
    first = next((v for v in values if v is not None), None)
    if first is None:
        return None
    out: list[float] = []
    last = first
    for v in values:
        if v is not None:
            last = v
        out.append(last)
    return out


def dead_zone(targets: Sequence[float], zone: float) -> list[float]:
    """The camera stays while the target is within ``zone`` of it, and re-centres when it leaves. Pure."""
    if not targets:
        return []
    cam = targets[0]
    out: list[float] = []
    for x in targets:
        if abs(x - cam) > zone:
            cam = x
        out.append(cam)
    return out


def smooth(values: Sequence[float], alpha: float) -> list[float]:
    """Forward then backward exponential smoothing (zero phase); ``alpha`` 1 keeps values as they are. Pure."""
    if not values or alpha >= 1:
        return list(values)
    fwd: list[float] = []
    acc = values[0]
    for v in values:
        acc = acc + alpha * (v - acc)
        fwd.append(acc)
    out = [0.0] * len(fwd)
    acc = fwd[-1]
    for i in range(len(fwd) - 1, -1, -1):
        acc = acc + alpha * (fwd[i] - acc)
        out[i] = acc
    return out


def limit_speed(values: Sequence[float], max_step: float) -> list[float]:
    """Each value at most ``max_step`` from the previous one. Pure."""
    out: list[float] = []
    for v in values:
        if out:
            v = min(max(v, out[-1] - max_step), out[-1] + max_step)
        out.append(v)
    return out


def clamp(values: Sequence[float], lo: float, hi: float) -> list[float]:
    """Values limited to ``[lo, hi]``. Pure."""
    return [min(max(v, lo), hi) for v in values]


def _segments(cuts: Sequence[bool], n: int) -> list[tuple[int, int]]:
    bounds = [0, *(i for i in range(1, n) if i < len(cuts) and cuts[i]), n]
    return [(a, b) for a, b in itertools.pairwise(bounds) if b > a]


def plan_path(
    centres: Sequence[float],
    cuts: Sequence[bool],
    *,
    crop: int,
    frame: int,
    sample_fps: float,
    zone: float = DEAD_ZONE,
    smoothing: float = SMOOTHING,
    max_speed: float = MAX_SPEED,
) -> list[float]:
    """Crop offsets (top-left, source px) for wanted crop ``centres``, one per sample. Pure.

    Each shot (cuts split them) gets dead-zone hysteresis, zero-phase smoothing and a speed limit of
    ``max_speed`` crop sizes per second; the result is clamped into ``[0, frame - crop]``.
    """
    alpha = 1 - (1 - smoothing) ** (4.0 / sample_fps) if sample_fps > 0 else smoothing
    step = max_speed * crop / sample_fps
    out: list[float] = []
    for a, b in _segments(cuts, len(centres)):
        shot = dead_zone(list(centres[a:b]), zone * crop)
        shot = limit_speed(smooth(shot, alpha), step)
        out.extend(c - crop / 2 for c in shot)
    return clamp(out, 0.0, float(max(0, frame - crop)))


def simplify(points: Sequence[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Points a straight line between the kept neighbours already gives (within ``tolerance``) dropped. Pure."""
    if len(points) <= 2:
        return list(points)
    kept = [points[0]]
    anchor = 0
    for i in range(2, len(points)):
        (t0, v0), (t1, v1) = points[anchor], points[i]
        ok = True
        for j in range(anchor + 1, i):
            tj, vj = points[j]
            line = v0 + (v1 - v0) * (tj - t0) / (t1 - t0) if t1 > t0 else v0
            if abs(line - vj) > tolerance:
                ok = False
                break
        if not ok:
            anchor = i - 1
            kept.append(points[anchor])
    kept.append(points[-1])
    return kept


def linear_expr(points: Sequence[tuple[float, float]]) -> str:
    """An ffmpeg expression of ``t``: the piecewise-linear curve through ``points`` (flat before/after). Pure."""
    if not points:
        return "0"
    if len(points) == 1:
        return f"{points[0][1]:.1f}"
    terms = [f"lt(t,{points[0][0]:.3f})*{points[0][1]:.1f}"]
    for (t0, v0), (t1, v1) in itertools.pairwise(points):
        if t1 <= t0:
            continue
        if abs(v1 - v0) < 0.05:
            terms.append(f"gte(t,{t0:.3f})*lt(t,{t1:.3f})*{v0:.1f}")
        else:
            slope = (v1 - v0) / (t1 - t0)
            terms.append(f"gte(t,{t0:.3f})*lt(t,{t1:.3f})*({v0:.1f}+{slope:.3f}*(t-{t0:.3f}))")
    terms.append(f"gte(t,{points[-1][0]:.3f})*{points[-1][1]:.1f}")
    return grouped_sum(terms)


def position_at(plan: CropPlan, t: float) -> tuple[float, float]:
    """The crop's top-left corner at clip time ``t``, as :func:`crop_filter`'s expressions give it. Pure."""
    if plan.mode != "track" or not plan.keyframes:
        return (plan.src_w - plan.crop_w) / 2, (plan.src_h - plan.crop_h) / 2
    keys = plan.keyframes
    if t < keys[0].t:
        return keys[0].x, keys[0].y
    for a, b in itertools.pairwise(keys):
        if a.t <= t < b.t:
            f = (t - a.t) / (b.t - a.t)
            return a.x + (b.x - a.x) * f, a.y + (b.y - a.y) * f
    return keys[-1].x, keys[-1].y


def _fit_keyframes(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    tolerance = 0.75
    kept = simplify(points, tolerance)
    while len(kept) > MAX_KEYFRAMES:
        tolerance *= 2
        kept = simplify(points, tolerance)
    return kept


# --- planning ------------------------------------------------------------------------------------


def _fallback(src_w: int, src_h: int, crop_w: int, crop_h: int) -> Mode:
    keep = (crop_w * crop_h) / float(src_w * src_h)
    return "center" if keep >= MIN_CENTER_KEEP else "blur_fit"


def _with_cut_steps(times: Sequence[float], xs: Sequence[float], cuts: Sequence[bool]) -> list[tuple[float, float]]:
    """Keyframe points with a step (not a slide) at each cut, halfway between the two samples."""
    points: list[tuple[float, float]] = []
    for i, (t, x) in enumerate(zip(times, xs, strict=True)):
        if i > 0 and i < len(cuts) and cuts[i]:
            mid = (times[i - 1] + t) / 2
            points.append((mid, xs[i - 1]))
            points.append((mid + 0.001, x))
        points.append((t, x))
    return points


def plan_crop(
    video_path: Path,
    info: MediaInfo,
    start: float,
    end: float,
    out_w: int,
    out_h: int,
    *,
    sample_fps: float = 4.0,
    turns: Sequence[tuple[float, float, str]] = (),
    cancel: Callable[[], bool] | None = None,
) -> CropPlan:
    """Plan the crop of ``[start, end]`` of ``video_path`` for an ``out_w`` x ``out_h`` frame.

    Returns a plan in mode ``track`` (follow the face talking, else the main face) when faces show in
    enough samples, else ``center`` (a fixed centre crop) or ``blur_fit`` (the whole picture over a
    blurred fill) when a centre crop would throw most of the picture away. Keyframe times are
    clip-relative. ``turns`` are the transcript's clip-relative ``(start, end, speaker)`` turns:
    speakers whose mouth visibly moves when they speak are matched to their faces
    (:func:`speaker_faces`), and the transcript then says whom to follow (:func:`fuse_speech`).

    Raises:
        ValidationFailed: the source has no video.
        JobCancelled: ``cancel`` returned True.
    """
    video = info.primary_video
    if video is None:
        raise ValidationFailed("This source has no video picture to reframe. Use an audiogram for audio-only clips.")
    src_w, src_h = video.display_size
    crop_w, crop_h = crop_size(src_w, src_h, out_w, out_h)
    if (crop_w, crop_h) == (src_w // 2 * 2, src_h // 2 * 2):
        return CropPlan("center", src_w, src_h, crop_w, crop_h)
    # Each sample is searched for faces; the change to a frame an eighth of a second later shows
    # whose mouth is moving.
    samples = faces.sample_frames(
        video_path, start, end, src_w, src_h, fps=sample_fps, pair_gap=faces.PAIR_GAP, cancel=cancel
    )
    frames = samples.frames
    after = samples.after if samples.after is not None else frames[:0]
    detections: list[list[Box]] = []
    for i, frame in enumerate(frames):
        if cancel is not None and cancel():
            raise JobCancelled()
        found = faces.detect_faces(frame)
        if i < len(after):
            found = [b.with_activity(faces.mouth_activity(frame, after[i], b)) for b in found]
        detections.append([b.scaled(samples.scale_x, samples.scale_y) for b in found])
    n = len(detections)
    share = sum(1 for d in detections if d) / n if n else 0.0
    if n == 0 or share < MIN_FACE_SHARE:
        mode = _fallback(src_w, src_h, crop_w, crop_h)
        log.info("Reframe: faces in %.0f%% of %d samples; using %s", share * 100, n, mode)
        return CropPlan(mode, src_w, src_h, crop_w, crop_h, face_share=share, samples=n)
    cuts = faces.scene_cuts(frames)
    ids = link_faces(detections, cuts)
    matched: dict[str, int] = {}
    if turns:
        speaking = speaker_at(turns, samples.times)
        matched = speaker_faces(detections, ids, speaking)
        detections = fuse_speech(detections, ids, speaking, matched)
    track, switched = choose_track(smooth_activity(detections, cuts, ids=ids), cuts)
    switches = sum(switched)
    # A change of speaker is a cut to the other person, not a pan across the room.
    cuts = [c or w for c, w in zip(cuts, switched, strict=True)]
    times = samples.times
    horizontal = crop_w < src_w
    if horizontal:
        wanted = fill_gaps([b.cx if b is not None else None for b in track])
        size, frame = crop_w, src_w
    else:
        # Vertical: the face a little above the middle, where people are usually framed.
        wanted = fill_gaps([b.cy + 0.1 * crop_h if b is not None else None for b in track])
        size, frame = crop_h, src_h
    assert wanted is not None  # share > 0 means some sample has a face
    offsets = plan_path(wanted, cuts, crop=size, frame=frame, sample_fps=sample_fps)
    points = _fit_keyframes(_with_cut_steps(times, offsets, cuts))
    fixed_x, fixed_y = (src_w - crop_w) / 2, (src_h - crop_h) / 2
    keyframes = tuple(
        Keyframe(t, v if horizontal else fixed_x, fixed_y if horizontal else v, crop_w, crop_h) for t, v in points
    )
    log.info(
        "Reframe: tracking (%d samples, faces in %.0f%%, %d switches, %d of %d speakers matched to faces)",
        n, share * 100, switches, len(matched), len({t[2] for t in turns}),
    )  # fmt: skip
    return CropPlan(
        "track",
        src_w,
        src_h,
        crop_w,
        crop_h,
        keyframes=keyframes,
        face_share=share,
        switches=switches,
        samples=n,
        matched_speakers=tuple(sorted(matched)),
        max_step_per_s=MAX_SPEED * size,
    )


# --- the filter ----------------------------------------------------------------------------------


def _label(name: str) -> str:
    return name.strip().strip("[]")


def crop_filter(plan: CropPlan, out_w: int, out_h: int, in_label: str, out_label: str) -> str:
    """The filter_complex fragment ``[in]...[out]`` that applies ``plan`` and scales to the output frame.

    The crop follows the keyframes by the clip time ``t``, so the input must start at the clip start
    (cut by input seeking, or ``setpts=PTS-STARTPTS``).
    """
    src, dst = _label(in_label), _label(out_label)
    w, h = out_w, out_h
    if plan.mode == "blur_fit":
        sw, sh = max(4, w // 8 // 2 * 2), max(4, h // 8 // 2 * 2)
        radius = max(1, min(8, min(sw, sh) // 4))
        bg, fg, bgb, fgs = (f"{dst}_{n}" for n in ("bg", "fg", "bgb", "fgs"))
        return (
            f"[{src}]split=2[{bg}][{fg}];"
            f"[{bg}]scale={sw}:{sh}:force_original_aspect_ratio=increase,crop={sw}:{sh},"
            f"boxblur={radius}:2,scale={w}:{h}[{bgb}];"
            f"[{fg}]scale={w}:{h}:force_original_aspect_ratio=decrease:flags=bicubic[{fgs}];"
            f"[{bgb}][{fgs}]overlay=(W-w)/2:(H-h)/2,setsar=1[{dst}]"
        )
    cw, ch = plan.crop_w, plan.crop_h
    if plan.mode == "track" and plan.keyframes:
        xs = [(k.t, k.x) for k in plan.keyframes]
        ys = [(k.t, k.y) for k in plan.keyframes]
        x, y = linear_expr(xs), linear_expr(ys)
    else:
        x, y = f"{(plan.src_w - cw) / 2:.1f}", f"{(plan.src_h - ch) / 2:.1f}"
    return f"[{src}]crop=w={cw}:h={ch}:x='{x}':y='{y}',scale={w}:{h}:flags=bicubic,setsar=1[{dst}]"
