"""Schemas of the speaker photo routes."""

from __future__ import annotations

from pydantic import BaseModel, Field


class SpeakerPhotoPublic(BaseModel):
    """A stored speaker photo: what was uploaded, and the square PNG kept for the badge."""

    speaker_id: str
    format: str = Field(description="The uploaded image's format by its contents: PNG, JPEG or WEBP")
    width: int = Field(description="Uploaded width in pixels")
    height: int = Field(description="Uploaded height in pixels")
    stored_side: int = Field(description="Side of the square PNG kept for the badge, in pixels")
