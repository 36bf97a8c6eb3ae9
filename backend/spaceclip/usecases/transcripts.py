"""Transcripts in the database: save an analysis result, load it with speaker names, edit it."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from spaceclip.db import transactional
from spaceclip.errors import Conflict, NotFound, ValidationFailed
from spaceclip.models.tables import Segment as SegmentRow
from spaceclip.models.tables import Speaker as SpeakerRow
from spaceclip.models.tables import Transcript as TranscriptRow
from spaceclip.services.speech.fillers import filler_flags
from spaceclip.services.speech.transcript import Segment, Speaker, Transcript, VoiceTurn, Word
from spaceclip.services.speech.transcript_edit import retime_words

NO_TRANSCRIPT = "This project has no transcript yet. Wait for its analysis to finish, or start it again."


def save_transcript(db: Session, project_id: str, transcript: Transcript, *, model: str) -> None:
    """Replace the project's transcript, speakers and segments with ``transcript``.

    Speaker names the creator gave before are kept for labels that still exist.
    """
    old_names = {
        row.label: row.name for row in db.scalars(select(SpeakerRow).where(SpeakerRow.project_id == project_id))
    }
    db.execute(delete(SegmentRow).where(SegmentRow.project_id == project_id))
    db.execute(delete(SpeakerRow).where(SpeakerRow.project_id == project_id))
    db.execute(delete(TranscriptRow).where(TranscriptRow.project_id == project_id))
    db.add(
        TranscriptRow(
            project_id=project_id,
            language=transcript.language or "",
            duration=transcript.duration,
            model=model,
            turns=[t.to_list() for t in transcript.turns] or None,
        )
    )
    labels = [s.label for s in transcript.speakers]
    for segment in transcript.segments:
        if segment.speaker and segment.speaker not in labels:
            labels.append(segment.speaker)
    for position, label in enumerate(labels):
        db.add(SpeakerRow(project_id=project_id, label=label, name=old_names.get(label), position=position))
    for idx, segment in enumerate(transcript.segments):
        db.add(
            SegmentRow(
                project_id=project_id,
                idx=idx,
                start=segment.start,
                end=segment.end,
                speaker_label=segment.speaker or "Speaker 1",
                text=segment.text,
                words=[w.to_dict() for w in segment.words],
            )
        )
    db.flush()


def get_transcript_rows(db: Session, project_id: str) -> tuple[TranscriptRow, list[SpeakerRow], list[SegmentRow]]:
    meta = db.get(TranscriptRow, project_id)
    if meta is None:
        raise NotFound(NO_TRANSCRIPT)
    speakers = list(
        db.scalars(select(SpeakerRow).where(SpeakerRow.project_id == project_id).order_by(SpeakerRow.position))
    )
    segments = list(db.scalars(select(SegmentRow).where(SegmentRow.project_id == project_id).order_by(SegmentRow.idx)))
    return meta, speakers, segments


def load_transcript(db: Session, project_id: str, *, display_names: bool = True) -> Transcript:
    """The stored transcript; with ``display_names`` each segment's speaker is the creator's name."""
    meta, speakers, segments = get_transcript_rows(db, project_id)
    names = {s.label: s.display_name for s in speakers}

    def who(label: str) -> str:
        return names.get(label, label) if display_names else label

    return Transcript(
        duration=meta.duration,
        language=meta.language or None,
        speakers=tuple(Speaker(label=s.label, name=s.name) for s in speakers),
        segments=tuple(
            Segment(
                start=row.start,
                end=row.end,
                text=row.text,
                speaker=who(row.speaker_label),
                words=tuple(Word.from_dict(w, speaker=who(row.speaker_label)) for w in row.words),
            )
            for row in segments
        ),
        turns=tuple(replace(VoiceTurn.from_list(t), speaker=who(str(t[2]))) for t in meta.turns or ()),
    )


@transactional
def rename_speaker(db: Session, project_id: str, speaker_id: str, name: str | None) -> SpeakerRow:
    """Give a speaker a display name (empty or None restores ``Speaker N``)."""
    row = db.scalars(select(SpeakerRow).where(SpeakerRow.id == speaker_id, SpeakerRow.project_id == project_id)).first()
    if row is None:
        raise NotFound("This speaker does not exist in the project. Reload the transcript.")
    cleaned = (name or "").strip()
    if len(cleaned) > 200:
        raise ValidationFailed("A speaker name can have at most 200 characters.")
    row.name = cleaned or None
    db.flush()
    return row


@transactional
def edit_segment(
    db: Session, project_id: str, segment_id: str, text: str, *, expected_version: int | None
) -> SegmentRow:
    """Correct a segment's text; its words are re-timed so captions stay in sync."""
    row = db.scalars(select(SegmentRow).where(SegmentRow.id == segment_id, SegmentRow.project_id == project_id)).first()
    if row is None:
        raise NotFound("This transcript segment does not exist. Reload the transcript.")
    if expected_version is not None and expected_version != row.version:
        raise Conflict("This segment was changed meanwhile (in another tab?). Reload it and apply your edit again.")
    cleaned = " ".join(text.split())
    if not cleaned:
        raise ValidationFailed("A segment cannot be empty. Type the corrected words.")
    words = retime_words(row.words, cleaned, row.start, row.end)
    meta = db.get(TranscriptRow, project_id)
    if meta is not None and (meta.language or "en") == "en":  # the filler rules are English
        flags = filler_flags([w["word"] for w in words])
        words = [{**w, "filler": f} for w, f in zip(words, flags, strict=True)]
    row.words = words
    row.text = cleaned
    row.edited = True
    db.flush()
    return row


def speaker_names(db: Session, project_id: str) -> dict[str, str]:
    """Speaker label → the name to show (the creator's name, else the label)."""
    rows = db.scalars(select(SpeakerRow).where(SpeakerRow.project_id == project_id))
    return {row.label: row.display_name for row in rows}
