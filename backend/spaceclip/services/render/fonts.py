"""The caption fonts, shipped with the install (PyPI package ``font-source-sans-pro``), never the system's.

libass (ffmpeg's ``subtitles`` filter) loads every file in ``fontsdir`` as a memory font and prefers
those over fontconfig's system fonts when the family name matches, so captions name
:data:`FONT_FAMILY` (or :data:`FONT_FAMILY_BLACK`) and the filter gets :func:`font_dir`: a folder
holding only the bundled TrueType files (the package's own folder also holds OpenType twins and the
licence text, which libass would try to load as well).

Latin (Vietnamese included), Greek and Cyrillic text comes wholly from the bundled font (the upright
weights; the italics lack Greek and Cyrillic, and no caption style uses them). A character it lacks
(Chinese, Japanese, Korean, Arabic, Hebrew, Devanagari, Thai, Georgian, emoji...) libass draws from a
system font that fontconfig knows, if one has it; :mod:`spaceclip.services.render.glyphs` checks that
before captions are burned in and refuses, naming the characters, when no installed font has them.

Text is measured with Pillow in the same files (:func:`pillow_font`, :func:`text_width`), so line
fitting agrees with what libass draws; characters drawn from a system font are measured in that font
when the caller passes it (``fallback``). Kerning between two fonts and the fallback font's weight
(libass may pick its bold face where the measure uses the file fontconfig listed first) are not
modelled, so such lines can be off by a few percent.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import logging
import os
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path

import font_source_sans_pro
from PIL import ImageFont

log = logging.getLogger(__name__)

__all__ = [
    "FONT_FAMILY",
    "FONT_FAMILY_BLACK",
    "FONT_FILES",
    "font_dir",
    "font_file",
    "package_font_dir",
    "pillow_font",
    "text_width",
]

#: The family name inside the TTF files (``fc-scan`` prints it); what ASS styles name.
FONT_FAMILY = "Source Sans Pro"
#: The Black weight registers as a family of its own; libass selects it by this name.
FONT_FAMILY_BLACK = "Source Sans Pro Black"
#: The weights captions use, by name.
FONT_FILES: dict[str, str] = {
    "regular": "SourceSansPro-Regular.ttf",
    "semibold": "SourceSansPro-Semibold.ttf",
    "bold": "SourceSansPro-Bold.ttf",
    "black": "SourceSansPro-Black.ttf",
    "italic": "SourceSansPro-It.ttf",
    "bold_italic": "SourceSansPro-BoldIt.ttf",
}


def package_font_dir() -> Path:
    """The installed package's folder of font files."""
    return Path(font_source_sans_pro.font_directory)


def font_file(weight: str = "bold") -> Path:
    """The bundled TTF for ``weight`` (a key of :data:`FONT_FILES`), e.g. for measuring text with Pillow.

    An absolute path is a creator's own font (the brand kit's, checked when it was uploaded) and is
    returned as it is, so captions measure and draw in it.
    """
    if os.path.isabs(weight):
        return Path(weight)
    return package_font_dir() / FONT_FILES[weight]


def font_dir_with(extra: Path, parent: Path) -> Path:
    """A new folder in ``parent`` holding links to the bundled fonts and to ``extra`` (a brand font),
    for libass's ``fontsdir`` when captions are drawn in the creator's font. The caller removes it."""
    folder = Path(tempfile.mkdtemp(prefix=".fonts-", dir=parent))
    for path in sorted(package_font_dir().glob("*.ttf")):
        (folder / path.name).symlink_to(path)
    (folder / f"brand{extra.suffix.lower()}").symlink_to(extra.resolve())
    return folder


@functools.lru_cache(maxsize=64)
def _file_font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size)


def pillow_font(weight: str, size: int) -> ImageFont.FreeTypeFont:
    """The bundled ``weight`` at ``size`` px (em size) as a Pillow font; cached, as loading parses the file."""
    return _file_font(font_file(weight), size)


@functools.lru_cache(maxsize=16)
def _em_ratio(path: Path) -> float:
    ascent, descent = _file_font(path, 100).getmetrics()
    return 100 / (ascent + descent)


def _width(text: str, path: Path, font_size: int) -> float:
    # libass sizes every font, a fallback too, so that its ascent + descent equals the font size.
    em = max(1, round(font_size * _em_ratio(path)))
    return float(_file_font(path, em).getlength(text))


def text_width(text: str, weight: str, font_size: int, fallback: Mapping[str, Path] | None = None) -> float:
    """Rendered width in px of ``text`` at ASS font size ``font_size``.

    Args:
        fallback: character -> the system font file libass draws it from (the characters the bundled
            font lacks, :func:`spaceclip.services.render.glyphs.caption_fallbacks`); each run of them
            is measured in its own font. A character the bundled font lacks and ``fallback`` does not
            name is measured as the bundled font's empty box.
    """
    bundled = font_file(weight)
    if not fallback:
        return _width(text, bundled, font_size)
    runs = itertools.groupby(text, key=lambda c: fallback.get(c, bundled))
    return sum(_width("".join(chars), path, font_size) for path, chars in runs)


def _is_ours(path: Path, names: set[str], source: Path) -> bool:
    """Whether ``path`` is a private folder of ours holding exactly the expected links."""
    try:
        st = path.lstat()
    except FileNotFoundError:
        return False
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o077:
        return False
    entries = {p.name: p for p in path.iterdir()}
    if set(entries) != names:
        return False
    return all(p.is_symlink() and Path(os.readlink(p)) == source / p.name for p in entries.values())


def font_dir(base: Path | None = None) -> Path:
    """A folder holding only the bundled TTF fonts (links to the package's files).

    It lives in the temp folder under a name derived from the package location and the user id, so
    processes share it. It is checked on every call (a dozen directory entries) and made again when
    missing, so a temp cleaner cannot leave a long-running worker burning captions without the fonts;
    a folder of that name that is not exactly ours is never used.

    Args:
        base: where to make the folder (default: the system temp folder).
    """
    source = package_font_dir()
    names = {p.name for p in source.glob("*.ttf")}
    missing = set(FONT_FILES.values()) - names
    if missing:
        raise FileNotFoundError(f"bundled fonts missing from {source}: {sorted(missing)}")
    digest = hashlib.sha256(f"{source}|{sorted(names)}".encode()).hexdigest()[:12]
    parent = base if base is not None else Path(tempfile.gettempdir())
    final = parent / f"spaceclip-fonts-{os.getuid()}-{digest}"
    if _is_ours(final, names, source):
        return final
    staging = Path(tempfile.mkdtemp(prefix="spaceclip-fonts-", dir=parent))
    for name in sorted(names):
        (staging / name).symlink_to(source / name)
    try:
        staging.rename(final)
    except OSError:
        # Another process won the race (or something else holds the name): use theirs if it is sound.
        if _is_ours(final, names, source):
            for link in staging.iterdir():
                link.unlink()
            staging.rmdir()
            return final
        log.warning("Font folder %s is not ours; using a private one at %s", final, staging)
        return staging
    return final
