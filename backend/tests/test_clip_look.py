"""The clip's look choices (speaker badges, caption emphasis and emoji, caption size and position):
stored with the clip, checked, frozen into the export's snapshot with the highlight's keywords."""

from __future__ import annotations

from dataclasses import replace

import pytest
from fastapi.testclient import TestClient

from spaceclip.db import Database
from spaceclip.models.tables import Clip, Highlight
from spaceclip.services.render.captions.emphasis import hashtag_words
from spaceclip.services.render.spec import RenderSnapshot
from spaceclip.usecases.exports import snapshot
from tests.factories import UserFactory
from tests.test_clips import _create, _project
from tests.test_spec import SNAP

LOOK = {"speaker_badges": True, "emphasis": True, "emoji": True, "caption_size": "large", "caption_position": "top"}


def test_look_is_stored_checked_and_defaulted(client: TestClient, users: UserFactory, database: Database) -> None:
    user = users.create()
    users.sign_in(client, user)
    pid = _project(database, user.id)
    clip = _create(client, pid, start=1.2, end=3.1).json()
    assert {k: clip[k] for k in LOOK} == {
        "speaker_badges": False, "emphasis": False, "emoji": False, "caption_size": "medium", "caption_position": "auto"
    }  # fmt: skip
    edited = client.patch(f"/api/clips/{clip['id']}", json=LOOK | {"version": 1})
    assert edited.status_code == 200, edited.text
    assert {k: edited.json()[k] for k in LOOK} == LOOK
    half = client.patch(f"/api/clips/{clip['id']}", json={"emoji": False, "version": 2}).json()
    assert half["emoji"] is False and half["emphasis"] is True and half["caption_size"] == "large"
    for bad in ({"caption_size": "huge"}, {"caption_position": "left"}):
        refused = client.patch(f"/api/clips/{clip['id']}", json=bad | {"version": 3})
        assert refused.status_code == 422
    assert client.get(f"/api/clips/{clip['id']}").json()["version"] == 3


@pytest.mark.parametrize(
    ("tags", "words"),
    [(["#SmallShops", "#Trust"], ["small", "shops", "trust"]), (["#AIAgents", "#Top10"], ["ai", "agents", "top", "10"]),
     ([], [])],
)  # fmt: skip
def test_hashtag_words(tags: list[str], words: list[str]) -> None:
    assert hashtag_words(tags) == words


def test_snapshot_freezes_the_look_and_the_highlights_keywords(users: UserFactory, database: Database) -> None:
    user = users.create()
    pid = _project(database, user.id)
    with database.session() as db:
        highlight = Highlight(project_id=pid, start=0.5, end=3.0, title="Trust", hashtags=["#SmallShops", "#Trust"])
        db.add(highlight)
        db.flush()
        clip = Clip(owner_id=user.id, project_id=pid, highlight_id=highlight.id, title="Trust", start=0.5, end=3.0,
                    caption_style="karaoke", options={"look": LOOK | {"caption_size": "gigantic"}})  # fmt: skip
        db.add(clip)
        db.flush()
        snap = snapshot(clip, "tiktok", audiogram_style="bars")
    assert (snap.speaker_badges, snap.emphasis, snap.emoji) == (True, True, True)
    assert (snap.caption_size, snap.caption_position) == ("medium", "top")  # a stored value no longer valid: default
    assert snap.keywords == ("small", "shops", "trust")
    assert RenderSnapshot.from_dict(snap.to_dict()) == snap


def test_snapshots_without_the_look_read_as_plain() -> None:
    looked = replace(SNAP, speaker_badges=True, emphasis=True, emoji=True, keywords=("trust",), caption_size="small",
                     caption_position="bottom")  # fmt: skip
    assert RenderSnapshot.from_dict(looked.to_dict()) == looked
    plain = RenderSnapshot.from_dict({k: v for k, v in looked.to_dict().items() if k not in LOOK | {"keywords": 0}})
    assert plain == SNAP
