"""Clips: word snapping and platform length rules as tables, and the clip API (create, edit with
versions, delete, owner-only)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from spaceclip.db import Database
from spaceclip.errors import ValidationFailed
from spaceclip.models.tables import Project
from spaceclip.services.render.presets import get_preset
from spaceclip.services.speech.transcript import Segment, Speaker, Transcript, Word
from spaceclip.usecases.clips import check_length, snap_range
from spaceclip.usecases.transcripts import save_transcript
from tests.factories import UserFactory

WORDS = (
    Word(1.00, 1.40, "Hello", 0.9),
    Word(1.50, 2.00, "there.", 0.9),
    Word(3.00, 3.50, "Big", 0.9),
    Word(3.52, 4.00, "news.", 0.9),
)


@pytest.mark.parametrize(
    ("start", "end", "duration", "expected"),
    [
        (1.0, 2.0, 5.0, (0.85, 2.15)),  # on word edges: padded
        (1.2, 1.7, 5.0, (0.85, 2.15)),  # inside words: out to their edges, never cutting one
        (1.45, 3.1, 5.0, (1.40, 3.52)),  # pads stop at the neighbouring words
        (1.40, 2.0, 5.0, (1.40, 2.15)),  # start exactly at a word's end: that word is left out
        (0.0, 5.0, 5.0, (0.85, 4.15)),  # leading and trailing silence trimmed to the pad
        (-3.0, 9.0, 5.0, (0.85, 4.15)),  # outside the media: clamped first
        (0.5, 4.0, 4.05, (0.85, 4.05)),  # the pad never runs past the end of the media
        (2.2, 2.8, 5.0, (2.2, 2.8)),  # no word in range: only clamped
        (3.9, 4.6, 5.0, (3.5, 4.15)),  # start inside the last word, pad stopped by the one before
    ],
)
def test_snap_range(start: float, end: float, duration: float, expected: tuple[float, float]) -> None:
    snapped = snap_range(WORDS, start, end, duration=duration)
    assert snapped == pytest.approx(expected)
    assert snap_range(WORDS, *snapped, duration=duration) == pytest.approx(snapped), "snapping twice changes it"
    for word in WORDS:
        for edge in snapped:
            assert not word.start < edge < word.end, f"{edge} cuts {word.word!r}"


@pytest.mark.parametrize(
    ("words", "start", "end", "pad", "expected"),
    [
        ((Word(0.05, 0.5, "Go", 1.0),), 0.0, 0.5, 0.15, (0.0, 0.65)),  # the pad stops at zero
        ((Word(0.0, 1.0, "a", 1.0), Word(0.9, 1.5, "b", 1.0)), 1.2, 1.4, 0.15, (0.9, 1.65)),  # overlapping words
        (WORDS, 1.0, 2.0, 0.0, (1.0, 2.0)),  # no pad
        ((), 1.0, 2.0, 0.15, (1.0, 2.0)),  # no transcript words
    ],
)
def test_snap_range_edges(
    words: tuple[Word, ...], start: float, end: float, pad: float, expected: tuple[float, float]
) -> None:
    assert snap_range(words, start, end, pad=pad, duration=10.0) == pytest.approx(expected)


@pytest.mark.parametrize(("start", "end"), [(2.0, 2.0), (3.0, 1.0), (6.0, 8.0)])
def test_snap_range_refuses_empty_ranges(start: float, end: float) -> None:
    with pytest.raises(ValidationFailed, match="empty"):
        snap_range(WORDS, start, end, duration=5.0)


@pytest.mark.parametrize(
    ("start", "end", "platform", "message"),
    [
        (0.0, 30.0, "youtube_shorts", None),
        (10.0, 190.0, "tiktok", None),
        (0.0, 200.0, "youtube_shorts", "YouTube Shorts allows at most 180 s"),
        (0.0, 2.0, "tiktok", "TikTok needs at least 3 s"),
        (0.0, 0.6, "x", "at least 1 s"),
        (0.0, 0.6, None, "at least 1 s"),
        (0.0, 899.0, None, None),
        (0.0, 1000.0, None, "at most 900 s"),
        (0.0, 901.0, "instagram_reels", "Instagram Reels allows at most 900 s"),
    ],
)
def test_check_length(start: float, end: float, platform: str | None, message: str | None) -> None:
    preset = get_preset(platform) if platform else None
    if message is None:
        check_length(start, end, preset)
        return
    with pytest.raises(ValidationFailed) as caught:
        check_length(start, end, preset)
    assert message in caught.value.user_message
    # It says what to do, not only what is wrong.
    assert re.search(r"Shorten it|Make it longer|Move its end later", caught.value.user_message)


# --- the API ---------------------------------------------------------------------------------------


def _project(
    database: Database,
    owner_id: str,
    *,
    duration: float = 5.0,
    words: tuple[Word, ...] = WORDS,
    media_path: str | None = None,
) -> str:
    """A ready project with one transcript segment of ``words`` (``media_path``: as if uploaded)."""
    with database.session() as db:
        project = Project(
            owner_id=owner_id,
            name="Episode",
            source_kind="upload",
            status="ready",
            media_path=media_path,
            media_info={"format_name": "wav", "duration_s": duration, "video": [], "audio": [{}], "has_video": False},
        )
        db.add(project)
        db.flush()
        segment = Segment(words[0].start, words[-1].end, " ".join(w.word for w in words), "Speaker 1", words)
        save_transcript(
            db,
            project.id,
            Transcript(duration=duration, language="en", speakers=(Speaker("Speaker 1"),), segments=(segment,)),
            model="tiny.en",
        )
        return project.id


def _create(client: TestClient, pid: str, **body: Any) -> Any:
    return client.post(f"/api/projects/{pid}/clips", json=body)


def test_clip_create_edit_delete(client: TestClient, users: UserFactory, database: Database) -> None:
    user = users.create()
    users.sign_in(client, user)
    pid = _project(database, user.id)

    made = _create(client, pid, start=1.2, end=3.1)
    assert made.status_code == 201, made.text
    clip = made.json()
    assert (clip["start"], clip["end"]) == (0.85, 3.52)
    assert clip["duration"] == pytest.approx(2.67)
    assert clip["title"] == "Clip 0:00 to 0:03" and clip["caption_style"] == "karaoke"
    assert clip["audiogram_style"] is None and clip["speaker_colors"] is True and clip["platform"] is None
    assert clip["version"] == 1 and clip["project_id"] == pid and clip["highlight_id"] is None

    edited = client.patch(f"/api/clips/{clip['id']}", json={"title": "  Big   news ", "end": 4.6, "version": 1})
    assert edited.status_code == 200, edited.text
    assert edited.json()["title"] == "Big news" and edited.json()["end"] == 4.15 and edited.json()["start"] == 0.85
    assert edited.json()["version"] == 2
    stale = client.patch(f"/api/clips/{clip['id']}", json={"title": "Old tab", "version": 1})
    assert stale.status_code == 409 and "Reload" in stale.json()["detail"]
    assert client.get(f"/api/clips/{clip['id']}").json()["title"] == "Big news"

    styled = client.patch(
        f"/api/clips/{clip['id']}",
        json={"caption_style": "pop", "audiogram_style": "bars", "speaker_colors": False, "version": 2},
    )
    assert styled.status_code == 200, styled.text
    assert styled.json()["caption_style"] == "pop" and styled.json()["audiogram_style"] == "bars"
    assert styled.json()["speaker_colors"] is False
    bad_style = client.patch(f"/api/clips/{clip['id']}", json={"caption_style": "comic-sans", "version": 3})
    assert bad_style.status_code == 422 and "karaoke" in bad_style.json()["detail"]
    bad_audiogram = client.patch(f"/api/clips/{clip['id']}", json={"audiogram_style": "spiral", "version": 3})
    assert bad_audiogram.status_code == 422 and "radial" in bad_audiogram.json()["detail"]
    no_audiogram = client.patch(f"/api/clips/{clip['id']}", json={"audiogram_style": None, "version": 3})
    assert no_audiogram.json()["audiogram_style"] is None

    second = _create(client, pid, start=3.0, end=4.0, title="Second", caption_style="subtitle")
    assert second.status_code == 201 and second.json()["title"] == "Second"
    listed = client.get(f"/api/projects/{pid}/clips").json()
    assert [c["id"] for c in listed] == [clip["id"], second.json()["id"]]

    assert client.delete(f"/api/clips/{clip['id']}").status_code == 204
    assert client.get(f"/api/clips/{clip['id']}").status_code == 404
    assert [c["id"] for c in client.get(f"/api/projects/{pid}/clips").json()] == [second.json()["id"]]


def test_clip_length_is_checked_against_the_platform(
    client: TestClient, users: UserFactory, database: Database
) -> None:
    user = users.create()
    users.sign_in(client, user)
    words = tuple(Word(i * 10 + 1.0, i * 10 + 1.5, f"word{i}", 0.9) for i in range(40))  # one word every 10 s
    pid = _project(database, user.id, duration=400.0, words=words)

    # Pauses kept: these clips are all pause, and the longest length applies after cuts (test_clip_cuts.py).
    too_long = _create(client, pid, start=0.0, end=300.0, platform="youtube_shorts", shorten_pauses=False)
    assert too_long.status_code == 422
    assert "YouTube Shorts allows at most 180 s" in too_long.json()["detail"]
    unknown = _create(client, pid, start=0.0, end=30.0, platform="myspace")
    assert unknown.status_code in {400, 422} and "tiktok" in unknown.json()["detail"]

    fits = _create(client, pid, start=0.0, end=300.0, platform="tiktok", shorten_pauses=False)
    assert fits.status_code == 201, fits.text
    clip = fits.json()
    assert clip["platform"] == "tiktok" and (clip["start"], clip["end"]) == (0.85, 291.65)
    # Moving to a stricter platform re-checks the stored range; the refused change leaves the clip as it was.
    stricter = client.patch(f"/api/clips/{clip['id']}", json={"platform": "youtube_shorts", "version": 1})
    assert stricter.status_code == 422 and "180 s" in stricter.json()["detail"]
    shorter = client.patch(f"/api/clips/{clip['id']}", json={"platform": "youtube_shorts", "end": 150.0, "version": 1})
    assert shorter.status_code == 200, shorter.text
    assert shorter.json()["platform"] == "youtube_shorts" and shorter.json()["end"] == 141.65
    longer = client.patch(f"/api/clips/{clip['id']}", json={"end": 395.0, "version": 2})
    assert longer.status_code == 422 and "YouTube Shorts" in longer.json()["detail"]
    assert client.get(f"/api/clips/{clip['id']}").json()["end"] == 141.65


def test_clips_are_owner_only(client: TestClient, make_client, users: UserFactory, database: Database) -> None:
    owner = users.create()
    users.sign_in(client, owner)
    pid = _project(database, owner.id)
    clip = _create(client, pid, start=1.0, end=2.0).json()

    other = make_client()
    users.sign_in(other, users.create())
    assert other.get(f"/api/projects/{pid}/clips").status_code == 404
    assert _create(other, pid, start=1.0, end=2.0).status_code == 404
    assert other.get(f"/api/clips/{clip['id']}").status_code == 404
    assert other.patch(f"/api/clips/{clip['id']}", json={"title": "Mine", "version": 1}).status_code == 404
    assert other.delete(f"/api/clips/{clip['id']}").status_code == 404
    assert client.get(f"/api/clips/{clip['id']}").json()["title"] == clip["title"]


def test_non_numbers_are_refused(client: TestClient, users: UserFactory, database: Database) -> None:
    user = users.create()
    users.sign_in(client, user)
    pid = _project(database, user.id)
    for body in ('{"start": NaN, "end": 2}', '{"start": 1, "end": Infinity}'):
        response = client.post(f"/api/projects/{pid}/clips", content=body, headers={"Content-Type": "application/json"})
        assert response.status_code == 422, body
    assert client.get(f"/api/projects/{pid}/waveform", params={"end": "inf"}).status_code == 422
    assert client.get(f"/api/projects/{pid}/clips").json() == []
