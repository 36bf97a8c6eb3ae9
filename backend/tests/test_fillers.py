"""Which words are fillers, from the words and their punctuation (tables)."""

from __future__ import annotations

import pytest

from spaceclip.services.speech.fillers import filler_flags, mark_fillers
from spaceclip.services.speech.transcript import Word


def _marked(text: str) -> list[str]:
    tokens = text.split()
    return [t for t, f in zip(tokens, filler_flags(tokens), strict=True) if f]


@pytest.mark.parametrize(
    ("text", "fillers"),
    [
        ("Um, I think the main thing is pricing.", ["Um,"]),
        ("So, uh, we tried that and, um, it did not work.", ["uh,", "um,"]),
        ("Erm... hmm. Mm, er, okay.", ["Erm...", "hmm.", "Mm,", "er,"]),
        # "like": a filler when set off by commas or after "just"/"was"; a verb or preposition otherwise
        ("the customers just, like, wanted it cheaper", ["like,"]),
        ("It was, like, the hardest month", ["like,"]),
        ("I like it, and it looks like rain.", []),
        ("we like, um, cakes", ["um,"]),
        # "you know": a filler between commas or ending a sentence, not a question's verb
        ("Well, you know, the customers", ["you", "know,"]),
        ("the whole year, you know.", ["you", "know."]),
        ("You know, it works.", ["You", "know,"]),
        ("Do you know the way?", []),
        ("I wish you knew.", []),
        # false starts: the word said again at once, across fillers; a word cut off with a hyphen
        ("I, I mean we never asked.", ["I,"]),
        ("the, uh, the main thing", ["the,", "uh,"]),
        ("we wh- we went home", ["wh-"]),
        ("No, no, no.", ["No,", "no,"]),
        # no commas, no false start: repeated words in prose stay
        ("that that is all", []),
        ("", []),
    ],
)
def test_filler_flags(text: str, fillers: list[str]) -> None:
    assert _marked(text) == fillers


def test_mark_fillers_keeps_times_and_existing_flags() -> None:
    words = (
        Word(start=0.0, end=0.3, word="Um,", probability=0.9),
        Word(start=0.4, end=0.6, word="yes", probability=0.9, filler=True),
        Word(start=0.7, end=0.9, word="please.", probability=0.9),
    )
    marked = mark_fillers(words)
    assert [w.filler for w in marked] == [True, True, False]
    assert [(w.start, w.end, w.word) for w in marked] == [(w.start, w.end, w.word) for w in words]
    assert Word.from_dict(marked[0].to_dict()).filler is True
    assert Word.from_dict({"start": 0, "end": 1, "word": "old"}).filler is False  # stored before fillers
