"""The visualisers (:data:`AUDIOGRAM_STYLES`): level bars, a wave line and a ring of bars, as filter fragments.

The sound is drawn small and scaled up: the bars are a ``showfreqs`` spectrum a few dozen pixels
wide, smoothed over time with ``lagfun`` (bars rise at once and fall slowly), gapped with a cheap
``geq`` on the tiny frame and scaled up with nearest-neighbour; the radial style bends the same
bars into a ring with ``remap``, whose coordinate maps ``geq`` computes once and ``loop`` repeats.
Each fragment reads the audio label and ends in ``[ag_viz]``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from spaceclip.services.render.audiogram.background import ffcolor
from spaceclip.services.render.audiogram.layout import Layout, even

__all__ = ["AUDIOGRAM_STYLES", "VISUALISERS", "AudiogramStyle", "Visualiser"]


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
    rgb = int(ffcolor(accent), 16)
    r, g, b = ((rgb >> s) & 0xFF for s in (16, 8, 0))
    return f"colorchannelmixer=rr={r / 255:.3f}:gg={g / 255:.3f}:bb={b / 255:.3f}"


def _viz_bars(audio: str, lay: Layout, fps: float, accent: str) -> tuple[str, int, int]:
    bars = max(16, min(48, lay.viz_w // 24))
    scale_x = max(1, lay.viz_w // (3 * bars))
    half = max(8, lay.viz_h // 2 // 4)
    width, height = even(3 * bars * scale_x), even(lay.viz_h)
    fragment = (
        f"{_spectrum(audio, bars, half, fps)},{_gaps(bars)},{_tint(accent)},split[ag_t][ag_b];"
        f"[ag_b]vflip[ag_bf];[ag_t][ag_bf]vstack,scale={width}:{height}:flags=neighbor,format=yuva420p[ag_viz]"
    )
    return fragment, even(lay.viz_x + (lay.viz_w - width) / 2), lay.viz_y


def _viz_wave(audio: str, lay: Layout, fps: float, accent: str) -> tuple[str, int, int]:
    w, h = even(lay.viz_w / 2), even(lay.viz_h / 2)
    fragment = (
        f"[{audio}]aformat=channel_layouts=mono,aresample=48000,lowpass=f=1500,volume=2,"
        f"showwaves=s={w}x{h}:mode=cline:r={fps:g}:draw=full:colors={ffcolor(accent)},"
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


#: (audio label, layout, fps, accent colour) -> (fragment ending in ``[ag_viz]``, overlay x, overlay y).
Visualiser = Callable[[str, Layout, float, str], tuple[str, int, int]]

#: The visualiser of each style in :data:`AUDIOGRAM_STYLES`.
VISUALISERS: dict[str, Visualiser] = {
    "bars": _viz_bars,
    "wave": _viz_wave,
    "radial": _viz_radial,
}
