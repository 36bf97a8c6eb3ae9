"""The brand kit through the API: settings with versions, font and logo uploads (good and bad), owners,
the card preview, the font's coverage of a transcript, and an export that carries the kit."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from spaceclip.config import Settings
from spaceclip.db import Database
from spaceclip.services.ingest.storage import Storage
from spaceclip.services.media.probe import probe_media
from spaceclip.services.render import fonts
from spaceclip.services.render.brand import MAX_FONT_BYTES
from tests.factories import UserFactory
from tests.job_api import wait_for_api_job
from tests.render_media import make_talk_video
from tests.test_exports_api import _ready_clip

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

KIT: dict[str, Any] = {
    "enabled": True,
    "background": "#1e3a8a",
    "text_color": "#FDE68A",
    "accent": "#F97316",
    "logo_position": "bottom-left",
    "logo_scale": 0.2,
    "logo_opacity": 0.8,
    "intro": {"enabled": True, "title": "Small shops, big ideas", "seconds": 1.5},
    "outro": {"enabled": True, "title": "Follow for more", "seconds": 1.0},
    "version": 0,
}


def _png(size: tuple[int, int] = (300, 120), fmt: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGBA" if fmt == "PNG" else "RGB", size, (255, 140, 0)).save(out, format=fmt)
    return out.getvalue()


def _files(settings: Settings, user_id: str) -> list[str]:
    folder = Storage(settings).brand_dir(user_id)
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_kit_settings_save_with_versions(client: TestClient, users: UserFactory) -> None:
    users.sign_in(client, users.create())
    empty = client.get("/api/brand").json()
    assert empty["version"] == 0 and empty["font_family"] is None and not empty["has_logo"]
    saved = client.put("/api/brand", json=KIT)
    assert saved.status_code == 200, saved.text
    body = saved.json()
    assert body["version"] == 1 and body["background"] == "#1E3A8A" and body["intro"]["seconds"] == 1.5
    assert client.get("/api/brand").json()["logo_position"] == "bottom-left"
    stale = client.put("/api/brand", json=KIT)  # still version 0
    assert stale.status_code == 409 and "changed meanwhile" in stale.json()["detail"]
    again = client.put("/api/brand", json=KIT | {"version": 1, "logo_position": "top-left"})
    assert again.json()["version"] == 2
    for bad in ({"background": "red"}, {"logo_scale": 2}, {"intro": {"enabled": True, "seconds": 9}}, {"x": 1}):
        assert client.put("/api/brand", json=KIT | {"version": 2} | bad).status_code == 422, bad


def test_font_and_logo_uploads(client: TestClient, make_client: Any, users: UserFactory, settings: Settings) -> None:
    owner = users.create()
    users.sign_in(client, owner)
    font = client.put("/api/brand/font", params={"name": "../../My Font.ttf"}, content=DEJAVU.read_bytes())
    assert font.status_code == 200, font.text
    assert font.json()["font_family"] == "DejaVu Sans" and font.json()["font_name"] == "My Font.ttf"
    logo = client.put("/api/brand/logo", params={"name": "logo.jpg"}, content=_png(fmt="JPEG"))
    assert logo.status_code == 200 and logo.json()["has_logo"] and logo.json()["logo_size"] == [300, 120]
    names = _files(settings, owner.id)
    assert len(names) == 2 and names[0].startswith("font-") and names[0].endswith(".ttf")
    assert names[1].startswith("logo-") and names[1].endswith(".png")  # stored as PNG whatever came in
    got = client.get("/api/brand/logo")
    assert got.headers["content-type"] == "image/png" and got.content[:4] == b"\x89PNG"

    # A new file replaces the old one; an OTF is accepted too.
    otf = (fonts.package_font_dir() / "SourceSansPro-Bold.otf").read_bytes()
    assert client.put("/api/brand/font", content=otf).json()["font_family"].startswith("Source Sans")
    assert [n.rsplit(".", 1)[1] for n in _files(settings, owner.id)] == ["otf", "png"]

    # Another user has a kit of their own and never sees this one's files.
    other = make_client()
    users.sign_in(other, users.create())
    assert other.get("/api/brand").json()["version"] == 0
    assert other.get("/api/brand/logo").status_code == 404

    assert client.delete("/api/brand/logo").json()["has_logo"] is False
    assert [n.rsplit(".", 1)[1] for n in _files(settings, owner.id)] == ["otf"]
    assert client.delete("/api/brand/logo").status_code == 404


@pytest.mark.parametrize(
    ("kind", "data", "status", "words"),
    [
        ("font", _png(), 415, "not a TrueType or OpenType font"),  # a PNG sent as a font
        ("font", DEJAVU.read_bytes()[:3000], 415, "damaged or unreadable"),
        ("font", b"OTTO" + b"\x00" * (MAX_FONT_BYTES + 10), 413, "over 10 MB"),
        ("logo", DEJAVU.read_bytes()[:4000], 415, "damaged or not an image"),  # a font sent as a logo
        ("logo", b"GIF89a" + b"\x00" * 100, 415, "damaged or not an image"),
        ("logo", _png((4100, 10)), 413, "at most 4096 px"),
        ("logo", b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>", 415, "damaged or not an image"),
    ],
)
def test_bad_uploads_store_nothing(
    client: TestClient, users: UserFactory, settings: Settings, kind: str, data: bytes, status: int, words: str
) -> None:
    owner = users.create()
    users.sign_in(client, owner)
    res = client.put(f"/api/brand/{kind}", params={"name": f"file.{'ttf' if kind == 'font' else 'png'}"}, content=data)
    assert res.status_code == status, res.text
    assert words in res.json()["detail"]
    assert _files(settings, owner.id) == []
    assert client.get("/api/brand").json()["version"] == 0


def test_card_preview_and_coverage(
    client: TestClient, users: UserFactory, database: Database, settings: Settings, tmp_path: Path
) -> None:
    owner = users.create()
    users.sign_in(client, owner)
    client.put("/api/brand", json=KIT)
    client.put("/api/brand/logo", content=_png())
    card = client.get("/api/brand/card", params={"which": "intro", "platform": "instagram_feed"})
    assert card.status_code == 200 and card.headers["content-type"] == "image/png"
    with Image.open(io.BytesIO(card.content)) as im:
        assert im.size == (1080, 1350)
        assert all(
            abs(a - b) <= 12 for a, b in zip(im.convert("RGB").getpixel((5, 5)), (0x1E, 0x3A, 0x8A), strict=True)
        )
    # Coverage: the bundled font's family is absent until a font is uploaded.
    source = make_talk_video(tmp_path / "talk.mp4", seconds=3.0)
    project_id, _ = _ready_clip(database, settings, owner, source, start=0.2, end=2.5)
    assert client.get("/api/brand/coverage", params={"project_id": project_id}).status_code == 404
    client.put("/api/brand/font", content=DEJAVU.read_bytes())
    cover = client.get("/api/brand/coverage", params={"project_id": project_id}).json()
    assert cover["font_family"] == "DejaVu Sans" and cover["missing"] == [] and cover["checked_chars"] > 10
    # A title the font cannot draw is refused with the characters named.
    kit = client.get("/api/brand").json()
    res = client.put("/api/brand", json=KIT | {"version": kit["version"], "outro": {"enabled": True, "title": "再见"}})
    assert res.status_code == 422 and "再 见" in res.json()["detail"]


def test_export_carries_the_kit(
    client: TestClient,
    users: UserFactory,
    database: Database,
    settings: Settings,
    worker: object,
    tmp_path: Path,
) -> None:
    owner = users.create()
    users.sign_in(client, owner)
    source = make_talk_video(tmp_path / "talk.mp4", seconds=5.0)
    _, clip_id = _ready_clip(database, settings, owner, source, start=0.6, end=4.1)
    client.put("/api/brand", json=KIT)
    client.put("/api/brand/font", content=DEJAVU.read_bytes())
    client.put("/api/brand/logo", content=_png())
    created = client.post(f"/api/clips/{clip_id}/exports", json={"platform": "tiktok"}).json()
    assert created["export"]["settings"]["brand"]["intro"] == {"title": "Small shops, big ideas", "seconds": 1.5}
    # A later edit of the kit does not change the export in flight.
    client.put("/api/brand", json=KIT | {"version": 3, "enabled": False})
    assert wait_for_api_job(client, created["job"]["id"])["status"] == "succeeded"
    done = client.get(f"/api/exports/{created['export']['id']}").json()
    assert done["check"]["passed"], done["check"]
    assert done["duration"] == pytest.approx(3.5 + 2.5, abs=0.01)
    video = tmp_path / "export.mp4"
    video.write_bytes(client.get(f"/api/exports/{created['export']['id']}/download").content)
    assert probe_media(video, settings).duration_s == pytest.approx(6.0, abs=0.1)
    # Switched off: the next export is unbranded.
    plain = client.post(f"/api/clips/{clip_id}/exports", json={"platform": "tiktok"}).json()
    assert plain["export"]["settings"]["brand"] is None
