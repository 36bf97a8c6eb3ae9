"""Audiograms: a moving picture of the sound, for audio-only sources (and on request for video).

:func:`audiogram_graph` returns an ffmpeg filter_complex fragment that turns the clip's audio stream
into a frame of ``width`` x ``height``: a background (solid colour, two-colour gradient or the user's
cover image, blurred and dimmed), a visualiser in one of :data:`AUDIOGRAM_STYLES`, the clip's title
at the top and the active speaker's name under the visualiser. The renderer appends the captions to
its output label and encodes everything in one ffmpeg pass.

Speed comes from drawing the sound small and scaling it up: the level bars are an ffmpeg
``showfreqs`` spectrum only a few dozen pixels wide, smoothed over time with ``lagfun`` (bars rise at
once and fall slowly, so they do not flicker), gapped with a cheap ``geq`` on the tiny frame and
scaled up with nearest-neighbour; the radial style bends the same bars into a ring with ``remap``,
whose coordinate maps are computed once by ``geq`` on a single frame and then repeated by ``loop``.
Static backgrounds are also made once and looped, so the per-frame cost is one overlay, a few
``drawtext`` and the encode.

Text reaches ``drawtext`` through two levels of ffmpeg escaping (the filter-graph parser, then the
option parser); :func:`drawtext_escape` does both, and ``expansion=none`` keeps ``%`` literal.
:func:`peak_time` finds the loudest moment of a range, for the thumbnail.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
from PIL import ImageFont

from spaceclip.errors import ValidationFailed
from spaceclip.services.media.filters import drawtext_escape, grouped_sum
from spaceclip.services.media.process import ffmpeg_args, file_arg, media_input_args, run_process
from spaceclip.services.render import fonts

log = logging.getLogger(__name__)

__all__ = [
    "AUDIOGRAM_STYLES",
    "AudiogramStyle",
    "Background",
    "FilterGraph",
    "Layout",
    "audiogram_graph",
    "layout_for",
    "loudest_window",
    "merge_turns",
    "peak_time",
    "wrap_title",
]


@dataclass(frozen=True, slots=True)
class AudiogramStyle:
    key: str
    name: str
    description: str


AUDIOGRAM_STYLES: dict[str, AudiogramStyle] = {
    s.key: s
    for s in (
        AudiogramStyle("bars", "Level bars", "Mirrored frequency bars that rise with the voice and fall back gently."),
        AudiogramStyle("wave", "Wave line", "A centred wave line drawn from the sound itself."),
        AudiogramStyle("radial", "Radial", "Frequency bars arranged in a ring around the centre."),
    )
}

DEFAULT_COLOR = "#1E293B"
DEFAULT_ACCENT = "#FFFFFF"
_HEX = re.compile(r"^(?:#|0x)?([0-9a-fA-F]{6})$")
#: Longest speaker name drawn; longer names are cut with an ellipsis.
MAX_NAME_CHARS = 32
MAX_TITLE_LINES = 2
#: Turns of one speaker closer than this are drawn as one (no blink between sentences).
TURN_GAP_S = 0.3


def _ffcolor(value: str) -> str:
    """``#RRGGBB`` as ffmpeg's ``0xRRGGBB``; anything else is refused (it ends up in a filter graph)."""
    match = _HEX.match(value.strip())
    if match is None:
        raise ValidationFailed(f"{value!r} is not a colour SpaceClip understands. Give it as #RRGGBB, e.g. #1E293B.")
    return "0x" + match.group(1).upper()


@dataclass(frozen=True)
class Background:
    """What is behind the visualiser: a solid ``color``, a ``gradient`` (top colour, bottom colour), or
    the user's cover ``image`` (scaled to cover the frame, blurred by ``blur`` and darkened by ``dim``).

    The first of ``image``, ``gradient``, ``color`` that is set wins.
    """

    color: str = DEFAULT_COLOR
    gradient: tuple[str, str] | None = None
    image: Path | None = None
    blur: bool = True
    dim: float = 0.45

    def __post_init__(self) -> None:
        _ffcolor(self.color)
        if self.gradient is not None:
            _ffcolor(self.gradient[0])
            _ffcolor(self.gradient[1])
        if not 0.0 <= self.dim <= 1.0:
            raise ValidationFailed("The background dimming must be between 0 and 1.")


@dataclass(frozen=True)
class FilterGraph:
    """A filter_complex fragment: the inputs it needs after the source, the text, its output label."""

    extra_inputs: list[list[str]]
    filter: str
    out_label: str


class SafeAreaLike(Protocol):
    @property
    def top(self) -> int: ...
    @property
    def bottom(self) -> int: ...
    @property
    def left(self) -> int: ...
    @property
    def right(self) -> int: ...


@dataclass(frozen=True, slots=True)
class _Margins:
    top: int
    bottom: int
    left: int
    right: int


def _default_safe(width: int, height: int) -> _Margins:
    """Margins when the caller gives none: the common short-video UI zones, or a 5% title-safe frame."""
    if height > width * 1.5:
        return _Margins(round(0.13 * height), round(0.3 * height), round(0.06 * width), round(0.06 * width))
    return _Margins(round(0.05 * height), round(0.05 * height), round(0.05 * width), round(0.05 * width))


# --- layout (pure) ---------------------------------------------------------------------------------


def _even(value: float) -> int:
    return max(2, int(value) // 2 * 2)


@dataclass(frozen=True, slots=True)
class Layout:
    """Where things go on the frame, in pixels (all sizes even)."""

    title_y: int
    title_size: int
    title_width: int
    viz_x: int
    viz_y: int
    viz_w: int
    viz_h: int
    ring: int  # diameter of the radial style's ring
    ring_x: int
    ring_y: int
    name_y: int
    name_size: int


def layout_for(width: int, height: int, safe: SafeAreaLike) -> Layout:
    """The audiogram layout inside the uncovered area of ``safe``. Pure.

    The title sits at the top of the uncovered area; the visualiser is centred 40% of the way down
    (the captions' middle position is 70% of the way down, their bottom position at the bottom), and
    the speaker's name sits just under it.
    """
    x0, y0, x1, y1 = safe.left, safe.top, width - safe.right, height - safe.bottom
    sw, sh = max(2, x1 - x0), max(2, y1 - y0)
    unit = min(width, height)
    title_size = max(12, round(0.055 * unit))
    name_size = max(10, round(0.05 * unit))
    cy = y0 + 0.40 * sh
    viz_w = _even(min(0.92 * sw, 1.6 * sh))
    tall = height > 1.5 * width
    viz_h = _even(min((0.32 if tall else 0.26) * sh, 0.55 * viz_w))
    ring = _even(min((0.48 if tall else 0.38) * sh, 0.8 * sw))
    viz_y = _even(cy - viz_h / 2)
    ring_y = _even(cy - ring / 2)
    name_y = round(max(viz_y + viz_h, ring_y + ring) + 0.35 * name_size)
    return Layout(
        title_y=round(y0 + 0.03 * sh),
        title_size=title_size,
        title_width=round(sw * 0.94),
        viz_x=_even(x0 + (sw - viz_w) / 2),
        viz_y=viz_y,
        viz_w=viz_w,
        viz_h=viz_h,
        ring=ring,
        ring_x=_even(x0 + (sw - ring) / 2),
        ring_y=ring_y,
        name_y=name_y,
        name_size=name_size,
    )


def wrap_title(
    title: str, measure: Callable[[str], float], max_width: float, max_lines: int = MAX_TITLE_LINES
) -> list[str]:
    """``title`` broken into at most ``max_lines`` lines no wider than ``max_width``. Pure.

    Words are kept whole where they fit; a word wider than a line is cut; what does not fit in the
    last line ends with an ellipsis.
    """
    words = " ".join(title.split()).split(" ")
    lines: list[str] = []
    current = ""
    for word in (w for w in words if w):
        candidate = f"{current} {word}" if current else word
        if measure(candidate) <= max_width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = word
        while measure(current) > max_width and len(current) > 1:
            cut = len(current) - 1
            while cut > 1 and measure(current[:cut]) > max_width:
                cut -= 1
            lines.append(current[:cut])
            current = current[cut:]
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        last = " ".join(lines[max_lines - 1 :])
        while last and measure(last + "…") > max_width:
            last = last[:-1].rstrip()
        lines = [*lines[: max_lines - 1], last + "…"]
    return lines


def merge_turns(
    track: Sequence[tuple[float, float, str]], duration: float | None = None, gap: float = TURN_GAP_S
) -> dict[str, list[tuple[float, float]]]:
    """Each speaker's display intervals: sorted, clipped to ``[0, duration]``, close turns joined. Pure."""
    out: dict[str, list[tuple[float, float]]] = {}
    for start, end, name in sorted(track, key=lambda t: (t[0], t[1])):
        label = " ".join(str(name).split())
        lo, hi = max(0.0, float(start)), float(end) if duration is None else min(float(end), duration)
        if not label or hi <= lo:
            continue
        spans = out.setdefault(label, [])
        if spans and lo - spans[-1][1] <= gap:
            spans[-1] = (spans[-1][0], max(spans[-1][1], hi))
        else:
            spans.append((lo, hi))
    return out


def _clip_name(name: str) -> str:
    return name if len(name) <= MAX_NAME_CHARS else name[: MAX_NAME_CHARS - 1].rstrip() + "…"


@functools.lru_cache(maxsize=16)
def _font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(fonts.font_file("bold")), size)


# --- the graph -----------------------------------------------------------------------------------


def _background(bg: Background, w: int, h: int, fps: float, input_index: int) -> tuple[list[list[str]], str]:
    """Inputs and the fragment ending in ``[ag_bg]``: a still made once and repeated every frame."""
    repeat = f"loop=loop=-1:size=1,setpts=N/({fps:g}*TB)"
    if bg.image is not None:
        inputs = [["-f", "image2", "-pattern_type", "none", "-protocol_whitelist", "file", "-i", file_arg(bg.image)]]
        steps = [f"[{input_index}:v]"]
        if bg.blur:
            sw, sh = _even(w / 10), _even(h / 10)
            steps.append(f"scale={sw}:{sh}:force_original_aspect_ratio=increase,crop={sw}:{sh},boxblur=6:2,")
        steps.append(f"scale={w}:{h}:force_original_aspect_ratio=increase,crop={w}:{h},setsar=1,format=yuv420p,")
        if bg.dim > 0:
            steps.append(f"drawbox=c=black@{bg.dim:.2f}:t=fill,")
        return inputs, "".join(steps) + f"trim=end_frame=1,{repeat}[ag_bg]"
    if bg.gradient is not None:
        c0, c1 = (_ffcolor(c) for c in bg.gradient)
        src = f"gradients=s={w}x{h}:c0={c0}:c1={c1}:x0=0:y0=0:x1=0:y1={h}:nb_colors=2:speed=0.00001:r={fps:g}"
        return [], f"{src},trim=end_frame=1,format=yuv420p,{repeat}[ag_bg]"
    return [], f"color=c={_ffcolor(bg.color)}:s={w}x{h}:r={fps:g},format=yuv420p[ag_bg]"


def _spectrum(audio: str, bars: int, rows: int, fps: float) -> str:
    """Mono audio → ``bars`` columns of smoothed levels (about 0.1-4 kHz: the lowest bin, mostly hum, is
    left out), ``rows`` high, RGBA."""
    return (
        f"[{audio}]aformat=channel_layouts=mono,aresample=16000,volume=4,"
        f"showfreqs=s={2 * bars + 2}x{rows}:r={fps:g}:mode=bar:fscale=lin:ascale=cbrt:win_size=1024:averaging=2:"
        f"colors=white,crop={bars}:{rows}:1:0,lagfun=decay=0.82"
    )


def _gaps(columns: int) -> str:
    """Every bar three columns wide, the third transparent: gaps that survive scaling up."""
    return (
        f"scale={3 * columns}:ih:flags=neighbor,"
        "geq=r='r(X,Y)':g='g(X,Y)':b='b(X,Y)':a='if(eq(mod(X,3),2),0,alpha(X,Y))'"
    )


def _tint(accent: str) -> str:
    rgb = int(_ffcolor(accent), 16)
    r, g, b = ((rgb >> s) & 0xFF for s in (16, 8, 0))
    return f"colorchannelmixer=rr={r / 255:.3f}:gg={g / 255:.3f}:bb={b / 255:.3f}"


def _viz_bars(audio: str, lay: Layout, fps: float, accent: str) -> tuple[str, int, int]:
    bars = max(16, min(48, lay.viz_w // 24))
    scale_x = max(1, lay.viz_w // (3 * bars))
    half = max(8, lay.viz_h // 2 // 4)
    width, height = _even(3 * bars * scale_x), _even(lay.viz_h)
    fragment = (
        f"{_spectrum(audio, bars, half, fps)},{_gaps(bars)},{_tint(accent)},split[ag_t][ag_b];"
        f"[ag_b]vflip[ag_bf];[ag_t][ag_bf]vstack,scale={width}:{height}:flags=neighbor,format=yuva420p[ag_viz]"
    )
    return fragment, _even(lay.viz_x + (lay.viz_w - width) / 2), lay.viz_y


def _viz_wave(audio: str, lay: Layout, fps: float, accent: str) -> tuple[str, int, int]:
    w, h = _even(lay.viz_w / 2), _even(lay.viz_h / 2)
    fragment = (
        f"[{audio}]aformat=channel_layouts=mono,aresample=48000,lowpass=f=1500,volume=2,"
        f"showwaves=s={w}x{h}:mode=cline:r={fps:g}:draw=full:colors={_ffcolor(accent)},"
        f"lagfun=decay=0.6,scale={lay.viz_w}:{lay.viz_h}:flags=bilinear,format=yuva420p[ag_viz]"
    )
    return fragment, lay.viz_x, lay.viz_y


def _viz_radial(audio: str, lay: Layout, fps: float, accent: str) -> tuple[str, int, int]:
    d = lay.ring
    bars = 24
    rows = 48
    cols = 3 * 2 * bars
    inner = 0.46
    radius = f"hypot(X-{d / 2},Y-{d / 2})/{d / 2}"
    # Angle from the top, both sides mirrored: fraction 0.5 at 12 o'clock, 0 and 1 at 6 o'clock.
    angle = f"(atan2(X-{d / 2},{d / 2}-Y)/PI+1)/2"
    inside = f"between(ld(0),{inner},1)"
    xmap = f"st(0,{radius});if({inside},{angle}*{cols - 0.01},0)"
    ymap = f"st(0,{radius});if({inside},1+(1-(ld(0)-{inner})/{1 - inner})*{rows - 1.01},0)"
    maps = (
        f"color=black:s={d}x{d}:r={fps:g},trim=end_frame=1,format=gray16le,geq=lum='{xmap}',"
        f"loop=loop=-1:size=1,setpts=N/({fps:g}*TB)[ag_mx];"
        f"color=black:s={d}x{d}:r={fps:g},trim=end_frame=1,format=gray16le,geq=lum='{ymap}',"
        f"loop=loop=-1:size=1,setpts=N/({fps:g}*TB)[ag_my];"
    )
    fragment = (
        maps + f"{_spectrum(audio, bars, rows, fps)},split[ag_l][ag_r];[ag_l]hflip[ag_lf];[ag_lf][ag_r]hstack,"
        f"{_gaps(2 * bars)},{_tint(accent)},pad=iw:ih+1:0:1:color=black@0,format=rgba[ag_bars];"
        f"[ag_bars][ag_mx][ag_my]remap,format=yuva420p[ag_viz]"
    )
    return fragment, lay.ring_x, lay.ring_y


_VISUALISERS: dict[str, Callable[[str, Layout, float, str], tuple[str, int, int]]] = {
    "bars": _viz_bars,
    "wave": _viz_wave,
    "radial": _viz_radial,
}


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
        safe: the platform's safe area (``platforms.SafeArea``); default margins otherwise.
        accent: the visualiser's colour, ``#RRGGBB``.
        first_input_index: the input index the first of ``extra_inputs`` will have in the command
            (1 when the source is the only input before them).

    Returns:
        The inputs to add after the source, the fragment, and its output label (no brackets).

    Raises:
        ValidationFailed: unknown style, odd or tiny frame size, bad colour, missing cover image.
    """
    if style not in AUDIOGRAM_STYLES:
        raise ValidationFailed(f"Unknown audiogram style {style!r}. Choose one of: {', '.join(AUDIOGRAM_STYLES)}.")
    if width < 64 or height < 64 or width % 2 or height % 2 or fps <= 0:
        raise ValidationFailed(f"An audiogram needs an even frame of at least 64x64 pixels, not {width}x{height}.")
    bg = background or Background()
    if bg.image is not None and not Path(bg.image).is_file():
        raise ValidationFailed(
            "The cover image for this audiogram is missing. Upload the cover again or pick a colour."
        )
    margins = safe or _default_safe(width, height)
    lay = layout_for(width, height, margins)
    audio = audio_input.strip("[]")
    inputs, bg_filter = _background(bg, width, height, fps, first_input_index)
    viz, vx, vy = _VISUALISERS[style](audio, lay, fps, accent)
    chain = [f"[ag_bg][ag_viz]overlay={vx}:{vy}:shortest=1:format=yuv420"]
    if title and title.strip():
        font = _font(lay.title_size)
        lines = wrap_title(title, font.getlength, lay.title_width)
        for i, line in enumerate(lines):
            chain.append(_drawtext(line, lay.title_size, round(lay.title_y + i * lay.title_size * 1.15), "white"))
    for name, spans in merge_turns(speaker_track).items():
        chain.append(_drawtext(_clip_name(name), lay.name_size, lay.name_y, _ffcolor(accent), _speaker_enable(spans)))
    chain.append("setsar=1")
    graph = f"{bg_filter};{viz};{','.join(chain)}[ag_out]"
    return FilterGraph(extra_inputs=inputs, filter=graph, out_label="ag_out")


# --- the loudest moment --------------------------------------------------------------------------

PEAK_RATE = 8000
PEAK_WINDOW_S = 0.5
PEAK_HOP_S = 0.05


def loudest_window(samples: np.ndarray, rate: int, window_s: float = PEAK_WINDOW_S, hop_s: float = PEAK_HOP_S) -> float:
    """Seconds from the start of ``samples`` to the centre of the loudest ``window_s`` window. Pure.

    Silence (or too little audio for one window) gives the middle.
    """
    n = len(samples)
    if n == 0:
        return 0.0
    hop = max(1, round(hop_s * rate))
    win = max(1, round(window_s * rate))
    if n <= win:
        return n / rate / 2
    energy = np.asarray(samples, dtype=np.float64) ** 2
    frames = energy[: n // hop * hop].reshape(-1, hop).sum(axis=1)
    per_window = max(1, win // hop)
    sums = np.convolve(frames, np.ones(per_window), mode="valid")
    if sums.size == 0 or float(sums.max()) <= 0.0:
        return n / rate / 2
    best = int(np.argmax(sums))
    return (best * hop + per_window * hop / 2) / rate


def peak_time(
    audio_path: Path,
    start: float,
    end: float,
    *,
    timeout_s: float | None = None,
    cancel: Callable[[], bool] | None = None,
) -> float:
    """The loudest moment of ``audio_path`` between ``start`` and ``end``, in seconds of the file.

    The range is decoded at 8 kHz mono and the centre of the loudest half second is returned
    (the middle of the range when it is silent).
    """
    start, end = max(0.0, float(start)), float(end)
    if end <= start:
        return start
    length = end - start
    argv = ffmpeg_args(
        "-ss", f"{start:.3f}", "-t", f"{length:.3f}", *media_input_args(audio_path),
        "-map", "0:a:0", "-vn", "-sn", "-dn", "-ac", "1", "-ar", str(PEAK_RATE),
        "-f", "s16le", "-c:a", "pcm_s16le", "pipe:1",
    )  # fmt: skip
    limit = timeout_s if timeout_s is not None else 60.0 + length
    result = run_process(argv, timeout_s=limit, cancel=cancel)
    samples = np.frombuffer(result.stdout[: len(result.stdout) // 2 * 2], dtype="<i2")
    offset = loudest_window(samples, PEAK_RATE) if samples.size else length / 2
    return round(start + min(offset, length), 3)
