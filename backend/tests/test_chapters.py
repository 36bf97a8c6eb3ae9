"""Chapters kept in sync through a clean-up's cuts (services/edit/chapters.py)."""

from __future__ import annotations

import pytest

from spaceclip.services.edit.chapters import Chapter, ffmetadata, parse_chapters, retime_chapters
from spaceclip.services.edit.cuts import Cut, CutList

# 0-100 s with 10 s cut at 20-30 and 4.5 s at 50-54.5
CUTS = CutList(0.0, 100.0, (Cut(20.0, 30.0, "pause"), Cut(50.0, 54.5, "filler")))


@pytest.mark.parametrize(
    ("chapters", "expected"),
    [
        ([], []),
        (
            [Chapter(0, 40, "Intro"), Chapter(40, 70, "Pricing"), Chapter(70, 100, "Outro")],
            [(0.0, 30.0, "Intro"), (30.0, 55.5, "Pricing"), (55.5, 85.5, "Outro")],
        ),
        # a chapter that starts inside a cut starts where the cut was
        ([Chapter(0, 25, "A"), Chapter(25, 100, "B")], [(0.0, 20.0, "A"), (20.0, 85.5, "B")]),
        # a chapter all inside a cut (or left under 1 s) is dropped; its time goes to the one before
        (
            [Chapter(0, 21, "A"), Chapter(21, 29, "gone"), Chapter(29, 100, "B")],
            [(0.0, 20.0, "A"), (20.0, 85.5, "B")],
        ),
        # the first chapter all cut: the next one starts where that one did
        ([Chapter(20, 30, "gone"), Chapter(30, 100, "B")], [(20.0, 85.5, "B")]),
    ],
)
def test_retime_chapters(chapters: list[Chapter], expected: list[tuple[float, float, str]]) -> None:
    assert [(c.start, c.end, c.title) for c in retime_chapters(chapters, CUTS)] == expected


def test_parse_and_write() -> None:
    data = {
        "chapters": [
            {"start_time": "30.000000", "end_time": "60.0", "tags": {"title": "Two"}},
            {"start_time": "0.0", "end_time": "30.0", "tags": {"title": "One; a=b"}},
            {"start_time": "bad", "end_time": "1"},
        ]
    }
    chapters = parse_chapters(data)
    assert chapters == [Chapter(0.0, 30.0, "One; a=b"), Chapter(30.0, 60.0, "Two")]
    text = ffmetadata(chapters)
    assert text.startswith(";FFMETADATA1\n")
    assert "START=30000\nEND=60000\ntitle=Two" in text
    assert "title=One\\; a\\=b" in text
