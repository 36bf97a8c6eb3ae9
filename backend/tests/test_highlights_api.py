"""Highlights through the API: found by the analyze job (real worker, generated speech), listed with
speaker names, thumbs stored, "find more" over a range as a job, highlight → clip, owner-only."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete

from spaceclip.db import Database
from spaceclip.errors import ValidationFailed
from spaceclip.models.tables import Highlight as HighlightRow
from spaceclip.models.tables import Project
from spaceclip.services.highlights.types import Highlight, HighlightResult
from spaceclip.services.render.presets import get_preset
from spaceclip.services.speech.transcript import Segment, Speaker, Transcript, Word
from spaceclip.usecases.highlights import (
    append_highlights,
    drop_duplicates,
    options_from_params,
    overlap_share,
    replace_analyze_highlights,
)
from spaceclip.usecases.transcripts import save_transcript
from tests.factories import UserFactory
from tests.job_api import wait_for_api_job

JOB_TIMEOUT_S = 400.0  # the analyze and "find more" jobs over about a minute of speech


def _h(start: float, end: float, title: str = "A moment", speakers: tuple[str, ...] = ("Speaker 1",)) -> Highlight:
    return Highlight(
        start=start,
        end=end,
        score=71.5,
        title=title,
        reason='Opens strong: "We built it in three weekends."',
        key_sentence="We built it in three weekends.",
        text="We built it in three weekends. It cost almost nothing.",
        hashtags=("#garden", "#community", "#diy"),
        speakers=speakers,
        features={"hook": 0.8, "specifics": 0.6},
    )


@pytest.mark.parametrize(
    ("a", "b", "share"),
    [
        ((0, 10), (0, 10), 1.0),
        ((0, 10), (5, 15), 0.5),
        ((0, 10), (10, 20), 0.0),
        ((0, 10), (2, 4), 1.0),  # the shorter one lies inside the longer
        ((0, 10), (7, 27), 0.3),
        ((0, 0), (0, 10), 0.0),
    ],
)
def test_overlap_share(a: tuple[float, float], b: tuple[float, float], share: float) -> None:
    assert overlap_share(*a, *b) == pytest.approx(share)
    assert overlap_share(*b, *a) == pytest.approx(share)


def test_drop_duplicates_keeps_moments_overlapping_at_most_30_percent() -> None:
    found = [_h(0, 20, "same"), _h(14, 34, "exactly 30 %"), _h(40, 60, "new"), _h(90, 95, "inside")]
    kept = drop_duplicates(found, [(0, 20), (80, 100)])
    assert [h.title for h in kept] == ["exactly 30 %", "new"]


def test_drop_duplicates_leaves_out_what_an_existing_highlight_already_says() -> None:
    """A passage said again later (a recurring segment) is far from the first in time, not in text."""
    said = "So the one rule is this: pay yourself first, the day your salary arrives, before a single bill."
    again = replace(
        _h(300, 320, "again"), text="And again, the one rule is this: pay yourself first, the day your salary arrives."
    )
    other = replace(_h(400, 420, "other"), text="We trained for the marathon through a wet winter, four runs a week.")
    kept = drop_duplicates([again, other], [(10, 30)], texts=[said])
    assert [h.title for h in kept] == ["other"]
    assert [h.title for h in drop_duplicates([again, other], [(10, 30)])] == ["again", "other"]  # by time alone


@pytest.mark.parametrize(
    ("params", "platform", "expected"),
    [
        ({}, None, (15.0, 90.0, 10, None, None)),
        ({"min_length": 5, "max_length": 20, "max_count": 3, "start": 10.0, "end": 50.0}, None, (5, 20, 3, 10, 50)),
        ({"max_length": 400}, "youtube_shorts", (15.0, 180.0, 10, None, None)),  # capped by the platform
        ({"min_length": 30}, "tiktok", (30.0, 90.0, 10, None, None)),
        ({"min_length": 120}, None, (120.0, 120.0, 10, None, None)),  # the default maximum follows a long minimum
        ({"min_length": 120}, "youtube_shorts", (120.0, 120.0, 10, None, None)),
    ],
)
def test_options_from_params(params: dict[str, Any], platform: str | None, expected: tuple[Any, ...]) -> None:
    options = options_from_params(params, get_preset(platform) if platform else None)
    assert (options.min_length, options.max_length, options.max_count, options.start, options.end) == expected


def test_options_refuse_a_minimum_above_the_platform_limit() -> None:
    with pytest.raises(ValidationFailed, match=r"YouTube Shorts allows \(at most 180 s\)"):
        options_from_params({"min_length": 200, "max_length": 300}, get_preset("youtube_shorts"))


# --- stored highlights through the API (no worker needed) ------------------------------------------


def _project(database: Database, owner_id: str) -> str:
    words = tuple(Word(i * 2.0 + 0.2, i * 2.0 + 1.0, f"w{i}", 0.9) for i in range(60))  # 120 s of words
    segments = (
        Segment(0.2, 59.0, "first half", "Speaker 1", words[:30]),
        Segment(60.2, 119.0, "second half", "Speaker 2", words[30:]),
    )
    transcript = Transcript(120.0, "en", (Speaker("Speaker 1"), Speaker("Speaker 2")), segments)
    with database.session() as db:
        project = Project(
            owner_id=owner_id,
            name="Garden",
            source_kind="upload",
            status="ready",
            media_info={"format_name": "wav", "duration_s": 120.0, "has_video": False},
        )
        db.add(project)
        db.flush()
        save_transcript(db, project.id, transcript, model="tiny.en")
        return project.id


def test_highlights_list_feedback_and_clip(
    client: TestClient, make_client, users: UserFactory, database: Database
) -> None:
    owner = users.create()
    users.sign_in(client, owner)
    pid = _project(database, owner.id)
    note = "LLM unavailable: nothing answers at http://127.0.0.1:9"
    with database.session() as db:
        replace_analyze_highlights(
            db, pid, HighlightResult((_h(10.3, 40.1, "Three weekends"), _h(60.5, 90.0, "Start small", ("Speaker 2",))))
        )
        append_highlights(db, pid, [_h(95.0, 115.0, "Ask the neighbours")], batch="job123", note=note)

    body = client.get(f"/api/projects/{pid}/highlights").json()
    assert [h["title"] for h in body["highlights"]] == ["Three weekends", "Start small", "Ask the neighbours"]
    assert [h["rank"] for h in body["highlights"]] == [1, 2, 3]
    assert [h["batch"] for h in body["highlights"]] == ["analyze", "analyze", "job123"]
    assert body["llm_note"] == note and body["highlights"][2]["llm_note"] == note
    first = body["highlights"][0]
    assert first["duration"] == pytest.approx(29.8) and first["score"] == 71.5 and first["feedback"] == 0
    assert first["hashtags"] == ["#garden", "#community", "#diy"] and first["features"]["hook"] == 0.8
    assert first["source"] == "builtin" and first["reason"].startswith("Opens strong")

    # Speakers are shown by the creator's names, and a rename applies at once.
    speakers = client.get(f"/api/projects/{pid}/transcript").json()["speakers"]
    client.patch(f"/api/projects/{pid}/speakers/{speakers[1]['id']}", json={"name": "Maya"})
    body = client.get(f"/api/projects/{pid}/highlights").json()
    assert [h["speakers"] for h in body["highlights"]] == [["Speaker 1"], ["Maya"], ["Speaker 1"]]

    up = client.put(f"/api/highlights/{first['id']}/feedback", json={"value": 1})
    assert up.status_code == 200 and up.json()["feedback"] == 1
    assert client.put(f"/api/highlights/{first['id']}/feedback", json={"value": 2}).status_code == 422
    assert client.get(f"/api/projects/{pid}/highlights").json()["highlights"][0]["feedback"] == 1

    made = client.post(f"/api/highlights/{first['id']}/clip", json={})
    assert made.status_code == 201, made.text
    clip = made.json()
    assert clip["highlight_id"] == first["id"] and clip["title"] == "Three weekends"
    assert (clip["start"], clip["end"]) == (10.05, 39.15)  # snapped to the words around 10.3 and before 40.1
    for_x = client.post(f"/api/highlights/{first['id']}/clip", json={"platform": "x"})
    assert for_x.status_code == 201 and for_x.json()["platform"] == "x"
    assert [c["id"] for c in client.get(f"/api/projects/{pid}/clips").json()] == [clip["id"], for_x.json()["id"]]

    # A new analysis replaces its own batch, keeps thumbs for the same range, and keeps "find more" batches.
    with database.session() as db:
        replace_analyze_highlights(db, pid, HighlightResult((_h(10.3, 40.1, "Three weekends again"),)))
    body = client.get(f"/api/projects/{pid}/highlights").json()
    assert [(h["title"], h["rank"], h["feedback"]) for h in body["highlights"]] == [
        ("Three weekends again", 1, 1),
        ("Ask the neighbours", 2, 0),
    ]
    assert body["llm_note"] is None  # the newest run had the LLM's help (or did not ask)
    assert client.get(f"/api/clips/{clip['id']}").json()["highlight_id"] is None  # its highlight was replaced

    other = make_client()
    users.sign_in(other, users.create())
    hid = body["highlights"][1]["id"]
    assert other.get(f"/api/projects/{pid}/highlights").status_code == 404
    assert other.post(f"/api/projects/{pid}/highlights", json={}).status_code == 404
    assert other.put(f"/api/highlights/{hid}/feedback", json={"value": -1}).status_code == 404
    assert other.post(f"/api/highlights/{hid}/clip", json={}).status_code == 404
    assert client.get(f"/api/projects/{pid}/highlights").json()["highlights"][1]["feedback"] == 0


def test_find_more_needs_a_transcript_and_sane_lengths(
    client: TestClient, users: UserFactory, database: Database
) -> None:
    owner = users.create()
    users.sign_in(client, owner)
    with database.session() as db:
        project = Project(owner_id=owner.id, name="new", source_kind="upload", status="queued")
        db.add(project)
        db.flush()
        bare = project.id
    response = client.post(f"/api/projects/{bare}/highlights", json={})
    assert response.status_code == 409 and "no transcript yet" in response.json()["detail"]
    pid = _project(database, owner.id)
    inverted = client.post(f"/api/projects/{pid}/highlights", json={"start": 50, "end": 10})
    assert inverted.status_code == 422
    lengths = client.post(f"/api/projects/{pid}/highlights", json={"min_length": 40, "max_length": 20})
    assert lengths.status_code == 422
    platform = client.post(f"/api/projects/{pid}/highlights", json={"min_length": 200, "platform": "youtube_shorts"})
    assert platform.status_code == 422 and "180 s" in platform.json()["detail"]
    unknown = client.post(f"/api/projects/{pid}/highlights", json={"platform": "myspace"})
    assert unknown.status_code in {400, 422} and "tiktok" in unknown.json()["detail"]


# --- the real thing: generated speech through the analyze job and a "find more" job -------------------


@pytest.fixture(scope="session")
def garden_talk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first nine turns of tests/data/conversation_three.json, three flite voices (about 66 s)."""
    from tests.speech import load_script, render_conversation

    script = load_script("conversation_three.json")
    script["turns"] = script["turns"][:9]
    return render_conversation(script, tmp_path_factory.mktemp("garden") / "garden.wav").wav


def _words(text: str) -> str:
    return " ".join("".join(c for c in word if c.isalnum()) for word in text.lower().split())


def _assert_no_two_overlap(highlights: list[dict[str, Any]]) -> None:
    for i, a in enumerate(highlights):
        for b in highlights[i + 1 :]:
            share = overlap_share(a["start"], a["end"], b["start"], b["end"])
            assert share <= 0.3 + 1e-6, f"{a['title']!r} and {b['title']!r} overlap by {share:.0%}"


def test_analysis_finds_highlights_and_find_more_adds_new_ones(
    client: TestClient, users: UserFactory, worker: Any, garden_talk: Path, database: Database
) -> None:
    users.sign_in(client, users.create())
    with garden_talk.open("rb") as fh:
        created = client.post("/api/projects", files={"file": ("garden.wav", fh, "audio/wav")})
    assert created.status_code == 202, created.text
    pid = created.json()["project"]["id"]
    job = wait_for_api_job(client, created.json()["job"]["id"], timeout=JOB_TIMEOUT_S)
    assert job["status"] == "succeeded", job
    assert "highlights found" in job["message"] and "LLM unavailable" in job["message"]  # no LLM in tests

    transcript = client.get(f"/api/projects/{pid}/transcript").json()
    words = [w for s in transcript["segments"] for w in s["words"]]
    starts, ends = {round(w["start"], 3) for w in words}, {round(w["end"], 3) for w in words}
    body = client.get(f"/api/projects/{pid}/highlights").json()
    found = body["highlights"]
    assert found, "the analysis stored no highlights"
    assert body["llm_note"].startswith("LLM unavailable")
    assert [h["rank"] for h in found] == list(range(1, len(found) + 1))
    assert {h["batch"] for h in found} == {"analyze"}
    assert [h["score"] for h in found] == sorted((h["score"] for h in found), reverse=True)
    for h in found:
        assert 15.0 <= h["duration"] <= 90.0, h
        assert round(h["start"], 3) in starts and round(h["end"], 3) in ends, "not on word edges"
        assert h["text"] and h["title"] and _words(h["key_sentence"]) in _words(h["text"])
        assert h["speakers"] and all(s.startswith("Speaker ") for s in h["speakers"])
    _assert_no_two_overlap(found)

    # Speaker names given later show up in every highlight.
    first_label = found[0]["speakers"][0]
    speaker = next(s for s in transcript["speakers"] if s["label"] == first_label)
    client.patch(f"/api/projects/{pid}/speakers/{speaker['id']}", json={"name": "Maya Lind"})
    assert "Maya Lind" in client.get(f"/api/projects/{pid}/highlights").json()["highlights"][0]["speakers"]
    assert client.put(f"/api/highlights/{found[0]['id']}/feedback", json={"value": -1}).json()["feedback"] == -1

    # On this 66 s talk the analysis' highlights cover nearly all of 10-60 s, and "find more" rightly
    # refuses a moment it already offered. Keep only the best one, so the range has room left.
    with database.session() as db:
        db.execute(delete(HighlightRow).where(HighlightRow.project_id == pid, HighlightRow.rank > 1))
    found = found[:1]
    assert found[0]["start"] > 10.0 or found[0]["end"] < 60.0, found[0]

    more = client.post(
        f"/api/projects/{pid}/highlights",
        json={"start": 10.0, "end": 60.0, "min_length": 5, "max_length": 12, "max_count": 4, "platform": "tiktok"},
    )
    assert more.status_code == 202, more.text
    assert more.json()["kind"] == "highlights"
    job = wait_for_api_job(client, more.json()["id"], timeout=JOB_TIMEOUT_S)
    assert job["status"] == "succeeded", job
    after = client.get(f"/api/projects/{pid}/highlights").json()["highlights"]
    new = [h for h in after if h["batch"] == job["id"]]
    assert 1 <= len(new) <= 4 and job["message"].startswith(f"Found {len(new)} new highlights")
    assert [h["id"] for h in after[: len(found)]] == [h["id"] for h in found]  # kept, still first
    assert after[0]["feedback"] == -1
    assert [h["rank"] for h in new] == list(range(len(found) + 1, len(found) + 1 + len(new)))
    for h in new:
        assert 5.0 <= h["duration"] <= 12.0 and h["start"] >= 10.0 and h["end"] <= 60.0, h
    _assert_no_two_overlap(after)

    clip = client.post(f"/api/highlights/{new[0]['id']}/clip", json={"platform": "tiktok"})
    assert clip.status_code == 201, clip.text
    c = clip.json()
    assert c["title"] == new[0]["title"] and c["platform"] == "tiktok" and c["highlight_id"] == new[0]["id"]
    assert new[0]["start"] - 0.16 <= c["start"] <= new[0]["start"] and new[0]["end"] <= c["end"] <= new[0]["end"] + 0.16
