"""Find the moments a query is about: hybrid ranking of sentence windows (pure, but for the LLM step).

Every window of 1 to ``max_sentences`` consecutive sentences is scored twice:

* **meaning**: the cosine between the query's MiniLM vector and the window's (the normalised sum of
  its sentences' vectors), when vectors are given;
* **words**: a BM25-style match of the query's keywords (stopwords dropped, plurals and -ing/-ed
  forms joined) against the window's words: the idf-weighted share of the query's keywords the
  window says, each saturating like BM25's term frequency and normalised for the window's length
  (1 for every keyword said once in a window of average length).

The hybrid score is ``semantic_weight * cosine + (1 - semantic_weight) * words`` (words alone when
there are no vectors). Windows are then taken best first, skipping any that shares a sentence with
one already taken, and a result absorbs the touching results that score nearly as well (one moment,
one range), so each result is a range of whole sentences: it starts on a sentence's first word and
ends on a sentence's last.

:func:`llm_rerank` then asks the local LLM how well each of the first few results answers the query,
and mixes its rating in; it never raises for LLM trouble.
"""

from __future__ import annotations

import logging
import math
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from spaceclip.errors import LlmBadAnswer, LlmUnavailable
from spaceclip.services.highlights.features import tokens
from spaceclip.services.highlights.lexicon import STOPWORDS
from spaceclip.services.highlights.llm import LlmClient
from spaceclip.services.highlights.types import Sentence

__all__ = [
    "RELEVANCE_SCHEMA",
    "SearchHit",
    "SearchOptions",
    "keyword_form",
    "keyword_match",
    "llm_rerank",
    "query_keywords",
    "rank_windows",
    "sentence_windows",
]

log = logging.getLogger(__name__)

#: Words of a request that say nothing about its subject ("find moments where they talk about ...").
QUERY_NOISE = frozenset(
    {"find", "moment", "moments", "part", "parts", "talk", "talks", "talking", "discuss", "discussing", "mention",
     "mentions", "someone", "somebody", "bit", "clip", "clips", "say", "says", "said", "thing", "things"}
)  # fmt: skip
K1 = 1.2  # BM25 term-frequency saturation
B = 0.75  # BM25 length normalisation


@dataclass(frozen=True, slots=True)
class SearchOptions:
    """Tuning of :func:`rank_windows`."""

    max_sentences: int = 3
    semantic_weight: float = 0.65
    min_score: float = 0.18  # hybrid score below which a window is not a result
    limit: int = 10
    merge_share: float = 0.8  # a touching result scoring this share of a better one joins its range
    max_merged: int = 5  # sentences in a range after merging


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A ranked range of whole sentences, ``sentences[first:last]``."""

    first: int
    last: int  # exclusive
    start: float
    end: float
    text: str
    score: float  # 0..100
    semantic: float | None  # cosine, None without vectors
    keyword: float  # 1: every keyword once in a window of average length
    matched: tuple[str, ...]
    speakers: tuple[str, ...]
    llm_rating: float | None = None

    @property
    def why(self) -> str:
        """What earned the result its place, in words."""
        parts = []
        if self.matched:
            parts.append("says " + ", ".join(f"'{w}'" for w in self.matched))
        if self.semantic is not None:
            parts.append(f"close in meaning ({self.semantic:.2f})")
        if self.llm_rating is not None:
            parts.append(f"LLM rates it {self.llm_rating:.0f}/100")
        text = "; ".join(parts) or "weak match"
        return text[0].upper() + text[1:]


def keyword_form(token: str) -> str:
    """The form a word is matched by: lower case, plurals and -ing/-ed forms joined ("cards" → "card")."""
    word = token.lower().replace("\u2019", "'")
    if word.endswith("'s"):
        word = word[:-2]
    for suffix, keep in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            return word[: len(word) - len(suffix)] + keep
    return word


def query_keywords(query: str) -> list[str]:
    """The query's keywords in order, once each: no stopwords, no request words, no 1-2 letter words."""
    out: list[str] = []
    for token in tokens(query):
        lowered = token.lower()
        if len(lowered) < 3 or lowered in STOPWORDS or lowered in QUERY_NOISE:
            continue
        form = keyword_form(lowered)
        if form not in out:
            out.append(form)
    return out


def sentence_windows(count: int, max_sentences: int = 3) -> list[tuple[int, int]]:
    """Every ``(first, last)`` window (``last`` exclusive) of 1 to ``max_sentences`` of ``count`` sentences."""
    return [(i, j) for i in range(count) for j in range(i + 1, min(count, i + max_sentences) + 1)]


def keyword_match(
    keywords: Sequence[str], window_words: Sequence[str], *, doc_freq: Counter[str], documents: int, avg_len: float
) -> tuple[float, tuple[str, ...]]:
    """The BM25-style match of ``keywords`` in a window's keyword forms, and the keywords it says.

    Each keyword found scores its idf times BM25's saturated frequency; the sum is divided by the
    sum of the keywords' idf. A window of average length saying every keyword once scores 1; repeats
    raise it towards ``K1 + 1``, extra words lower it.
    """
    if not keywords:
        return 0.0, ()
    counts = Counter(window_words)
    norm = 1 - B + B * (len(window_words) / max(avg_len, 1.0))
    total = found = 0.0
    matched: list[str] = []
    for word in keywords:
        idf = math.log(1 + (documents - doc_freq.get(word, 0) + 0.5) / (doc_freq.get(word, 0) + 0.5))
        total += idf
        tf = counts.get(word, 0)
        if tf:
            matched.append(word)
            found += idf * tf * (K1 + 1) / (tf + K1 * norm)
    return (found / total if total > 0 else 0.0), tuple(matched)


def rank_windows(
    sentences: Sequence[Sentence],
    query: str,
    *,
    sentence_vectors: np.ndarray | None = None,
    query_vector: np.ndarray | None = None,
    options: SearchOptions | None = None,
) -> list[SearchHit]:
    """The best ranges of whole sentences for ``query``, best first, none sharing a sentence.

    Args:
        sentences: the transcript's sentences in time order.
        query: what the creator typed.
        sentence_vectors: unit vectors, one row per sentence (None: keywords only).
        query_vector: the query's unit vector (needed with ``sentence_vectors``).
        options: window length, weights, threshold and how many results.
    """
    opts = options or SearchOptions()
    if not sentences:
        return []
    keywords = query_keywords(query)
    words = [[keyword_form(t) for t in tokens(s.text)] for s in sentences]
    doc_freq: Counter[str] = Counter()
    for sentence_words in words:
        doc_freq.update(set(sentence_words))
    windows = sentence_windows(len(sentences), opts.max_sentences)
    lengths = [sum(len(words[k]) for k in range(i, j)) for i, j in windows]
    avg_len = sum(lengths) / len(lengths)
    semantic = sentence_vectors is not None and query_vector is not None
    if semantic:
        assert sentence_vectors is not None and query_vector is not None
        sums = np.cumsum(np.vstack([np.zeros((1, sentence_vectors.shape[1])), sentence_vectors]), axis=0)
        window_vectors = np.stack([sums[j] - sums[i] for i, j in windows])
        window_vectors /= np.maximum(np.linalg.norm(window_vectors, axis=1, keepdims=True), 1e-9)
        cosines = window_vectors @ query_vector
    scored: list[tuple[float, int, float | None, float, tuple[str, ...]]] = []
    for n, (i, j) in enumerate(windows):
        window_words = [w for k in range(i, j) for w in words[k]]
        kw, matched = keyword_match(
            keywords, window_words, doc_freq=doc_freq, documents=len(sentences), avg_len=avg_len
        )
        cos = float(cosines[n]) if semantic else None
        hybrid = kw if cos is None else opts.semantic_weight * max(0.0, cos) + (1 - opts.semantic_weight) * kw
        if hybrid >= opts.min_score or (cos is None and kw > 0):
            scored.append((hybrid, n, cos, kw, matched))
    scored.sort(key=lambda s: (-s[0], s[1]))
    picked: list[_Pick] = []
    used: set[int] = set()
    for hybrid, n, cos, kw, matched in scored:
        i, j = windows[n]
        if not used.intersection(range(i, j)):
            used.update(range(i, j))
            picked.append(_Pick(i, j, hybrid, cos, kw, matched))
    merged = _merge_touching(picked, opts)
    return [_hit(sentences, p) for p in merged[: opts.limit]]


@dataclass(slots=True)
class _Pick:
    first: int
    last: int
    hybrid: float
    cos: float | None
    kw: float
    matched: tuple[str, ...]


def _merge_touching(picked: list[_Pick], opts: SearchOptions) -> list[_Pick]:
    """Best first, each result absorbs the results right before and after it that score at least
    ``merge_share`` of its score, up to ``max_merged`` sentences: one range for one moment."""
    by_first = {p.first: p for p in picked}
    by_last = {p.last: p for p in picked}
    gone: set[int] = set()  # ids of absorbed picks
    out: list[_Pick] = []
    for pick in picked:  # best first
        if id(pick) in gone:
            continue
        gone.add(id(pick))
        grown = True
        while grown:
            grown = False
            for neighbour in (by_last.get(pick.first), by_first.get(pick.last)):
                if (
                    neighbour is not None
                    and id(neighbour) not in gone
                    and neighbour.hybrid >= opts.merge_share * pick.hybrid
                    and max(pick.last, neighbour.last) - min(pick.first, neighbour.first) <= opts.max_merged
                ):
                    gone.add(id(neighbour))
                    pick.first, pick.last = min(pick.first, neighbour.first), max(pick.last, neighbour.last)
                    pick.matched += tuple(w for w in neighbour.matched if w not in pick.matched)
                    grown = True
        out.append(pick)
    return out


def _hit(sentences: Sequence[Sentence], pick: _Pick) -> SearchHit:
    part = sentences[pick.first : pick.last]
    return SearchHit(
        first=pick.first,
        last=pick.last,
        start=part[0].start,
        end=part[-1].end,
        text=" ".join(s.text for s in part),
        score=round(100 * min(1.0, pick.hybrid), 1),
        semantic=None if pick.cos is None else round(pick.cos, 4),
        keyword=round(pick.kw, 4),
        matched=pick.matched,
        speakers=tuple(dict.fromkeys(s.speaker for s in part if s.speaker)),
    )


RELEVANCE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"relevance": {"type": "integer", "minimum": 0, "maximum": 100}},
    "required": ["relevance"],
    "additionalProperties": False,
}
LLM_WEIGHT = 0.5  # of the LLM's rating in a re-ranked score


def _messages(query: str, hit: SearchHit) -> list[dict[str, str]]:
    system = (
        "You help a video editor find moments in a podcast transcript. Rate how well a passage is about what "
        "the editor is looking for, 0 (not at all) to 100 (exactly). Answer only with JSON."
    )
    user = f'Looking for: "{query}"\n\nPassage:\n"""\n{hit.text[:1500]}\n"""\n\nReply with JSON: relevance (0-100).'
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def llm_rerank(
    client: LlmClient, query: str, hits: Sequence[SearchHit], *, limit: int, budget_s: float
) -> tuple[list[SearchHit], str | None]:
    """``hits`` re-ranked with the LLM's relevance rating of the first ``limit``; never raises for LLM trouble.

    A rated hit's score becomes ``(1 - LLM_WEIGHT) * score + LLM_WEIGHT * rating``; the rated ones are
    re-sorted among themselves and stay ahead of the rest. Returns the hits and a note when the LLM
    could not be used (fully or in part).
    """
    todo = list(hits[: max(0, limit)])
    if not todo:
        return list(hits), None
    status = client.status()
    if not status.available:
        return list(hits), "LLM unavailable: " + status.message
    started = time.monotonic()
    rated: list[SearchHit] = []
    note: str | None = None
    for n, hit in enumerate(todo):
        if time.monotonic() - started > budget_s:
            note = (
                f"LLM time budget of {budget_s:g} s used up after {n} of {len(todo)} results; "
                "the rest keep their order."
            )
            break
        try:
            answer = client.chat_json(_messages(query, hit), RELEVANCE_SCHEMA, max_tokens=32)
        except LlmBadAnswer as exc:
            note = f"LLM answer unusable ({exc.user_message}); built-in order kept for the rest."
            break
        except LlmUnavailable as exc:
            note = "LLM unavailable: " + exc.user_message
            break
        rating = min(100.0, max(0.0, float(answer["relevance"])))
        mixed = round((1 - LLM_WEIGHT) * hit.score + LLM_WEIGHT * rating, 1)
        rated.append(replace(hit, score=mixed, llm_rating=rating))
    rated.sort(key=lambda h: -h.score)
    return rated + list(hits[len(rated) :]), note
