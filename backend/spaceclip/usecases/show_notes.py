"""A project's show notes, from what SpaceClip already stored: the transcript, chapters, highlights
and clips; the summary written by the local LLM when asked and it answers, extractive otherwise."""

from __future__ import annotations

from collections import Counter

from sqlalchemy.orm import Session

from spaceclip.config import Settings
from spaceclip.errors import Conflict
from spaceclip.models.tables import ChapterList, Project
from spaceclip.models.tables import Transcript as TranscriptRow
from spaceclip.services.highlights import lexicon
from spaceclip.services.highlights.sentences import SplitOptions, split_sentences
from spaceclip.services.publish.show_notes import (
    ClipLink,
    Quote,
    ShowNotes,
    extractive_summary,
    llm_summary,
)
from spaceclip.usecases.chapters import chapters_of
from spaceclip.usecases.clips import list_clips
from spaceclip.usecases.highlights import list_highlights
from spaceclip.usecases.transcripts import load_transcript

__all__ = ["MAX_QUOTES", "build_show_notes"]

MAX_QUOTES = 5
NO_TRANSCRIPT = "This project has no transcript yet. Wait for its analysis to finish, then write its show notes."


def build_show_notes(db: Session, settings: Settings, project: Project, *, use_llm: bool = True) -> ShowNotes:
    """The notes of ``project``.

    Raises:
        Conflict: no transcript yet.
    """
    if db.get(TranscriptRow, project.id) is None:
        raise Conflict(NO_TRANSCRIPT)
    transcript = load_transcript(db, project.id)
    word_lists = lexicon.covers(transcript.language)
    sentences = split_sentences(list(transcript.words), SplitOptions(comma_splices=word_lists))
    talk: Counter[str] = Counter()
    for seg in transcript.segments:
        if seg.speaker:
            talk[seg.speaker] += len(seg.words) or len(seg.text.split())
    speakers = tuple(name for name, _ in talk.most_common())
    chapters = tuple(chapters_of(db.get(ChapterList, project.id)))
    quotes = tuple(
        Quote(start=h.start, text=h.key_sentence or h.title, speaker=h.speakers[0] if h.speakers else None)
        for h in list_highlights(db, project.id)[:MAX_QUOTES]
        if h.key_sentence or h.title
    )
    clips = tuple(
        ClipLink(title=c.title or f"Clip at {c.start:.0f} s", start=c.start, end=c.end, url=f"/clip/?id={c.id}")
        for c in sorted(list_clips(db, project.owner_id, project.id), key=lambda c: c.start)
    )
    summary = extractive_summary(sentences, chapters, word_lists=word_lists)
    source, notes = "extractive", tuple[str, ...]()
    if use_llm:
        from spaceclip.services.highlights.llm import client_from_settings, log_note_once

        client = client_from_settings(settings)
        written, note = llm_summary(client, project.name, sentences, chapters)
        if written:
            summary, source = written, "llm"
        elif note:
            log_note_once(client.host, client.model, note)
            notes = (note,)
    return ShowNotes(
        title=project.name, summary=summary, summary_source=source, speakers=speakers, quotes=quotes,
        chapters=chapters, clips=clips, notes=notes,
    )  # fmt: skip
