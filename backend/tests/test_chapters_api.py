"""A project's chapters through the API: planned by a real ``chapters`` job on a real worker (MiniLM
topic shifts over five conversations on five topics, back to back), edited, and downloaded in each
format, read back by parsers that are not ours."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from spaceclip.db import Database
from spaceclip.models.tables import Project, ProjectStatus
from spaceclip.services.speech.transcript import Transcript
from spaceclip.tasks.worker import Worker
from spaceclip.usecases.transcripts import save_transcript
from tests.factories import MadeUser, UserFactory
from tests.highlight_words import transcript_of
from tests.job_api import wait_for_api_job
from tests.speech import load_script

pytestmark = pytest.mark.db
SCRIPTS = ("highlight_money_talk", "highlight_run_club", "conversation_three", "highlight_build_public",
           "highlight_kitchen_table")  # fmt: skip


def _episode() -> tuple[Transcript, list[float]]:
    """Five conversations back to back; returns the transcript and where each new one starts (s)."""
    turns: list[tuple[str, str]] = []
    counts = []
    for name in SCRIPTS:
        script = load_script(Path(__file__).parent / "data" / f"{name}.json")
        turns += [(f"{name}:{t['speaker']}", t["text"]) for t in script["turns"]]
        counts.append(len(turns))
    transcript = transcript_of(turns)
    starts = [transcript.segments[n].start for n in counts[:-1]]
    return transcript, starts


def _project(database: Database, owner: MadeUser, transcript: Transcript | None) -> str:
    with database.session() as db:
        project = Project(owner_id=owner.id, name="Five topics", source_kind="upload", status=ProjectStatus.READY)
        db.add(project)
        db.flush()
        if transcript is not None:
            save_transcript(db, project.id, transcript, model="hand-made")
        return project.id


def test_chapters_are_planned_edited_and_downloaded(
    client: TestClient, make_client: Any, users: UserFactory, database: Database, worker: Worker
) -> None:
    transcript, _ = _episode()
    owner = users.create()
    users.sign_in(client, owner)
    project_id = _project(database, owner, transcript)
    url = f"/api/projects/{project_id}/chapters"
    empty = client.get(url).json()
    assert empty["chapters"] is None and empty["job"] is None
    assert client.get(f"{url}/download").status_code == 409

    job = wait_for_api_job(client, client.post(f"{url}/plan", json={}).json()["id"])
    assert job["status"] == "succeeded", job
    state = client.get(url).json()
    chapters = state["chapters"]
    assert len(chapters) >= 3 and chapters[0]["start"] == 0.0
    assert chapters[-1]["end"] == pytest.approx(transcript.duration, abs=0.01)
    assert all(c["end"] - c["start"] >= 10 for c in chapters) and all(c["title"] for c in chapters)
    assert state["youtube_problems"] == [] and state["edited"] is False
    assert "LLM" in (state["llm_note"] or "")  # no LLM answers in the tests: extractive titles, said once
    # Each starts on a word (how near they fall to the topic changes: benchmarks/bench_chapters.py).
    word_starts = {round(w.start, 3) for w in transcript.words}
    assert all(c["start"] in word_starts for c in chapters[1:])

    # Rename, then a stale version is refused.
    version = state["version"]
    renamed = client.patch(url, json={"version": version, "op": "rename", "index": 1, "title": "Marathon  training"})
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["chapters"][1]["title"] == "Marathon training" and renamed.json()["edited"] is True
    stale = client.patch(url, json={"version": version, "op": "rename", "index": 1, "title": "x"})
    assert stale.status_code == 409 and "Reload the page" in stale.json()["detail"]
    version = renamed.json()["version"]

    # Move chapter 2's start by 7 s: it lands on a sentence start (a turn's first word here).
    before = renamed.json()["chapters"][1]["start"]
    moved = client.patch(url, json={"version": version, "op": "move", "index": 1, "to": before + 7})
    assert moved.status_code == 200, moved.text
    new_start = moved.json()["chapters"][1]["start"]
    assert new_start in word_starts and moved.json()["chapters"][0]["end"] == new_start
    version = moved.json()["version"]
    bad = client.patch(url, json={"version": version, "op": "move", "index": 0, "to": 20})
    assert bad.status_code == 422 and "always starts at 0:00" in bad.json()["detail"]

    # Downloads, each read back.
    block = client.get(f"{url}/download", params={"format": "youtube"})
    assert block.headers["content-type"].startswith("text/plain")
    lines = block.text.splitlines()
    assert re.match(r"^0:00 \S", lines[0]) and len(lines) == len(chapters)
    root = ET.fromstring(client.get(f"{url}/download", params={"format": "podlove"}).content)
    assert len(root) == len(chapters) and root[1].get("title") == "Marathon training"
    doc = json.loads(client.get(f"{url}/download", params={"format": "json"}).text)
    assert doc["version"] == "1.2.0" and doc["chapters"][1]["startTime"] == new_start

    # Merge the last into the one before; planning again would undo the edits, so it asks first.
    merged = client.patch(url, json={"version": version, "op": "merge", "index": len(chapters) - 1})
    assert len(merged.json()["chapters"]) == len(chapters) - 1
    refused = client.post(f"{url}/plan", json={})
    assert refused.status_code == 409 and '"replace": true' in refused.json()["detail"]

    other = make_client()
    users.sign_in(other, users.create())
    assert other.get(url).status_code == 404
    assert other.patch(url, json={"version": 1, "op": "merge", "index": 1}).status_code == 404


def test_a_project_without_a_transcript_cannot_plan(client: TestClient, users: UserFactory, database: Database) -> None:
    owner = users.create()
    users.sign_in(client, owner)
    project_id = _project(database, owner, None)
    res = client.post(f"/api/projects/{project_id}/chapters/plan", json={})
    assert res.status_code == 409 and "no transcript yet" in res.json()["detail"]
    assert (
        client.patch(f"/api/projects/{project_id}/chapters", json={"version": 1, "op": "merge", "index": 0}).status_code
        == 409
    )
