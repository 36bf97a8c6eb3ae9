"""API schemas for the account's brand kit (``BrandKitUpdate / BrandKitPublic``)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from spaceclip.models.bounds import MAX_VERSION

LogoPositionKey = Literal["top-left", "top-right", "bottom-left", "bottom-right"]
HEX = r"^#[0-9A-Fa-f]{6}$"


class CardSettings(BaseModel):
    """An intro or outro card: the brand background, the logo and a title, for a few seconds."""

    model_config = ConfigDict(allow_inf_nan=False)

    enabled: bool = Field(description="Add this card to every export")
    title: str = Field(default="", max_length=200, description="The card's title (empty: the logo only)")
    seconds: float = Field(default=2.0, ge=1.0, le=5.0, description="How long the card shows (1 to 5 s)")


class BrandKitUpdate(BaseModel):
    """The brand kit's settings (the font and logo files have their own routes)."""

    model_config = ConfigDict(allow_inf_nan=False, extra="forbid")

    enabled: bool = Field(description="Apply the kit to every export (off: exports are unbranded)")
    background: str = Field(pattern=HEX, description="Card background, #RRGGBB")
    text_color: str = Field(pattern=HEX, description="Card title colour, #RRGGBB")
    accent: str = Field(pattern=HEX, description="Accent (the bar under a card's title), #RRGGBB")
    logo_position: LogoPositionKey = Field(description="The watermark's corner, inside the platform's safe area")
    logo_scale: float = Field(ge=0.05, le=0.4, description="The watermark's width as a share of the frame's width")
    logo_opacity: float = Field(ge=0.1, le=1.0, description="The watermark's opacity")
    intro: CardSettings
    outro: CardSettings
    version: int = Field(ge=0, le=MAX_VERSION, description="The version you edited (0: no kit yet); stale: 409")


class BrandKitPublic(BaseModel):
    enabled: bool
    background: str
    text_color: str
    accent: str
    logo_position: LogoPositionKey
    logo_scale: float
    logo_opacity: float
    intro: CardSettings
    outro: CardSettings
    font_family: str | None = Field(description="The uploaded font's family; null: the bundled Source Sans Pro")
    font_name: str | None = Field(description="The uploaded font's file name, as uploaded")
    has_logo: bool
    logo_name: str | None = Field(description="The uploaded logo's file name, as uploaded")
    logo_size: list[int] | None = Field(default=None, description="The logo's [width, height] in px")
    version: int = Field(description="Send it back in updates; 0: no kit saved yet")
    updated_at: datetime | None = None


class FontCoverage(BaseModel):
    """Which characters of a project's transcript the brand font cannot draw."""

    font_family: str
    missing: list[str] = Field(description="Distinct characters the font lacks, in order of first use (at most 50)")
    checked_chars: int = Field(description="How many distinct characters the transcript has")
