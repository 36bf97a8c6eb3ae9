"""A clip's post text through the API, from its highlight and from its own words."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from spaceclip.db import Database
from spaceclip.models.tables import Clip, Highlight, Project, ProjectStatus
from spaceclip.services.publish.limits import POST_LIMITS, count
from spaceclip.usecases.transcripts import save_transcript
from tests.factories import MadeUser, UserFactory
from tests.highlight_words import transcript_of
from tests.speech import load_script

pytestmark = pytest.mark.db


def _setup(database: Database, owner: MadeUser) -> tuple[str, str]:
    """A project with the money-talk transcript; a clip from a highlight and one from a range."""
    script = load_script("highlight_money_talk.json")
    transcript = transcript_of([(t["speaker"], t["text"]) for t in script["turns"]])
    with database.session() as db:
        project = Project(owner_id=owner.id, name="Money", source_kind="upload", status=ProjectStatus.READY)
        db.add(project)
        db.flush()
        save_transcript(db, project.id, transcript, model="hand-made")
        seg = transcript.segments[4]
        highlight = Highlight(
            project_id=project.id, start=seg.start, end=seg.end, title="Smallest debt first",
            hook="Paying the smallest debt first is mathematically wrong. It still works.",
            description="A planner on why the small win beats the maths: " + seg.text * 12,
            key_sentence=seg.text, text=seg.text, hashtags=["DebtFree", "Money", "personal finance", "Savings",
                                                             "Budget", "Motivation"],
        )  # fmt: skip
        db.add(highlight)
        db.flush()
        from_highlight = Clip(project_id=project.id, owner_id=owner.id, highlight_id=highlight.id,
                              title=highlight.title, start=seg.start, end=seg.end)  # fmt: skip
        later = transcript.segments[8]
        from_range = Clip(project_id=project.id, owner_id=owner.id, title="", start=later.start, end=later.end)
        db.add_all([from_highlight, from_range])
        db.flush()
        return from_highlight.id, from_range.id


def test_posts_fit_each_platform(client: TestClient, make_client: Any, users: UserFactory, database: Database) -> None:
    owner = users.create()
    users.sign_in(client, owner)
    highlight_clip, range_clip = _setup(database, owner)
    posts = client.get(f"/api/clips/{highlight_clip}/posts").json()["posts"]
    assert {p["platform"] for p in posts} == set(POST_LIMITS)
    for post in posts:
        limits = POST_LIMITS[post["platform"]]
        assert post["length"] == count(post["text"], limits.counting) <= post["limit"] == limits.caption_chars
        assert post["text"].startswith("Paying the smallest debt first")
        assert post["hashtags"][0] == "#DebtFree" and "https://" in post["source"]
    by = {p["platform"]: p for p in posts}
    assert by["x"]["length"] <= 280 and by["x"]["caption"].endswith("…")
    assert "#PersonalFinance" in by["tiktok"]["hashtags"]
    assert by["youtube"]["title"] == "Smallest debt first"

    one = client.get(f"/api/clips/{highlight_clip}/posts", params={"platform": "linkedin_square"}).json()["posts"]
    assert [p["platform"] for p in one] == ["linkedin"]
    assert client.get(f"/api/clips/{highlight_clip}/posts", params={"platform": "myspace"}).status_code == 422

    # A clip made from a range: written from its own words.
    derived = client.get(f"/api/clips/{range_clip}/posts", params={"platform": "tiktok"}).json()["posts"][0]
    assert derived["hook"].startswith("I sat in the car park")  # its longest sentence leads
    assert "eight hundred pounds" in derived["caption"]  # the rest of what was said follows
    assert derived["hashtags"] and derived["length"] <= 2200

    other = make_client()
    users.sign_in(other, users.create())
    assert other.get(f"/api/clips/{highlight_clip}/posts").status_code == 404
