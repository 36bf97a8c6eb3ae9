"""A fontconfig of known fonts for the caption fallback tests, so they do not depend on the machine's.

fontconfig (``fc-match``, and libass inside ffmpeg) reads the file named by ``FONTCONFIG_FILE``; the
configuration made here lists one folder holding only the fonts given, with a cache of its own.
DejaVu Sans (Debian ``fonts-dejavu-core``, installed by ``scripts/test.sh``) has Georgian, Armenian
and Hebrew, which the bundled Source Sans Pro lacks, and no Chinese, Japanese or Korean.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

DEJAVU_SANS = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def use_fonts(monkeypatch: pytest.MonkeyPatch, folder: Path, fonts: Sequence[Path]) -> Path:
    """Make ``fonts`` the only system fonts for this test (processes started from now on); returns
    the folder holding them."""
    font_dir = folder / "fonts"
    cache = folder / "cache"
    font_dir.mkdir(parents=True)
    cache.mkdir()
    for font in fonts:
        (font_dir / font.name).symlink_to(font)
    conf = folder / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n<fontconfig>\n'
        f"  <dir>{escape(str(font_dir))}</dir>\n  <cachedir>{escape(str(cache))}</cachedir>\n</fontconfig>\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("FONTCONFIG_FILE", str(conf))
    return font_dir
