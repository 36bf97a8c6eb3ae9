"""Data passed between the highlight stages: candidates → built-in scorer → optional LLM re-rank.

Everything here is a frozen dataclass with times in seconds of the source media.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True, slots=True)
class HighlightOptions:
    """What the caller asks for. ``start``/``end`` limit the search to a time range ("find more")."""

    min_length: float = 15.0
    max_length: float = 90.0
    max_count: int = 10
    start: float | None = None
    end: float | None = None
    max_overlap: float = 0.3  # of the shorter clip
    use_llm: bool = True
    include_housekeeping: bool = False  # offer sponsor reads, greetings and sign-offs too


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of the transcript, snapped to its first and last word."""

    idx: int
    start: float
    end: float
    text: str
    speaker: str | None
    word_start: int  # index into the transcript's flat word list
    word_end: int  # exclusive


@dataclass(frozen=True, slots=True)
class Candidate:
    """A window of whole sentences ``sentences[first:last]`` (``last`` exclusive)."""

    first: int
    last: int
    start: float
    end: float
    text: str
    speakers: tuple[str, ...]
    standalone: bool = True


@dataclass(frozen=True, slots=True)
class Coverage:
    """What selection needs to keep highlights apart in content (see :mod:`.coverage`): the word
    3-grams of the text, the mean of the sentences' unit vectors (None without them) and the
    vectors themselves with each sentence's word count, the topic
    (chapter index; -1 when topics are not spread), and the share of the words in sponsor reads
    and in housekeeping sentences."""

    shingles: frozenset[str]
    vector: np.ndarray | None = field(compare=False, repr=False)
    sentence_vectors: np.ndarray | None = field(default=None, compare=False, repr=False)
    sentence_words: tuple[int, ...] = ()
    topic: int = -1
    ad_share: float = 0.0
    housekeeping_share: float = 0.0


@dataclass(frozen=True, slots=True)
class ScoredCandidate:
    """A candidate with the built-in scorer's verdict (score 0..100, features name → 0..1)."""

    candidate: Candidate
    score: float
    features: dict[str, float]
    reason: str
    key_sentence: str
    title: str
    hashtags: tuple[str, ...]
    coverage: Coverage | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class LlmSuggestion:
    """What the LLM said about one candidate; ``rating`` 0..100 is blended into the score."""

    rating: float
    title: str
    hook: str
    description: str
    hashtags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Highlight:
    """A finished highlight, ready to store and show."""

    start: float
    end: float
    score: float
    title: str
    reason: str
    key_sentence: str
    text: str
    hashtags: tuple[str, ...]
    speakers: tuple[str, ...]
    features: dict[str, Any] = field(default_factory=dict)
    hook: str | None = None
    description: str | None = None
    source: str = "builtin"  # "builtin" | "llm"
    llm_note: str | None = None


@dataclass(frozen=True, slots=True)
class HighlightResult:
    """The ranked highlights of one run and, when the LLM was asked and failed, why (shown once)."""

    highlights: tuple[Highlight, ...]
    llm_note: str | None = None
    llm_model: str | None = None
