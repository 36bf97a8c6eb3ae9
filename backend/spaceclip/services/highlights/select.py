"""Choosing highlights from scored candidates: best first, no two overlapping too much (pure)."""

from __future__ import annotations

from collections.abc import Sequence

from spaceclip.services.highlights.types import ScoredCandidate

__all__ = ["overlap", "rank_key", "select_spans"]


def overlap(a: tuple[float, float], b: tuple[float, float]) -> float:
    """The shared time of two spans as a share of the shorter one (0..1; 0 for empty spans)."""
    shared = min(a[1], b[1]) - max(a[0], b[0])
    shorter = min(a[1] - a[0], b[1] - b[0])
    if shared <= 0 or shorter <= 0:
        return 0.0
    return min(1.0, shared / shorter)


def rank_key(item: ScoredCandidate) -> tuple[float, float, float]:
    """Best score first; ties by earlier start, then earlier end (stable, deterministic)."""
    return (-round(item.score, 6), item.candidate.start, item.candidate.end)


def select_spans(items: Sequence[ScoredCandidate], *, max_overlap: float, limit: int) -> list[ScoredCandidate]:
    """Greedy selection in :func:`rank_key` order: an item is taken when it overlaps every item
    taken before by at most ``max_overlap`` of the shorter one; stops after ``limit`` items."""
    chosen: list[ScoredCandidate] = []
    if limit <= 0:
        return chosen
    for item in sorted(items, key=rank_key):
        span = (item.candidate.start, item.candidate.end)
        if all(overlap(span, (c.candidate.start, c.candidate.end)) <= max_overlap + 1e-9 for c in chosen):
            chosen.append(item)
            if len(chosen) >= limit:
                break
    return chosen
