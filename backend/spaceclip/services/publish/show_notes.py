"""An episode's show notes: a summary paragraph, key quotes with timestamps, the speakers by name,
the chapters and links to the clips, as Markdown and as plain text.

Extractive without an LLM (:func:`extractive_summary`: the most salient sentences of the episode,
one per chapter where there are chapters, in time order, small talk left out); written by the local
LLM when it answers (:func:`llm_summary`, which never raises and keeps the extractive paragraph on
any trouble). :func:`render_markdown` and :func:`render_text` are pure.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from spaceclip.errors import LlmBadAnswer, LlmUnavailable
from spaceclip.services.edit.chapter_formats import clock
from spaceclip.services.edit.chapters import Chapter
from spaceclip.services.highlights import features
from spaceclip.services.highlights.types import Sentence

if TYPE_CHECKING:
    from spaceclip.services.highlights.llm import LlmClient

__all__ = [
    "ClipLink",
    "Quote",
    "ShowNotes",
    "extractive_summary",
    "llm_summary",
    "render_markdown",
    "render_text",
]

log = logging.getLogger(__name__)

SUMMARY_SENTENCES = 3
LLM_TEXT_CHARS = 6000
_SUMMARY_SCHEMA = {
    "type": "object",
    "properties": {"summary": {"type": "string"}},
    "required": ["summary"],
    "additionalProperties": False,
}


@dataclass(frozen=True, slots=True)
class Quote:
    start: float
    text: str
    speaker: str | None = None


@dataclass(frozen=True, slots=True)
class ClipLink:
    title: str
    start: float
    end: float
    url: str


@dataclass(frozen=True)
class ShowNotes:
    """Everything the notes hold; ``summary_source`` is ``"extractive"`` or ``"llm"``."""

    title: str
    summary: str
    summary_source: str
    speakers: tuple[str, ...]
    quotes: tuple[Quote, ...] = ()
    chapters: tuple[Chapter, ...] = ()
    clips: tuple[ClipLink, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)


def _salience(sentences: Sequence[Sentence], word_lists: bool) -> list[float]:
    texts = [s.text for s in sentences]
    weights = features.keyword_weights(" ".join(texts), texts, word_lists=word_lists)
    scores = []
    for s in sentences:
        words = [w.lower().strip(".,!?;:\"'") for w in s.text.split()]
        if len(words) < 6 or features.filler_score(s.text, word_lists=word_lists) >= 0.5:
            scores.append(0.0)
            continue
        scores.append(sum(weights.get(w, 0.0) for w in words) / len(words) ** 0.5)
    return scores


def extractive_summary(
    sentences: Sequence[Sentence],
    chapters: Sequence[Chapter] = (),
    *,
    word_lists: bool = True,
    count: int = SUMMARY_SENTENCES,
) -> str:
    """The ``count`` most salient sentences (one per chapter first, when there are chapters), in
    the order they were said, as one paragraph. Pure."""
    if not sentences:
        return ""
    scores = _salience(sentences, word_lists)
    ranked = sorted(range(len(sentences)), key=lambda i: (-scores[i], i))
    chosen: list[int] = []
    if chapters:
        for chapter in sorted(chapters, key=lambda c: c.end - c.start, reverse=True):
            inside = [i for i in ranked if chapter.start <= sentences[i].start < chapter.end and scores[i] > 0]
            if inside and len(chosen) < count:
                chosen.append(inside[0])
    for i in ranked:
        if len(chosen) >= count:
            break
        if i not in chosen and scores[i] > 0:
            chosen.append(i)
    if not chosen:
        chosen = [max(range(len(sentences)), key=lambda i: len(sentences[i].text))]
    return " ".join(features.display_sentence(sentences[i].text) for i in sorted(chosen))


def llm_summary(
    client: LlmClient, title: str, sentences: Sequence[Sentence], chapters: Sequence[Chapter]
) -> tuple[str | None, str | None]:
    """``(summary, note)``: the LLM's paragraph, or None and why not. Never raises."""
    status = client.status()
    if not status.available:
        return None, f"The summary is extractive: {status.message}"
    outline = "; ".join(c.title for c in chapters if c.title)
    text = " ".join(s.text for s in sentences)[:LLM_TEXT_CHARS]
    messages = [
        {
            "role": "system",
            "content": "You write podcast show notes. Answer with JSON: a summary of 2 to 4 sentences, in the "
            "episode's language, about what is discussed, no hype, no hashtags, no timestamps.",
        },
        {"role": "user", "content": f"Episode: {title}\nChapters: {outline}\nTranscript (start):\n{text}"},
    ]
    try:
        answer = client.chat_json(messages, _SUMMARY_SCHEMA, max_tokens=300)
    except (LlmBadAnswer, LlmUnavailable) as exc:
        return None, f"The summary is extractive: {exc.user_message}"
    summary = " ".join(str(answer.get("summary", "")).split())
    return (summary, None) if summary else (None, "The summary is extractive: the LLM gave an empty one.")


def render_markdown(notes: ShowNotes) -> str:
    """The notes as Markdown (headings, a bullet list per part)."""
    out = [f"# {notes.title}", "", notes.summary, ""]
    if notes.speakers:
        out += ["## Speakers", "", *[f"- {name}" for name in notes.speakers], ""]
    if notes.chapters:
        out += ["## Chapters", "", *[f"- {clock(c.start)} {c.title}" for c in notes.chapters], ""]
    if notes.quotes:
        out += ["## Key quotes", ""]
        for q in notes.quotes:
            who = f" — {q.speaker}" if q.speaker else ""
            out.append(f"- **{clock(q.start)}** “{q.text}”{who}")
        out.append("")
    if notes.clips:
        out += [
            "## Clips",
            "",
            *[f"- [{c.title}]({c.url}) ({clock(c.start)} to {clock(c.end)})" for c in notes.clips],
            "",
        ]
    return "\n".join(out).rstrip() + "\n"


def render_text(notes: ShowNotes) -> str:
    """The notes as plain text (for a podcast host's description box)."""
    out = [notes.title, "", notes.summary, ""]
    if notes.speakers:
        out += ["Speakers: " + ", ".join(notes.speakers), ""]
    if notes.chapters:
        out += ["Chapters:", *[f"{clock(c.start)} {c.title}" for c in notes.chapters], ""]
    if notes.quotes:
        out += ["Key quotes:"]
        for q in notes.quotes:
            who = f" ({q.speaker})" if q.speaker else ""
            out.append(f'{clock(q.start)} "{q.text}"{who}')
        out.append("")
    if notes.clips:
        out += ["Clips:", *[f"{c.title}: {c.url}" for c in notes.clips], ""]
    return "\n".join(out).rstrip() + "\n"
