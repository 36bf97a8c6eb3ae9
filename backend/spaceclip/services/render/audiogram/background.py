"""The audiogram's colours and what is behind the visualiser: a solid colour, a gradient or a cover image."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from spaceclip.errors import ValidationFailed
from spaceclip.services.media.process import file_arg
from spaceclip.services.render.audiogram.layout import even

__all__ = ["DEFAULT_COLOR", "Background", "background_fragment", "ffcolor"]

DEFAULT_COLOR = "#1E293B"
_HEX = re.compile(r"^(?:#|0x)?([0-9a-fA-F]{6})$")


def ffcolor(value: str) -> str:
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
        ffcolor(self.color)
        if self.gradient is not None:
            ffcolor(self.gradient[0])
            ffcolor(self.gradient[1])
        if not 0.0 <= self.dim <= 1.0:
            raise ValidationFailed("The background dimming must be between 0 and 1.")


def background_fragment(bg: Background, w: int, h: int, fps: float, input_index: int) -> tuple[list[list[str]], str]:
    """Inputs and the fragment ending in ``[ag_bg]``: a still made once and repeated every frame."""
    repeat = f"loop=loop=-1:size=1,setpts=N/({fps:g}*TB)"
    if bg.image is not None:
        inputs = [["-f", "image2", "-pattern_type", "none", "-protocol_whitelist", "file", "-i", file_arg(bg.image)]]
        steps = [f"[{input_index}:v]"]
        if bg.blur:
            sw, sh = even(w / 10), even(h / 10)
            steps.append(f"scale={sw}:{sh}:force_original_aspect_ratio=increase,crop={sw}:{sh},boxblur=6:2,")
        steps.append(f"scale={w}:{h}:force_original_aspect_ratio=increase,crop={w}:{h},setsar=1,format=yuv420p,")
        if bg.dim > 0:
            steps.append(f"drawbox=c=black@{bg.dim:.2f}:t=fill,")
        return inputs, "".join(steps) + f"trim=end_frame=1,{repeat}[ag_bg]"
    if bg.gradient is not None:
        c0, c1 = (ffcolor(c) for c in bg.gradient)
        src = f"gradients=s={w}x{h}:c0={c0}:c1={c1}:x0=0:y0=0:x1=0:y1={h}:nb_colors=2:speed=0.00001:r={fps:g}"
        return [], f"{src},trim=end_frame=1,format=yuv420p,{repeat}[ag_bg]"
    return [], f"color=c={ffcolor(bg.color)}:s={w}x{h}:r={fps:g},format=yuv420p[ag_bg]"
