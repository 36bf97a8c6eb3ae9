"""Audiogram layout (pure): title wrapping, speaker turns and where things go inside the safe area."""

from __future__ import annotations

import pytest

from spaceclip.services.render import audiogram as ag
from spaceclip.services.render.presets import PRESETS


def _chars(text: str) -> float:
    return float(len(text))


@pytest.mark.parametrize(
    ("title", "width", "lines", "expected"),
    [
        ("short", 10, 2, ["short"]),
        ("one two three", 7, 2, ["one two", "three"]),
        ("  spaced   out\ttitle ", 20, 2, ["spaced out title"]),
        ("alpha beta gamma delta", 10, 2, ["alpha beta", "gamma del…"]),
        ("abcdefghijkl", 5, 3, ["abcde", "fghij", "kl"]),
        ("abcdefghijklmnop", 5, 2, ["abcde", "fghi…"]),
        ("", 10, 2, []),
    ],
)
def test_wrap_title(title: str, width: int, lines: int, expected: list[str]) -> None:
    got = ag.wrap_title(title, _chars, width, lines)
    assert got == expected
    assert all(len(line) <= width for line in got)


@pytest.mark.parametrize(
    ("track", "duration", "expected"),
    [
        ([], None, {}),
        ([(0, 2, "A"), (2.1, 4, "A")], None, {"A": [(0, 4)]}),  # small gap joined
        ([(0, 2, "A"), (3, 4, "A")], None, {"A": [(0, 2), (3, 4)]}),
        ([(3, 4, "B"), (0, 2, "A"), (2, 3, "B")], None, {"A": [(0, 2)], "B": [(2, 4)]}),
        ([(-1, 1, "A"), (5, 9, "A")], 6.0, {"A": [(0, 1), (5, 6)]}),  # clipped to the clip
        ([(1, 1, "A"), (2, 3, "  ")], None, {}),  # empty turns and blank names dropped
        ([(0, 1, "Ann  Lee")], None, {"Ann Lee": [(0, 1)]}),
    ],
)
def test_merge_turns(
    track: list[tuple[float, float, str]], duration: float | None, expected: dict[str, list[tuple[float, float]]]
) -> None:
    assert ag.merge_turns(track, duration) == expected


@pytest.mark.parametrize("key", sorted(PRESETS))
def test_layout_stays_inside_the_safe_area(key: str) -> None:
    preset = PRESETS[key]
    w, h, safe = preset.width, preset.height, preset.safe
    lay = ag.layout_for(w, h, safe)
    assert safe.top <= lay.title_y and lay.name_y + lay.name_size <= h - safe.bottom
    assert safe.left <= lay.viz_x and lay.viz_x + lay.viz_w <= w - safe.right
    assert safe.left <= lay.ring_x and lay.ring_x + lay.ring <= w - safe.right
    assert lay.title_y + 2 * lay.title_size < min(lay.viz_y, lay.ring_y)
    assert all(v % 2 == 0 for v in (lay.viz_w, lay.viz_h, lay.ring, lay.viz_x, lay.viz_y))
