"""The clip's layout option (auto / single / split): stored by PATCH /api/clips/{id}, shown on the clip,
refused when unknown (nothing stored), and frozen into an export's snapshot. Real database and API."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from spaceclip.config import Settings
from spaceclip.db import Database
from spaceclip.services.render.spec import RenderSnapshot
from spaceclip.usecases.exports import create_export
from tests.factories import UserFactory
from tests.test_clip_cuts import _clip, _signed_in_project


def _snapshot(db: Session, user_id: str, clip_id: str, settings: Settings) -> RenderSnapshot:
    export, _ = create_export(db, user_id, clip_id, "linkedin_landscape", settings)
    return RenderSnapshot.from_dict(export.settings)


def test_layout_is_a_clip_option_exports_freeze(
    client: TestClient, users: UserFactory, database: Database, settings: Settings
) -> None:
    user_id, pid = _signed_in_project(client, users, database)
    clip = _clip(client, pid)
    assert clip["layout"] == "auto"

    bad = client.patch(f"/api/clips/{clip['id']}", json={"layout": "mosaic", "version": 1})
    assert bad.status_code == 422
    assert client.get(f"/api/clips/{clip['id']}").json()["version"] == 1  # nothing stored

    changed = client.patch(f"/api/clips/{clip['id']}", json={"layout": "split", "version": 1})
    assert changed.status_code == 200, changed.text
    assert changed.json()["layout"] == "split" and changed.json()["version"] == 2
    assert client.get(f"/api/clips/{clip['id']}").json()["layout"] == "split"

    with database.session() as db:
        snap = _snapshot(db, user_id, clip["id"], settings)
    assert snap.layout_mode == "split"

    # Other edits keep it; a later change does not alter the export already asked for.
    kept = client.patch(f"/api/clips/{clip['id']}", json={"title": "New", "version": 2}).json()
    assert kept["layout"] == "split"
    client.patch(f"/api/clips/{clip['id']}", json={"layout": "single", "version": 3})
    with database.session() as db:
        again = _snapshot(db, user_id, clip["id"], settings)
    assert (snap.layout_mode, again.layout_mode) == ("split", "single")
