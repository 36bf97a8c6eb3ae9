"""Highlights that cover the episode (issue 15): near-duplicates by text and meaning, sponsor reads
and housekeeping kept out, topics spread round-robin; and the Must-show on a generated 60-minute
episode with repeated passages and a sponsor read said three times."""

from __future__ import annotations

import numpy as np
import pytest

from spaceclip.config import Settings
from spaceclip.services.highlights import coverage
from spaceclip.services.highlights.pipeline import find_highlights
from spaceclip.services.highlights.sentences import split_sentences
from spaceclip.services.highlights.types import Candidate, Coverage, HighlightOptions, ScoredCandidate
from tests.episodes import Episode, build_episode, coverage_figures


def unit(*xs: float) -> np.ndarray:
    v = np.array(xs, dtype=np.float64)
    return v / np.linalg.norm(v)


@pytest.mark.parametrize(
    ("a", "b", "share"),
    [
        ("the cat sat on the mat", "the cat sat on the mat today", 1.0),
        ("the cat sat on the mat", "a dog ran in the park", 0.0),
        ("One. Two, three four!", "one two three four", 1.0),
        ("", "anything at all here", 0.0),
    ],
)
def test_containment(a: str, b: str, share: float) -> None:
    assert coverage.containment(coverage.shingles(a), coverage.shingles(b)) == pytest.approx(share)


def cov(
    text: str, vector: np.ndarray | None = None, *, topic: int = -1, rows: list[np.ndarray] | None = None
) -> Coverage:
    sv = np.stack(rows) if rows else None
    words = tuple(20 for _ in rows) if rows else ()
    return Coverage(coverage.shingles(text), vector, sv, words, topic)


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (cov("we stayed open from five in the morning"), cov("so we stayed open from five in the morning too"), True),
        (cov("bees in the city", unit(1, 0, 0)), cov("sourdough in a pot", unit(0, 1, 0)), False),
        (cov("bees in the city", unit(1, 0.1, 0)), cov("urban hives do well", unit(1, 0.2, 0)), False),  # means only
        (
            cov("a b c d", unit(1, 1, 0), rows=[unit(1, 0, 0), unit(0, 1, 0)]),
            cov("e f g h", unit(1, 0, 1), rows=[unit(1, 0, 0), unit(0, 1, 0.1), unit(0, 0, 1)]),
            True,  # each sentence of the smaller is said again in the larger
        ),
        (cov("bees in the city"), cov("sourdough in a pot"), False),  # no vectors: text only
    ],
)
def test_near_duplicates(a: Coverage, b: Coverage, same: bool) -> None:
    assert coverage.is_near_duplicate(a, b) is same
    assert coverage.is_near_duplicate(b, a) is same


def test_ad_sentences_cover_the_read_between_its_cues() -> None:
    texts = [
        "That was a great story.",
        "This episode is brought to you by Brightmeal.",
        "Every box comes with easy recipes.",
        "The food is fresh.",
        "Use code TABLE for sixty percent off.",
        "Back to the show.",
        "So, the bees.",
    ]
    speakers = ["G", "H", "H", "H", "H", "H", "G"]
    assert coverage.ad_sentences(texts, speakers) == [False, True, True, True, True, True, False]
    # cues too far apart, or another speaker in between, do not join
    assert coverage.ad_sentences(texts[1:5], ["H", "G", "G", "H"]) == [True, False, False, True]


def item(
    start: float, score: float, text: str, *, topic: int = -1, ad: float = 0.0, hk: float = 0.0
) -> ScoredCandidate:
    cand = Candidate(0, 1, start, start + 20.0, text, ("A",))
    info = Coverage(coverage.shingles(text), None, None, (), topic, ad, hk)
    return ScoredCandidate(cand, score, {}, "", "", "", (), info)


def test_kept_out() -> None:
    assert coverage.kept_out(item(0, 50, "x", ad=0.3))
    assert coverage.kept_out(item(0, 50, "x", ad=0.1, hk=0.75))
    assert not coverage.kept_out(item(0, 50, "x", ad=0.2, hk=0.7))


def test_select_covering_spreads_over_topics_and_drops_repeats() -> None:
    story = "we stayed open from five in the morning for the night shift"
    items = [
        item(0, 90, story, topic=0),
        item(100, 88, "so " + story, topic=1),  # the same story again: dropped
        item(200, 80, "a second thought about the first topic", topic=0),
        item(300, 70, "the bees swarmed onto the lamp post", topic=1),
        item(400, 60, "a sourdough starter from my grandmother", topic=2),
        item(500, 30, "a weak moment in the fourth topic", topic=3),  # below half the best: waits
    ]
    chosen = coverage.select_covering(items, max_overlap=0.3, limit=4)
    assert [c.candidate.start for c in chosen] == [0, 200, 300, 400]  # best first
    first_three = coverage.select_covering(items, max_overlap=0.3, limit=3)
    assert {c.coverage.topic for c in first_three if c.coverage} == {0, 1, 2}
    no_spread = coverage.select_covering(items, max_overlap=0.3, limit=3, spread=False)
    assert [c.candidate.start for c in no_spread] == [0, 200, 300]


@pytest.fixture(scope="module")
def hour() -> Episode:
    return build_episode(60)


def test_an_hour_with_repeats_and_sponsor_reads_gives_ten_different_highlights(hour: Episode) -> None:
    assert sum(1 for t in hour.turns if t.kind == "sponsor") == 3
    assert sum(1 for t in hour.turns if t.kind in ("repeat", "paraphrase")) >= 8
    result = find_highlights(hour.transcript, Settings(_env_file=None), HighlightOptions(max_count=10, use_llm=False))
    figures = coverage_figures(hour, list(result.highlights))
    assert figures["count"] == 10, figures
    assert figures["duplicate_pairs"] == []
    assert figures["sponsor"] == []
    assert int(str(figures["topics"])) >= 6


def test_the_sponsor_reads_of_the_hour_are_recognised(hour: Episode) -> None:
    sentences = split_sentences(list(hour.transcript.words))
    flags = coverage.ad_sentences([s.text for s in sentences], [s.speaker for s in sentences])
    truth = [hour.sponsor_time(s.start, s.end) > 0.5 * (s.end - s.start) for s in sentences]
    assert sum(truth) >= 9
    assert all(f for f, t in zip(flags, truth, strict=True) if t)  # every sentence of the three reads
    others = [s.text for s, f, t in zip(sentences, flags, truth, strict=True) if f and not t]
    # the only others are the short sponsor mentions the topic scripts hold themselves (Run Club Radio's)
    assert len(others) <= 5, others
    assert all(
        any(w in o.lower() for w in ("sponsor", "brought to", "supported by", "subscribe", "back to")) for o in others
    )
