"""Sentence splitting: punctuation from Whisper's words, speaker changes, pauses, comma splices."""

from __future__ import annotations

import pytest

from spaceclip.services.highlights.sentences import (
    SplitOptions,
    clean_token,
    ends_sentence,
    is_clause_break,
    split_sentences,
)
from spaceclip.services.speech.transcript import Word
from tests.highlight_words import words_of


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("up.", True),
        ("why?", True),
        ("wow!", True),
        ('done."', True),
        ("so…", True),
        ("Dr.", False),
        ("Mr.", False),
        ("e.g.", False),
        ("J.", False),
        ("3.5", False),
        ("station,", False),
        ("hello", False),
        ("", False),
    ],
)
def test_ends_sentence(word: str, expected: bool) -> None:
    assert ends_sentence(word) is expected


@pytest.mark.parametrize(
    ("token", "expected"),
    [("Hello,", "hello"), ("“Yes!”", "yes"), ("(why?)", "why"), ("don't", "don't"), ("—", "")],
)
def test_clean_token(token: str, expected: str) -> None:
    assert clean_token(token) == expected


@pytest.mark.parametrize(
    ("clause", "next_word", "expected"),
    [
        ("we had eleven hundred dollars left in the bank,", "so", True),
        ("we opened in a tiny shop next to the station,", "at", True),
        ("our first product was a total failure,", "we", True),
        ("today I am joined by Lena,", "who", False),
        ("they knew apples came from a shop,", "but", False),
        ("nothing new on race day,", "not", False),
        ("we stayed open from five in the morning,", "for", False),
        ("if they will not pay for a rough version,", "they", False),
        ("when I was twelve,", "my", False),
        ("we spent 400", ",000", False),
        ("", "we", True),
    ],
)
def test_is_clause_break(clause: str, next_word: str, expected: bool) -> None:
    assert is_clause_break(clause.split(), next_word) is expected


def _texts(words: list[Word], options: SplitOptions | None = None) -> list[str]:
    return [s.text for s in split_sentences(words, options)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hello there. How are you? Fine!", ["Hello there.", "How are you?", "Fine!"]),
        ("Dr. Smith came in. He sat down.", ["Dr. Smith came in.", "He sat down."]),
        ("no punctuation at all here", ["no punctuation at all here"]),
        # a comma splice in a long run-on is cut where a new main clause begins
        (
            "Then one winter we almost closed, we had eleven hundred dollars left in the bank, so we tried one thing.",
            [
                "Then one winter we almost closed,",
                "we had eleven hundred dollars left in the bank,",
                "so we tried one thing.",
            ],
        ),
        # ... but not before a relative clause, a conjunction or a fronted "if" clause
        (
            "Today I am joined by Lena, who runs a bakery and Raj, who builds accounting software for shops.",
            ["Today I am joined by Lena, who runs a bakery and Raj, who builds accounting software for shops."],
        ),
        (
            "Talk to customers before you write code, if they will not pay for a rough version, they will not pay.",
            ["Talk to customers before you write code, if they will not pay for a rough version, they will not pay."],
        ),
        # short sentences keep their commas
        ("Yes, I know what you mean, those moments happen.", ["Yes, I know what you mean, those moments happen."]),
    ],
)
def test_split_by_punctuation(text: str, expected: list[str]) -> None:
    assert _texts(words_of(text)) == expected


def test_speaker_change_and_long_pause_split() -> None:
    words = words_of("so that was the plan", speaker="Speaker 1") + words_of(
        "right and then we left", start=10.0, speaker="Speaker 2"
    )
    assert _texts(words) == ["so that was the plan", "right and then we left"]
    paused = words_of("we waited for hours and then the door opened", gap_at=[5], gap_s=2.0)
    assert _texts(paused) == ["we waited for hours and", "then the door opened"]
    assert _texts(paused, SplitOptions(pause_s=3.0)) == ["we waited for hours and then the door opened"]


def test_run_on_without_punctuation_is_cut_at_its_longest_pause() -> None:
    text = " ".join(f"word{i}" for i in range(60))
    words = words_of(text, gap_at=[33], gap_s=0.9)
    sentences = split_sentences(words)
    assert [len(s.text.split()) for s in sentences] == [33, 27]


def test_sentences_snap_to_word_times_and_index_the_words() -> None:
    words = words_of("First one here. Second one follows now.", start=1.0)
    words.insert(3, Word(2.0, 2.0, "  ", 0.1, "Speaker 1"))  # an empty word is skipped
    sentences = split_sentences(words)
    assert [s.idx for s in sentences] == [0, 1]
    first, second = sentences
    assert (first.start, first.end) == (words[0].start, words[2].end)
    assert (first.word_start, first.word_end) == (0, 3)
    assert (second.start, second.end) == (words[4].start, words[-1].end)
    assert (second.word_start, second.word_end) == (4, len(words))
    assert first.speaker == "Speaker 1"
    assert split_sentences([]) == []


def test_numbers_split_by_whisper_are_rejoined_in_the_text() -> None:
    words = words_of("We sold 3 ,000 slices at a loss.")
    assert _texts(words) == ["We sold 3,000 slices at a loss."]
