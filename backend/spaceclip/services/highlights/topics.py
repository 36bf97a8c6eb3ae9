"""Topic shifts between sentences, TextTiling-style (Hearst 1997) over sentence embeddings.

For every gap between two sentences, the mean embedding of the ``window`` sentences before is
compared with the mean of the ``window`` after (cosine). Where that similarity dips into a valley,
the valley's depth (how far it lies below the nearest peaks on both sides) measures how strongly the
topic changes there. Valleys deeper than ``mean - sd / 2`` of all valley depths are boundaries
(Hearst's liberal cut-off). Embeddings come from all-MiniLM-L6-v2; when that model cannot be loaded
the same method runs on hashed bag-of-words vectors, with a warning in the log.
"""

from __future__ import annotations

import logging
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from spaceclip.errors import ModelMissing
from spaceclip.services.highlights.embeddings import get_embedder

__all__ = [
    "TopicShifts",
    "depth_scores",
    "gap_similarities",
    "lexical_vectors",
    "sentence_vectors",
    "shifts_from_vectors",
    "topic_shifts",
]

log = logging.getLogger(__name__)


def _words(text: str) -> list[str]:
    """A word list written as one string (keeps long vocabularies readable)."""
    return text.split()


WINDOW = 3
_LEXICAL_DIM = 1024
_TOKEN = re.compile(r"[^\W\d_](?:[^\W\d_]|')+")  # [a-z][a-z']+ in any script
_LEXICAL_STOP = frozenset(
    _words(
        """the a an and or but so to of in on at for with from by is are was were be been it its this that these those
    i you he she we they me him her us them my your his our their what which who how when where why not no
    yes do does did have has had will would can could should just very really there here then than as if
    about"""
    )
)


@dataclass(frozen=True, slots=True)
class TopicShifts:
    """``strength[i]`` (0..1): how strongly the topic changes right before sentence ``i``
    (``strength[0]`` is 1); ``boundaries``: sentence indices that open a new topic (0 included);
    ``vectors``: the unit sentence vectors the shifts were found in (one row per sentence), kept so
    that later stages (chapters, near-duplicates) do not embed the sentences again."""

    strength: tuple[float, ...]
    boundaries: frozenset[int]
    method: str
    vectors: np.ndarray | None = field(default=None, compare=False, repr=False)


def lexical_vectors(texts: Sequence[str]) -> np.ndarray:
    """Unit-length hashed bag-of-words vectors (the fallback when the embedding model is missing)."""
    vectors = np.zeros((len(texts), _LEXICAL_DIM), dtype=np.float32)
    for row, text in enumerate(texts):
        for token in _TOKEN.findall(text.lower()):
            if token not in _LEXICAL_STOP:
                vectors[row, zlib.crc32(token[:6].encode()) % _LEXICAL_DIM] += 1.0
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms > 0, norms, 1.0)


_fallback_logged = False


def sentence_vectors(texts: Sequence[str]) -> tuple[np.ndarray, str]:
    """Embeddings of ``texts`` and the method used ("minilm", or "lexical" when the model is missing)."""
    global _fallback_logged
    try:
        return get_embedder().encode(texts), "minilm"
    except ModelMissing as exc:
        if not _fallback_logged:
            log.warning("topic shifts fall back to word overlap: %s", exc)
            _fallback_logged = True
        return lexical_vectors(texts), "lexical"


def gap_similarities(vectors: np.ndarray, window: int = WINDOW) -> np.ndarray:
    """Cosine similarity across each gap ``g`` (between sentence ``g - 1`` and ``g``), ``g = 1..n-1``."""
    n = vectors.shape[0]
    sims = np.ones(max(0, n - 1), dtype=np.float64)
    if n < 2:
        return sims
    cumulative = np.vstack([np.zeros((1, vectors.shape[1])), np.cumsum(vectors.astype(np.float64), axis=0)])
    for g in range(1, n):
        lo, hi = max(0, g - window), min(n, g + window)
        left = cumulative[g] - cumulative[lo]
        right = cumulative[hi] - cumulative[g]
        denom = float(np.linalg.norm(left) * np.linalg.norm(right))
        sims[g - 1] = float(left @ right) / denom if denom > 0 else 0.0
    return sims


def depth_scores(sims: Sequence[float]) -> list[float]:
    """Hearst's depth score at each valley of ``sims`` (0 elsewhere): the climb to the highest point
    reached going left while the curve rises, plus the same going right."""
    values = list(sims)
    depths = [0.0] * len(values)
    for g, value in enumerate(values):
        left_ok = g == 0 or values[g - 1] >= value
        right_ok = g == len(values) - 1 or values[g + 1] >= value
        if not (left_ok and right_ok):
            continue
        left_peak = value
        i = g - 1
        while i >= 0 and values[i] >= left_peak:
            left_peak = values[i]
            i -= 1
        right_peak = value
        i = g + 1
        while i < len(values) and values[i] >= right_peak:
            right_peak = values[i]
            i += 1
        depths[g] = (left_peak - value) + (right_peak - value)
    return depths


def _shifts_from_vectors(vectors: np.ndarray, method: str, window: int) -> TopicShifts:
    n = vectors.shape[0]
    if n == 0:
        return TopicShifts((), frozenset(), method, vectors)
    depths = depth_scores(gap_similarities(vectors, window).tolist())
    valleys = [d for d in depths if d > 0]
    top = max(valleys, default=0.0)
    cutoff = float(np.mean(valleys) - np.std(valleys) / 2) if valleys else 0.0
    strength = [1.0] + [round(d / top, 4) if top > 0 else 0.0 for d in depths]
    boundaries = {0} | {g + 1 for g, d in enumerate(depths) if d > 0 and d >= cutoff}
    return TopicShifts(tuple(strength), frozenset(boundaries), method, vectors)


def shifts_from_vectors(vectors: np.ndarray, method: str, *, window: int = WINDOW) -> TopicShifts:
    """Topic shifts over given sentence vectors (a coarser ``window`` for chapters)."""
    return _shifts_from_vectors(vectors, method, window)


def topic_shifts(texts: Sequence[str], *, window: int = WINDOW) -> TopicShifts:
    """Topic shift strengths and boundaries for a transcript's sentences (in order)."""
    vectors, method = sentence_vectors(texts)
    return _shifts_from_vectors(vectors, method, window)
