"""API schemas for highlights: the list, "find more" requests, feedback, and highlight → clip."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from spaceclip.models.bounds import MAX_SECONDS
from spaceclip.models.render_keys import PlatformKey


class HighlightPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    project_id: str
    batch: str = Field(description='"analyze" (found by the analysis) or the id of the "find more" job')
    rank: int = Field(description="1 = best; ranks run over the whole project")
    start: float
    end: float
    duration: float
    score: float = Field(description="0..100, higher is better")
    title: str
    hook: str | None
    description: str | None
    reason: str = Field(description="Why this moment was chosen, quoting its key sentence")
    key_sentence: str
    text: str
    hashtags: list[str]
    speakers: list[str] = Field(description="Display names of the speakers in it")
    features: dict[str, Any] = Field(description="The built-in scorer's feature values (name → 0..1)")
    source: str = Field(description='"builtin" or "llm": who wrote the title and hook')
    llm_note: str | None = Field(description='"LLM unavailable: …" when the LLM was asked and could not help')
    feedback: int = Field(ge=-1, le=1, description="The creator's thumbs: -1, 0 or 1")
    created_at: datetime


class HighlightList(BaseModel):
    highlights: list[HighlightPublic]
    llm_note: str | None = Field(description="The newest run's LLM note, if the LLM could not help")


class FindHighlightsRequest(BaseModel):
    """Look for more highlights, in a time range and/or with other lengths."""

    model_config = ConfigDict(allow_inf_nan=False, use_enum_values=True)

    start: float | None = Field(default=None, ge=0, le=MAX_SECONDS, description="Search from here (s)")
    end: float | None = Field(default=None, gt=0, le=MAX_SECONDS, description="Search up to here (s)")
    min_length: float | None = Field(default=None, ge=3, le=600, description="Shortest highlight (s), default 15")
    max_length: float | None = Field(default=None, ge=3, le=900, description="Longest highlight (s), default 90")
    max_count: int | None = Field(default=None, ge=1, le=30, description="At most this many new highlights")
    platform: PlatformKey | None = Field(default=None, description="Cap lengths by this platform's limit")

    @model_validator(mode="after")
    def _ordered(self) -> FindHighlightsRequest:
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise ValueError("end must be after start")
        if self.min_length is not None and self.max_length is not None and self.max_length < self.min_length:
            raise ValueError("max_length must be at least min_length")
        return self


class FeedbackUpdate(BaseModel):
    value: Literal[-1, 0, 1] = Field(description="-1 thumbs down, 0 none, 1 thumbs up")


class HighlightClipCreate(BaseModel):
    model_config = ConfigDict(use_enum_values=True)

    platform: PlatformKey | None = Field(default=None, description="Check the length against this platform")
