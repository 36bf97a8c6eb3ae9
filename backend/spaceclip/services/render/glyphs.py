"""Which characters of a caption the bundled font lacks, and whether a system font can draw them.

libass draws each character in the caption's font, the bundled Source Sans Pro
(:mod:`spaceclip.services.render.fonts`). For a character that font has no glyph for, it asks
fontconfig: it sorts the system's fonts for ``sans-serif:outline=true`` and takes the first whose
character set holds it (libass ``ass_fontconfig.c``, ``get_fallback``); a font that is not an
outline font (a bitmap or colour-emoji font) is not one libass can load. When no font has the
character, libass draws the bundled font's empty box ("tofu") in its place.

So before captions are burned in, :func:`caption_fallbacks` checks the text they show:

* :func:`missing_chars` (pure, the font's ``cmap`` read with fontTools): the characters the bundled
  font cannot draw; Latin (Vietnamese included), Greek and Cyrillic are all in it;
* :func:`system_fonts`: fontconfig's fonts in libass's fallback order (one ``fc-match --sort``
  through :mod:`spaceclip.services.media.process`), parsed by :func:`parse_fc_fonts` (pure);
* :func:`assign_fallbacks` (pure): each missing character goes to the first of them that has it.

Characters some outline font has are logged with that font and drawn by libass from it; characters
no font can draw raise :class:`~spaceclip.errors.GlyphsMissing`, naming them, before any rendering.
"""

from __future__ import annotations

import bisect
import functools
import logging
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from fontTools.ttLib import TTFont

from spaceclip.errors import GlyphsMissing, ToolMissing
from spaceclip.services.media.process import run_process

__all__ = [
    "FC_MATCH",
    "SystemFont",
    "assign_fallbacks",
    "caption_fallbacks",
    "font_codepoints",
    "missing_chars",
    "named_chars",
    "needs_glyph",
    "parse_charset",
    "parse_fc_fonts",
    "system_fonts",
]

log = logging.getLogger(__name__)

FC_MATCH = "fc-match"
#: libass's fallback pattern (``cache_fallbacks`` in ``ass_fontconfig.c``).
FALLBACK_PATTERN = "sans-serif:outline=true"
_FORMAT = r"%{outline}\t%{charset}\t%{family[0]}\t%{file}\n"
#: How many of the missing characters an error message names.
NAMED_CHARS = 12

# Variation selectors and the combining grapheme joiner: default-ignorable marks that HarfBuzz
# (libass's shaper) never draws, so a font needs no glyph for them.
_IGNORABLE_RANGES = ((0x034F, 0x034F), (0x180B, 0x180F), (0xFE00, 0xFE0F), (0xE0100, 0xE01EF))


def needs_glyph(char: str) -> bool:
    """Whether ``char`` is drawn: not a space, a control or format character (zero-width joiner,
    word joiner, bidi marks) or a variation selector. Pure."""
    if char.isspace() or unicodedata.category(char) in ("Cc", "Cf"):
        return False
    code = ord(char)
    return not any(lo <= code <= hi for lo, hi in _IGNORABLE_RANGES)


@functools.lru_cache(maxsize=16)
def font_codepoints(font: Path) -> frozenset[int]:
    """The code points ``font`` maps to a glyph (its best Unicode ``cmap``, read with fontTools)."""
    with TTFont(str(font), lazy=True) as tt:
        cmap = tt.getBestCmap() or {}
    return frozenset(cmap)


def missing_chars(text: str, font: Path) -> tuple[str, ...]:
    """The distinct characters of ``text`` that ``font`` has no glyph for, in order of first use.

    Characters that need no glyph (:func:`needs_glyph`) never count. Pure but for reading the font
    file once (cached).
    """
    have = font_codepoints(font)
    seen: dict[str, None] = {}
    for char in text:
        if char not in seen and ord(char) not in have and needs_glyph(char):
            seen[char] = None
    return tuple(seen)


Ranges = tuple[tuple[int, int], ...]


def parse_charset(text: str) -> Ranges:
    """fontconfig's ``%{charset}`` (hex code points and ranges, ``"20-7e a0 3a3-3ce"``) as sorted
    inclusive ranges. Pure; a malformed item is skipped."""
    ranges: list[tuple[int, int]] = []
    for item in text.split():
        lo, _, hi = item.partition("-")
        try:
            start, end = int(lo, 16), int(hi or lo, 16)
        except ValueError:
            continue
        if start <= end:
            ranges.append((start, end))
    return tuple(sorted(ranges))


@dataclass(frozen=True, slots=True)
class SystemFont:
    """A font fontconfig knows: its first family name, file, whether libass can load it (outline
    fonts only) and the code points it covers."""

    family: str
    file: Path
    outline: bool
    ranges: Ranges

    def has(self, char: str) -> bool:
        code = ord(char)
        i = bisect.bisect_right(self.ranges, (code, 0x10FFFF)) - 1
        return i >= 0 and self.ranges[i][0] <= code <= self.ranges[i][1]


def parse_fc_fonts(stdout: str) -> list[SystemFont]:
    """The fonts in ``fc-match --format`` output of :data:`_FORMAT` (outline, charset, family, file
    separated by tabs, one font a line), in order. Pure; a line that does not parse is skipped."""
    found: list[SystemFont] = []
    for line in stdout.splitlines():
        parts = line.split("\t", 3)
        if len(parts) != 4 or not parts[3]:
            continue
        outline, charset, family, file = parts
        found.append(SystemFont(family, Path(file), outline == "True", parse_charset(charset)))
    return found


def system_fonts(*, timeout_s: float) -> list[SystemFont]:
    """fontconfig's fonts in libass's fallback order (``fc-match --sort`` for "sans-serif" outline
    fonts, trimmed to those that add characters), read fresh each time so a font installed while
    the worker runs counts. An empty list when fontconfig has no fonts at all.

    Raises:
        ToolMissing: ``fc-match`` (Debian package ``fontconfig``) is not installed.
    """
    argv = [FC_MATCH, "--sort", "--format", _FORMAT, FALLBACK_PATTERN]
    try:
        result = run_process(argv, timeout_s=timeout_s, check=False)
    except ToolMissing as exc:
        raise ToolMissing(
            "fc-match was not found, so SpaceClip cannot tell which installed font draws the caption "
            "characters its own font lacks. Install fontconfig (apt-get install fontconfig), then export again.",
            detail=exc.detail,
        ) from exc
    if result.returncode != 0:
        # fc-match exits 1 with "No fonts installed on the system" when fontconfig has none.
        log.warning("fc-match found no system fonts (exit %d): %s", result.returncode, " ".join(result.stderr_tail))
        return []
    return parse_fc_fonts(result.stdout_text)


def assign_fallbacks(
    chars: Iterable[str], fonts: Sequence[SystemFont]
) -> tuple[dict[str, SystemFont], tuple[str, ...]]:
    """For each character, the font libass falls back to: the first of ``fonts`` (in fallback
    order) that has it, kept only when it is an outline font. Returns (character → font, the
    characters no font can draw). Pure."""
    drawn: dict[str, SystemFont] = {}
    undrawn: list[str] = []
    for char in chars:
        font = next((f for f in fonts if f.has(char)), None)
        if font is not None and font.outline:
            drawn[char] = font
        else:
            undrawn.append(char)
    return drawn, tuple(undrawn)


def named_chars(chars: Sequence[str]) -> str:
    """``chars`` for a message: each with its code point, the first :data:`NAMED_CHARS`, then how many more."""
    shown = ", ".join(f"{c} (U+{ord(c):04X})" for c in chars[:NAMED_CHARS])
    more = len(chars) - NAMED_CHARS
    return shown + (f" and {more} more" if more > 0 else "")


def caption_fallbacks(text: str, font: Path, *, timeout_s: float) -> dict[str, Path]:
    """The system font file libass will draw each character of ``text`` from that ``font`` lacks
    (empty when ``font`` has them all, without running anything).

    Raises:
        GlyphsMissing: some characters are in no installed outline font; the message names them
            and says which fonts to install, or to edit the transcript.
        ToolMissing: ``fc-match`` is not installed (needed only when ``font`` lacks characters).
    """
    missing = missing_chars(text, font)
    if not missing:
        return {}
    drawn, undrawn = assign_fallbacks(missing, system_fonts(timeout_s=timeout_s))
    by_font: dict[str, list[str]] = {}
    for char, system_font in drawn.items():
        by_font.setdefault(f"{system_font.family} ({system_font.file})", []).append(char)
    for name, chars in by_font.items():
        log.info("Captions: %s is not in %s; libass draws it from %s", named_chars(chars), font.name, name)
    if undrawn:
        raise GlyphsMissing(
            f"The captions contain characters no font on this server can draw: {named_chars(undrawn)}. "
            "Install a font that has them (Chinese, Japanese, Korean: apt-get install fonts-noto-cjk; "
            "most other scripts: fonts-noto-core; emoji: the black-and-white fonts-symbola, as colour "
            "emoji cannot be burned in), or edit the transcript to remove them, then export again.",
            chars=undrawn,
        )
    return {char: f.file for char, f in drawn.items()}
