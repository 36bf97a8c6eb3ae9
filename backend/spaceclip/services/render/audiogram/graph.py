"""The audiogram's filter graph: background, visualiser, title and speaker names in one fragment."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from spaceclip.errors import ValidationFailed, choose
from spaceclip.services.media.filters import drawtext_escape, grouped_sum
from spaceclip.services.render import fonts
from spaceclip.services.render.audiogram.background import Background, background_fragment, ffcolor
from spaceclip.services.render.audiogram.layout import (
    SafeAreaLike,
    clip_name,
    default_safe,
    layout_for,
    merge_turns,
    wrap_title,
)
from spaceclip.services.render.audiogram.visualisers import AUDIOGRAM_STYLES, VISUALISERS

__all__ = ["DEFAULT_ACCENT", "FilterGraph", "audiogram_graph"]

DEFAULT_ACCENT = "#FFFFFF"


@dataclass(frozen=True)
class FilterGraph:
    """A filter_complex fragment: the inputs it needs after the source, the text, its output label."""

    extra_inputs: list[list[str]]
    filter: str
    out_label: str


def _drawtext(text: str, size: int, y: int, color: str, enable: str | None = None) -> str:
    parts = [
        f"fontfile={drawtext_escape(str(fonts.font_file('bold')))}",
        f"text={drawtext_escape(text)}",
        "expansion=none",
        f"fontsize={size}",
        f"fontcolor={color}",
        "shadowcolor=black@0.6",
        f"shadowx={max(1, size // 20)}",
        f"shadowy={max(1, size // 20)}",
        "x=(w-text_w)/2",
        f"y={y}",
    ]
    if enable is not None:
        parts.append(f"enable={drawtext_escape(enable)}")
    return "drawtext=" + ":".join(parts)


def _speaker_enable(spans: Sequence[tuple[float, float]]) -> str:
    return grouped_sum([f"between(t,{a:.3f},{b:.3f})" for a, b in spans])


def audiogram_graph(
    style: str,
    *,
    width: int,
    height: int,
    fps: float,
    background: Background | None = None,
    title: str | None = None,
    speaker_track: Sequence[tuple[float, float, str]] = (),
    audio_input: str = "0:a",
    safe: SafeAreaLike | None = None,
    accent: str = DEFAULT_ACCENT,
    first_input_index: int = 1,
) -> FilterGraph:
    """The audiogram picture for one clip, as a filter_complex fragment.

    Args:
        style: a key of :data:`AUDIOGRAM_STYLES`.
        width: frame width in pixels (even).
        height: frame height in pixels (even).
        fps: output frame rate.
        background: colour, gradient or cover image (default: the dark solid colour).
        title: drawn at the top of the safe area, at most two lines.
        speaker_track: clip-relative ``(start, end, display name)`` turns; the name of whoever speaks
            is shown under the visualiser during their turns (one ``drawtext`` per speaker).
        audio_input: the audio stream or label the picture is drawn from (``"0:a"``, ``"0:1"``); used once.
        safe: the platform's safe area (``presets.SafeArea``); default margins otherwise.
        accent: the visualiser's colour, ``#RRGGBB``.
        first_input_index: the input index the first of ``extra_inputs`` will have in the command
            (1 when the source is the only input before them).

    Returns:
        The inputs to add after the source, the fragment, and its output label (no brackets).

    Raises:
        ValidationFailed: unknown style, odd or tiny frame size, bad colour, missing cover image.
    """
    choose(AUDIOGRAM_STYLES, style, "audiogram style")  # refuses an unknown style
    if width < 64 or height < 64 or width % 2 or height % 2 or fps <= 0:
        raise ValidationFailed(f"An audiogram needs an even frame of at least 64x64 pixels, not {width}x{height}.")
    bg = background or Background()
    if bg.image is not None and not Path(bg.image).is_file():
        raise ValidationFailed(
            "The cover image for this audiogram is missing. Upload the cover again or pick a colour."
        )
    margins = safe or default_safe(width, height)
    lay = layout_for(width, height, margins)
    audio = audio_input.strip("[]")
    inputs, bg_filter = background_fragment(bg, width, height, fps, first_input_index)
    viz, vx, vy = VISUALISERS[style](audio, lay, fps, accent)
    chain = [f"[ag_bg][ag_viz]overlay={vx}:{vy}:shortest=1:format=yuv420"]
    if title and title.strip():
        font = fonts.pillow_font("bold", lay.title_size)
        lines = wrap_title(title, font.getlength, lay.title_width)
        for i, line in enumerate(lines):
            chain.append(_drawtext(line, lay.title_size, round(lay.title_y + i * lay.title_size * 1.15), "white"))
    for name, spans in merge_turns(speaker_track).items():
        chain.append(_drawtext(clip_name(name), lay.name_size, lay.name_y, ffcolor(accent), _speaker_enable(spans)))
    chain.append("setsar=1")
    graph = f"{bg_filter};{viz};{','.join(chain)}[ag_out]"
    return FilterGraph(extra_inputs=inputs, filter=graph, out_label="ag_out")
