"""API schemas for clips (``ClipCreate / ClipUpdate / ClipPublic``) and the editor's waveform."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from spaceclip.models.bounds import MAX_SECONDS, MAX_VERSION
from spaceclip.models.render_keys import AudiogramStyleKey, CaptionStyleKey, PlatformKey

CutReasonKey = Literal["filler", "pause", "removed"]
#: A tall export's layout: split screen while two people take turns (auto), never (single), or all along (split).
LayoutModeKey = Literal["auto", "single", "split"]


CaptionSizeKey = Literal["small", "medium", "large"]
CaptionPositionKey = Literal["auto", "top", "middle", "bottom"]


class TimeRange(BaseModel):
    """A range of the source (s), start before end."""

    model_config = ConfigDict(allow_inf_nan=False)

    start: float = Field(ge=0, le=MAX_SECONDS)
    end: float = Field(ge=0, le=MAX_SECONDS)


class CutPublic(BaseModel):
    start: float = Field(description="Source seconds")
    end: float
    reason: CutReasonKey = Field(description="filler: a filler word; pause: a long pause shortened; removed: struck")


class ClipCutsPublic(BaseModel):
    """The cuts in effect for the clip's platform (no platform: as for 9:16), from its transcript words."""

    remove_fillers: bool = Field(description="In effect: the clip's choice, or else the platform's default")
    shorten_pauses: bool = Field(description="In effect: the clip's choice, or else the platform's default")
    cuts: list[CutPublic] = Field(description="The ranges taken out, sorted and disjoint")
    duration: float = Field(description="The clip's length after cuts (s): what its exports run")
    removed_s: float = Field(description="Seconds the cuts take out")
    notice: str | None = Field(
        default=None, description="Set when the length after cuts is under the platform's minimum: by how much"
    )


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
    remove_fillers: bool | None = Field(
        default=None, description="Cut filler words; null follows the platform (on for 9:16 and for none)"
    )
    shorten_pauses: bool | None = Field(
        default=None, description="Shorten long pauses; null follows the platform (on for 9:16 and for none)"
    )
    pause_over_s: float = Field(description="Pauses longer than this (s) are shortened ...")
    pause_to_s: float = Field(description="... to this (s)")
    removed: list[TimeRange] = Field(description="Ranges the creator struck out (source seconds)")
    restored: list[TimeRange] = Field(description="Ranges where fillers and pauses are kept (source seconds)")
    cuts: ClipCutsPublic
    layout: LayoutModeKey = Field(
        default="auto",
        description="Tall (9:16) exports of a wide shot: auto (split screen while two people take turns), "
        "single (one crop) or split (both people stacked all along, where two faces show)",
    )
    speaker_badges: bool = Field(
        default=False, description="Audiograms: a badge per speaker (initials or photo), the active one lit"
    )
    emphasis: bool = Field(
        default=False, description="Captions: numbers, names and the highlight's keywords in an accent colour"
    )
    emoji: bool = Field(
        default=False, description="Captions: an emoji per line from the local lexicon, where a font draws it"
    )
    caption_size: CaptionSizeKey = Field(default="medium", description="small, medium or large")
    caption_position: CaptionPositionKey = Field(
        default="auto", description="auto (the style's own), top, middle or bottom of the platform's safe area"
    )
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
    remove_fillers: bool | None = Field(default=None, description="null: the platform's default")
    shorten_pauses: bool | None = Field(default=None, description="null: the platform's default")

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
    remove_fillers: bool | None = Field(default=None, description="null: back to the platform's default")
    shorten_pauses: bool | None = Field(default=None, description="null: back to the platform's default")
    pause_over_s: float | None = Field(default=None, gt=0, le=60, description="Shorten pauses longer than this (s)")
    pause_to_s: float | None = Field(default=None, ge=0, le=60, description="... to this (s); under pause_over_s")
    removed: list[TimeRange] | None = Field(
        default=None, max_length=2000, description="All struck ranges (replaces them); inside the clip, disjoint"
    )
    restored: list[TimeRange] | None = Field(
        default=None, max_length=2000, description="All restored ranges (replaces them); inside the clip, disjoint"
    )
    layout: LayoutModeKey | None = Field(default=None, description="auto, single or split (see ClipPublic.layout)")
    speaker_badges: bool | None = None
    emphasis: bool | None = None
    emoji: bool | None = None
    caption_size: CaptionSizeKey | None = None
    caption_position: CaptionPositionKey | None = None
    version: int = Field(ge=1, le=MAX_VERSION, description="The version you edited; a newer one gives 409")


class WaveformPublic(BaseModel):
    start: float
    end: float
    peaks: list[float] = Field(description="Peak level of each equal slice of [start, end], 0..1 of full scale")
