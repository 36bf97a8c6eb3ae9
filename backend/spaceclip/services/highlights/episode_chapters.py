"""An episode's chapters from its transcript: sentences → topic shifts → :func:`.chapters.plan_chapters`,
titled by the local LLM when it answers (:func:`.chapters.llm_titles`), extractive otherwise.

Pure of the database: the ``chapters`` job calls it. Returns the chapters as
:class:`spaceclip.services.edit.chapters.Chapter`, the type the exports and edits share.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from spaceclip.config import Settings
from spaceclip.services.edit.chapters import Chapter
from spaceclip.services.highlights import lexicon
from spaceclip.services.highlights.chapters import llm_titles, plan_chapters
from spaceclip.services.highlights.sentences import SplitOptions, split_sentences
from spaceclip.services.highlights.topics import topic_shifts
from spaceclip.services.speech.transcript import Transcript

__all__ = ["EpisodeChapters", "episode_chapters"]

log = logging.getLogger(__name__)

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class EpisodeChapters:
    """The planned chapters, the sentence starts a chapter may move to, and the LLM's note (None:
    not asked, or every title came from it)."""

    chapters: tuple[Chapter, ...]
    sentence_starts: tuple[float, ...]
    llm_note: str | None = None


def episode_chapters(
    transcript: Transcript, settings: Settings, *, use_llm: bool = True, progress: Progress | None = None
) -> EpisodeChapters:
    """Plan the chapters of ``transcript`` (empty for an episode too short for three of 10 s)."""
    report = progress or (lambda _f, _m: None)
    word_lists = lexicon.covers(transcript.language)
    report(0.05, "Finding the episode's sentences")
    sentences = split_sentences(list(transcript.words), SplitOptions(comma_splices=word_lists))
    report(0.2, "Finding where the topic changes")
    shifts = topic_shifts([s.text for s in sentences])
    planned = plan_chapters(sentences, shifts, transcript.duration, word_lists=word_lists)
    note: str | None = None
    if planned and use_llm and settings.ollama_max_candidates > 0:
        from spaceclip.services.highlights.llm import client_from_settings, log_note_once

        client = client_from_settings(settings)
        report(0.6, f"Asking the local LLM ({client.model}) for chapter titles")
        planned, note = llm_titles(planned, sentences, client, budget_s=settings.ollama_budget_s)
        if note:
            log_note_once(client.host, client.model, note)
    report(1.0, f"Planned {len(planned)} chapters")
    chapters = tuple(planned)
    return EpisodeChapters(chapters, tuple(s.start for s in sentences), note)
