"""The bundled caption fonts: the private font folder libass reads, and text measured in the same files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PIL import ImageFont

from spaceclip.services.render import fonts


def test_font_dir_holds_only_the_bundled_fonts() -> None:
    folder = fonts.font_dir()
    entries = sorted(folder.iterdir())
    assert entries and all(p.suffix == ".ttf" for p in entries)
    for p in entries:
        assert p.is_symlink() and p.resolve().parent == fonts.package_font_dir().resolve()
    assert {p.name for p in entries} >= set(fonts.FONT_FILES.values())
    assert os.stat(folder).st_mode & 0o077 == 0  # private to this user
    assert ImageFont.truetype(str(fonts.font_file("bold")), 20).font.family == fonts.FONT_FAMILY


def test_font_dir_is_made_again_when_a_temp_cleaner_removed_it(tmp_path: Path) -> None:
    folder = fonts.font_dir(tmp_path)
    assert folder.parent == tmp_path and fonts.font_dir(tmp_path) == folder  # shared, not made twice
    for link in folder.iterdir():
        link.unlink()
    folder.rmdir()
    again = fonts.font_dir(tmp_path)
    assert again == folder and (again / fonts.FONT_FILES["bold"]).resolve() == fonts.font_file("bold").resolve()


def test_font_dir_never_uses_a_folder_that_is_not_exactly_ours(tmp_path: Path) -> None:
    folder = fonts.font_dir(tmp_path)
    (folder / "Intruder.ttf").write_bytes(b"not a font")
    other = fonts.font_dir(tmp_path)
    assert other != folder and "Intruder.ttf" not in {p.name for p in other.iterdir()}
    assert {p.name for p in other.iterdir()} == {p.name for p in fonts.package_font_dir().glob("*.ttf")}
    (folder / "Intruder.ttf").unlink()
    assert fonts.font_dir(tmp_path) == folder


def test_text_width_grows_with_the_text_and_the_size() -> None:
    short, long = fonts.text_width("Hi", "bold", 60), fonts.text_width("Hi there", "bold", 60)
    assert 0 < short < long
    assert fonts.text_width("Hi there", "bold", 120) == pytest.approx(2 * long, rel=0.05)
    assert fonts.pillow_font("bold", 20) is fonts.pillow_font("bold", 20)  # loaded once
