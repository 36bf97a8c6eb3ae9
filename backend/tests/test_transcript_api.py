"""Transcript API: read, rename speakers, correct segments, download in four formats, owner-only."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from werkzeug.http import parse_options_header

from spaceclip.db import Database
from spaceclip.models.tables import Project
from spaceclip.services.speech.transcript import Segment, Speaker, Transcript, Word
from spaceclip.usecases.transcripts import save_transcript
from tests.factories import UserFactory


def _transcript() -> Transcript:
    s1 = Segment(
        start=0.0,
        end=1.0,
        text="Hello there.",
        speaker="Speaker 1",
        words=(Word(0.0, 0.4, "Hello", 0.9), Word(0.5, 1.0, "there.", 0.8)),
    )
    s2 = Segment(
        start=1.5,
        end=2.5,
        text="Hi, nice to meet you.",
        speaker="Speaker 2",
        words=(
            Word(1.5, 1.7, "Hi,", 0.9),
            Word(1.75, 1.9, "nice", 0.9),
            Word(1.95, 2.0, "to", 0.9),
            Word(2.05, 2.2, "meet", 0.9),
            Word(2.25, 2.5, "you.", 0.9),
        ),
    )
    return Transcript(
        duration=3.0, language="en", speakers=(Speaker("Speaker 1"), Speaker("Speaker 2")), segments=(s1, s2)
    )


def _project_with_transcript(database: Database, owner_id: str) -> str:
    with database.session() as db:
        project = Project(owner_id=owner_id, name="Episode 1.mp3", source_kind="upload", status="ready")
        db.add(project)
        db.flush()
        save_transcript(db, project.id, _transcript(), model="tiny.en")
        return project.id


def test_transcript_read_rename_edit_download(client: TestClient, users: UserFactory, database: Database) -> None:
    user = users.create()
    users.sign_in(client, user)
    pid = _project_with_transcript(database, user.id)

    body = client.get(f"/api/projects/{pid}/transcript").json()
    assert [s["display_name"] for s in body["speakers"]] == ["Speaker 1", "Speaker 2"]
    first = {"start": 1.5, "end": 1.7, "word": "Hi,", "probability": 0.9, "filler": False}
    assert body["segments"][1]["words"][0] == first

    speaker_2 = body["speakers"][1]["id"]
    renamed = client.patch(f"/api/projects/{pid}/speakers/{speaker_2}", json={"name": "Lena"})
    assert renamed.status_code == 200 and renamed.json()["display_name"] == "Lena"

    seg = body["segments"][0]
    edited = client.patch(
        f"/api/projects/{pid}/segments/{seg['id']}", json={"text": "Hello, there!", "version": seg["version"]}
    )
    assert edited.status_code == 200
    assert edited.json()["edited"] is True
    assert [w["word"] for w in edited.json()["words"]] == ["Hello,", "there!"]
    stale = client.patch(f"/api/projects/{pid}/segments/{seg['id']}", json={"text": "x", "version": seg["version"]})
    assert stale.status_code == 409 and "Reload" in stale.json()["detail"]

    srt = client.get(f"/api/projects/{pid}/transcript/download", params={"format": "srt"})
    assert srt.status_code == 200
    assert srt.headers["content-disposition"] == 'attachment; filename="Episode 1.srt"'
    assert srt.headers["x-content-type-options"] == "nosniff"
    assert "Lena: Hi, nice to meet you." in srt.text and "Hello, there!" in srt.text
    vtt = client.get(f"/api/projects/{pid}/transcript/download", params={"format": "vtt"}).text
    assert vtt.startswith("WEBVTT") and "<v Lena>" in vtt
    txt = client.get(f"/api/projects/{pid}/transcript/download", params={"format": "txt"}).text
    assert "Lena: Hi, nice to meet you." in txt
    data = json.loads(client.get(f"/api/projects/{pid}/transcript/download", params={"format": "json"}).text)
    assert set(data) == {"duration", "language", "speakers", "segments"}
    assert data["segments"][1]["speaker"] == "Lena"
    assert set(data["segments"][0]["words"][0]) == {"start", "end", "word", "probability", "filler"}

    # A re-analysis keeps the creator's speaker names for labels that still exist.
    with database.session() as db:
        save_transcript(db, pid, _transcript(), model="tiny.en")
    again = client.get(f"/api/projects/{pid}/transcript").json()
    assert [s["display_name"] for s in again["speakers"]] == ["Speaker 1", "Lena"]


def test_transcript_routes_are_owner_only(
    client: TestClient, make_client, users: UserFactory, database: Database
) -> None:
    owner = users.create()
    pid = _project_with_transcript(database, owner.id)
    users.sign_in(client, owner)
    speaker = client.get(f"/api/projects/{pid}/transcript").json()["speakers"][0]["id"]
    segment = client.get(f"/api/projects/{pid}/transcript").json()["segments"][0]["id"]

    other = make_client()
    users.sign_in(other, users.create())
    assert other.get(f"/api/projects/{pid}/transcript").status_code == 404
    assert other.get(f"/api/projects/{pid}/transcript/download").status_code == 404
    assert other.patch(f"/api/projects/{pid}/speakers/{speaker}", json={"name": "X"}).status_code == 404
    assert other.patch(f"/api/projects/{pid}/segments/{segment}", json={"text": "X"}).status_code == 404
    after = client.get(f"/api/projects/{pid}/transcript").json()
    assert after["speakers"][0]["name"] is None and after["segments"][0]["text"] == "Hello there."


def test_missing_transcript_says_what_to_do(client: TestClient, users: UserFactory, database: Database) -> None:
    user = users.create()
    users.sign_in(client, user)
    with database.session() as db:
        project = Project(owner_id=user.id, name="x", source_kind="upload")
        db.add(project)
        db.flush()
        pid = project.id
    response = client.get(f"/api/projects/{pid}/transcript")
    assert response.status_code == 404
    assert "no transcript yet" in response.json()["detail"]


@pytest.mark.parametrize(
    ("name", "fallback", "saved_as"),
    [
        ("Выпуск 1", "1.srt", "Выпуск 1.srt"),
        ("エピソード 第1回.mp3", "1.srt", "エピソード 第1回.srt"),
        ('a"b', "a_b.srt", 'a"b.srt'),
        ("v1.2 talk", "v1.2 talk.srt", "v1.2 talk.srt"),
    ],
)
def test_download_named_in_any_script(
    client: TestClient, users: UserFactory, database: Database, name: str, fallback: str, saved_as: str
) -> None:
    user = users.create()
    users.sign_in(client, user)
    pid = _project_with_transcript(database, user.id)
    with database.session() as db:
        project = db.get(Project, pid)
        assert project is not None
        project.name = name
    srt = client.get(f"/api/projects/{pid}/transcript/download", params={"format": "srt"})
    assert srt.status_code == 200 and "Hello there." in srt.text
    kind, options = parse_options_header(srt.headers["content-disposition"])
    assert kind == "attachment" and options["filename"] == saved_as  # filename* read back
    assert f'filename="{fallback}"' in srt.headers["content-disposition"]


def test_edited_words_are_flagged_as_fillers_again(client: TestClient, users: UserFactory, database: Database) -> None:
    user = users.create()
    users.sign_in(client, user)
    pid = _project_with_transcript(database, user.id)
    segment = client.get(f"/api/projects/{pid}/transcript").json()["segments"][0]
    edited = client.patch(
        f"/api/projects/{pid}/segments/{segment['id']}",
        json={"text": "Um, well, you know, it, it works.", "version": segment["version"]},
    )
    assert edited.status_code == 200
    words = edited.json()["words"]
    assert [w["word"] for w in words if w["filler"]] == ["Um,", "you", "know,", "it,"]


def test_voice_turns_are_stored_and_come_back_under_the_speakers_names(users: UserFactory, database: Database) -> None:
    from dataclasses import replace

    from spaceclip.services.speech.transcript import VoiceTurn
    from spaceclip.usecases.transcripts import get_transcript_rows, load_transcript, rename_speaker

    owner = users.create()
    turns = (VoiceTurn(0.0, 1.05, "Speaker 1"), VoiceTurn(1.45, 2.6, "Speaker 2"))
    with database.session() as db:
        project = Project(owner_id=owner.id, name="Turns.mp3", source_kind="upload", status="ready")
        db.add(project)
        db.flush()
        save_transcript(db, project.id, replace(_transcript(), turns=turns), model="tiny.en")
        pid = project.id
    with database.session() as db:
        _, speakers, _ = get_transcript_rows(db, pid)
        rename_speaker(db, pid, speakers[1].id, "Maya")
    with database.session() as db:
        assert load_transcript(db, pid, display_names=False).turns == turns
        named = load_transcript(db, pid).turns
    assert [(t.start, t.end, t.speaker) for t in named] == [(0.0, 1.05, "Speaker 1"), (1.45, 2.6, "Maya")]
    with database.session() as db:  # a transcript saved without turns (analysed before they were kept)
        save_transcript(db, pid, _transcript(), model="tiny.en")
    with database.session() as db:
        assert load_transcript(db, pid).turns == ()
