"""A creator's brand on every export: logo watermark, brand colours and font, intro and outro cards.

:class:`BrandLook` is the account's brand kit as a render sees it (frozen into each export's
snapshot). The filter builders are pure and tested as tables:

* :func:`logo_chain` scales the logo to a share of the frame width and sets its opacity, split into
  as many copies as the graph needs (watermark, intro card, outro card);
* :func:`watermark_position` / :func:`watermark_filter` lay the logo over the picture in one of four
  corners, inside the platform's safe area (:class:`~spaceclip.services.render.presets.SafeArea`);
* :func:`card_graph` draws an intro/outro card (brand background, logo, the title in the brand font
  and text colour, faded in and out) with silence of the same length;
* :func:`concat_filter` joins intro, clip and outro, picture and sound, in the render's one pass.

:func:`validate_font` and :func:`validate_logo` check an upload by what it is, never by its name or
Content-Type: a font must parse with fontTools, load in FreeType (Pillow) and draw Latin letters and
digits; a logo must decode with Pillow as PNG, JPEG or WebP within the size caps, and is stored
re-encoded as PNG so ffmpeg only ever reads a file SpaceClip wrote.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from struct import error as struct_error  # fontTools raises it on truncated tables
from typing import Any, Literal

from fontTools.ttLib import TTFont, TTLibError
from PIL import Image, ImageFont, UnidentifiedImageError

from spaceclip.errors import PayloadTooLarge, UnsupportedMedia, ValidationFailed
from spaceclip.services.media.filters import drawtext_escape
from spaceclip.services.render import fonts
from spaceclip.services.render.presets import Preset, SafeArea

__all__ = [
    "CARD_FADE_S",
    "LOGO_POSITIONS",
    "MAX_CARD_S",
    "MAX_FONT_BYTES",
    "MAX_LOGO_BYTES",
    "MAX_LOGO_SIDE",
    "MIN_CARD_S",
    "BrandLook",
    "Card",
    "FontInfo",
    "LogoInfo",
    "brand_graph",
    "card_font_size",
    "card_graph",
    "card_lines",
    "card_titles",
    "concat_filter",
    "hex_colour",
    "logo_chain",
    "text_safe_area",
    "validate_font",
    "validate_logo",
    "watermark_filter",
    "watermark_position",
]

LogoPosition = Literal["top-left", "top-right", "bottom-left", "bottom-right"]
LOGO_POSITIONS: tuple[LogoPosition, ...] = ("top-left", "top-right", "bottom-left", "bottom-right")
MAX_FONT_BYTES = 10 * 1024 * 1024
MAX_LOGO_BYTES = 5 * 1024 * 1024
#: A logo wider or taller than this (px) is refused: it is shown at a fraction of a 1080 px frame.
MAX_LOGO_SIDE = 4096
MIN_CARD_S = 1.0
MAX_CARD_S = 5.0
CARD_FADE_S = 0.25
#: The logo on a card, as a share of the frame width (the watermark's share is the kit's own).
CARD_LOGO_SHARE = 0.4
#: Space between the watermark and the safe area's edge, as a share of the frame's shorter side.
WATERMARK_INSET = 0.02
#: Characters a brand font must draw to be usable at all (titles, names, numbers).
REQUIRED_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
_HEX = re.compile(r"^#([0-9A-Fa-f]{6})$")


def hex_colour(value: str) -> str:
    """``value`` as ``#RRGGBB`` upper-case; anything else raises ValidationFailed (it reaches a filter graph)."""
    match = _HEX.match(value.strip())
    if match is None:
        raise ValidationFailed(f"{value!r} is not a colour SpaceClip understands. Give it as #RRGGBB, e.g. #1E293B.")
    return "#" + match.group(1).upper()


def _ff(colour: str) -> str:
    return "0x" + hex_colour(colour)[1:]


@dataclass(frozen=True, slots=True)
class Card:
    """An intro or outro card: its title (may be empty: logo only) and how long it shows."""

    title: str
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "seconds": self.seconds}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Card | None:
        if not data:
            return None
        return cls(title=str(data.get("title") or ""), seconds=float(data["seconds"]))


@dataclass(frozen=True, slots=True)
class BrandLook:
    """The brand kit one export is rendered with.

    ``font`` and ``logo`` are paths: relative to the upload root in a stored snapshot, absolute once
    :meth:`resolved` for a render. ``font`` None uses the bundled font; ``logo`` None shows no
    watermark (and no logo on the cards).
    """

    background: str = "#111827"
    text: str = "#FFFFFF"
    accent: str = "#F59E0B"
    font: str | None = None
    font_family: str | None = None
    logo: str | None = None
    logo_position: LogoPosition = "top-right"
    logo_scale: float = 0.16
    logo_opacity: float = 0.9
    intro: Card | None = None
    outro: Card | None = None

    @property
    def cards_seconds(self) -> float:
        """How much the intro and outro add to the clip's length."""
        return sum(c.seconds for c in (self.intro, self.outro) if c is not None)

    def font_path(self) -> Path:
        """The font the cards (and captions) are drawn in: the brand font, else the bundled bold."""
        return Path(self.font) if self.font else fonts.font_file("bold")

    def resolved(self, resolve: Callable[[str], Path]) -> BrandLook:
        """A copy with ``font`` and ``logo`` made absolute by ``resolve`` (``Storage.resolve``).

        Raises:
            ValidationFailed: a file the kit names is gone (replaced after the export was asked for).
        """
        paths: dict[str, str | None] = {}
        for key in ("font", "logo"):
            rel = getattr(self, key)
            if rel is None:
                paths[key] = None
                continue
            path = resolve(rel)
            if not path.is_file():
                raise ValidationFailed(
                    f"The brand kit's {key} changed after this export was asked for. Export the clip again."
                )
            paths[key] = str(path)
        return replace(self, font=paths["font"], logo=paths["logo"])

    def to_dict(self) -> dict[str, Any]:
        return {
            "background": self.background,
            "text": self.text,
            "accent": self.accent,
            "font": self.font,
            "font_family": self.font_family,
            "logo": self.logo,
            "logo_position": self.logo_position,
            "logo_scale": self.logo_scale,
            "logo_opacity": self.logo_opacity,
            "intro": None if self.intro is None else self.intro.to_dict(),
            "outro": None if self.outro is None else self.outro.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BrandLook:
        position = str(data.get("logo_position") or "top-right")
        return cls(
            background=hex_colour(str(data.get("background") or "#111827")),
            text=hex_colour(str(data.get("text") or "#FFFFFF")),
            accent=hex_colour(str(data.get("accent") or "#F59E0B")),
            font=data.get("font") or None,
            font_family=data.get("font_family") or None,
            logo=data.get("logo") or None,
            logo_position=position if position in LOGO_POSITIONS else "top-right",
            logo_scale=float(data.get("logo_scale", 0.16)),
            logo_opacity=float(data.get("logo_opacity", 0.9)),
            intro=Card.from_dict(data.get("intro")),
            outro=Card.from_dict(data.get("outro")),
        )


# --- filter builders (pure) ----------------------------------------------------------------------


def _even(value: float) -> int:
    return max(2, round(value / 2) * 2)


def logo_chain(input_label: str, opacity: float, outs: Sequence[tuple[str, int]]) -> str:
    """``[in]`` with ``opacity``, as one copy per ``(label, width px)`` in ``outs`` (widths made even)."""
    alpha = f"{min(1.0, max(0.0, opacity)):.3f}".rstrip("0").rstrip(".")
    base = f"[{input_label}]format=rgba,colorchannelmixer=aa={alpha}"
    if len(outs) == 1:
        label, width = outs[0]
        return f"{base},scale={_even(width)}:-2[{label}]"
    splits = "".join(f"[{label}_src]" for label, _ in outs)
    parts = [f"{base},split={len(outs)}{splits}"]
    parts += [f"[{label}_src]scale={_even(width)}:-2[{label}]" for label, width in outs]
    return ";".join(parts)


def watermark_position(position: LogoPosition, safe: SafeArea, width: int, height: int) -> tuple[str, str]:
    """overlay's ``x`` and ``y`` for ``position``: a corner of the safe area, inset a little. Pure."""
    inset = round(min(width, height) * WATERMARK_INSET)
    left, top = safe.left + inset, safe.top + inset
    right, bottom = safe.right + inset, safe.bottom + inset
    x = str(left) if position.endswith("left") else f"W-w-{right}"
    y = str(top) if position.startswith("top") else f"H-h-{bottom}"
    return x, y


#: The most of the frame's height the watermark's band may take from the titles and captions.
MAX_LOGO_BAND = 0.2


def text_safe_area(
    safe: SafeArea, position: LogoPosition, logo_size: tuple[int, int] | None, width: int, height: int
) -> SafeArea:
    """The part of ``safe`` left to titles, captions and badges beside a watermark of ``logo_size`` (px,
    as drawn) in ``position``: the band along that corner's edge, the logo's height with an inset on
    each side, goes to the logo (at most :data:`MAX_LOGO_BAND` of the height), so a long caption line
    or a title never runs under it. Pure.
    """
    if logo_size is None:
        return safe
    inset = round(min(width, height) * WATERMARK_INSET)
    band = min(2 * inset + logo_size[1], round(MAX_LOGO_BAND * height))
    if position.startswith("top"):
        return replace(safe, top=safe.top + band)
    return replace(safe, bottom=safe.bottom + band)


def watermark_filter(main: str, logo: str, out: str, position: LogoPosition, safe: SafeArea, w: int, h: int) -> str:
    """``[main][logo]overlay=...[out]``: the logo over every frame (a still logo repeats to the end)."""
    x, y = watermark_position(position, safe, w, h)
    return f"[{main}][{logo}]overlay=x={x}:y={y}:eof_action=repeat:format=auto[{out}]"


def card_lines(title: str, font: Path, font_size: int, max_width: float, max_lines: int = 3) -> list[str]:
    """``title`` wrapped to ``max_width`` px in ``font`` at ``font_size`` (at most ``max_lines``)."""
    from spaceclip.services.render.audiogram.layout import wrap_title

    if not title.strip():
        return []
    face = ImageFont.truetype(str(font), font_size)
    return wrap_title(title, lambda s: float(face.getlength(s)), max_width, max_lines)


def card_graph(
    card: Card,
    look: BrandLook,
    *,
    width: int,
    height: int,
    fps: float,
    audio_rate: int,
    channels: int,
    logo: str | None,
    out: str,
    lines: Sequence[str],
    font_size: int,
) -> str:
    """A card ``card.seconds`` long: picture ``[<out>_v]`` and silence ``[<out>_a]``. Pure.

    The background is the kit's ``background``, the ``lines`` of the title are centred in the kit's
    ``text`` colour and font with an ``accent`` bar under them, and the ``logo`` (a graph label, or
    None) sits above the title. The picture fades in from and out to black.
    """
    d = f"{card.seconds:.3f}"
    font = drawtext_escape(str(look.font_path()))
    line_h = round(font_size * 1.25)
    text_h = line_h * len(lines)
    top = (height - text_h) // 2 + (round(height * 0.08) if logo is not None else 0)
    chain = [f"color=c={_ff(look.background)}:s={width}x{height}:r={fps:g}:d={d}", "format=yuv420p"]
    for i, line in enumerate(lines):
        chain.append(
            f"drawtext=fontfile={font}:text={drawtext_escape(line)}:expansion=none:fontsize={font_size}"
            f":fontcolor={_ff(look.text)}:x=(w-text_w)/2:y={top + i * line_h}"
        )
    if lines:
        bar_w = round(width * 0.18)
        chain.append(
            f"drawbox=x={(width - bar_w) // 2}:y={top + text_h + line_h // 3}:w={bar_w}:h={max(4, height // 160)}"
            f":color={_ff(look.accent)}:t=fill"
        )
    v = f"{out}_v"
    fade_out = max(0.0, card.seconds - CARD_FADE_S)
    fade = f"fade=t=in:st=0:d={CARD_FADE_S:g},fade=t=out:st={fade_out:.3f}:d={CARD_FADE_S:g}"
    layout = "stereo" if channels == 2 else "mono"
    silence = f"anullsrc=r={audio_rate}:cl={layout},atrim=duration={d},asetpts=PTS-STARTPTS[{out}_a]"
    if logo is None:
        return f"{','.join(chain)},setsar=1,{fade}[{v}];{silence}"
    logo_y = f"{top}-h-{round(height * 0.04)}" if lines else "(H-h)/2"
    return (
        f"{','.join(chain)}[{out}_bg];"
        f"[{out}_bg][{logo}]overlay=x=(W-w)/2:y={logo_y}:eof_action=repeat:format=auto,"
        f"format=yuv420p,setsar=1,{fade}[{v}];{silence}"
    )


def concat_filter(segments: Sequence[str], out_v: str, out_a: str) -> str:
    """``[s0_v][s0_a][s1_v][s1_a]...concat=n=N:v=1:a=1[out_v][out_a]`` for segment labels ``segments``."""
    pads = "".join(f"[{s}_v][{s}_a]" for s in segments)
    return f"{pads}concat=n={len(segments)}:v=1:a=1[{out_v}][{out_a}]"


def card_font_size(width: int, height: int) -> int:
    """The cards' title size (px): a share of the frame's shorter side."""
    return max(24, round(min(width, height) * 0.075))


def brand_graph(
    look: BrandLook,
    preset: Preset,
    *,
    main_v: str,
    main_a: str | None,
    logo_input: str | None,
    out_v: str,
    out_a: str,
    titles: Mapping[str, Sequence[str]] | None = None,
) -> str:
    """The brand's part of a render's filter_complex, after the clip's picture and sound. Pure.

    ``[main_v]`` gets the watermark (when ``logo_input`` names the logo's input stream), then the
    intro and outro cards (``titles``: their wrapped lines, from :func:`card_lines`) are joined
    before and after it with ``[main_a]`` between their silences → ``[out_v]`` / ``[out_a]``.
    Without cards ``[main_a]`` (if given) passes on to ``[out_a]``.
    """
    w, h = preset.width, preset.height
    cards = [(name, card) for name, card in (("intro", look.intro), ("outro", look.outro)) if card is not None]
    parts: list[str] = []
    picture = main_v
    if logo_input is not None:
        outs = [("wm_logo", round(w * look.logo_scale))]
        outs += [(f"{name}_logo", round(w * CARD_LOGO_SHARE)) for name, _ in cards]
        parts.append(logo_chain(logo_input, look.logo_opacity, outs))
        parts.append(watermark_filter(main_v, "wm_logo", "wm_out", look.logo_position, preset.safe, w, h))
        picture = "wm_out"
    if not cards or main_a is None:
        parts.append(f"[{picture}]format=yuv420p,setsar=1[{out_v}]")
        if main_a is not None:
            parts.append(f"[{main_a}]anull[{out_a}]")
        return ";".join(parts)
    layout = "stereo" if preset.audio_channels == 2 else "mono"
    parts.append(f"[{picture}]format=yuv420p,setsar=1[body_v]")
    parts.append(f"[{main_a}]aformat=sample_rates={preset.audio_rate}:channel_layouts={layout}[body_a]")
    size = card_font_size(w, h)
    for name, card in cards:
        lines = (titles or {}).get(name, [])
        logo = f"{name}_logo" if logo_input is not None else None
        parts.append(
            card_graph(
                card,
                look,
                width=w,
                height=h,
                fps=preset.fps,
                audio_rate=preset.audio_rate,
                channels=preset.audio_channels,
                logo=logo,
                out=name,
                lines=lines,
                font_size=size,
            )
        )
    order = [n for n, _ in cards if n == "intro"] + ["body"] + [n for n, _ in cards if n == "outro"]
    parts.append(concat_filter(order, out_v, out_a))
    return ";".join(parts)


def card_titles(look: BrandLook, preset: Preset) -> dict[str, list[str]]:
    """The intro's and outro's titles wrapped to the frame in the kit's font (reads the font file)."""
    w, h = preset.width, preset.height
    size = card_font_size(w, h)
    max_width = w - preset.safe.left - preset.safe.right - 2 * round(w * 0.04)
    return {
        name: card_lines(card.title, look.font_path(), size, max_width)
        for name, card in (("intro", look.intro), ("outro", look.outro))
        if card is not None
    }


# --- validation of uploads -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FontInfo:
    family: str
    extension: str  # ".ttf" or ".otf"
    glyphs: int


@dataclass(frozen=True, slots=True)
class LogoInfo:
    width: int
    height: int
    format: str  # what Pillow decoded (PNG, JPEG, WEBP); the stored file is always PNG
    png: bytes


_FONT_MAGIC = {b"\x00\x01\x00\x00": ".ttf", b"true": ".ttf", b"OTTO": ".otf"}


def _family(tt: TTFont) -> str:
    name = tt["name"]
    for name_id in (16, 1):
        record = name.getDebugName(name_id)
        if record and record.strip():
            return str(record).strip()[:100]
    raise UnsupportedMedia(
        "This font has no family name, so captions could not select it. Use another TTF or OTF file."
    )


def validate_font(data: bytes) -> FontInfo:
    """Check that ``data`` is a TrueType or OpenType font SpaceClip can draw text with.

    Raises:
        PayloadTooLarge: over :data:`MAX_FONT_BYTES`.
        UnsupportedMedia: not a TTF/OTF (whatever its name says), unreadable, or drawing too few characters.
    """
    if len(data) > MAX_FONT_BYTES:
        raise PayloadTooLarge(
            f"This font is {len(data) / 1_048_576:.1f} MB; fonts can be at most "
            f"{MAX_FONT_BYTES // 1_048_576} MB. Use a single-weight TTF or OTF file."
        )
    extension = _FONT_MAGIC.get(data[:4])
    if extension is None:
        raise UnsupportedMedia(
            "This file is not a TrueType or OpenType font (its contents say otherwise, whatever its name). "
            "Upload a .ttf or .otf file (not WOFF, a collection or a zip)."
        )
    try:
        with TTFont(io.BytesIO(data), lazy=False) as tt:
            tables = set(tt.keys())
            if "glyf" not in tables and "CFF " not in tables and "CFF2" not in tables:
                raise UnsupportedMedia("This font has no outlines SpaceClip can draw. Use another TTF or OTF file.")
            cmap = tt.getBestCmap() or {}
            family = _family(tt)
            glyphs = len(tt.getGlyphOrder())
        face = ImageFont.truetype(io.BytesIO(data), 48)
        box = face.getbbox("Ag")
    except UnsupportedMedia:
        raise
    except (TTLibError, OSError, KeyError, ValueError, AssertionError, struct_error) as exc:
        raise UnsupportedMedia(
            "This font file is damaged or unreadable, so SpaceClip cannot draw with it. "
            "Upload another TTF or OTF file.",
            detail=f"{type(exc).__name__}: {exc}",
        ) from exc
    missing = [c for c in REQUIRED_CHARS if ord(c) not in cmap]
    if missing:
        raise UnsupportedMedia(
            f"This font does not draw {''.join(missing[:12])}{'…' if len(missing) > 12 else ''}, so titles and "
            "captions would show boxes. Use a font that covers Latin letters and digits."
        )
    if box[2] - box[0] <= 0:
        raise UnsupportedMedia("This font draws nothing for ordinary letters. Upload another TTF or OTF file.")
    return FontInfo(family=family, extension=extension, glyphs=glyphs)


def validate_logo(data: bytes) -> LogoInfo:
    """Check that ``data`` is a PNG, JPEG or WebP image within the caps; return it re-encoded as PNG.

    Raises:
        PayloadTooLarge: over :data:`MAX_LOGO_BYTES`, or wider/taller than :data:`MAX_LOGO_SIDE`.
        UnsupportedMedia: not one of those images (whatever its name says) or unreadable.
    """
    if len(data) > MAX_LOGO_BYTES:
        raise PayloadTooLarge(
            f"This image is {len(data) / 1_048_576:.1f} MB; a logo can be at most "
            f"{MAX_LOGO_BYTES // 1_048_576} MB. Export it smaller (a 1000 px PNG is plenty)."
        )
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format or ""
            width, height = probe.size
            if kind not in {"PNG", "JPEG", "WEBP"}:
                raise UnsupportedMedia(
                    "This file is not a PNG, JPEG or WebP image (its contents say otherwise, whatever its name). "
                    "Upload the logo as PNG (best: with a transparent background)."
                )
            if max(width, height) > MAX_LOGO_SIDE:
                raise PayloadTooLarge(
                    f"This logo is {width}x{height} px; at most {MAX_LOGO_SIDE} px a side. Export it smaller."
                )
            probe.verify()
        with Image.open(io.BytesIO(data)) as img:
            img.load()
            rgba = img.convert("RGBA")
    except (UnsupportedMedia, PayloadTooLarge):
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise UnsupportedMedia(
            "This image is damaged or not an image SpaceClip can read. Upload the logo as a PNG, JPEG or WebP file.",
            detail=f"{type(exc).__name__}: {exc}",
        ) from exc
    out = io.BytesIO()
    rgba.save(out, format="PNG", optimize=True)
    return LogoInfo(width=width, height=height, format=kind, png=out.getvalue())
