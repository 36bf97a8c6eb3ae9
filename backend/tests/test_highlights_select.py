"""Selection (overlap rule, order, count), length preference and topic depth scores (tables)."""

from __future__ import annotations

import pytest

from spaceclip.services.highlights.scorer import length_fit, top_features
from spaceclip.services.highlights.select import overlap, select_spans
from spaceclip.services.highlights.topics import depth_scores, gap_similarities, lexical_vectors
from spaceclip.services.highlights.types import Candidate, HighlightOptions, ScoredCandidate


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ((0, 10), (20, 30), 0.0),
        ((0, 10), (10, 20), 0.0),
        ((0, 10), (5, 15), 0.5),
        ((0, 10), (0, 10), 1.0),
        ((0, 40), (10, 20), 1.0),  # the shorter lies inside the longer
        ((0, 20), (17, 47), 0.15),
        ((0, 20), (14, 50), 0.3),
        ((5, 5), (0, 10), 0.0),
    ],
)
def test_overlap(a: tuple[float, float], b: tuple[float, float], expected: float) -> None:
    assert overlap(a, b) == pytest.approx(expected)
    assert overlap(b, a) == pytest.approx(expected)


def _item(start: float, end: float, score: float) -> ScoredCandidate:
    cand = Candidate(0, 1, start, end, f"{start}-{end}", ())
    return ScoredCandidate(cand, score, {}, "", "", "", ())


@pytest.mark.parametrize(
    ("items", "max_overlap", "limit", "expected"),
    [
        # best first; an item overlapping a better one by more than 30 % of the shorter is skipped
        ([(0, 20, 50), (10, 30, 60), (40, 60, 40)], 0.3, 10, [(10, 30), (40, 60)]),
        # exactly 30 % is allowed
        ([(0, 20, 50), (14, 50, 60)], 0.3, 10, [(14, 50), (0, 20)]),
        # ties: earlier start first, then earlier end
        ([(50, 70, 40), (0, 20, 40), (0, 18, 40)], 0.3, 10, [(0, 18), (50, 70)]),
        # the count limit
        ([(0, 20, 10), (30, 50, 30), (60, 80, 20)], 0.3, 2, [(30, 50), (60, 80)]),
        ([(0, 20, 10)], 0.3, 0, []),
        ([], 0.3, 5, []),
        # no overlap allowed at all
        ([(0, 20, 50), (19, 40, 40), (20, 40, 30)], 0.0, 10, [(0, 20), (20, 40)]),
    ],
)
def test_select_spans(
    items: list[tuple[float, float, float]], max_overlap: float, limit: int, expected: list[tuple[float, float]]
) -> None:
    scored = [_item(*i) for i in items]
    chosen = select_spans(scored, max_overlap=max_overlap, limit=limit)
    assert [(c.candidate.start, c.candidate.end) for c in chosen] == expected
    assert select_spans(list(reversed(scored)), max_overlap=max_overlap, limit=limit) == chosen


@pytest.mark.parametrize(
    ("length", "min_length", "max_length", "expected"),
    [
        (15.0, 15.0, 90.0, 0.9),
        (16.5, 15.0, 90.0, 0.95),
        (18.0, 15.0, 90.0, 1.0),
        (30.0, 15.0, 90.0, 1.0),
        (45.0, 15.0, 90.0, 1.0),
        (90.0, 15.0, 90.0, 0.82),
        (60.0, 60.0, 120.0, 1.0),  # the plateau moves into the requested range
        (120.0, 60.0, 120.0, 0.76),
        (10.0, 5.0, 10.0, 1.0),
        (400.0, 15.0, 1000.0, 0.5),  # never below one half
    ],
)
def test_length_fit(length: float, min_length: float, max_length: float, expected: float) -> None:
    options = HighlightOptions(min_length=min_length, max_length=max_length)
    assert length_fit(length, options) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("features", "has_audio", "expected"),
    [
        (
            {
                "hook": 0.9,
                "specifics": 0.8,
                "contrast": 0.1,
                "story": 0.1,
                "arc": 0.5,
                "quotability": 0.2,
                "energy": 0.5,
                "pace": 0.5,
            },
            True,
            ["hook", "specifics"],
        ),
        # a weak hook is not named even when its weight is high
        (
            {
                "hook": 0.3,
                "specifics": 0.1,
                "contrast": 0.5,
                "story": 0.45,
                "arc": 0.2,
                "quotability": 0.2,
                "energy": 0.5,
                "pace": 0.5,
            },
            True,
            ["story", "contrast"],
        ),
        # without audio, energy and pace are never named
        (
            {
                "hook": 0.0,
                "specifics": 0.0,
                "contrast": 0.0,
                "story": 0.0,
                "arc": 0.0,
                "quotability": 0.0,
                "energy": 1.0,
                "pace": 1.0,
            },
            False,
            ["arc", "contrast"],
        ),
    ],
)
def test_top_features(features: dict[str, float], has_audio: bool, expected: list[str]) -> None:
    assert top_features(features, 2, has_audio=has_audio) == expected


@pytest.mark.parametrize(
    ("sims", "expected"),
    [
        ([0.9, 0.2, 0.9], [0.0, 1.4, 0.0]),
        ([0.9, 0.8, 0.5, 0.8, 0.9], [0.0, 0.0, 0.8, 0.0, 0.0]),
        ([0.5, 0.5, 0.5], [0.0, 0.0, 0.0]),
        ([0.9, 0.4, 0.6, 0.3, 0.8], [0.0, 0.7, 0.0, 0.8, 0.0]),  # climbs stop at the nearest peak
        ([], []),
    ],
)
def test_depth_scores(sims: list[float], expected: list[float]) -> None:
    assert depth_scores(sims) == pytest.approx(expected)


def test_gap_similarities_dip_where_the_words_change() -> None:
    texts = ["bread flour oven"] * 4 + ["marathon shoes race"] * 4
    sims = gap_similarities(lexical_vectors(texts), window=3)
    assert len(sims) == 7
    assert int(sims.argmin()) == 3  # the gap before sentence 4
    assert sims[3] < 0.1 < sims[0]
