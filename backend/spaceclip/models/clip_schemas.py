"""API schemas for clips (``ClipCreate / ClipUpdate / ClipPublic``) and the editor's waveform."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from spaceclip.models.bounds import MAX_SECONDS, MAX_VERSION
from spaceclip.models.render_keys import AudiogramStyleKey, CaptionStyleKey, PlatformKey


class ClipPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    project_id: str
    highlight_id: str | None
    title: str
    start: float = Field(description="Snapped to a word edge (s in the source)")
    end: float
    duration: float
    caption_style: CaptionStyleKey
    audiogram_style: AudiogramStyleKey | None
    speaker_colors: bool
    platform: PlatformKey | None = Field(default=None, description="The platform the length was checked against")
    version: int = Field(description="Send it back in updates; a stale one gives 409")
    created_at: datetime
    updated_at: datetime


class ClipCreate(BaseModel):
    model_config = ConfigDict(allow_inf_nan=False, use_enum_values=True)

    start: float = Field(ge=0, le=MAX_SECONDS)
    end: float = Field(gt=0, le=MAX_SECONDS)
    title: str | None = Field(default=None, max_length=300)
    caption_style: CaptionStyleKey | None = Field(default=None, description="Default karaoke")
    audiogram_style: AudiogramStyleKey | None = None
    speaker_colors: bool | None = None
    platform: PlatformKey | None = Field(default=None, description="Check the length against this platform")

    @model_validator(mode="after")
    def _ordered(self) -> ClipCreate:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self


class ClipUpdate(BaseModel):
    model_config = ConfigDict(allow_inf_nan=False, use_enum_values=True)

    start: float | None = Field(default=None, ge=0, le=MAX_SECONDS)
    end: float | None = Field(default=None, gt=0, le=MAX_SECONDS)
    title: str | None = Field(default=None, max_length=300)
    caption_style: CaptionStyleKey | None = None
    audiogram_style: AudiogramStyleKey | Literal[""] | None = Field(default=None, description='null or "" for none')
    speaker_colors: bool | None = None
    platform: PlatformKey | Literal[""] | None = Field(default=None, description='null or "" for none')
    version: int = Field(ge=1, le=MAX_VERSION, description="The version you edited; a newer one gives 409")


class WaveformPublic(BaseModel):
    start: float
    end: float
    peaks: list[float] = Field(description="Peak level of each equal slice of [start, end], 0..1 of full scale")
