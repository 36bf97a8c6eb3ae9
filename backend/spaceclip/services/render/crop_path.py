"""The crop path of a reframe: pure arithmetic on the wanted position of the crop, tested as tables.

From one wanted crop centre per sample (the followed face, :mod:`spaceclip.services.render.tracking`):

1. :func:`fill_gaps` holds the last position through samples without a face.
2. :func:`dead_zone`: the camera stays put while the face stays within a central zone and re-centres
   when it leaves it (hysteresis: no jitter).
3. :func:`smooth`: forward-backward exponential smoothing (no lag, since the whole clip is known).
4. :func:`limit_speed`: at most ``max_speed`` source pixels per second; scene cuts may jump.
5. :func:`clamp` into the frame (steps 2-5 per shot: :func:`plan_path`), then :func:`simplify`
   drops keyframes a straight line already gives (:func:`fit_keyframes`).

The crop position is a piecewise-linear function of the clip time ``t`` written as a sum of
``gte(t,a)*lt(t,b)*(...)`` terms (no ``if`` nesting) by :func:`linear_expr`, in parenthesised groups
(:func:`~spaceclip.services.media.filters.grouped_sum`) because ffmpeg's expression parser refuses a
flat sum of about a hundred terms; the ``crop`` filter evaluates it for every frame.
:func:`position_at` reads the same path back in Python.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from spaceclip.services.media.filters import grouped_sum

__all__ = [
    "MAX_KEYFRAMES",
    "MAX_SPEED",
    "CropPlan",
    "Keyframe",
    "Mode",
    "clamp",
    "crop_size",
    "dead_zone",
    "fill_gaps",
    "fit_keyframes",
    "limit_speed",
    "linear_expr",
    "plan_path",
    "position_at",
    "simplify",
    "smooth",
    "with_cut_steps",
]

Mode = Literal["track", "center", "blur_fit"]

#: Half-width of the central zone, as a share of the crop size.
DEAD_ZONE = 0.12
#: Smoothing factor per sample at 4 samples/s (scaled for other rates).
SMOOTHING = 0.45
#: Fastest pan, in crop widths per second.
MAX_SPEED = 1.25
#: Most keyframes written into one expression (the tolerance grows until the path fits).
MAX_KEYFRAMES = 400


@dataclass(frozen=True, slots=True)
class Keyframe:
    """The crop's top-left corner at clip time ``t`` (seconds from the clip start), in source pixels.

    The crop's size is the plan's (:attr:`CropPlan.crop_w` x :attr:`CropPlan.crop_h`) all along.
    """

    t: float
    x: float
    y: float


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
    """The crop's top-left corner at clip time ``t``, as :func:`linear_expr` gives it to ffmpeg. Pure."""
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


def fit_keyframes(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """``points`` simplified to at most :data:`MAX_KEYFRAMES`, with the least tolerance that gets there. Pure."""
    tolerance = 0.75
    kept = simplify(points, tolerance)
    while len(kept) > MAX_KEYFRAMES:
        tolerance *= 2
        kept = simplify(points, tolerance)
    return kept


def with_cut_steps(times: Sequence[float], xs: Sequence[float], cuts: Sequence[bool]) -> list[tuple[float, float]]:
    """Keyframe points with a step (not a slide) at each cut, halfway between the two samples. Pure."""
    points: list[tuple[float, float]] = []
    for i, (t, x) in enumerate(zip(times, xs, strict=True)):
        if i > 0 and i < len(cuts) and cuts[i]:
            mid = (times[i - 1] + t) / 2
            points.append((mid, xs[i - 1]))
            points.append((mid + 0.001, x))
        points.append((t, x))
    return points
