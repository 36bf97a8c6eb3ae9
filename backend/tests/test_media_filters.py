"""ffmpeg filtergraph escaping and long expressions (services/media/filters.py), as tables of cases."""

from __future__ import annotations

import pytest

from spaceclip.services.media import filters
from spaceclip.services.media.filters import filter_escape


@pytest.mark.parametrize(
    ("value", "specials", "escaped"),
    [
        ("/tmp/plain.ass", ":=", "/tmp/plain.ass"),
        ("/tmp/a:b.ass", ":=", "/tmp/a\\:b.ass"),
        ("/tmp/it's.ass", ":=", "/tmp/it\\'s.ass"),
        ("/tmp/back\\slash", ":=", "/tmp/back\\\\slash"),
        ("/tmp/a b", ":=", "/tmp/a\\ b"),
        ("filename=/x\\:y", "[],;", "filename=/x\\\\:y"),
        ("a[0],b;c", "[],;", "a\\[0\\]\\,b\\;c"),
    ],
)
def test_filter_escape(value: str, specials: str, escaped: str) -> None:
    assert filter_escape(value, specials) == escaped


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain", "plain"),
        ("a:b", "a\\\\:b"),  # option level: a\:b, graph level: a\\:b
        ("it's", "it\\\\\\'s"),
        ("x,y;z", "x\\,y\\;z"),
        ("[tag]", "\\[tag\\]"),
        ("back\\slash", "back\\\\\\\\slash"),
        ("line\nbreak", "line break"),
        ("100%", "100%"),
    ],
)
def test_drawtext_escape(text: str, expected: str) -> None:
    assert filters.drawtext_escape(text) == expected


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, "a0"),
        (3, "a0+a1+a2"),
        (26, "(" + "+".join(f"a{i}" for i in range(25)) + ")+(a25)"),
    ],
)
def test_grouped_sum(n: int, expected: str) -> None:
    assert filters.grouped_sum([f"a{i}" for i in range(n)]) == expected


def test_grouped_sum_nests_for_very_long_sums() -> None:
    text = filters.grouped_sum(["1"] * 2000)
    assert eval(text) == 2000
    assert text.startswith("((")
