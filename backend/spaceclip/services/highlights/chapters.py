"""Chapters of an episode from its topic shifts, following YouTube's rules (pure).

:func:`plan_chapters` turns the sentences and the :class:`~.topics.TopicShifts` of a transcript
into chapters: the first starts at 0:00, there are at least :data:`MIN_CHAPTERS`, each lasts at
least :data:`MIN_CHAPTER_S` seconds. Chapter starts are the strongest topic shifts (TextTiling
depth), taken strongest first while every chapter stays at least ``min_gap`` long, up to one per
:data:`SECONDS_PER_CHAPTER` of the episode. Titles are extractive: the chapter's most salient
sentence (keyword weight against the whole transcript), trimmed to :data:`TITLE_CHARS` characters.
:func:`llm_titles` may replace them with the local LLM's titles; any LLM trouble keeps them.

The chapter exports (YouTube description block, Podlove, Podcasting 2.0 JSON, MP4 atoms) build on
the :class:`Chapter` list; see :mod:`spaceclip.services.edit.chapters` for chapters read from media.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from spaceclip.errors import LlmBadAnswer, LlmUnavailable
from spaceclip.services.edit.chapters import Chapter
from spaceclip.services.highlights import features
from spaceclip.services.highlights.topics import TopicShifts, shifts_from_vectors
from spaceclip.services.highlights.types import Sentence

if TYPE_CHECKING:
    from spaceclip.services.highlights.llm import LlmClient

__all__ = [
    "MIN_CHAPTERS",
    "MIN_CHAPTER_S",
    "SECONDS_PER_CHAPTER",
    "Chapter",
    "chapter_count",
    "chapter_of",
    "llm_titles",
    "plan_chapters",
]

log = logging.getLogger(__name__)

MIN_CHAPTERS = 3  # YouTube: at least three chapters
MIN_CHAPTER_S = 10.0  # YouTube: each at least ten seconds
SECONDS_PER_CHAPTER = 180.0  # at most one chapter per three minutes
MIN_GAP_SHARE = 0.5  # on long episodes a chapter lasts at least half of SECONDS_PER_CHAPTER
TITLE_CHARS = 60
CHAPTER_WINDOW = 8  # sentences each side when the shifts carry their vectors (chapter scale)
REFINE_SENTENCES = 6  # a chosen start may move this many sentences to the better split
CUE_WEIGHT = 0.5  # a show's greeting or farewell next to a topic shift (English word lists only)
# Where a part of a show opens or closes ("Hello and welcome to ...", "... see you next week").
OPENING_CUES = (
    "welcome to",
    "welcome back",
    "hello and welcome",
    "hi and welcome",
    "hey everyone",
    "hello everyone",
    "hi everyone",
    "my guest",
    "with me today",
    "joining me",
    "this week on",
    "today on",
    "it is time for",
    "it's time for",
    "moving on to",
    "next up",
)
CLOSING_CUES = (
    "see you next",
    "that is it for",
    "that's it for",
    "that is all for",
    "that's all for",
    "thanks for listening",
    "thank you for listening",
    "thank you both",
    "thanks both",
)
_LLM_TITLE_SCHEMA = {
    "type": "object",
    "properties": {"title": {"type": "string"}},
    "required": ["title"],
    "additionalProperties": False,
}


def chapter_count(duration: float) -> int:
    """The most chapters an episode of ``duration`` seconds gets: one per
    :data:`SECONDS_PER_CHAPTER`, at least :data:`MIN_CHAPTERS` (0 when even three chapters of
    :data:`MIN_CHAPTER_S` do not fit)."""
    if duration < MIN_CHAPTERS * MIN_CHAPTER_S:
        return 0
    return max(MIN_CHAPTERS, int(duration // SECONDS_PER_CHAPTER))


def _min_gap(duration: float) -> float:
    """The shortest chapter planned: 10 s, and on long episodes half of one chapter's share."""
    return max(MIN_CHAPTER_S, min(MIN_GAP_SHARE * SECONDS_PER_CHAPTER, duration / (2 * MIN_CHAPTERS)))


def _fits(start: float, taken: Sequence[float], duration: float, gap: float) -> bool:
    return start >= gap and duration - start >= gap and all(abs(start - t) >= gap for t in taken)


def _cues(sentences: Sequence[Sentence], word_lists: bool) -> list[float]:
    """Per sentence gap ``g`` (before sentence ``g``): 1 where sentence ``g`` greets or ``g - 1``
    says goodbye (0.5 for one of them), 0 without word lists."""
    if not word_lists:
        return [0.0] * len(sentences)
    lowered = [features.lower_text(s.text) for s in sentences]
    opening = [any(features.has_phrase(t, c) for c in OPENING_CUES) for t in lowered]
    closing = [any(features.has_phrase(t, c) for c in CLOSING_CUES) for t in lowered]
    return [0.5 * opening[g] + 0.5 * (g > 0 and closing[g - 1]) for g in range(len(sentences))]


def _refine(vectors: np.ndarray, starts: list[int], cues: Sequence[float]) -> list[int]:
    """Move each start (sentence index; ``starts[0]`` is 0) to the split, within
    :data:`REFINE_SENTENCES` either way, where the sentences near it lean most towards their own
    side: the sentences before the split closer to the previous chapter's mean vector, those after
    closer to the next chapter's (the new show's greeting belongs to the new topic, the old one's
    farewell to the old)."""
    n = vectors.shape[0]
    bounds = [*starts, n]
    out = list(starts)
    for k in range(1, len(starts)):
        lo_chapter, here, hi_chapter = out[k - 1], starts[k], bounds[k + 1]
        left = vectors[lo_chapter:here].mean(axis=0)
        right = vectors[here:hi_chapter].mean(axis=0)
        lean = vectors @ (right - left)  # > 0: the sentence belongs with the next chapter
        lo = max(lo_chapter + 1, here - REFINE_SENTENCES)
        hi = min(hi_chapter - 1, here + REFINE_SENTENCES)
        best, best_score = here, -np.inf
        for g in range(lo, hi + 1):
            score = float(lean[g : hi + 1].sum() - lean[lo:g].sum()) + 2 * CUE_WEIGHT * cues[g]
            if score > best_score + 1e-9:
                best, best_score = g, score
        out[k] = best
    return out


def _choose_starts(
    sentences: Sequence[Sentence], shifts: TopicShifts, duration: float, word_lists: bool
) -> list[float]:
    limit = chapter_count(duration)
    if limit == 0:
        return []
    vectors = shifts.vectors
    if vectors is not None and vectors.shape[0] == len(sentences) and len(sentences) > 2 * CHAPTER_WINDOW:
        shifts = shifts_from_vectors(vectors, shifts.method, window=CHAPTER_WINDOW)
    else:
        vectors = None
    gap = _min_gap(duration)
    cues = _cues(sentences, word_lists)
    near_cue = [max(cues[max(0, g - REFINE_SENTENCES) : g + REFINE_SENTENCES + 1]) for g in range(len(sentences))]

    def rank(i: int) -> tuple[float, bool, int]:
        strength = shifts.strength[i] if i < len(shifts.strength) else 0.0
        return (-(strength + CUE_WEIGHT * near_cue[i]), i not in shifts.boundaries, i)

    order = sorted(range(1, len(sentences)), key=rank)
    taken: list[int] = []
    # First the liberal boundaries (strongest first), then any other sentence start to reach three.
    for pass_boundaries in (True, False):
        for i in order:
            if len(taken) >= limit - 1 or (not pass_boundaries and len(taken) >= MIN_CHAPTERS - 1):
                break
            if pass_boundaries and i not in shifts.boundaries:
                continue
            starts = [sentences[j].start for j in taken]
            if i not in taken and _fits(
                sentences[i].start, starts, duration, gap if pass_boundaries else MIN_CHAPTER_S
            ):
                taken.append(i)
    if len(taken) < MIN_CHAPTERS - 1:  # too few sentences: cut into equal parts
        return [duration * k / MIN_CHAPTERS for k in range(MIN_CHAPTERS)]
    chosen = [0, *sorted(taken)]
    if vectors is not None:
        refined = _refine(vectors, chosen, cues)
        times = [sentences[i].start for i in refined]
        if all(b - a >= MIN_CHAPTER_S for a, b in zip([0.0, *times[1:]], [*times[1:], duration], strict=True)):
            chosen = refined
    return [0.0, *(sentences[i].start for i in chosen[1:])]


def _title(sentences: Sequence[Sentence], all_texts: Sequence[str], word_lists: bool) -> str:
    """The chapter's most salient sentence (mean keyword weight, small talk left out), trimmed."""
    best, best_weight = "", -1.0
    for s in sentences:
        if features.filler_score(s.text, word_lists=word_lists) >= 0.5:
            continue
        weights = features.keyword_weights(s.text, all_texts, word_lists=word_lists)
        weight = sum(weights.values()) / max(4, len(s.text.split()))
        if weight > best_weight:
            best, best_weight = s.text, weight
    if not best:
        best = max((s.text for s in sentences), key=len, default="")
    return features.trim_title(features.display_sentence(best), TITLE_CHARS, word_lists=word_lists) if best else ""


def chapter_of(chapters: Sequence[Chapter], t: float) -> int:
    """The index of the chapter that holds time ``t`` (the last one starting at or before it; 0 before all)."""
    index = 0
    for k, c in enumerate(chapters):
        if c.start <= t + 1e-9:
            index = k
    return index


def plan_chapters(
    sentences: Sequence[Sentence], shifts: TopicShifts, duration: float, *, word_lists: bool = True
) -> list[Chapter]:
    """Chapters of an episode, in order, following YouTube's rules.

    The first starts at 0:00 and the last ends at ``duration``; each chapter starts on a sentence
    (its first word), lasts at least 10 s, and there are at least three, or none at all when the
    episode is shorter than 30 s. Starts are the strongest topic shifts that keep every chapter at
    least ``max(10 s, min(90 s, duration / 6))`` long, at most one chapter per three minutes; when
    the topic shifts give fewer than three, the next strongest sentence starts fill in (10 s apart),
    and with too few sentences the episode is cut into three equal parts.

    Args:
        sentences: the transcript's sentences in order (:func:`.sentences.split_sentences`).
        shifts: their topic shifts (:func:`.topics.topic_shifts` over the sentences' texts).
        duration: the episode's length in seconds.
        word_lists: False for a language the English word lists do not cover (titles keep every word).

    Returns:
        The chapters, each with an extractive title (empty only where a chapter holds no sentence).
    """
    starts = _choose_starts(sentences, shifts, duration, word_lists)
    if not starts:
        return []
    all_texts = [s.text for s in sentences]
    ends = [*starts[1:], duration]
    chapters = []
    for start, end in zip(starts, ends, strict=True):
        inside = [s for s in sentences if start - 1e-9 <= s.start < end - 1e-9]
        chapters.append(Chapter(round(start, 3), round(end, 3), _title(inside, all_texts, word_lists)))
    return chapters


def llm_titles(
    chapters: Sequence[Chapter], sentences: Sequence[Sentence], client: LlmClient, *, budget_s: float = 60.0
) -> tuple[list[Chapter], str | None]:
    """The chapters with titles from the local LLM (one request per chapter, its first 1,500
    characters of text). Never raises for LLM trouble and never runs past ``budget_s`` (checked
    before each request): a chapter the LLM could not title keeps its extractive title.

    Returns:
        The chapters, and a note when the LLM could not be used (None when every title came from it).
    """
    out = list(chapters)
    status = client.status()
    if not status.available:
        return out, f"Chapter titles are extractive: {status.message}"
    started = time.monotonic()
    note: str | None = None
    for k, c in enumerate(chapters):
        if time.monotonic() - started > budget_s:
            note = f"LLM time budget of {budget_s:g} s used up after {k} of {len(chapters)} chapter titles."
            break
        text = " ".join(s.text for s in sentences if c.start - 1e-9 <= s.start < c.end - 1e-9)[:1500]
        messages = [
            {
                "role": "system",
                "content": "You title podcast chapters. Answer with JSON: a title of at most 8 words, "
                "no quotes, no episode numbers.",
            },
            {"role": "user", "content": f"Chapter text:\n{text}"},
        ]
        try:
            answer = client.chat_json(messages, _LLM_TITLE_SCHEMA, max_tokens=60)
        except LlmBadAnswer as exc:
            note = f"Some chapter titles are extractive: {exc.user_message}"
            continue
        except LlmUnavailable as exc:
            note = f"Chapter titles are extractive from chapter {k + 1} on: {exc.user_message}"
            break
        title = " ".join(str(answer.get("title", "")).split()).strip("\"'")
        if title:
            out[k] = replace(c, title=features.trim_title(title, TITLE_CHARS))
    if note:
        log.info("chapters: %s", note)
    return out, note
