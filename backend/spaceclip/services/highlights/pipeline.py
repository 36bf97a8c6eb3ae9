"""Find highlights: the one entry point for the analyze job, the "find more" job, the API and the CLI.

Built-in ranking (always) → optional LLM re-rank of the best candidates → overlap rule and count →
:class:`Highlight` list. LLM trouble never raises and never hangs: the built-in results stand, and the
result carries a note ("LLM unavailable: …") that is logged once per process for each host and model.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from spaceclip.config import Settings
from spaceclip.services.highlights import builtin
from spaceclip.services.highlights.llm import client_from_settings, log_note_once
from spaceclip.services.highlights.rerank import RerankOutcome, rerank
from spaceclip.services.highlights.types import (
    Highlight,
    HighlightOptions,
    HighlightResult,
    LlmSuggestion,
    ScoredCandidate,
)
from spaceclip.services.speech.transcript import Transcript

__all__ = ["BUILTIN_WEIGHT", "LLM_WEIGHT", "blend_score", "find_highlights"]

log = logging.getLogger(__name__)

BUILTIN_WEIGHT = 0.6
LLM_WEIGHT = 0.4

Progress = Callable[[float, str], None]


def blend_score(builtin_score: float, llm_rating: float) -> float:
    """The re-ranked score: mostly the explainable built-in score, nudged by the LLM's rating (0..100)."""
    return round(BUILTIN_WEIGHT * builtin_score + LLM_WEIGHT * llm_rating, 2)


def _with_suggestion(sc: ScoredCandidate, s: LlmSuggestion, model: str) -> ScoredCandidate:
    reason = f"{sc.reason} The local LLM ({model}) rated it {s.rating:.0f}/100."
    features = {**sc.features, "llm_rating": s.rating / 100.0}
    return replace(
        sc,
        score=blend_score(sc.score, s.rating),
        features=features,
        reason=reason,
        title=s.title,
        hashtags=s.hashtags,
    )


def _key(sc: ScoredCandidate) -> tuple[int, int]:
    return (sc.candidate.first, sc.candidate.last)


def _apply(
    ranked: list[ScoredCandidate], outcome: RerankOutcome
) -> tuple[list[ScoredCandidate], dict[tuple[int, int], LlmSuggestion], dict[tuple[int, int], str]]:
    """Blend the LLM's ratings into ``ranked`` and sort again (ties keep the built-in order)."""
    model = outcome.model or "LLM"
    updated = [
        _with_suggestion(sc, outcome.suggestions[i], model) if i in outcome.suggestions else sc
        for i, sc in enumerate(ranked)
    ]
    order = sorted(range(len(updated)), key=lambda i: (-updated[i].score, i))
    suggestions = {_key(ranked[i]): s for i, s in outcome.suggestions.items()}
    notes = {_key(ranked[i]): n for i, n in outcome.notes.items()}
    return [updated[i] for i in order], suggestions, notes


def _highlight(sc: ScoredCandidate, suggestion: LlmSuggestion | None, note: str | None) -> Highlight:
    h = builtin.as_highlight(sc)
    if suggestion is not None:
        return replace(
            h,
            title=suggestion.title,
            hook=suggestion.hook,
            description=suggestion.description,
            hashtags=suggestion.hashtags,
            source="llm",
        )
    return replace(h, llm_note=note) if note else h


def find_highlights(
    transcript: Transcript,
    settings: Settings,
    options: HighlightOptions,
    *,
    audio_path: Path | None = None,
    progress: Progress | None = None,
) -> HighlightResult:
    """Rank the transcript's best clips; re-rank them with the local LLM when asked and available.

    Args:
        transcript: the words with times and speakers.
        settings: LLM host, model, timeouts and how many candidates to send.
        options: lengths, count, time range, overlap, and ``use_llm``.
        audio_path: the project's audio, for the energy and pace features (optional).
        progress: called with (fraction 0..1, message).

    Returns:
        The highlights, best first, and the LLM note when the LLM was asked and could not be used.
    """
    report = progress or (lambda _f, _m: None)
    report(0.0, "Finding candidate clips")
    pool = max(options.max_count * 2, options.max_count)
    ranked = builtin.rank_candidates(transcript, options, audio_path=audio_path, pool=pool)
    outcome = RerankOutcome()
    if options.use_llm and ranked and settings.ollama_max_candidates > 0:
        client = client_from_settings(settings)
        report(0.4, f"Asking the local LLM ({client.model}) about the best clips")

        def step(done: int, total: int) -> None:
            report(0.4 + 0.55 * done / total, f"Asked the local LLM about {done} of {total} clips")

        outcome = rerank(
            client,
            ranked,
            limit=settings.ollama_max_candidates,
            budget_s=settings.ollama_budget_s,
            progress=step,
        )
        if outcome.note:
            log_note_once(client.host, client.model, outcome.note)
    reranked, suggestions, notes = _apply(ranked, outcome)
    chosen = builtin.select(reranked, options)
    highlights = tuple(_highlight(sc, suggestions.get(_key(sc)), notes.get(_key(sc))) for sc in chosen)
    report(1.0, f"Found {len(highlights)} highlights")
    return HighlightResult(highlights=highlights, llm_note=outcome.note, llm_model=outcome.model)
