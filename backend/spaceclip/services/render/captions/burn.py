"""Burning captions in: the ffmpeg ``subtitles`` filter for a script, and still frames of a style.

:func:`ass_filter` gives the escaped filter that draws an ASS script with the bundled fonts (libass
gets :func:`~spaceclip.services.render.fonts.font_dir`); :func:`caption_still` renders one frame of a
style through the same script and filter, for the style pickers and the README gallery.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from spaceclip.config import Settings
from spaceclip.services.media.filters import GRAPH_SPECIALS, filter_escape
from spaceclip.services.media.process import ffmpeg_args, run_process, tier_timeout
from spaceclip.services.render import fonts
from spaceclip.services.render.captions.emphasis import Emphasis
from spaceclip.services.render.captions.script import build_ass
from spaceclip.services.render.presets import Preset
from spaceclip.services.speech.transcript import Word

__all__ = ["SAMPLE_TEXT", "ass_filter", "caption_still", "sample_words"]


def ass_filter(ass_path: Path, *, font_folder: Path | None = None) -> str:
    """The ffmpeg filter that burns ``ass_path`` in with the bundled fonts (``subtitles=...:fontsdir=...``).

    Paths are made absolute and escaped twice: once as option values (``:`` separates options), once
    for the filtergraph (``[],;`` separate filters), so any file name works.
    """
    folder = font_folder if font_folder is not None else fonts.font_dir()
    options = ":".join(
        f"{key}={filter_escape(str(Path(value).absolute()), ':=')}"
        for key, value in (("filename", ass_path), ("fontsdir", folder))
    )
    return "subtitles=" + filter_escape(options, GRAPH_SPECIALS)


SAMPLE_TEXT = "Honestly, the best ideas come from talking it through with people who disagree with you."


def sample_words(
    text: str = SAMPLE_TEXT, *, start: float = 0.0, words_per_second: float = 3.0, speaker: str | None = "Speaker 1"
) -> list[Word]:
    """Evenly timed words for ``text``, for previews when no transcript is at hand. Pure."""
    step = 1.0 / words_per_second
    return [
        Word(
            start=round(start + i * step, 3),
            end=round(start + (i + 0.85) * step, 3),
            word=w,
            probability=1.0,
            speaker=speaker,
        )
        for i, w in enumerate(text.split())
    ]


def caption_still(
    out_png: Path,
    *,
    style: str,
    preset: Preset,
    settings: Settings,
    background: Path | None = None,
    words: Sequence[Word] | None = None,
    at: float = 1.1,
    speaker_names: Mapping[str, str] | None = None,
    speaker_colors: bool = False,
    emphasis: Emphasis | None = None,
) -> Path:
    """Render one frame of ``style`` captions at ``at`` seconds into the clip, as a PNG.

    The background image (or a dark gradient) is scaled and cropped to fill the preset's frame; the
    words default to :func:`sample_words`. Uses the same :func:`build_ass` + :func:`ass_filter` as the
    render, so what the picker shows is what the export burns in.
    """
    words = list(words) if words is not None else sample_words()
    clip_start = words[0].start if words else 0.0
    clip_end = max((w.end for w in words), default=clip_start) + 1.0
    w, h = preset.width, preset.height
    with tempfile.TemporaryDirectory(prefix="spaceclip-still-") as tmp:
        ass_path = Path(tmp) / "captions.ass"
        ass_path.write_text(
            build_ass(words, clip_start=clip_start, clip_end=clip_end, style=style, width=w, height=h,
                      safe=preset.safe, speaker_names=speaker_names, speaker_colors=speaker_colors, emphasis=emphasis),
            encoding="utf-8",
        )  # fmt: skip
        inputs: list[Any]
        if background is not None:
            inputs = ["-i", background]
            fill = f"scale={w}:{h}:force_original_aspect_ratio=increase,crop={w}:{h},"
        else:
            inputs = ["-f", "lavfi", "-i", f"gradients=s={w}x{h}:c0=0x1b2a49:c1=0x4a2545:n=2:seed=1:d=1"]
            fill = ""
        vf = f"{fill}setpts=PTS+{at:.3f}/TB,format=yuv420p,{ass_filter(ass_path)}"
        argv = ffmpeg_args(*inputs, "-vf", vf, "-frames:v", "1", "-update", "1", "-y", out_png)
        run_process(argv, timeout_s=tier_timeout(settings.process_timeout_s, "still"))
    return out_png
