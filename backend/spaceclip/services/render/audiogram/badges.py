"""Speaker badges: one round badge per speaker (initials on a colour, or the creator's photo) with the
name under it; the active speaker's badge lights up and a halo around it pulses with the voice.

Pure parts: :func:`initials`, :func:`badge_slots` (where 2-4 badges go inside the safe area) and
:func:`pick_badges` (which speakers get one). The pictures are drawn once with Pillow
(:func:`badge_images`) into a content-addressed cache folder, so a render or a preview with the same
badges reuses them; the filter fragment (:func:`badges_fragment`) overlays the dim sheet every
frame, then each speaker's lit badge and halo during their turns (``enable``). The halo's opacity
follows the sound: the audio is drawn as a tiny ``showwaves`` picture, averaged to one pixel
(``scale=1:1:flags=area``) and multiplied into the halo's alpha.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import groupby
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont, ImageOps

from spaceclip.services.media.filters import drawtext_escape, grouped_sum
from spaceclip.services.media.process import file_arg
from spaceclip.services.render import fonts
from spaceclip.services.render.audiogram.background import ffcolor
from spaceclip.services.render.audiogram.layout import SafeAreaLike, clip_name, even

__all__ = [
    "BADGE_PALETTE",
    "DIM",
    "MAX_BADGES",
    "Badge",
    "BadgeSlot",
    "badge_images",
    "badge_slots",
    "badges_fragment",
    "initials",
    "pick_badges",
]

log = logging.getLogger(__name__)

#: At most this many badges fit the frame; more speakers: the ones who talk most in the clip.
MAX_BADGES = 4
#: Badge colours by speaker order (the captions' speaker palette, so both agree).
BADGE_PALETTE = ("#FFD400", "#3DDCFF", "#FF5CA8", "#7CFF6B", "#FF9F1C", "#B69CFF")
#: Brightness of a badge whose speaker is silent.
DIM = 0.32
_SUPERSAMPLE = 2


@dataclass(frozen=True, slots=True)
class Badge:
    """One speaker's badge: the ``name`` the speaker track carries, a ``color`` (``#RRGGBB``) and an
    optional ``photo`` (a PNG/JPEG already checked by the upload)."""

    name: str
    color: str
    photo: Path | None = None
    #: Characters of the name the badge's font lacks -> the font file drawing them
    #: (:func:`~spaceclip.services.render.glyphs.caption_fallbacks`).
    fallback: tuple[tuple[str, Path], ...] = ()
    #: The font the initials and the name are drawn in (the brand kit's); None: the bundled
    #: Black for the initials and Bold for the name.
    font: Path | None = None


@dataclass(frozen=True, slots=True)
class BadgeSlot:
    """Where one badge goes: the disc's top-left corner and diameter, its centre, and the name line."""

    x: int
    y: int
    d: int
    name_y: int
    name_size: int

    @property
    def cx(self) -> int:
        return self.x + self.d // 2

    @property
    def cy(self) -> int:
        return self.y + self.d // 2


def initials(name: str) -> str:
    """Up to two capital letters for ``name``: "Ada Lovelace" -> "AL", "Speaker 3" -> "S3", "joe" -> "J". Pure."""
    parts = [p for p in "".join(c if c.isalnum() else " " for c in name).split() if p]
    if not parts:
        return "?"
    if len(parts) == 1:
        return parts[0][0].upper()
    return (parts[0][0] + parts[-1][0]).upper()


def badge_slots(count: int, width: int, height: int, safe: SafeAreaLike) -> list[BadgeSlot]:
    """Places for ``count`` (1-4) badges inside the safe area, between 12% and 74% of the way down. Pure.

    A tall frame puts three or four badges in two rows (two on top); otherwise they share one row.
    Each cell leaves room around the disc for the halo; the radial ring may reach into a neighbour's.
    """
    if not 1 <= count <= MAX_BADGES:
        raise ValueError(f"badge count {count} outside 1..{MAX_BADGES}")
    x0, y0, x1, y1 = safe.left, safe.top, width - safe.right, height - safe.bottom
    sw, sh = max(2, x1 - x0), max(2, y1 - y0)
    top, bottom = y0 + 0.12 * sh, y0 + 0.74 * sh
    rows = 2 if count >= 3 and height > 1.2 * width else 1
    per_row = [count] if rows == 1 else [2, count - 2]
    cols = max(per_row)
    cell_w, cell_h = sw / cols, (bottom - top) / rows
    name_size = max(10, round(0.042 * min(width, height)))
    d = even(min(cell_w / 1.6, (cell_h - 1.6 * name_size) / 1.45, 0.3 * min(width, height)))
    slots: list[BadgeSlot] = []
    for r, n in enumerate(per_row):
        cy = top + (r + 0.5) * cell_h - 0.8 * name_size
        for c in range(n):
            cx = x0 + sw / 2 + (c - (n - 1) / 2) * cell_w
            x, y = round(cx - d / 2), round(cy - d / 2)
            slots.append(BadgeSlot(x, y, d, round(y + d + 0.12 * d), name_size))
    return slots


def pick_badges(badges: Sequence[Badge], turns: Mapping[str, Sequence[tuple[float, float]]]) -> list[Badge]:
    """The badges to draw, in the order given: all of them, or with more than :data:`MAX_BADGES` the
    ones who talk longest in ``turns``. Pure.

    The caller passes the speakers of the whole clip, so a preview of a moment of it shows the
    same badges as the export.
    """
    talk = {name: sum(b - a for a, b in spans) for name, spans in turns.items()}
    heard = list(badges)
    if len(heard) > MAX_BADGES:
        keep = set(sorted((b.name for b in heard), key=lambda n: -talk.get(n, 0.0))[:MAX_BADGES])
        log.info("Audiogram: %d speakers, badges for the %d who talk most", len(heard), MAX_BADGES)
        heard = [b for b in heard if b.name in keep]
    return heard


# --- pictures (Pillow) ----------------------------------------------------------------------------


def _rgb(color: str) -> tuple[int, int, int]:
    value = int(ffcolor(color), 16)  # refuses anything but #RRGGBB
    return (value >> 16) & 0xFF, (value >> 8) & 0xFF, value & 0xFF


def _runs(text: str, main: Path, badge: Badge, size: int) -> list[tuple[ImageFont.FreeTypeFont, str]]:
    """``text`` as runs of one font each at ``size`` px: ``main``, or the badge's fallback for a character."""
    by_char = dict(badge.fallback)
    runs = groupby(text, key=lambda c: by_char.get(c, main))
    return [(fonts.pillow_font(str(path), size), "".join(chars)) for path, chars in runs]


def _font_key(badge: Badge) -> tuple[str, int, int] | None:
    """The badge's font as a cache key (path, change time, size), so a replaced font is drawn again."""
    if badge.font is None:
        return None
    st = Path(badge.font).stat()
    return str(badge.font), st.st_mtime_ns, st.st_size


def _disc(badge: Badge, d: int, lit: bool) -> Image.Image:
    """The badge's round face, ``d`` px across, RGBA: the photo cropped to a circle, or initials."""
    big = d * _SUPERSAMPLE
    colour = _rgb(badge.color)
    if badge.photo is not None:
        with Image.open(badge.photo) as im:
            face = ImageOps.fit(ImageOps.exif_transpose(im).convert("RGB"), (big, big), Image.Resampling.LANCZOS)
    else:
        face = Image.new("RGB", (big, big), colour)
        text = initials(badge.name)
        size = round(big * (0.42 if len(text) > 1 else 0.5))
        draw = ImageDraw.Draw(face)
        runs = _runs(text, badge.font or fonts.font_file("black"), badge, size)
        if len(runs) == 1:
            draw.text((big / 2, big / 2), text, font=runs[0][0], fill=(18, 22, 32), anchor="mm")
        else:  # initials from two fonts: side by side, centred together
            x = big / 2 - sum(face_.getlength(part) for face_, part in runs) / 2
            for face_, part in runs:
                draw.text((x, big / 2), part, font=face_, fill=(18, 22, 32), anchor="lm")
                x += face_.getlength(part)
    if not lit:
        face = Image.eval(face, lambda v: round(v * DIM))
    mask = Image.new("L", (big, big), 0)
    ImageDraw.Draw(mask).ellipse((0, 0, big - 1, big - 1), fill=255)
    ring = ImageDraw.Draw(face)
    width = max(2, round(big * (0.05 if lit else 0.02)))
    ring.ellipse((0, 0, big - 1, big - 1), outline=colour if lit else (90, 96, 110), width=width)
    face.putalpha(mask)
    return face.resize((d, d), Image.Resampling.LANCZOS)


def _name(draw: ImageDraw.ImageDraw, badge: Badge, cx: float, y: float, size: int, lit: bool) -> None:
    """The name centred under the badge; runs of characters the badge's font lacks in their own font."""
    faces = _runs(clip_name(badge.name), badge.font or fonts.font_file("bold"), badge, size)
    x = cx - sum(face.getlength(text) for face, text in faces) / 2
    fill = (255, 255, 255, 255) if lit else (150, 156, 170, 255)
    for face, text in faces:
        draw.text((x, y), text, font=face, fill=fill, anchor="lt", stroke_width=max(1, size // 14),
                  stroke_fill=(0, 0, 0, 200))  # fmt: skip
        x += face.getlength(text)


def _halo(color: str, size: int, d: int) -> Image.Image:
    """A soft ring of ``color`` from the disc's edge outwards, ``size`` px square, RGBA."""
    ring = Image.new("L", (size, size), 0)
    pad = (size - d) / 2
    draw = ImageDraw.Draw(ring)
    draw.ellipse((pad - 0.14 * d, pad - 0.14 * d, size - pad + 0.14 * d, size - pad + 0.14 * d), fill=255)
    ring = ring.filter(ImageFilter.GaussianBlur(0.07 * d))
    out = Image.new("RGBA", (size, size), (*_rgb(color), 255))
    out.putalpha(ring)
    return out


def _cache_dir() -> Path:
    path = Path(tempfile.gettempdir()) / f"spaceclip-badges-{os.getuid()}"
    path.mkdir(mode=0o700, exist_ok=True)
    return path


def _cached_png(key: Iterable[object], draw: Callable[[], Image.Image]) -> Path:
    """``draw()`` (an Image) saved under a name hashed from ``key``; drawn only when not there yet."""
    digest = hashlib.sha256(repr(tuple(key)).encode()).hexdigest()[:24]
    dest = _cache_dir() / f"{digest}.png"
    if not dest.exists():
        image = draw()
        tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
        image.save(tmp, format="PNG")
        os.replace(tmp, dest)
    return dest


def _photo_key(badge: Badge) -> str:
    if badge.photo is None:
        return ""
    return hashlib.sha256(Path(badge.photo).read_bytes()).hexdigest()


@dataclass(frozen=True, slots=True)
class BadgeImages:
    """The PNGs of one badge layout: the dim ``sheet`` (the whole frame), each badge ``lit`` (its
    cell, placed at ``lit_at``) and each ``halo`` (placed at ``halo_at``)."""

    sheet: Path
    lit: tuple[Path, ...]
    lit_at: tuple[tuple[int, int], ...]
    halo: tuple[Path, ...]
    halo_at: tuple[tuple[int, int], ...]
    halo_size: int


def _cell(slot: BadgeSlot, width: int) -> tuple[int, int, int, int]:
    """The lit image's box: the disc and the name line under it, as wide as the frame allows."""
    half = max(slot.d, round(slot.d * 1.7)) // 2
    left, right = max(0, slot.cx - half), min(width, slot.cx + half)
    return left, slot.y, right - left, slot.name_y + round(1.4 * slot.name_size) - slot.y


def badge_images(badges: Sequence[Badge], slots: Sequence[BadgeSlot], width: int, height: int) -> BadgeImages:
    """Draw (or find in the cache) the pictures of ``badges`` at ``slots`` on a ``width`` x ``height`` frame."""
    keys = [(b.name, b.color, _photo_key(b), b.fallback, _font_key(b)) for b in badges]
    geometry = [(s.x, s.y, s.d, s.name_y, s.name_size) for s in slots]

    def sheet() -> Image.Image:
        img = Image.new("RGBA", (width, height), (0, 0, 0, 0))
        draw = ImageDraw.Draw(img)
        for badge, slot in zip(badges, slots, strict=True):
            img.alpha_composite(_disc(badge, slot.d, lit=False), (slot.x, slot.y))
            _name(draw, badge, slot.cx, slot.name_y, slot.name_size, lit=False)
        return img

    lit: list[Path] = []
    lit_at: list[tuple[int, int]] = []
    halos: list[Path] = []
    halo_at: list[tuple[int, int]] = []
    halo_size = even(slots[0].d * 1.6) if slots else 2
    for badge, slot, key, geo in zip(badges, slots, keys, geometry, strict=True):
        left, top, cw, ch = _cell(slot, width)

        def one(
            badge: Badge = badge, slot: BadgeSlot = slot, left: int = left, cw: int = cw, ch: int = ch
        ) -> Image.Image:
            img = Image.new("RGBA", (cw, ch), (0, 0, 0, 0))
            img.alpha_composite(_disc(badge, slot.d, lit=True), (slot.x - left, 0))
            _name(ImageDraw.Draw(img), badge, slot.cx - left, slot.name_y - slot.y, slot.name_size, lit=True)
            return img

        lit.append(_cached_png(("lit", key, geo, cw, ch), one))
        lit_at.append((left, top))
        halos.append(
            _cached_png(("halo", badge.color, halo_size, slot.d), partial(_halo, badge.color, halo_size, slot.d))
        )
        halo_at.append((slot.cx - halo_size // 2, slot.cy - halo_size // 2))
    return BadgeImages(
        sheet=_cached_png(("sheet", keys, geometry, width, height), sheet),
        lit=tuple(lit),
        lit_at=tuple(lit_at),
        halo=tuple(halos),
        halo_at=tuple(halo_at),
        halo_size=halo_size,
    )


# --- filter fragment ------------------------------------------------------------------------------


def _still_input(path: Path, fps: float) -> list[str]:
    return ["-loop", "1", "-framerate", f"{fps:g}", "-f", "image2", "-pattern_type", "none",
            "-protocol_whitelist", "file", "-i", file_arg(path)]  # fmt: skip


def _enable(spans: Sequence[tuple[float, float]]) -> str:
    """A timeline ``enable`` option value for ``spans``, escaped for the filter graph."""
    return drawtext_escape(grouped_sum([f"between(t,{a:.3f},{b:.3f})" for a, b in spans]))


def badges_fragment(
    images: BadgeImages,
    spans: Sequence[Sequence[tuple[float, float]]],
    *,
    level_audio: str,
    in_label: str,
    fps: float,
    first_input_index: int,
) -> tuple[list[list[str]], str, str]:
    """Inputs and the fragment drawing the badges over ``[in_label]``; returns (inputs, fragment, out label).

    ``spans[k]``: when badge ``k``'s speaker talks (clip seconds); ``level_audio`` is an audio label
    this fragment uses once, for the halo's pulse.
    """
    n = len(images.lit)
    inputs = [_still_input(images.sheet, fps)]
    inputs += [_still_input(p, fps) for p in images.lit]
    inputs += [_still_input(p, fps) for p in images.halo]
    sheet_ix = first_input_index
    lit_ix = [first_input_index + 1 + k for k in range(n)]
    halo_ix = [first_input_index + 1 + n + k for k in range(n)]
    g = images.halo_size
    parts = [
        # The level: a tiny wave picture averaged to one pixel (silence, the bare centre line, is about
        # 17), so speech spans the halo's opacity from 60 to full without saturating.
        f"[{level_audio}]aformat=channel_layouts=mono,aresample=16000,"
        f"showwaves=s=32x16:mode=p2p:r={fps:g}:draw=full:colors=white,format=gray,scale=1:1:flags=area,"
        f"lut=c0='clip(60+4*(val-17),0,255)',lagfun=decay=0.75,scale={g}:{g}:flags=neighbor,split={n}"
        + "".join(f"[ag_lv{k}]" for k in range(n))
    ]
    for k in range(n):
        parts.append(
            f"[{halo_ix[k]}:v]format=rgba,split[ag_hc{k}][ag_ha{k}];[ag_ha{k}]alphaextract,format=gray[ag_hm{k}];"
            f"[ag_hm{k}][ag_lv{k}]blend=all_mode=multiply:shortest=1[ag_hp{k}];"
            f"[ag_hc{k}][ag_hp{k}]alphamerge[ag_h{k}]"
        )
    chain = f"[{in_label}][{sheet_ix}:v]overlay=0:0:shortest=1:format=yuv420[ag_s0]"
    last = "ag_s0"
    for k in range(n):
        if not spans[k]:
            continue
        on = _enable(spans[k])
        hx, hy = images.halo_at[k]
        lx, ly = images.lit_at[k]
        chain += (
            f";[{last}][ag_h{k}]overlay={hx}:{hy}:shortest=1:format=yuv420:enable={on}[ag_g{k}]"
            f";[ag_g{k}][{lit_ix[k]}:v]overlay={lx}:{ly}:shortest=1:format=yuv420:enable={on}[ag_l{k}]"
        )
        last = f"ag_l{k}"
    # The pictures of a speaker who does not talk in this stretch still need their (endless) streams
    # consumed, or ffmpeg queues their frames without bound.
    for k in range(n):
        if not spans[k]:
            chain += f";[ag_h{k}]nullsink;[{lit_ix[k]}:v]nullsink"
    return inputs, ";".join([*parts, chain]), last
