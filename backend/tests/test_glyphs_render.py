"""Captions in other languages burned in by the real render path (ffmpeg + libass), frames grabbed.

Accented Latin comes from the bundled font; a script it lacks is drawn from the system font that
fontconfig offers (DejaVu Sans in a fontconfig of known fonts, tests/system_fonts.py); characters no
font has stop the render before ffmpeg runs.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from spaceclip.config import Settings
from spaceclip.errors import GlyphsMissing
from spaceclip.services.media.probe import MediaInfo
from spaceclip.services.render import fonts, presets
from spaceclip.services.render.render import caption_fonts, render_frame
from spaceclip.services.render.spec import ClipSpec
from tests.highlight_words import transcript_of
from tests.render_media import make_talk_video, probe
from tests.system_fonts import DEJAVU_SANS, use_fonts

pytestmark = pytest.mark.slow

FONTSELECT = re.compile(r"fontselect: \((.+?), (\d+), (\d+)\) -> (.+?), \d+, (\S+)")
ACCENTED = "Señor, ça coûte très cher: Größe, übermäßig!"  # one page: all of it on the frame
GEORGIAN = "გამარჯობა მეგობარო, როგორ ხარ?"


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, MediaInfo]:
    folder = tmp_path_factory.mktemp("glyph-src")
    video = make_talk_video(folder / "talk.mp4", seconds=6.0, size="640x360")
    return video, probe(video, Settings(data_dir=folder, _env_file=None))  # type: ignore[call-arg]


def _spec(source: tuple[Path, MediaInfo], text: str, language: str, style: str | None = "subtitle") -> ClipSpec:
    transcript = replace(transcript_of([("Speaker 1", text)]), language=language)
    return ClipSpec(
        source=source[0], info=source[1], start=0.0, end=5.5, preset=presets.get_preset("linkedin_landscape"),
        transcript=transcript, caption_style=style,
    )  # fmt: skip


def _frame(spec: ClipSpec, settings: Settings, tmp: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[np.ndarray, str]:
    """The frame 1.2 s into the clip, and libass's log of that render (ffmpeg's FFREPORT)."""
    report = tmp / f"report-{len(list(tmp.glob('report-*')))}.log"
    monkeypatch.setenv("FFREPORT", f"file={report}:level=48")
    png = tmp / "frame.png"
    png.write_bytes(render_frame(spec, 1.2, settings, tmp / "work"))
    monkeypatch.delenv("FFREPORT")
    with Image.open(png) as im:
        pixels = np.asarray(im.convert("RGB"), dtype=np.int16)
    return pixels, report.read_text(errors="replace")


def _caption_pixels(captioned: np.ndarray, plain: np.ndarray) -> int:
    return int((np.abs(captioned - plain).max(axis=2) > 60).sum())


def test_accented_latin_captions_render_from_the_bundled_font(
    source: tuple[Path, MediaInfo], settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_fonts(monkeypatch, tmp_path / "fc", [])  # no system font at all: the bundled one must do
    spec = _spec(source, ACCENTED, "es")
    assert caption_fonts(spec, 0.0, 5.5, settings) == {}
    captioned, log = _frame(spec, settings, tmp_path, monkeypatch)
    plain, _ = _frame(replace(spec, caption_style=None), settings, tmp_path, monkeypatch)
    assert _caption_pixels(captioned, plain) > 1500, "no captions were drawn"
    chosen = [(m.group(1), m.group(5)) for m in FONTSELECT.finditer(log)]
    assert chosen and all(family == fonts.FONT_FAMILY and name.startswith("SourceSansPro-") for family, name in chosen)
    assert "not found" not in log  # libass never had to look beyond the bundled font (ñ, ç, û, ß, ü...)


def test_a_script_the_bundled_font_lacks_is_drawn_from_a_system_font(
    source: tuple[Path, MediaInfo], settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = use_fonts(monkeypatch, tmp_path / "fc", [DEJAVU_SANS])
    spec = _spec(source, GEORGIAN, "ka")
    fallback = caption_fonts(spec, 0.0, 5.5, settings)
    assert set(fallback.values()) == {folder / DEJAVU_SANS.name} and "ა" in fallback
    captioned, log = _frame(spec, settings, tmp_path, monkeypatch)
    plain, _ = _frame(replace(spec, caption_style=None), settings, tmp_path, monkeypatch)
    assert _caption_pixels(captioned, plain) > 1500, "no captions were drawn"
    sources = {m.group(4) for m in FONTSELECT.finditer(log)}
    assert str(folder / DEJAVU_SANS.name) in sources  # libass fell back to the font we predicted
    assert "failed to find any fallback" not in log.lower()  # libass found every Georgian letter


def test_characters_no_font_has_stop_the_render_before_it_starts(
    source: tuple[Path, MediaInfo], settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_fonts(monkeypatch, tmp_path / "fc", [DEJAVU_SANS])
    report = tmp_path / "report.log"
    monkeypatch.setenv("FFREPORT", f"file={report}:level=48")
    with pytest.raises(GlyphsMissing) as caught:
        render_frame(_spec(source, "我们开了一家店 Georgian: გამარჯობა", "zh"), 1.2, settings, tmp_path / "work")
    assert caught.value.chars == ("我", "们", "开", "了", "一", "家", "店")
    assert not report.exists()  # ffmpeg never ran
    # Without captions the same clip renders: only the captions needed the glyphs.
    assert render_frame(_spec(source, "我们开了一家店", "zh", None), 1.2, settings, tmp_path / "work")
