"""Cuts stored per clip: defaults per platform, struck and restored ranges with the clip's version,
422s naming what is wrong, the notice when cuts leave a clip too short, and exports freezing the cuts
resolved for their own preset. Real database, the clip API and the export use case."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from spaceclip.config import Settings
from spaceclip.db import Database
from spaceclip.errors import ValidationFailed
from spaceclip.services.render.presets import get_preset
from spaceclip.services.render.spec import RenderSnapshot
from spaceclip.services.speech.transcript import Word
from spaceclip.usecases.clips import check_length, short_notice
from spaceclip.usecases.exports import create_export
from tests.factories import UserFactory
from tests.test_clips import _project

# "So, um, big ... news. Really." : one filler (1.5-1.8 s) and one long pause (2.4-4.0 s).
WORDS = (
    Word(1.00, 1.40, "So,", 0.9),
    Word(1.50, 1.80, "um,", 0.9, filler=True),
    Word(1.90, 2.40, "big", 0.9),
    Word(4.00, 4.50, "news.", 0.9),
    Word(4.60, 5.00, "Really.", 0.9),
)


@pytest.mark.parametrize(
    ("cut_length", "length", "platform", "expected"),
    [
        (20.0, 25.0, "tiktok", None),
        (3.0, 3.5, "tiktok", None),  # exactly the minimum
        (2.4, 3.5, "tiktok", "After cuts this clip runs 2.4 s; TikTok needs at least 3 s: 0.6 s short."),
        (2.95, 3.5, "tiktok", "needs at least 3 s: 0.1 s short."),  # rounded up: widening by it is enough
        (0.6, 2.0, None, "After cuts this clip runs 0.6 s; a clip needs at least 1 s: 0.4 s short."),
        (2.5, 2.5, "tiktok", "This clip runs 2.5 s; TikTok needs at least 3 s: 0.5 s short."),
        (0.8, 3.0, "x", "X (9:16, 720p) needs at least 1 s: 0.2 s short."),  # never under a clip's own minimum
    ],
)
def test_short_notice(cut_length: float, length: float, platform: str | None, expected: str | None) -> None:
    notice = short_notice(cut_length, length, get_preset(platform) if platform else None)
    if expected is None:
        assert notice is None
        return
    assert notice is not None and expected in notice
    assert notice.endswith("Widen it or restore some cuts.")


@pytest.mark.parametrize(
    ("start", "end", "cut_length", "platform", "message"),
    [
        (0.0, 200.0, 170.0, "youtube_shorts", None),  # cuts bring it under the longest
        (0.0, 200.0, 190.0, "youtube_shorts", "After cuts this clip runs 190.0 s, but YouTube Shorts allows"),
        (0.0, 200.0, None, "youtube_shorts", "This clip is 200.0 s long, but YouTube Shorts allows"),
        (0.0, 3.5, 1.0, "tiktok", None),  # too short after cuts: a notice, not a refusal
        (0.0, 2.0, 1.5, "tiktok", "TikTok needs at least 3 s"),  # the range itself too short
        (0.0, 950.0, 899.0, None, None),
        (0.0, 950.0, 920.0, None, "After cuts this clip runs 920.0 s; clips can be at most 900 s"),
    ],
)
def test_check_length_after_cuts(
    start: float, end: float, cut_length: float | None, platform: str | None, message: str | None
) -> None:
    preset = get_preset(platform) if platform else None
    if message is None:
        check_length(start, end, preset, cut_length=cut_length)
        return
    with pytest.raises(ValidationFailed) as caught:
        check_length(start, end, preset, cut_length=cut_length)
    assert message in caught.value.user_message
    assert "Shorten it" in caught.value.user_message or "Make it longer" in caught.value.user_message


# --- the API ---------------------------------------------------------------------------------------


def _signed_in_project(client: TestClient, users: UserFactory, database: Database) -> tuple[str, str]:
    user = users.create()
    users.sign_in(client, user)
    return user.id, _project(database, user.id, duration=6.0, words=WORDS, media_path="uploads/episode.wav")


def _clip(client: TestClient, pid: str, **body: Any) -> dict[str, Any]:
    made = client.post(f"/api/projects/{pid}/clips", json={"start": 0.0, "end": 6.0, **body})
    assert made.status_code == 201, made.text
    return dict(made.json())


def _reasons(clip: dict[str, Any]) -> list[str]:
    return [c["reason"] for c in clip["cuts"]["cuts"]]


def test_cut_defaults_follow_the_platform(client: TestClient, users: UserFactory, database: Database) -> None:
    _, pid = _signed_in_project(client, users, database)

    # No platform: as for 9:16, the filler and the long pause are cut.
    plain = _clip(client, pid)
    assert (plain["start"], plain["end"]) == (0.85, 5.15)
    assert plain["remove_fillers"] is None and plain["shorten_pauses"] is None, "stored: follow the platform"
    assert plain["cuts"]["remove_fillers"] is True and plain["cuts"]["shorten_pauses"] is True
    assert plain["pause_over_s"] == 0.6 and plain["pause_to_s"] == 0.3
    assert plain["removed"] == [] and plain["restored"] == []
    assert _reasons(plain) == ["filler", "pause"]
    filler, pause = plain["cuts"]["cuts"]
    assert (filler["start"], filler["end"]) == pytest.approx((1.5, 1.8))
    assert (pause["start"], pause["end"]) == pytest.approx((2.55, 3.85)), "1.6 s of pause shortened to 0.3 s"
    assert plain["cuts"]["duration"] == pytest.approx(4.3 - 0.3 - 1.3)
    assert plain["cuts"]["removed_s"] == pytest.approx(1.6)
    assert plain["duration"] == pytest.approx(4.3), "duration stays the range's own"

    # TikTok (9:16): on, snapped to its 30 fps grid.
    tiktok = _clip(client, pid, platform="tiktok")
    assert tiktok["cuts"]["remove_fillers"] is True and _reasons(tiktok) == ["filler", "pause"]
    for cut in tiktok["cuts"]["cuts"]:
        for edge in (cut["start"], cut["end"]):
            assert (edge - tiktok["start"]) * 30 == pytest.approx(round((edge - tiktok["start"]) * 30), abs=1e-3)

    # LinkedIn 16:9: off unless chosen; choosing it on for this clip cuts the filler only.
    wide = _clip(client, pid, platform="linkedin_landscape")
    assert wide["cuts"]["remove_fillers"] is False and wide["cuts"]["shorten_pauses"] is False
    assert wide["cuts"]["cuts"] == [] and wide["cuts"]["duration"] == pytest.approx(4.3)
    chosen = client.patch(f"/api/clips/{wide['id']}", json={"remove_fillers": True, "version": 1})
    assert chosen.status_code == 200, chosen.text
    assert chosen.json()["remove_fillers"] is True and _reasons(chosen.json()) == ["filler"]
    # null goes back to the platform's default.
    back = client.patch(f"/api/clips/{wide['id']}", json={"remove_fillers": None, "version": 2})
    assert back.json()["remove_fillers"] is None and back.json()["cuts"]["cuts"] == []

    # Created with the cuts off: nothing cut.
    off = _clip(client, pid, remove_fillers=False, shorten_pauses=False)
    assert off["cuts"]["cuts"] == [] and off["cuts"]["duration"] == pytest.approx(4.3)


def test_struck_and_restored_ranges_round_trip_with_the_version(
    client: TestClient, users: UserFactory, database: Database
) -> None:
    _, pid = _signed_in_project(client, users, database)
    clip = _clip(client, pid)
    url = f"/api/clips/{clip['id']}"

    # Strike "news." and restore the filler and the pause.
    body = {"removed": [{"start": 4.0, "end": 4.5}], "restored": [{"start": 1.5, "end": 1.8}], "version": 1}
    struck = client.patch(url, json=body)
    assert struck.status_code == 200, struck.text
    got = struck.json()
    assert got["version"] == 2
    assert got["removed"] == [{"start": 4.0, "end": 4.5}] and got["restored"] == [{"start": 1.5, "end": 1.8}]
    assert "filler" not in _reasons(got) and "removed" in _reasons(got)
    assert client.get(url).json()["removed"] == [{"start": 4.0, "end": 4.5}], "stored"
    listed = client.get(f"/api/projects/{pid}/clips").json()
    assert listed[0]["cuts"] == got["cuts"]

    # Restoring the pause as well: only the struck word (merged with the pause around it) goes.
    kept = client.patch(url, json={"restored": [{"start": 1.5, "end": 1.8}, {"start": 2.5, "end": 3.9}], "version": 2})
    assert kept.status_code == 200, kept.text
    assert _reasons(kept.json()) == ["removed"]

    # A stale version: 409, nothing changed.
    stale = client.patch(url, json={"removed": [], "version": 2})
    assert stale.status_code == 409 and "Reload" in stale.json()["detail"]
    assert client.get(url).json()["removed"] == [{"start": 4.0, "end": 4.5}]

    # Sending [] clears the struck ranges: the length comes back.
    cleared = client.patch(url, json={"removed": [], "restored": [], "version": 3})
    assert cleared.json()["removed"] == [] and cleared.json()["cuts"]["duration"] == pytest.approx(2.7)

    # Narrowing the clip keeps the stored ranges to it.
    client.patch(url, json={"removed": [{"start": 4.0, "end": 5.0}], "version": 4})
    narrowed = client.patch(url, json={"end": 4.3, "version": 5})
    assert narrowed.status_code == 200, narrowed.text
    assert narrowed.json()["end"] == 4.6
    assert narrowed.json()["removed"] == [{"start": 4.0, "end": 4.6}]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"removed": [{"start": 2.0, "end": 3.0}, {"start": 2.5, "end": 3.5}]},
            "ranges 1 (2-3 s) and 2 (2.5-3.5 s) overlap",
        ),
        ({"removed": [{"start": 3.0, "end": 2.0}]}, "range 1 (3-2 s) ends before it starts"),
        ({"restored": [{"start": 5.0, "end": 9.0}]}, "range 1 (5-9 s) is outside the clip (0.85-5.15 s)"),
        ({"pause_over_s": 0.5, "pause_to_s": 0.5}, "the new length must be shorter"),
        ({"pause_to_s": 0.9}, "Pauses over 0.6 s cannot be shortened to 0.9 s"),
        ({"pause_to_s": -0.1}, "greater than or equal to 0"),
        ({"pause_over_s": 0}, "greater than 0"),
    ],
)
def test_bad_cuts_are_refused_with_what_is_wrong(
    client: TestClient, users: UserFactory, database: Database, body: dict[str, Any], message: str
) -> None:
    _, pid = _signed_in_project(client, users, database)
    clip = _clip(client, pid)
    refused = client.patch(f"/api/clips/{clip['id']}", json={**body, "version": 1})
    assert refused.status_code == 422, refused.text
    assert set(refused.json()) >= {"detail", "code"}
    assert message in refused.json()["detail"]
    assert client.get(f"/api/clips/{clip['id']}").json()["version"] == 1, "nothing stored"


def test_notice_when_cuts_leave_the_clip_too_short(
    client: TestClient, users: UserFactory, database: Database, settings: Settings
) -> None:
    user_id, pid = _signed_in_project(client, users, database)
    clip = _clip(client, pid, platform="tiktok")
    assert clip["cuts"]["notice"] is None or "TikTok" in clip["cuts"]["notice"]
    # Strike "big ... news." (most of the clip): allowed, with the notice saying by how much.
    struck = client.patch(f"/api/clips/{clip['id']}", json={"removed": [{"start": 1.9, "end": 4.5}], "version": 1})
    assert struck.status_code == 200, struck.text
    got = struck.json()
    length = got["cuts"]["duration"]
    assert length < 3.0
    notice = got["cuts"]["notice"]
    assert notice.startswith(f"After cuts this clip runs {length:.1f} s; TikTok needs at least 3 s: ")
    assert notice.endswith("s short. Widen it or restore some cuts.")

    # Its TikTok export is refused, saying so and by how much.
    with database.session() as db, pytest.raises(ValidationFailed) as caught:
        create_export(db, user_id, clip["id"], "tiktok", settings)
    assert "TikTok needs at least 3 s" in caught.value.user_message and "restore some cuts" in caught.value.user_message


def test_export_freezes_the_cuts_for_its_preset(
    client: TestClient, users: UserFactory, database: Database, settings: Settings
) -> None:
    user_id, pid = _signed_in_project(client, users, database)
    clip = _clip(client, pid, start=0.0, end=6.0)
    client.patch(f"/api/clips/{clip['id']}", json={"removed": [{"start": 4.6, "end": 5.0}], "version": 1})

    with database.session() as db:
        vertical, _ = create_export(db, user_id, clip["id"], "x", settings)
        wide, _ = create_export(db, user_id, clip["id"], "linkedin_landscape", settings)
        vertical_snap = RenderSnapshot.from_dict(vertical.settings)
        wide_snap = RenderSnapshot.from_dict(wide.settings)

    # X (9:16): the default cuts the filler and the pause, plus the struck word, on its frame grid.
    assert vertical_snap.cuts is not None
    assert [c.reason for c in vertical_snap.cuts.cuts] == ["filler", "pause", "removed"]
    assert vertical_snap.cuts.duration == pytest.approx(4.3 - 0.3 - 1.3 - 0.4, abs=2 / 30)
    # LinkedIn 16:9: only the struck word (no automatic cuts there).
    assert wide_snap.cuts is not None and [c.reason for c in wide_snap.cuts.cuts] == ["removed"]

    # A later edit does not change a requested export's cuts.
    client.patch(f"/api/clips/{clip['id']}", json={"removed": [], "version": 2})
    with database.session() as db:
        again = RenderSnapshot.from_dict(create_export(db, user_id, clip["id"], "x", settings)[0].settings)
    assert again.cuts is not None and [c.reason for c in again.cuts.cuts] == ["filler", "pause"]
    assert vertical_snap.cuts.duration < again.cuts.duration
