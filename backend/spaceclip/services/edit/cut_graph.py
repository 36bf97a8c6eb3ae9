"""ffmpeg filter fragments that take a cut list's kept ranges out of a picture and a sound. Pure.

The picture is cut on whole frames: ``fps`` first (every frame then lies on the grid the kept
ranges were snapped to), ``select`` keeps the frames inside the kept ranges (half-open, so a seam
never shows a frame twice) and ``setpts`` lays them end to end. The sound is cut at the same times
and joined with short crossfades (``acrossfade``, equal-power quarter sines): each inner range is
taken half a fade wider on both sides, so every join overlaps the two sides by one fade and the
total length is exactly the sum of the kept ranges — the picture and the sound stay in step, and a
join never jumps from one sample value to another (no click).

Times are relative to the start of the input (a render seeks to the clip's start first).
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["CROSSFADE_S", "audio_cut_filter", "select_expression", "video_cut_filter"]

#: Length of the crossfade at each join of the sound (s).
CROSSFADE_S = 0.02

Range = tuple[float, float]


def _t(value: float) -> str:
    return f"{max(0.0, value):.6f}".rstrip("0").rstrip(".") or "0"


def select_expression(keeps: Sequence[Range], fps: float) -> str:
    """``select``'s expression: 1 for a frame whose time lies in a kept range (half-open ``[a, b)``).

    Each bound moves half a frame back, so a frame at exactly ``a`` is kept and one at ``b`` is not,
    whatever the rounding of the frame's timestamp.
    """
    half = 0.5 / fps
    terms = [f"between(t,{_t(a - half)},{_t(b - half)})" for a, b in keeps]
    return "+".join(terms) if terms else "0"


def video_cut_filter(keeps: Sequence[Range], fps: float) -> str:
    """The filters (comma-joined, no labels) that keep ``keeps`` of a picture at ``fps``."""
    return f"fps={fps:g},select='{select_expression(keeps, fps)}',setpts=N/({fps:g}*TB)"


def audio_cut_filter(
    keeps: Sequence[Range], in_label: str, out_label: str, *, fade_s: float = CROSSFADE_S, prefix: str = "cut"
) -> str:
    """A filter_complex fragment ``[in]...[out]`` keeping ``keeps`` of a sound, crossfaded at each join.

    One range is a plain ``atrim``. With ``n`` ranges the sound is split ``n`` ways; range ``i`` is
    trimmed to ``[a_i - f/2, b_i + f/2]`` (the first starts at ``a_0``, the last ends at ``b_n``) and
    joined to the sound before it with ``acrossfade=d=f``, so the result lasts ``sum(b_i - a_i)``.
    A fade longer than half the shortest range is shortened to that.
    """
    if not keeps:
        raise ValueError("audio_cut_filter needs at least one kept range")
    if len(keeps) == 1:
        a, b = keeps[0]
        return f"[{in_label}]atrim=start={_t(a)}:end={_t(b)},asetpts=PTS-STARTPTS[{out_label}]"
    shortest = min(b - a for a, b in keeps)
    fade = max(0.001, min(fade_s, shortest / 2))
    n = len(keeps)
    parts = [f"[{in_label}]asplit={n}" + "".join(f"[{prefix}s{i}]" for i in range(n))]
    for i, (a, b) in enumerate(keeps):
        lo = a if i == 0 else a - fade / 2
        hi = b if i == n - 1 else b + fade / 2
        parts.append(f"[{prefix}s{i}]atrim=start={_t(lo)}:end={_t(hi)},asetpts=PTS-STARTPTS[{prefix}t{i}]")
    joined = f"{prefix}t0"
    for i in range(1, n):
        label = out_label if i == n - 1 else f"{prefix}j{i}"
        parts.append(f"[{joined}][{prefix}t{i}]acrossfade=d={_t(fade)}:c1=qsin:c2=qsin[{label}]")
        joined = label
    return ";".join(parts)
