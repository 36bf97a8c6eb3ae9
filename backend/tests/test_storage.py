"""Storage: server-chosen names, paths confined to the storage roots, project file deletion."""

from __future__ import annotations

from pathlib import Path

import pytest

from spaceclip.config import Settings
from spaceclip.errors import UnsafePath
from spaceclip.services.ingest.storage import Storage, sanitize_extension, sanitize_filename


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        ("talk.mp4", "talk.mp4"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\Videos\\episode 12.MOV", "episode 12.MOV"),
        ("a\x00b\x1fc.mp3", "abc.mp3"),
        ("line\nbreak.wav", "linebreak.wav"),
        ("  spaced name.m4a  ", "spaced name.m4a"),
        ("...", None),
        ("", None),
        (None, None),
        ("dir/", None),
        ("e\u0301pisode.mp4", "\u00e9pisode.mp4"),  # NFC-normalised
        ("x" * 300 + ".mp4", "x" * 251 + ".mp4"),
        ("y" * 300, "y" * 255),
    ],
)
def test_sanitize_filename(original: str | None, expected: str | None) -> None:
    assert sanitize_filename(original) == expected


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        ("talk.mp4", ".mp4"),
        ("TALK.MP4", ".mp4"),
        ("archive.tar.gz", ".gz"),
        ("noext", ""),
        ("weird.m p4", ""),
        ("shell.mp4;rm -rf", ""),
        ("unicode.m\u00e44", ""),
        ("long.abcdefghijk", ""),
        ("../../x.webm", ".webm"),
        (".hidden", ""),
        (None, ""),
    ],
)
def test_sanitize_extension(original: str | None, expected: str) -> None:
    assert sanitize_extension(original) == expected


def test_source_path_and_relative_path(settings: Settings) -> None:
    storage = Storage(settings)
    path = storage.source_path("abc123", "../../My Talk.MP4")
    assert path == settings.upload_dir.resolve() / "abc123" / "source.mp4"
    assert storage.relative(path) == "abc123/source.mp4"
    assert storage.resolve("abc123/source.mp4") == path
    assert storage.source_path("abc123", "no extension").name == "source"


@pytest.mark.parametrize("bad_id", ["..", "../x", "a/b", "", "x" * 65, "a b", "a\x00b", "/abs"])
def test_project_ids_are_checked(settings: Settings, bad_id: str) -> None:
    storage = Storage(settings)
    with pytest.raises(UnsafePath):
        storage.project_dir(bad_id)
    with pytest.raises(UnsafePath):
        storage.output_dir(bad_id)


@pytest.mark.parametrize("stored", ["../outside.mp4", "/etc/passwd", "a/../../b", "", "."])
def test_resolve_refuses_paths_outside_root(settings: Settings, stored: str) -> None:
    with pytest.raises(UnsafePath):
        Storage(settings).resolve(stored)


def test_resolve_refuses_symlink_escape(settings: Settings, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("canary")
    (settings.upload_dir / "linked").symlink_to(outside, target_is_directory=True)
    with pytest.raises(UnsafePath):
        Storage(settings).resolve("linked/secret.txt")


def test_relative_refuses_foreign_path(settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(UnsafePath):
        Storage(settings).relative(tmp_path / "elsewhere.mp4")


def test_delete_project_files_removes_upload_and_output_dirs(settings: Settings) -> None:
    storage = Storage(settings)
    keep = storage.project_dir("other", create=True) / "source.mp4"
    keep.write_bytes(b"keep")
    upload = storage.project_dir("p1", create=True)
    (upload / "source.mp4").write_bytes(b"x")
    (upload / "nested").mkdir()
    (upload / "nested" / "audio.wav").write_bytes(b"y")
    output = storage.output_dir("p1", create=True)
    (output / "clip.mp4").write_bytes(b"z")

    storage.delete_project_files("p1")

    assert not upload.exists()
    assert not output.exists()
    assert keep.read_bytes() == b"keep"
    storage.delete_project_files("p1")  # already gone: no error


def test_delete_project_files_does_not_follow_symlinked_project_dir(settings: Settings, tmp_path: Path) -> None:
    outside = tmp_path / "precious"
    outside.mkdir()
    (outside / "data.txt").write_text("keep me")
    (settings.upload_dir / "p2").symlink_to(outside, target_is_directory=True)
    with pytest.raises(UnsafePath):
        Storage(settings).delete_project_files("p2")
    assert (outside / "data.txt").read_text() == "keep me"
