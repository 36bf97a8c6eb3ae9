"""The audiogram's filter graph: background, visualiser, title and speaker names in one fragment.

Title and names are drawn with ``drawtext`` in the bundled bold, or in the brand kit's font when the
render passes one (``font``). ``drawtext`` has no font fallback, so a line holding characters that
font lacks (``fallback``: character -> the file that draws it, as for the captions) is drawn as one
``drawtext`` per run of characters in the same font, placed side by side from Pillow's widths and on
one baseline (each run's ``y`` is the baseline less its own ``ascent``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import groupby
from pathlib import Path

from spaceclip.errors import ValidationFailed, choose
from spaceclip.services.media.filters import drawtext_escape, grouped_sum
from spaceclip.services.render import fonts
from spaceclip.services.render.audiogram.background import Background, background_fragment, ffcolor
from spaceclip.services.render.audiogram.badges import (
    Badge,
    BadgeSlot,
    badge_images,
    badge_slots,
    badges_fragment,
    pick_badges,
)
from spaceclip.services.render.audiogram.layout import (
    Layout,
    SafeAreaLike,
    clip_name,
    default_safe,
    even,
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


def _drawtext_run(font: Path, text: str, size: int, x: str, y: str, color: str, enable: str | None) -> str:
    parts = [
        f"fontfile={drawtext_escape(str(font))}",
        f"text={drawtext_escape(text)}",
        "expansion=none",
        f"fontsize={size}",
        f"fontcolor={color}",
        "shadowcolor=black@0.6",
        f"shadowx={max(1, size // 20)}",
        f"shadowy={max(1, size // 20)}",
        f"x={x}",
        f"y={y}",
    ]
    if enable is not None:
        parts.append(f"enable={drawtext_escape(enable)}")
    return "drawtext=" + ":".join(parts)


def text_runs(text: str, font: Path, fallback: Mapping[str, Path] | None) -> list[tuple[Path, str]]:
    """``text`` as ``(font file, characters)`` runs: ``font`` but where ``fallback`` names another. Pure."""
    if not fallback:
        return [(font, text)]
    return [(path, "".join(chars)) for path, chars in groupby(text, key=lambda c: fallback.get(c, font))]


def runs_width(runs: Sequence[tuple[Path, str]], size: int) -> float:
    """The width in px of ``runs`` (:func:`text_runs`) at ``size`` px, each run in its own font."""
    return sum(float(fonts.pillow_font(str(path), size).getlength(text)) for path, text in runs)


def _drawtext(
    text: str,
    size: int,
    y: int,
    color: str,
    enable: str | None = None,
    *,
    font: Path | None = None,
    fallback: Mapping[str, Path] | None = None,
) -> str:
    """``text`` centred at ``y`` (its top) in ``font`` (default the bundled bold); runs of characters
    ``fallback`` names are drawn in their own font on the same baseline."""
    main = font or fonts.font_file("bold")
    runs = text_runs(text, main, fallback)
    if len(runs) == 1 and runs[0][0] == main:
        return _drawtext_run(main, text, size, "(w-text_w)/2", str(y), color, enable)
    # drawtext puts the tallest glyph's top at y; all runs share the baseline the whole line would have.
    top = max(-fonts.pillow_font(str(path), size).getbbox(run, anchor="ls")[1] for path, run in runs)
    baseline = y + round(top)
    total = runs_width(runs, size)
    drawn, offset = [], 0.0
    for path, run in runs:
        # The filter parser drops a value's leading blanks, so they become part of the offset.
        shown = run.lstrip()
        x = f"(w-{total:.1f})/2+{offset + runs_width([(path, run[: len(run) - len(shown)])], size):.1f}"
        if shown:
            drawn.append(_drawtext_run(path, shown, size, x, f"{baseline}-ascent", color, enable))
        offset += runs_width([(path, run)], size)
    return ",".join(drawn)


def _speaker_enable(spans: Sequence[tuple[float, float]]) -> str:
    return grouped_sum([f"between(t,{a:.3f},{b:.3f})" for a, b in spans])


def _badge_layout(lay: Layout, slots: Sequence[BadgeSlot], style: str) -> Layout:
    """The visualiser placed around the badges: bars or the wave in a strip under them, the radial
    ring around the active badge (:func:`_radial_at_badges`)."""
    d = slots[0].d
    if style == "radial":
        return replace(lay, ring=even(2.4 * d))
    below = max(s.name_y + s.name_size for s in slots) + round(0.8 * slots[0].name_size)
    return replace(lay, viz_y=even(below), viz_h=even(min(0.9 * d, lay.viz_w * 0.3)))


def _radial_at_badges(slots: Sequence[BadgeSlot], spans: Sequence[Sequence[tuple[float, float]]], ring: int) -> str:
    """The ring (``[ag_viz]``) over ``[ag_bg]`` around each badge during its speaker's turns: ``[ag_v]``."""
    live = [k for k in range(len(slots)) if spans[k]]
    if not live:
        return "[ag_viz]nullsink;[ag_bg]null[ag_v]"
    parts = [f"[ag_viz]split={len(live)}" + "".join(f"[ag_r{k}]" for k in live)]
    last = "ag_bg"
    for k in live:
        on = drawtext_escape(_speaker_enable(spans[k]))
        x, y = slots[k].cx - ring // 2, slots[k].cy - ring // 2
        parts.append(f"[{last}][ag_r{k}]overlay={x}:{y}:shortest=1:format=yuv420:enable={on}[ag_o{k}]")
        last = f"ag_o{k}"
    parts.append(f"[{last}]null[ag_v]")
    return ";".join(parts)


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
    badges: Sequence[Badge] = (),
    font: Path | None = None,
    fallback: Mapping[str, Path] | None = None,
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
        badges: speaker badges (:mod:`.badges`); when given, the speakers heard in the clip (at most
            four) get a badge each instead of the name line, the active one lit and pulsing with the
            sound, and the visualiser is placed around them.
        font: the font file the title and the name line are drawn in (the brand kit's); default the
            bundled bold. The badges carry their own (:attr:`.badges.Badge.font`).
        fallback: character -> font file for the characters of the title and names that ``font``
            lacks (the render finds them as for the captions); those runs are drawn in that file.

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
    turns = merge_turns(speaker_track)
    shown = pick_badges(badges, turns) if badges else []
    pre: list[str] = []
    if shown:
        slots = badge_slots(len(shown), width, height, margins)
        spans = [turns.get(b.name, []) for b in shown]
        lay = _badge_layout(lay, slots, style)
        pre.append(f"[{audio}]asplit=2[ag_av][ag_al]")
        audio = "ag_av"
    viz, vx, vy = VISUALISERS[style](audio, lay, fps, accent)
    if shown and style == "radial":
        pre.append(_radial_at_badges(slots, spans, lay.ring))
        chain = ["[ag_v]null"]
    else:
        chain = [f"[ag_bg][ag_viz]overlay={vx}:{vy}:shortest=1:format=yuv420"]
    if shown:
        images = badge_images(shown, slots, width, height)
        more, fragment, label = badges_fragment(
            images, spans, level_audio="ag_al", in_label="ag_pre", fps=fps,
            first_input_index=first_input_index + len(inputs),
        )  # fmt: skip
        inputs += more
        pre.append(",".join(chain) + "[ag_pre]")
        pre.append(fragment)
        chain = [f"[{label}]null"]
    main = font or fonts.font_file("bold")
    if title and title.strip():

        def measure(text: str) -> float:
            return runs_width(text_runs(text, main, fallback), lay.title_size)

        for i, line in enumerate(wrap_title(title, measure, lay.title_width)):
            y = round(lay.title_y + i * lay.title_size * 1.15)
            chain.append(_drawtext(line, lay.title_size, y, "white", font=main, fallback=fallback))
    if not shown:
        for name, name_spans in turns.items():
            on = _speaker_enable(name_spans)
            label = clip_name(name)
            chain.append(_drawtext(label, lay.name_size, lay.name_y, ffcolor(accent), on, font=main, fallback=fallback))
    chain.append("setsar=1")
    graph = ";".join([bg_filter, *pre[:1], viz, *pre[1:], ",".join(chain) + "[ag_out]"])
    return FilterGraph(extra_inputs=inputs, filter=graph, out_label="ag_out")
