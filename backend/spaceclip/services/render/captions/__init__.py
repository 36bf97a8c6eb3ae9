"""Burned-in captions: ASS subtitles built from the transcript's word times, and clip SRT/VTT.

:func:`build_ass` turns the words of a clip (the transcript with the creator's corrections) into an
ASS script sized for the output frame (``PlayResX/Y`` = output size), in one of the
:data:`CAPTION_STYLES` (karaoke, pop, subtitle, boxed). Captions are anchored inside the preset's
:class:`~spaceclip.services.render.presets.SafeArea`, in the bundled font
(:mod:`spaceclip.services.render.fonts`).

One job a module:

* :mod:`.styles` — the caption styles and the speaker palette.
* :mod:`.layout` — pure: the clip's words, line breaking, paging, placement in the safe area.
* :mod:`.ass` — the ASS format: escaping, times, colours, header and event lines, re-timing.
* :mod:`.script` — :func:`build_ass`: the events of each style; :func:`caption_text`: what they draw.
* :mod:`.sidecars` — the clip's SRT and WebVTT.
* :mod:`.burn` — the ffmpeg ``subtitles`` filter (:func:`ass_filter`) and style stills.
"""

from __future__ import annotations

from spaceclip.services.render.captions.ass import ass_escape, ass_time, shift_ass
from spaceclip.services.render.captions.burn import ass_filter, caption_still, sample_words
from spaceclip.services.render.captions.layout import (
    CaptionWord,
    Placement,
    break_lines,
    clip_words,
    line_breaks,
    page_words,
    placement,
)
from spaceclip.services.render.captions.script import build_ass, caption_text
from spaceclip.services.render.captions.sidecars import clip_srt, clip_transcript, clip_vtt
from spaceclip.services.render.captions.styles import CAPTION_STYLES, CaptionStyle, get_caption_style, speaker_color

__all__ = [
    "CAPTION_STYLES",
    "CaptionStyle",
    "CaptionWord",
    "Placement",
    "ass_escape",
    "ass_filter",
    "ass_time",
    "break_lines",
    "build_ass",
    "caption_still",
    "caption_text",
    "clip_srt",
    "clip_transcript",
    "clip_vtt",
    "clip_words",
    "get_caption_style",
    "line_breaks",
    "page_words",
    "placement",
    "sample_words",
    "shift_ass",
    "speaker_color",
]
