"""Show notes: the extractive summary as a table, and the notes through the API with a local
stand-in for Ollama (tests/llm_server.py speaks its real /api/chat and /api/tags) and without one."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from spaceclip.config import Settings
from spaceclip.db import Database
from spaceclip.main import create_app
from spaceclip.models.tables import ChapterList, Clip, Highlight, Project, ProjectStatus
from spaceclip.services.edit.chapters import Chapter
from spaceclip.services.highlights.sentences import split_sentences
from spaceclip.services.publish.show_notes import extractive_summary
from spaceclip.usecases.transcripts import save_transcript
from tests.conftest import TEST_ORIGIN
from tests.factories import UserFactory
from tests.highlight_words import transcript_of
from tests.llm_server import RealLlm
from tests.speech import load_script

SCRIPT = load_script("highlight_money_talk.json")
TRANSCRIPT = transcript_of([(t["speaker"], t["text"]) for t in SCRIPT["turns"]])


def test_the_summary_takes_salient_sentences_in_order_and_no_small_talk() -> None:
    sentences = split_sentences(list(TRANSCRIPT.words))
    summary = extractive_summary(sentences)
    picked = [s for s in sentences if s.text.rstrip(".") in summary]
    assert 1 <= len(picked) <= 3
    assert [s.start for s in picked] == sorted(s.start for s in picked)
    for small_talk in ("Thanks for the invitation", "leave us a review", "see you next time"):
        assert small_talk.lower() not in summary.lower()
    # With chapters, one sentence comes from each of the three longest.
    half = TRANSCRIPT.duration / 3
    chapters = [Chapter(0, half, "a"), Chapter(half, 2 * half, "b"), Chapter(2 * half, TRANSCRIPT.duration, "c")]
    spread = extractive_summary(sentences, chapters)
    starts = [s.start for s in sentences if s.text.rstrip(".") in spread]
    assert {int(t // half) for t in starts} == {0, 1, 2}
    assert extractive_summary([]) == ""


def _project(database: Database, owner_id: str) -> str:
    with database.session() as db:
        project = Project(owner_id=owner_id, name="Money Talk 42", source_kind="upload", status=ProjectStatus.READY)
        db.add(project)
        db.flush()
        save_transcript(db, project.id, TRANSCRIPT, model="hand-made")
        seg = TRANSCRIPT.segments[4]
        db.add(Highlight(project_id=project.id, start=seg.start, end=seg.end, title="Smallest first",
                         key_sentence="Paying the smallest debt first is mathematically wrong.", text=seg.text,
                         speakers=["June"]))  # fmt: skip
        db.add(Clip(project_id=project.id, owner_id=owner_id, title="Smallest first", start=seg.start, end=seg.end))
        db.add(ChapterList(project_id=project.id, chapters=[
            {"start": 0.0, "end": 40.0, "title": "Debt"}, {"start": 40.0, "end": 80.0, "title": "Losing a job"},
            {"start": 80.0, "end": TRANSCRIPT.duration, "title": "Pay yourself first"}]))  # fmt: skip
        return project.id


@pytest.mark.db
def test_show_notes_without_an_llm_are_extractive(client: TestClient, users: UserFactory, database: Database) -> None:
    owner = users.create()
    users.sign_in(client, owner)
    project_id = _project(database, owner.id)
    res = client.get(f"/api/projects/{project_id}/show-notes")
    assert res.status_code == 200 and res.headers["content-type"].startswith("text/markdown")
    assert res.headers["x-spaceclip-summary"] == "extractive"
    md = res.text
    assert md.startswith("# Money Talk 42\n")
    for part in ("## Speakers", "- June", "- Host", "## Chapters", "- 0:00 Debt", "## Key quotes", "## Clips"):
        assert part in md
    assert "“Paying the smallest debt first is mathematically wrong.” — June" in md
    assert "[Smallest first](/clip/?id=" in md
    text = client.get(f"/api/projects/{project_id}/show-notes", params={"format": "text", "download": True})
    assert text.headers["content-type"].startswith("text/plain") and "attachment" in text.headers["content-disposition"]
    assert "Speakers: June, Host" in text.text or "Speakers: Host, June" in text.text
    assert "#" not in text.text.splitlines()[0]


@pytest.mark.db
def test_show_notes_with_the_real_local_llm_use_its_summary(
    settings: Settings, database: Database, users: UserFactory, llm_server: RealLlm
) -> None:
    """llama.cpp with SmolLM2 on loopback, asked through the same client as Ollama."""
    owner = users.create()
    project_id = _project(database, owner.id)
    real = settings.model_copy(update={"ollama_host": llm_server.host, "ollama_model": llm_server.model})
    with TestClient(create_app(real), base_url=TEST_ORIGIN, headers={"Origin": TEST_ORIGIN}) as c:
        users.sign_in(c, owner)
        res = c.get(f"/api/projects/{project_id}/show-notes", params={"format": "text"})
        extractive = c.get(f"/api/projects/{project_id}/show-notes", params={"format": "text", "llm": False})
    assert res.status_code == 200
    assert res.headers["x-spaceclip-summary"] == "llm", res.text
    assert extractive.headers["x-spaceclip-summary"] == "extractive"
    # SmolLM2-135M writes poor summaries; what matters here is that its words, not ours, are used.
    summary = res.text.splitlines()[2]
    assert summary.strip() and summary != extractive.text.splitlines()[2]
    assert "Chapters:" in res.text and "0:00 Debt" in res.text
