"""Speech the batched decoder skipped: finding it (tables) and putting what was heard again in place."""

from __future__ import annotations

import pytest

from spaceclip.services.speech.holes import fill_holes, uncovered_speech
from spaceclip.services.speech.transcript import Segment, Word


def _w(start: float, end: float, word: str = "w") -> Word:
    return Word(start=start, end=end, word=word, probability=0.9)


@pytest.mark.parametrize(
    ("regions", "words", "holes"),
    [
        # every region covered: no holes
        ([(0.0, 3.0)], [_w(0.1, 1.4), _w(1.5, 2.9)], []),
        # a whole region without a word (a turn the decoder skipped)
        ([(0.0, 2.0), (4.0, 8.0)], [_w(0.1, 1.9)], [(4.0, 8.0)]),
        # the tail of a region (the window ended early), from where the last word reaches
        ([(0.0, 10.0)], [_w(0.1, 0.5), _w(0.6, 3.0)], [(3.3, 10.0)]),
        # the head of a region (the window started late)
        ([(10.0, 16.0)], [_w(13.0, 14.0), _w(14.1, 15.8)], [(10.0, 12.7)]),
        # a gap inside a region, between words
        ([(0.0, 10.0)], [_w(0.0, 2.0), _w(6.0, 9.9)], [(2.3, 5.7)]),
        # gaps under the minimum are pauses, not holes
        ([(0.0, 4.0)], [_w(0.0, 1.0), _w(2.5, 3.9)], []),
        ([(0.0, 0.9)], [], []),
        # words need not be sorted, and may overlap each other
        ([(0.0, 6.0)], [_w(4.2, 5.9), _w(0.0, 2.0), _w(1.5, 2.5)], [(2.8, 3.9)]),
        # a word outside every region covers nothing in them
        ([(5.0, 7.0)], [_w(0.0, 1.0)], [(5.0, 7.0)]),
        # no regions: nothing to fill
        ([], [_w(0.0, 1.0)], []),
    ],
)
def test_uncovered_speech(
    regions: list[tuple[float, float]], words: list[Word], holes: list[tuple[float, float]]
) -> None:
    assert uncovered_speech(regions, words) == holes


def test_fill_holes_keeps_new_words_inside_the_hole_only() -> None:
    before = [
        Segment(start=0.0, end=1.0, text="hello there", words=(_w(0.0, 0.5, "hello"), _w(0.5, 1.0, "there"))),
        Segment(start=9.0, end=10.0, text="bye", words=(_w(9.0, 10.0, "bye"),)),
    ]
    heard_again = [
        Segment(
            start=0.5,
            end=6.0,
            text="there how are you",
            words=(_w(0.5, 1.0, "there"), _w(3.0, 3.5, "how"), _w(3.6, 4.0, "are"), _w(5.5, 6.0, "you")),
        )
    ]
    out = fill_holes(before, [((2.0, 5.8), heard_again)])
    assert [s.text for s in out] == ["hello there", "how are you", "bye"]  # "there" is not doubled
    assert out[1].start == 3.0 and out[1].end == 6.0


def test_fill_holes_drops_what_lies_outside_every_hole() -> None:
    before = [Segment(start=0.0, end=1.0, text="a", words=(_w(0.0, 1.0, "a"),))]
    outside = [Segment(start=0.0, end=1.0, text="a", words=(_w(0.0, 1.0, "a"),))]
    assert fill_holes(before, [((3.0, 5.0), outside)]) == before
