"""Where the audiogram's parts go on the frame, and which speaker's name shows when. Pure.

:func:`layout_for` places the title, the visualiser and the name line inside the safe area;
:func:`wrap_title` fits the title in two lines; :func:`merge_turns` turns a speaker track into the
display intervals of each name.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

__all__ = [
    "MAX_NAME_CHARS",
    "MAX_TITLE_LINES",
    "TURN_GAP_S",
    "Layout",
    "SafeAreaLike",
    "clip_name",
    "default_safe",
    "even",
    "layout_for",
    "merge_turns",
    "wrap_title",
]

#: Longest speaker name drawn; longer names are cut with an ellipsis.
MAX_NAME_CHARS = 32
MAX_TITLE_LINES = 2
#: Turns of one speaker closer than this are drawn as one (no blink between sentences).
TURN_GAP_S = 0.3


class SafeAreaLike(Protocol):
    """The margins the platform's UI covers (``presets.SafeArea`` is one), in pixels."""

    @property
    def top(self) -> int: ...
    @property
    def bottom(self) -> int: ...
    @property
    def left(self) -> int: ...
    @property
    def right(self) -> int: ...


@dataclass(frozen=True, slots=True)
class _Margins:
    top: int
    bottom: int
    left: int
    right: int


def default_safe(width: int, height: int) -> _Margins:
    """Margins when the caller gives none: the common short-video UI zones, or a 5% title-safe frame."""
    if height > width * 1.5:
        return _Margins(round(0.13 * height), round(0.3 * height), round(0.06 * width), round(0.06 * width))
    return _Margins(round(0.05 * height), round(0.05 * height), round(0.05 * width), round(0.05 * width))


# --- layout (pure) ---------------------------------------------------------------------------------


def even(value: float) -> int:
    """``value`` rounded down to an even number of pixels, at least 2 (yuv420p halves sizes)."""
    return max(2, int(value) // 2 * 2)


@dataclass(frozen=True, slots=True)
class Layout:
    """Where things go on the frame, in pixels (all sizes even)."""

    title_y: int
    title_size: int
    title_width: int
    viz_x: int
    viz_y: int
    viz_w: int
    viz_h: int
    ring: int  # diameter of the radial style's ring
    ring_x: int
    ring_y: int
    name_y: int
    name_size: int


def layout_for(width: int, height: int, safe: SafeAreaLike) -> Layout:
    """The audiogram layout inside the uncovered area of ``safe``. Pure.

    The title sits at the top of the uncovered area; the visualiser is centred 40% of the way down
    (the captions' middle position is 70% of the way down, their bottom position at the bottom), and
    the speaker's name sits just under it.
    """
    x0, y0, x1, y1 = safe.left, safe.top, width - safe.right, height - safe.bottom
    sw, sh = max(2, x1 - x0), max(2, y1 - y0)
    unit = min(width, height)
    title_size = max(12, round(0.055 * unit))
    name_size = max(10, round(0.05 * unit))
    cy = y0 + 0.40 * sh
    viz_w = even(min(0.92 * sw, 1.6 * sh))
    tall = height > 1.5 * width
    viz_h = even(min((0.32 if tall else 0.26) * sh, 0.55 * viz_w))
    ring = even(min((0.48 if tall else 0.38) * sh, 0.8 * sw))
    viz_y = even(cy - viz_h / 2)
    ring_y = even(cy - ring / 2)
    name_y = round(max(viz_y + viz_h, ring_y + ring) + 0.35 * name_size)
    return Layout(
        title_y=round(y0 + 0.03 * sh),
        title_size=title_size,
        title_width=round(sw * 0.94),
        viz_x=even(x0 + (sw - viz_w) / 2),
        viz_y=viz_y,
        viz_w=viz_w,
        viz_h=viz_h,
        ring=ring,
        ring_x=even(x0 + (sw - ring) / 2),
        ring_y=ring_y,
        name_y=name_y,
        name_size=name_size,
    )


def wrap_title(
    title: str, measure: Callable[[str], float], max_width: float, max_lines: int = MAX_TITLE_LINES
) -> list[str]:
    """``title`` broken into at most ``max_lines`` lines no wider than ``max_width``. Pure.

    Words are kept whole where they fit; a word wider than a line is cut; what does not fit in the
    last line ends with an ellipsis.
    """
    words = " ".join(title.split()).split(" ")
    lines: list[str] = []
    current = ""
    for word in (w for w in words if w):
        candidate = f"{current} {word}" if current else word
        if measure(candidate) <= max_width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = word
        while measure(current) > max_width and len(current) > 1:
            cut = len(current) - 1
            while cut > 1 and measure(current[:cut]) > max_width:
                cut -= 1
            lines.append(current[:cut])
            current = current[cut:]
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        last = " ".join(lines[max_lines - 1 :])
        while last and measure(last + "…") > max_width:
            last = last[:-1].rstrip()
        lines = [*lines[: max_lines - 1], last + "…"]
    return lines


def merge_turns(
    track: Sequence[tuple[float, float, str]], duration: float | None = None, gap: float = TURN_GAP_S
) -> dict[str, list[tuple[float, float]]]:
    """Each speaker's display intervals: sorted, clipped to ``[0, duration]``, close turns joined. Pure."""
    out: dict[str, list[tuple[float, float]]] = {}
    for start, end, name in sorted(track, key=lambda t: (t[0], t[1])):
        label = " ".join(str(name).split())
        lo, hi = max(0.0, float(start)), float(end) if duration is None else min(float(end), duration)
        if not label or hi <= lo:
            continue
        spans = out.setdefault(label, [])
        if spans and lo - spans[-1][1] <= gap:
            spans[-1] = (spans[-1][0], max(spans[-1][1], hi))
        else:
            spans.append((lo, hi))
    return out


def clip_name(name: str) -> str:
    """``name`` cut to :data:`MAX_NAME_CHARS` with an ellipsis."""
    return name if len(name) <= MAX_NAME_CHARS else name[: MAX_NAME_CHARS - 1].rstrip() + "…"
