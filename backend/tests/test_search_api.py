"""``GET /api/projects/{id}/search`` and ``spaceclip search``: real MiniLM, real SQLite, the LLM's port dead."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from spaceclip.config import Settings
from spaceclip.db import Database
from spaceclip.models.tables import Project, ProjectStatus
from spaceclip.services.ingest.storage import Storage
from spaceclip.usecases.transcripts import save_transcript
from tests.cli_output import plain
from tests.factories import UserFactory
from tests.highlight_words import transcript_of
from tests.speech import load_script
from tests.test_cli import _env

pytestmark = pytest.mark.db


def _run_club() -> tuple[list[tuple[str, str]], int]:
    script = load_script("highlight_run_club.json")
    turns = [(t["speaker"], t["text"]) for t in script["turns"]]
    return turns, next(i for i, t in enumerate(script["turns"]) if t.get("tag") == "designed-2")


def test_search_api_ranks_moments_and_a_result_makes_a_clip(
    client: TestClient, make_client: object, users: UserFactory, database: Database, settings: Settings
) -> None:
    turns, designed = _run_club()
    transcript = transcript_of(turns)
    owner = users.create()
    users.sign_in(client, owner)
    with database.session() as db:
        project = Project(owner_id=owner.id, name="Run club", source_kind="upload", status=ProjectStatus.READY)
        bare = Project(owner_id=owner.id, name="No transcript", source_kind="upload", status=ProjectStatus.READY)
        db.add_all([project, bare])
        db.flush()
        save_transcript(db, project.id, transcript, model="hand-made")
        project_id, bare_id = project.id, bare.id
    url = f"/api/projects/{project_id}/search"

    answer = client.get(url, params={"q": "  breaking down in tears during the marathon ", "limit": 3})
    assert answer.status_code == 200, answer.text
    data = answer.json()
    assert data["query"] == "breaking down in tears during the marathon"
    assert data["semantic"] is True and data["llm_reranked"] is False
    assert any(n.startswith("LLM unavailable") for n in data["notes"])
    results = data["results"]
    assert 1 <= len(results) <= 3
    passage = transcript.segments[designed]
    assert any(r["start"] < passage.end and r["end"] > passage.start for r in results)
    assert [r["score"] for r in results] == sorted((r["score"] for r in results), reverse=True)
    first_words = {round(w.start, 3) for w in transcript.words}
    last_words = {round(w.end, 3) for w in transcript.words}
    for r in results:
        assert r["start"] in first_words and r["end"] in last_words and r["text"] and r["why"]
        assert r["speakers"] and 0 <= r["score"] <= 100 and r["semantic"] is not None
    cache = Storage(settings).output_dir(project_id) / "search"
    assert len(list(cache.glob("sentences-*.npz"))) == 1
    assert client.get(url, params={"q": "marathon", "llm": "false"}).json()["results"][0]["matched_keywords"] == [
        "marathon"
    ]

    # "Make clip" on a result: the clip keeps its range (its edges padded into the gaps between words).
    top = results[0]
    clip = client.post(f"/api/projects/{project_id}/clips", json={"start": top["start"], "end": top["end"]})
    assert clip.status_code == 201, clip.text
    assert top["start"] - 0.2 <= clip.json()["start"] <= top["start"]
    assert top["end"] <= clip.json()["end"] <= top["end"] + 0.2

    for q, status, words in (("", 422, "Type what"), ("x" * 201, 422, "shorten it to 200")):
        bad = client.get(url, params={"q": q})
        assert bad.status_code == status and words in bad.text
    missing = client.get(f"/api/projects/{bare_id}/search", params={"q": "marathon"})
    assert missing.status_code == 409 and "no transcript yet" in missing.text
    other = make_client()  # type: ignore[operator]
    users.sign_in(other, users.create())
    assert other.get(url, params={"q": "marathon"}).status_code == 404
    assert not (Storage(settings).output_dir(bare_id) / "search").exists()


def test_search_command_prints_ranked_moments_of_a_transcript(tmp_path: Path) -> None:
    turns, designed = _run_club()
    transcript = transcript_of(turns)
    source = tmp_path / "run-club.json"
    source.write_text(json.dumps(transcript.to_dict()), encoding="utf-8")
    out = tmp_path / "results.json"
    result = subprocess.run(
        [sys.executable, "-m", "spaceclip.cli", "search", str(source), "breaking down in tears during the marathon",
         "--limit", "3", "--json", str(out)],
        env=_env(tmp_path), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text())
    assert data["semantic"] is True and any("LLM unavailable" in n for n in data["notes"])
    passage = transcript.segments[designed]
    assert any(r["start"] < passage.end and r["end"] > passage.start for r in data["results"])
    table = plain(result.stdout)
    assert "moments about 'breaking down in tears during the marathon' in run-club.json" in table
    for column in ("#", "time", "score", "text", "why"):
        assert column in table
    assert data["results"][0]["why"] in table
    assert "LLM unavailable" in plain(result.stderr)

    bad = subprocess.run(
        [sys.executable, "-m", "spaceclip.cli", "search", str(tmp_path / "results.json"), "  "],
        env=_env(tmp_path), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert bad.returncode != 0 and "is not a transcript JSON" in plain(bad.stderr)
    empty = subprocess.run(
        [sys.executable, "-m", "spaceclip.cli", "search", str(source), "   "],
        env=_env(tmp_path), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert empty.returncode == 1 and "Type what the moment is about" in plain(empty.stderr)


def test_search_command_transcribes_a_media_file(tmp_path: Path) -> None:
    wav = tmp_path / "bakery.wav"
    speech = (
        "Welcome back to the kitchen table podcast. Today my guest is a baker who opened her shop at nineteen. "
        "The oven broke before a wedding, so she baked four hundred rolls in her neighbour's kitchen overnight. "
        "Her advice is simple. Always know your neighbours."
    )
    subprocess.run(["espeak-ng", "-s", "150", "-w", str(wav), speech], check=True, timeout=60)
    result = subprocess.run(
        [sys.executable, "-m", "spaceclip.cli", "search", str(wav), "broken oven before a wedding", "--no-llm"],
        env=_env(tmp_path), capture_output=True, text=True, timeout=400,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    table = plain(result.stdout)
    assert "moments about 'broken oven before a wedding' in bakery.wav" in table
    assert "wedding" in table.lower() and "LLM unavailable" not in plain(result.stderr)
