"""The whole-episode clean-up (``/api/projects/{id}/clean``): the creator's choices and its state."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from spaceclip.models.schemas import JobPublic

__all__ = ["CleanFileKind", "CleanRequest", "CleanResultPublic", "CleanState"]


class CleanRequest(BaseModel):
    """What to take out of the whole episode."""

    model_config = ConfigDict(allow_inf_nan=False, extra="forbid")

    remove_fillers: bool = Field(default=True, description="Cut the filler words the transcript flags")
    shorten_pauses: bool = Field(default=True, description="Shorten pauses longer than pause_over_s")
    pause_over_s: float = Field(default=0.6, ge=0.1, le=30, description="Pauses longer than this (s)...")
    pause_to_s: float = Field(default=0.3, ge=0, le=10, description="...are cut down to this (s)")

    @model_validator(mode="after")
    def _something(self) -> CleanRequest:
        if not (self.remove_fillers or self.shorten_pauses):
            raise ValueError("choose filler words, long pauses or both")
        if self.shorten_pauses and self.pause_to_s >= self.pause_over_s:
            raise ValueError("pause_to_s must be shorter than pause_over_s")
        return self


class CleanResultPublic(BaseModel):
    """What the latest finished clean-up took out, and what it wrote."""

    job_id: str
    duration_before: float = Field(description="The episode's length (s)")
    duration_after: float = Field(description="The cleaned episode's length (s)")
    cuts: int = Field(description="How many cuts")
    removed_s: dict[str, float] = Field(description="Seconds taken out per reason: filler, pause")
    chapters: int = Field(description="Chapters carried into the cleaned file, re-timed")
    size_bytes: int
    files: list[str] = Field(description="What can be downloaded: media, otio, srt, vtt")


class CleanState(BaseModel):
    """The latest clean-up job (null: never cleaned) and the account of the latest that succeeded."""

    job: JobPublic | None
    result: CleanResultPublic | None


class CleanFileKind(StrEnum):
    """media: the cleaned episode; otio: the cut list for an editor; srt/vtt: subtitles re-timed."""

    media = "media"
    otio = "otio"
    srt = "srt"
    vtt = "vtt"
