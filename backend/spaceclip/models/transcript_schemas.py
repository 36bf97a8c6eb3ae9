"""API schemas for transcripts, speakers and segments."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from spaceclip.models.bounds import MAX_VERSION


class WordPublic(BaseModel):
    start: float
    end: float
    word: str
    probability: float
    filler: bool = Field(default=False, description='"um", "uh", "like" as a filler, or a false start')


class SpeakerPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    label: str = Field(description="Stable label from detection: Speaker 1..n")
    name: str | None = Field(description="The creator's name for this speaker, if any")
    display_name: str


class SegmentPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    idx: int
    start: float
    end: float
    speaker_label: str
    speaker_name: str
    text: str
    words: list[WordPublic]
    edited: bool
    version: int


class TranscriptPublic(BaseModel):
    project_id: str
    language: str
    duration: float
    model: str
    speakers: list[SpeakerPublic]
    segments: list[SegmentPublic]


class SpeakerUpdate(BaseModel):
    name: str | None = Field(default=None, max_length=200, description="Empty or null restores 'Speaker N'.")


class SegmentUpdate(BaseModel):
    text: str = Field(min_length=1, max_length=10_000)
    version: int | None = Field(
        default=None, ge=1, le=MAX_VERSION, description="The version you edited; a newer one gives 409."
    )


class AnalyzeRequest(BaseModel):
    num_speakers: int | None = Field(default=None, ge=1, le=20, description="How many people speak, if known.")
