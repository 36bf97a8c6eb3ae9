"""Routes: a project's transcript, its downloads, speaker names and segment corrections."""

from __future__ import annotations

import json
import re
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Query, Response

from spaceclip.api.deps import CurrentUser, DbSession, QueueDep, SettingsDep
from spaceclip.api.disposition import attachment
from spaceclip.api.responses import errors
from spaceclip.models.schemas import JobPublic
from spaceclip.models.tables import Segment as SegmentRow
from spaceclip.models.tables import Speaker as SpeakerRow
from spaceclip.models.transcript_schemas import (
    AnalyzeRequest,
    SegmentPublic,
    SegmentUpdate,
    SpeakerPublic,
    SpeakerUpdate,
    TranscriptPublic,
    WordPublic,
)
from spaceclip.services.ingest.storage import sanitize_filename
from spaceclip.services.speech import transcript as formats
from spaceclip.usecases import transcripts as transcript_store
from spaceclip.usecases.analysis import start_analysis
from spaceclip.usecases.projects import get_project

router = APIRouter(prefix="/api/projects/{project_id}", tags=["transcript"])


class TranscriptFormat(StrEnum):
    json = "json"
    srt = "srt"
    vtt = "vtt"
    txt = "txt"


MEDIA_TYPES = {
    TranscriptFormat.json: "application/json",
    TranscriptFormat.srt: "application/x-subrip; charset=utf-8",
    TranscriptFormat.vtt: "text/vtt; charset=utf-8",
    TranscriptFormat.txt: "text/plain; charset=utf-8",
}


def _speaker_public(row: SpeakerRow) -> SpeakerPublic:
    return SpeakerPublic(id=row.id, label=row.label, name=row.name, display_name=row.display_name)


def _segment_public(row: SegmentRow, names: dict[str, str]) -> SegmentPublic:
    return SegmentPublic(
        id=row.id,
        idx=row.idx,
        start=row.start,
        end=row.end,
        speaker_label=row.speaker_label,
        speaker_name=names.get(row.speaker_label, row.speaker_label),
        text=row.text,
        words=[WordPublic.model_validate(w) for w in row.words],
        edited=row.edited,
        version=row.version,
    )


@router.post("/analyze", response_model=JobPublic, status_code=202, responses=errors(409))
def analyze_project(
    project_id: str, body: AnalyzeRequest, user: CurrentUser, db: DbSession, settings: SettingsDep, queue: QueueDep
) -> JobPublic:
    """Start (or retry) the analysis: transcript and speakers. Answers 202 with the queued job."""
    project = get_project(db, user.id, project_id)
    job = start_analysis(db, project, settings, num_speakers=body.num_speakers)
    queue.enqueue(job.id)
    return JobPublic.model_validate(job)


@router.get("/transcript", response_model=TranscriptPublic)
def get_transcript(project_id: str, user: CurrentUser, db: DbSession) -> TranscriptPublic:
    """The transcript with speakers, segments and word times."""
    get_project(db, user.id, project_id)
    meta, speakers, segments = transcript_store.get_transcript_rows(db, project_id)
    names = {s.label: s.display_name for s in speakers}
    return TranscriptPublic(
        project_id=project_id,
        language=meta.language,
        duration=meta.duration,
        model=meta.model,
        speakers=[_speaker_public(s) for s in speakers],
        segments=[_segment_public(s, names) for s in segments],
    )


@router.get("/transcript/download", response_class=Response)
def download_transcript(
    project_id: str,
    user: CurrentUser,
    db: DbSession,
    format: Annotated[TranscriptFormat, Query(description="json, srt, vtt or txt")] = TranscriptFormat.json,
) -> Response:
    """Download the transcript as JSON, SRT, VTT or plain text, with speaker names."""
    project = get_project(db, user.id, project_id)
    transcript = transcript_store.load_transcript(db, project_id)
    if format is TranscriptFormat.json:
        body = transcript_json(transcript)
    else:
        body = {"srt": formats.to_srt, "vtt": formats.to_vtt, "txt": formats.to_txt}[format.value](transcript)
    stem = _without_extension(sanitize_filename(project.name) or "transcript")
    return Response(
        content=body,
        media_type=MEDIA_TYPES[format],
        headers={
            "Content-Disposition": attachment(f"{stem}.{format.value}", default_stem="transcript"),
            "X-Content-Type-Options": "nosniff",
        },
    )


def _without_extension(name: str) -> str:
    """``Episode 1.mp3`` → ``Episode 1``; a dot that ends no extension (``v1.2``) stays."""
    stem, dot, ext = name.rpartition(".")
    return stem if dot and stem and re.fullmatch(r"[A-Za-z][A-Za-z0-9]{0,4}", ext) else name


def transcript_json(transcript: formats.Transcript) -> str:
    return json.dumps(transcript.to_dict(), ensure_ascii=False, indent=1)


@router.patch("/speakers/{speaker_id}", response_model=SpeakerPublic)
def rename_speaker(
    project_id: str, speaker_id: str, body: SpeakerUpdate, user: CurrentUser, db: DbSession
) -> SpeakerPublic:
    """Rename a speaker; the name appears in every later export."""
    get_project(db, user.id, project_id)
    row = transcript_store.rename_speaker(db, project_id, speaker_id, body.name)
    return _speaker_public(row)


@router.patch("/segments/{segment_id}", response_model=SegmentPublic, responses=errors(409))
def edit_segment(
    project_id: str, segment_id: str, body: SegmentUpdate, user: CurrentUser, db: DbSession
) -> SegmentPublic:
    """Correct a segment's text (word times are re-fitted); stale versions give 409."""
    get_project(db, user.id, project_id)
    row = transcript_store.edit_segment(db, project_id, segment_id, body.text, expected_version=body.version)
    return _segment_public(row, transcript_store.speaker_names(db, project_id))
