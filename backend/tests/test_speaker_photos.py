"""Speaker photos: upload (checked by contents, capped, re-encoded), fetch, remove, owner-only; bad
files store nothing; the render finds the stored photos by speaker label."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from spaceclip.config import Settings
from spaceclip.db import Database
from spaceclip.services.ingest.storage import Storage
from spaceclip.services.render.audiogram.photos import MAX_PHOTO_BYTES, STORED_SIDE
from spaceclip.usecases.speaker_photos import speaker_photos
from tests.factories import UserFactory
from tests.test_transcript_api import _project_with_transcript


def _image(fmt: str, size: tuple[int, int] = (800, 600), colour: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format=fmt)
    return out.getvalue()


def _setup(client: TestClient, users: UserFactory, database: Database) -> tuple[str, list[str]]:
    user = users.create()
    users.sign_in(client, user)
    pid = _project_with_transcript(database, user.id)
    speakers = client.get(f"/api/projects/{pid}/transcript").json()["speakers"]
    return pid, [s["id"] for s in speakers]


def _photo_files(settings: Settings, pid: str) -> list[Path]:
    folder = Storage(settings).project_dir(pid) / "speakers"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_upload_fetch_remove(client: TestClient, users: UserFactory, database: Database, settings: Settings) -> None:
    pid, (first, second) = _setup(client, users, database)
    url = f"/api/projects/{pid}/speakers/{first}/photo"
    up = client.post(url, content=_image("JPEG"), headers={"content-type": "application/octet-stream"})
    assert up.status_code == 200, up.text
    assert up.json() == {"speaker_id": first, "format": "JPEG", "width": 800, "height": 600, "stored_side": STORED_SIDE}
    got = client.get(url)
    assert got.status_code == 200 and got.headers["content-type"] == "image/png"
    assert got.headers["x-content-type-options"] == "nosniff"
    with Image.open(io.BytesIO(got.content)) as im:
        assert (im.format, im.size) == ("PNG", (STORED_SIDE, STORED_SIDE))  # re-encoded, square
        assert im.convert("RGB").getpixel((256, 256))[0] > 180
    with database.session() as db:
        photos = speaker_photos(db, Storage(settings), pid)
    assert list(photos) == ["Speaker 1"] and photos["Speaker 1"].is_file()
    assert client.get(f"/api/projects/{pid}/speakers/{second}/photo").status_code == 404
    assert client.delete(url).status_code == 204
    assert client.get(url).status_code == 404 and client.delete(url).status_code == 404
    assert _photo_files(settings, pid) == []


def _truncated_png() -> bytes:
    data = _image("PNG", (400, 400))
    return data[: len(data) // 2]


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        (b"This is not a picture at all, just text pretending to be photo.png\n" * 4, 415, "not a PNG, JPEG or WebP"),
        (_image("GIF"), 415, "not a PNG, JPEG or WebP"),
        (_image("BMP"), 415, "not a PNG, JPEG or WebP"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, 415, "not a PNG, JPEG or WebP"),
        (_truncated_png(), 415, "damaged or not an image"),
        (_image("PNG", (8001, 40)), 413, "at most 8000 px"),
        (_image("PNG", (20, 20)), 415, "too small"),
        (b"\xff" * (MAX_PHOTO_BYTES + 1), 413, "over 8 MB"),
    ],
    ids=["text", "gif", "bmp", "png-header-only", "truncated", "too-wide", "too-small", "too-big"],
)
def test_bad_photos_are_refused_and_nothing_is_stored(
    client: TestClient, users: UserFactory, database: Database, settings: Settings, body: bytes, status: int,
    words: str,
) -> None:  # fmt: skip
    pid, (first, _) = _setup(client, users, database)
    res = client.post(f"/api/projects/{pid}/speakers/{first}/photo", content=body)
    assert res.status_code == status, res.text
    assert words in res.json()["detail"]
    assert _photo_files(settings, pid) == []


def test_photos_are_owner_only(client: TestClient, users: UserFactory, database: Database) -> None:
    pid, (first, _) = _setup(client, users, database)
    url = f"/api/projects/{pid}/speakers/{first}/photo"
    assert client.post(url, content=_image("PNG")).status_code == 200
    assert client.post(f"/api/projects/{pid}/speakers/nosuchspeaker/photo", content=_image("PNG")).status_code == 404
    other = users.create()
    users.sign_in(client, other)
    assert client.get(url).status_code == 404
    assert client.post(url, content=_image("PNG")).status_code == 404
    assert client.delete(url).status_code == 404
