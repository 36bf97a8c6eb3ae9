"""API schemas (Pydantic). Families follow ``XBase / XCreate / XUpdate / XPublic``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from spaceclip.models.bounds import MAX_VERSION


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
    name: str = Field(min_length=1, max_length=300)
    version: int | None = Field(
        default=None, ge=1, le=MAX_VERSION, description="The version you edited; a different current version gives 409."
    )


class ProjectList(BaseModel):
    items: list[ProjectPublic]
