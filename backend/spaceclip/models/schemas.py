"""API schemas (Pydantic). Families follow ``XBase / XCreate / XUpdate / XPublic``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_core import PydanticCustomError

from spaceclip.models.bounds import MAX_VERSION
from spaceclip.models.languages import normalize_language


class ORMModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class UserPublic(ORMModel):
    id: str
    email: str
    display_name: str
    created_at: datetime


class SessionPublic(ORMModel):
    id: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime
    ip: str
    user_agent: str
    current: bool = False


class JobPublic(ORMModel):
    id: str
    project_id: str
    kind: str
    status: str = Field(description="queued | running | succeeded | failed | cancelled")
    stage: str
    progress: float = Field(ge=0.0, le=1.0)
    message: str
    error: str | None
    attempts: int
    max_attempts: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    updated_at: datetime


class ProjectPublic(ORMModel):
    id: str
    name: str
    source_kind: str
    source_url: str | None
    original_filename: str | None
    size_bytes: int
    status: str = Field(description="queued | probing | ready_for_analysis | analyzing | ready | failed")
    error: str | None
    media_info: dict[str, Any] | None
    language: str | None = Field(
        default=None, description="The language set for the transcript (a Whisper code); null: detect it."
    )
    detected_language: str | None = Field(
        default=None, description="The language of the stored transcript (a Whisper code); null before analysis."
    )
    created_at: datetime
    updated_at: datetime
    version: int
    latest_job: JobPublic | None = Field(
        default=None, description="The project's newest job (filled in project lists)."
    )


class ProjectUrlCreate(BaseModel):
    """JSON body of ``POST /api/projects`` to import from a URL instead of uploading."""

    url: str = Field(min_length=1, max_length=2048, description="http(s) link to a video, audio or X Space.")
    name: str | None = Field(default=None, max_length=300)


class ProjectCreated(BaseModel):
    project: ProjectPublic
    job: JobPublic


class ProjectUpdate(BaseModel):
    """The fields to change; a field left out keeps its value."""

    name: str | None = Field(default=None, min_length=1, max_length=300, description="A new name.")
    language: str | None = Field(
        default=None,
        max_length=16,
        description=(
            "The transcript's language, a Whisper code (de, es, fr, ja...; GET /api/system/speech lists them); "
            "null or 'auto' to detect it. Used by the next analysis."
        ),
    )
    version: int | None = Field(
        default=None, ge=1, le=MAX_VERSION, description="The version you edited; a different current version gives 409."
    )

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str | None) -> str | None:
        try:
            return normalize_language(value)
        except ValueError as exc:
            raise PydanticCustomError(
                "language", "{reason} GET /api/system/speech lists every code.", {"reason": str(exc)}
            ) from exc


class ProjectList(BaseModel):
    items: list[ProjectPublic]
