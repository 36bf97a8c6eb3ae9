"""Re-timing words after a text correction: a table of cases."""

from __future__ import annotations

from itertools import pairwise

import pytest

from spaceclip.services.speech.transcript_edit import retime_words


def w(start: float, end: float, word: str) -> dict[str, float | str]:
    return {"start": start, "end": end, "word": word, "probability": 0.9}


OLD = [w(1.0, 1.4, "Helo"), w(1.5, 2.0, "wrld")]


@pytest.mark.parametrize(
    ("old", "text", "start", "end", "expected"),
    [
        # same word count: each word keeps its span
        (OLD, "Hello world", 1.0, 2.0, [(1.0, 1.4, "Hello"), (1.5, 2.0, "world")]),
        # more words: the old speech span is shared by word length
        (OLD, "Hello big world", 1.0, 2.0, [(1.0, 1.385, "Hello"), (1.385, 1.615, "big"), (1.615, 2.0, "world")]),
        # fewer words: one word takes the whole span
        (OLD, "Hi", 1.0, 2.0, [(1.0, 2.0, "Hi")]),
        # no old words: the segment bounds are used
        ([], "one two", 3.0, 4.0, [(3.0, 3.5, "one"), (3.5, 4.0, "two")]),
        # punctuation does not count towards a word's share
        ([], "ab, cd!", 0.0, 1.0, [(0.0, 0.5, "ab,"), (0.5, 1.0, "cd!")]),
        # empty text gives no words
        (OLD, "   ", 1.0, 2.0, []),
    ],
)
def test_retime_words(old, text, start, end, expected) -> None:
    got = [(x["start"], x["end"], x["word"]) for x in retime_words(old, text, start, end)]
    assert got == expected


def test_retimed_words_are_ordered_and_inside_the_span() -> None:
    words = retime_words(OLD, "a much longer correction with many more words than before", 1.0, 2.0)
    assert words[0]["start"] == 1.0 and words[-1]["end"] == 2.0
    for a, b in pairwise(words):
        assert a["start"] < a["end"] <= b["start"] + 1e-9
