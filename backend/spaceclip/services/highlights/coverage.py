"""Highlights that cover the episode: no repeats, no sponsor reads, spread over the topics (pure).

Selection by score alone keeps highlights apart in time, not in content: an episode in which a
passage comes back (a recurring segment, a clip replayed, a story told again) can give the same
passage ten times. So selection here also:

- drops **near-duplicates**: two candidates are the same when their word 3-grams overlap
  (:data:`TEXT_CONTAINMENT` of the smaller set: said again nearly word for word) or when most of the
  smaller one's words lie in sentences with a close match (MiniLM cosine >= :data:`SENTENCE_COSINE`,
  the vectors the topic stage computed, never embedded again) in the other (said again in other
  words); the better-scored take stays;
- keeps **sponsor reads and housekeeping** out: a sentence with an ad-read cue (:data:`AD_CUES`:
  "brought to you by", "use code", "dot com slash" ...) is an ad sentence, and so is every sentence
  of the same speaker between two of them at most :data:`AD_GAP` sentences apart; a candidate with
  more than :data:`AD_SHARE` of its words in ad sentences, or at least :data:`HOUSEKEEPING_SHARE`
  in ads and housekeeping sentences (greetings, thanks, calls to action: ``filler_score``), is kept
  out unless ``HighlightOptions.include_housekeeping``;
- **spreads over topics** in a long episode: round-robin over the chapters
  (:func:`.chapters.plan_chapters`): the best of every topic first, then the second best of each,
  and so on; candidates below :data:`SPREAD_FLOOR` of the best score wait until every round is done.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np

from spaceclip.services.highlights.features import has_phrase, lower_text
from spaceclip.services.highlights.select import overlap, rank_key
from spaceclip.services.highlights.types import Coverage, ScoredCandidate

__all__ = [
    "AD_CUES",
    "SPREAD_MIN_S",
    "ad_sentences",
    "containment",
    "coverage_of",
    "is_near_duplicate",
    "kept_out",
    "mean_vector",
    "meaning_containment",
    "near_duplicate_text",
    "select_covering",
    "shingles",
]

SHINGLE_WORDS = 3
TEXT_CONTAINMENT = 0.5  # shared 3-grams over the smaller set: said again nearly word for word
SENTENCE_COSINE = 0.75  # a sentence this close to one of the other candidate's says the same
MEANING_CONTAINMENT = 0.5  # of the smaller candidate's words in such sentences: said again
MIN_SENTENCE_WORDS = 4  # shorter sentences ("Okay.", "Right, right.") are left out of the match
MEANING_MIN_WORDS = 30  # shorter candidates are compared by text only (one topic's short clips look alike)
AD_SHARE = 0.25  # more of a candidate's words than this in a sponsor read: kept out
HOUSEKEEPING_SHARE = 0.75  # at least this much ads + housekeeping: kept out
HOUSEKEEPING_FILLER = 0.6  # a sentence's filler_score from which it counts as housekeeping
AD_GAP = 3  # sentences without a cue that may lie between two ad sentences of one read
SPREAD_MIN_S = 600.0  # topics are spread over in episodes at least this long
SPREAD_FLOOR = 0.5  # of the best score: below it a candidate waits for the spread rounds to end
# Phrases of sponsor reads (English; matched as whole words on lower-case text without punctuation).
AD_CUES = (
    "brought to you by",
    "sponsored by",
    "supported by",
    "our sponsor",
    "today's sponsor",
    "this week's sponsor",
    "a word from our",
    "promo code",
    "use code",
    "use the code",
    "with code",
    "discount code",
    "coupon code",
    "percent off",
    "free trial",
    "free shipping",
    "free delivery",
    "first order",
    "first box",
    "dot com slash",
    "link in the description",
    "back to the show",
)
_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)?")


def shingles(text: str, n: int = SHINGLE_WORDS) -> frozenset[str]:
    """The text's word ``n``-grams (lower case, punctuation dropped); a text shorter than ``n``
    words gives its whole word sequence as one."""
    words = _TOKEN.findall(text.lower())
    if len(words) < n:
        return frozenset({" ".join(words)}) if words else frozenset()
    return frozenset(" ".join(words[i : i + n]) for i in range(len(words) - n + 1))


def containment(a: frozenset[str], b: frozenset[str]) -> float:
    """Shared n-grams as a share of the smaller set (0..1; 0 when either is empty)."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def mean_vector(vectors: np.ndarray | None, first: int, last: int) -> np.ndarray | None:
    """The unit mean of ``vectors[first:last]`` (None without vectors or for an empty range)."""
    if vectors is None or last <= first or last > vectors.shape[0]:
        return None
    mean = vectors[first:last].astype(np.float64).mean(axis=0)
    norm = float(np.linalg.norm(mean))
    return mean / norm if norm > 0 else None


def meaning_containment(a: Coverage, b: Coverage) -> float:
    """The share of the words of the candidate with fewer words that lie in sentences (of
    :data:`MIN_SENTENCE_WORDS` or more) with a match of cosine >= :data:`SENTENCE_COSINE` among the
    other's sentences (0 without vectors): a passage said again in other words inside a longer window."""
    if a.sentence_vectors is None or b.sentence_vectors is None or not a.sentence_words or not b.sentence_words:
        return 0.0
    small, large = (a, b) if sum(a.sentence_words) <= sum(b.sentence_words) else (b, a)
    assert small.sentence_vectors is not None and large.sentence_vectors is not None
    best = (small.sentence_vectors @ large.sentence_vectors.T).max(axis=1)
    words = np.asarray(small.sentence_words, dtype=np.float64)
    counted = words >= MIN_SENTENCE_WORDS
    total = float(words[counted].sum())
    return float(words[counted & (best >= SENTENCE_COSINE)].sum()) / total if total > 0 else 0.0


def is_near_duplicate(a: Coverage, b: Coverage) -> bool:
    """Whether two candidates say the same thing: by text (3-gram containment), or by meaning (most
    of the smaller one's words in sentences that the other says too, by MiniLM cosine). The cosine of
    the two mean vectors is not enough: in a one-topic talk every long window looks alike."""
    if containment(a.shingles, b.shingles) >= TEXT_CONTAINMENT:
        return True
    if a.vector is None or b.vector is None:
        return False
    if min(sum(a.sentence_words), sum(b.sentence_words)) < MEANING_MIN_WORDS:
        return False
    return meaning_containment(a, b) >= MEANING_CONTAINMENT


def near_duplicate_text(a: str, b: str) -> bool:
    """The text half of :func:`is_near_duplicate`, for stored highlights (no vectors)."""
    return containment(shingles(a), shingles(b)) >= TEXT_CONTAINMENT


def ad_sentences(texts: Sequence[str], speakers: Sequence[str | None]) -> list[bool]:
    """Which sentences belong to a sponsor read: those with an :data:`AD_CUES` phrase, and the
    sentences of the same speaker between two of them at most :data:`AD_GAP` apart."""
    cued = [any(has_phrase(lower_text(t), cue) for cue in AD_CUES) for t in texts]
    flags = list(cued)
    last: int | None = None
    for i, is_cue in enumerate(cued):
        if last is not None and i > 0 and speakers[i] != speakers[i - 1]:
            last = None
        if not is_cue:
            continue
        if last is not None and i - last - 1 <= AD_GAP:
            for j in range(last + 1, i):
                flags[j] = True
        last = i
    return flags


def coverage_of(
    text: str,
    first: int,
    last: int,
    *,
    words: Sequence[int],
    ads: Sequence[bool],
    housekeeping: Sequence[bool],
    vectors: np.ndarray | None,
    topic: int = -1,
) -> Coverage:
    """The :class:`Coverage` of the candidate ``sentences[first:last]`` (``words``: each
    sentence's word count; ``ads``/``housekeeping``: per-sentence flags)."""
    total = max(1, sum(words[first:last]))
    ad_words = sum(words[i] for i in range(first, last) if ads[i])
    kept_words = sum(words[i] for i in range(first, last) if ads[i] or housekeeping[i])
    return Coverage(
        shingles=shingles(text),
        vector=mean_vector(vectors, first, last),
        sentence_vectors=vectors[first:last] if vectors is not None and last <= vectors.shape[0] else None,
        sentence_words=tuple(words[first:last]),
        topic=topic,
        ad_share=ad_words / total,
        housekeeping_share=kept_words / total,
    )


def kept_out(item: ScoredCandidate) -> bool:
    """Whether a candidate is mostly a sponsor read or housekeeping (see the module's rules)."""
    c = item.coverage
    return c is not None and (c.ad_share > AD_SHARE or c.housekeeping_share >= HOUSEKEEPING_SHARE)


def _fits(item: ScoredCandidate, chosen: Iterable[ScoredCandidate], max_overlap: float) -> bool:
    span = (item.candidate.start, item.candidate.end)
    for other in chosen:
        if overlap(span, (other.candidate.start, other.candidate.end)) > max_overlap + 1e-9:
            return False
        if item.coverage is not None and other.coverage is not None:
            if is_near_duplicate(item.coverage, other.coverage):
                return False
        elif near_duplicate_text(item.candidate.text, other.candidate.text):
            return False
    return True


def select_covering(
    items: Sequence[ScoredCandidate], *, max_overlap: float, limit: int, spread: bool = True
) -> list[ScoredCandidate]:
    """Up to ``limit`` items, best first: none overlapping another by more than ``max_overlap`` of
    the shorter, no two near-duplicates (the better-scored one kept), and, when ``spread`` and the
    items carry topics, one per topic per round (best topics first) before any topic's next.

    Deterministic: ties fall back on :func:`.select.rank_key`.
    """
    if limit <= 0:
        return []
    ranked = sorted(items, key=rank_key)
    topics = {it.coverage.topic for it in ranked if it.coverage is not None and it.coverage.topic >= 0}
    chosen: list[ScoredCandidate] = []
    ids: set[int] = set()
    if spread and len(topics) > 1 and ranked:
        floor = SPREAD_FLOOR * ranked[0].score
        taken: Counter[int] = Counter()
        spreadable = [it for it in ranked if it.score >= floor and it.coverage is not None]
        for round_ in range(len(spreadable)):
            added = False
            for it in spreadable:
                assert it.coverage is not None
                if len(chosen) >= limit:
                    break
                if taken[it.coverage.topic] <= round_ and id(it) not in ids and _fits(it, chosen, max_overlap):
                    chosen.append(it)
                    ids.add(id(it))
                    taken[it.coverage.topic] += 1
                    added = True
            if not added or len(chosen) >= limit:
                break
    for it in ranked:
        if len(chosen) >= limit:
            break
        if id(it) not in ids and _fits(it, chosen, max_overlap):
            chosen.append(it)
            ids.add(id(it))
    return sorted(chosen, key=rank_key)
