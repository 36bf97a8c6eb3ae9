"""The caption styles (:data:`CAPTION_STYLES`) and the per-speaker highlight palette."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from spaceclip.errors import choose
from spaceclip.services.render import fonts

__all__ = ["CAPTION_STYLES", "SPEAKER_PALETTE", "CaptionStyle", "Mode", "get_caption_style", "speaker_color"]

Mode = Literal["karaoke", "pop", "subtitle"]


@dataclass(frozen=True, slots=True, kw_only=True)
class CaptionStyle:
    """How captions look and move. Sizes are fractions of the frame's shorter side; colours ``RRGGBB``.

    The defaults are what most styles share (the bundled Bold, white text, a yellow highlight, two
    lines), so each entry of :data:`CAPTION_STYLES` states only what makes it different.
    """

    key: str
    name: str
    description: str
    mode: Mode
    font_family: str = fonts.FONT_FAMILY
    font_weight: str = "bold"  # a key of fonts.FONT_FILES, used to measure text
    size: float
    max_chars: int
    max_lines: int = 2
    text_color: str = "FFFFFF"
    highlight_color: str = "FFD400"
    outline_color: str = "000000"
    outline: float = 0.08  # outline width as a fraction of the font size
    shadow: float = 0.0
    box: bool = False  # an opaque box behind each line instead of an outline
    box_alpha: int = 0x40  # 0 opaque .. 255 transparent
    uppercase: bool = False
    position: Literal["lower", "middle"] = "lower"
    max_chars_wide: int | None = None  # the line limit on landscape frames, when it differs

    def to_dict(self) -> dict[str, str]:
        return {"key": self.key, "name": self.name, "description": self.description}


CAPTION_STYLES: dict[str, CaptionStyle] = {
    s.key: s
    for s in (
        CaptionStyle(
            key="karaoke", name="Karaoke", mode="karaoke",
            description="The sentence stays on screen and each word lights up as it is spoken.",
            size=0.068, max_chars=28, max_chars_wide=36,
        ),
        CaptionStyle(
            key="pop", name="Pop", mode="pop",
            description="One big word at a time, popping in on the beat of the speech.",
            font_family=fonts.FONT_FAMILY_BLACK, font_weight="black", uppercase=True,
            size=0.1, max_chars=16, max_lines=1, position="middle",
            outline=0.1, shadow=0.04,
        ),
        CaptionStyle(
            key="subtitle", name="Subtitle", mode="subtitle",
            description="Clean two-line subtitles, broken at sentences and pauses.",
            size=0.05, max_chars=32, max_chars_wide=42,
            highlight_color="FFFFFF", outline=0.07, shadow=0.03,
        ),
        CaptionStyle(
            key="boxed", name="Boxed", mode="karaoke",
            description="Karaoke on a dark box: readable on any background.",
            size=0.06, max_chars=28, max_chars_wide=36,
            highlight_color="3DDCFF",
            outline=0.22,  # with a box, the "outline" is the padding around the text
            box=True,
        ),
    )
}  # fmt: skip

#: Highlight colours by speaker ("Speaker 1" first); readable on video with a black outline.
SPEAKER_PALETTE = ("FFD400", "3DDCFF", "FF5CA8", "7CFF6B", "FF9F1C", "B69CFF")


def get_caption_style(key: str | CaptionStyle) -> CaptionStyle:
    """The caption style called ``key``; raises ValidationFailed listing the valid keys.

    A :class:`CaptionStyle` is returned as it is (a style in the creator's brand font and colour).
    """
    if isinstance(key, CaptionStyle):
        return key
    return choose(CAPTION_STYLES, key, "caption style")


_SPEAKER_NUMBER = re.compile(r"(\d+)\s*$")


def speaker_color(label: str | None, labels: Sequence[str] = ()) -> str | None:
    """The palette colour for speaker ``label``: "Speaker N" gets entry N-1 (stable across clips);
    other labels go by their order in ``labels``. Pure."""
    if label is None:
        return None
    match = _SPEAKER_NUMBER.search(label)
    if match:
        index = int(match.group(1)) - 1
    elif label in labels:
        index = list(labels).index(label)
    else:
        index = 0
    return SPEAKER_PALETTE[index % len(SPEAKER_PALETTE)]
