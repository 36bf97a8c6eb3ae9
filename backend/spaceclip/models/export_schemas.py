"""API schemas for rendering: the options the pickers show, export requests and exports."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from spaceclip.models.render_keys import AudiogramStyleKey, CaptionStyleKey, PlatformKey
from spaceclip.models.schemas import JobPublic


class SafeAreaPublic(BaseModel):
    top: int
    bottom: int
    left: int
    right: int


class PresetPublic(BaseModel):
    key: PlatformKey
    name: str
    width: int
    height: int
    fps: int
    aspect: str = Field(description="Frame shape, e.g. 9:16.")
    min_duration: float
    max_duration: float
    max_size_bytes: int
    video_bitrate: int = Field(description="Target video bitrate, bits per second.")
    audio_bitrate: int = Field(description="Audio bitrate, bits per second.")
    safe: SafeAreaPublic = Field(description="Pixels covered by the app's own buttons and text, per side.")


class StylePublic(BaseModel):
    name: str
    description: str


class CaptionStylePublic(StylePublic):
    key: CaptionStyleKey


class AudiogramStylePublic(StylePublic):
    key: AudiogramStyleKey


class RenderOptions(BaseModel):
    platforms: list[PresetPublic]
    caption_styles: list[CaptionStylePublic]
    audiogram_styles: list[AudiogramStylePublic]


class ExportCreate(BaseModel):
    model_config = ConfigDict(use_enum_values=True)

    platform: PlatformKey = Field(description="A preset key from GET /api/render/options.")
    audiogram: bool = Field(
        default=False, description="Render an audiogram even for a video source (audio-only sources always get one)."
    )


class CheckItemPublic(BaseModel):
    name: str
    expected: str
    actual: str
    passed: bool


class ExportCheckPublic(BaseModel):
    passed: bool
    items: list[CheckItemPublic]


class ExportPublic(BaseModel):
    id: str
    clip_id: str
    project_id: str
    job_id: str | None
    platform: str
    status: str = Field(description="queued | rendering | done | failed")
    error: str | None
    check: ExportCheckPublic | None = Field(description="The rendered file probed against the platform's rules.")
    size_bytes: int
    duration: float
    settings: dict[str, Any] = Field(
        description=(
            "What the render used: range, styles, title; once rendered also `layout`: `crop:track` "
            "(reframed around the speaker), `split` (split screen where two people take turns), "
            "`crop:center`, `crop:blur_fit`, `scale`, `pad`, `blur` or `audiogram:<style>`; and "
            "`layout_note`: why a split screen asked for was not made (fewer than two faces), else null; "
            "with a brand font, from the moment the export is asked for, `font_note`: the characters of "
            "the clip's captions, title and speaker names that font cannot draw (drawn in a fallback "
            "font), else null."
        )
    )
    has_video: bool
    has_srt: bool
    has_vtt: bool
    has_thumbnail: bool
    created_at: datetime
    updated_at: datetime


class ExportCreated(BaseModel):
    export: ExportPublic
    job: JobPublic
