"""The project's language reaches Whisper in the analyze job (real worker, real models, espeak-ng speech):
tiny.en transcribes a project set to English and refuses German without losing the transcript; ``base``
transcribes a Spanish project in Spanish, and re-analysis follows a changed language."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from spaceclip.config import Settings
from spaceclip.services.media.process import run_process
from spaceclip.services.speech import whisper_models
from spaceclip.tasks.worker import Worker
from tests.factories import UserFactory
from tests.job_api import wait_for_api_job
from tests.media import make_speech

SPANISH = "Buenos días. Mañana hablamos en español con el señor García."


def _upload(client: TestClient, path: Path) -> dict[str, Any]:
    """Upload ``path`` with only its probe, and wait for it: the project is ready for analysis."""
    with path.open("rb") as fh:
        response = client.post("/api/projects?analyze=false", files={"file": (path.name, fh, "audio/wav")})
    assert response.status_code == 202, response.text
    assert wait_for_api_job(client, response.json()["job"]["id"])["status"] == "succeeded"
    project: dict[str, Any] = client.get(f"/api/projects/{response.json()['project']['id']}").json()
    return project


def _set_language(client: TestClient, project_id: str, language: str | None) -> dict[str, Any]:
    current = client.get(f"/api/projects/{project_id}").json()
    response = client.patch(f"/api/projects/{project_id}", json={"language": language, "version": current["version"]})
    assert response.status_code == 200, response.text
    project: dict[str, Any] = response.json()
    return project


def _analyze(client: TestClient, project_id: str) -> dict[str, Any]:
    started = client.post(f"/api/projects/{project_id}/analyze", json={})
    assert started.status_code == 202, started.text
    return wait_for_api_job(client, started.json()["id"])


def _text(client: TestClient, project_id: str) -> str:
    transcript = client.get(f"/api/projects/{project_id}/transcript").json()
    return " ".join(s["text"] for s in transcript["segments"])


def test_tiny_en_transcribes_english_and_refuses_german_losing_nothing(
    client: TestClient, app: FastAPI, users: UserFactory, worker: Worker, settings: Settings, tmp_path: Path
) -> None:
    users.sign_in(client, users.create())
    project = _upload(client, make_speech(tmp_path / "talk.wav", "Good morning. Today we talk about bread and butter."))
    pid = project["id"]
    refused = client.patch(f"/api/projects/{pid}", json={"language": "de", "version": project["version"]})
    assert refused.status_code == 422 and "spaceclip models install base" in refused.json()["detail"]

    assert _set_language(client, pid, "en")["language"] == "en"
    assert _analyze(client, pid)["status"] == "succeeded"
    done = client.get(f"/api/projects/{pid}").json()
    assert (done["status"], done["language"], done["detected_language"]) == ("ready", "en", "en")
    heard = _text(client, pid)
    assert "morning" in heard.lower()

    # The API believes the model is multilingual (another server's settings); the worker has tiny.en.
    base_dir = tmp_path / "models"
    whisper_models.install_model("base", base_dir)
    app.state.settings = settings.model_copy(update={"whisper_model": "base", "models_dir_setting": base_dir})
    _set_language(client, pid, "de")
    failed = _analyze(client, pid)
    assert failed["status"] == "failed" and failed["attempts"] == 1, failed
    assert "spaceclip models install base" in failed["error"] and "German (de)" in failed["error"]
    assert failed["stage"] != "transcribe", "refused before any work"
    after = client.get(f"/api/projects/{pid}").json()
    assert after["status"] == "failed" and "WHISPER_MODEL=base" in after["error"]
    assert after["detected_language"] == "en" and _text(client, pid) == heard  # the transcript is kept

    app.state.settings = settings
    _set_language(client, pid, None)
    assert _analyze(client, pid)["status"] == "succeeded"
    again = client.get(f"/api/projects/{pid}").json()
    assert (again["status"], again["language"], again["detected_language"]) == ("ready", None, "en")


def test_base_transcribes_a_spanish_project_in_spanish_and_reanalysis_follows_the_language(
    client: TestClient, app: FastAPI, users: UserFactory, settings: Settings, tmp_path: Path
) -> None:
    base_dir = tmp_path / "models"
    whisper_models.install_model("base", base_dir)
    base = settings.model_copy(update={"whisper_model": "base", "models_dir_setting": base_dir})
    app.state.settings = base
    speech = tmp_path / "hola.wav"
    run_process(["espeak-ng", "-v", "es", "-s", "130", "-w", str(speech), SPANISH], timeout_s=60)
    worker = Worker(base)
    worker.start()
    try:
        users.sign_in(client, users.create())
        pid = _upload(client, speech)["id"]
        # Forced to English, Whisper hears the Spanish audio as English: the setting reaches it.
        _set_language(client, pid, "en")
        assert _analyze(client, pid)["status"] == "succeeded"
        assert client.get(f"/api/projects/{pid}").json()["detected_language"] == "en"

        _set_language(client, pid, "es")
        assert _analyze(client, pid)["status"] == "succeeded"
    finally:
        worker.stop()
    project = client.get(f"/api/projects/{pid}").json()
    assert (project["language"], project["detected_language"]) == ("es", "es")
    assert client.get(f"/api/projects/{pid}/transcript").json()["language"] == "es"
    heard = _text(client, pid).lower()
    assert "mañana" in heard and "español" in heard and "señor" in heard, heard
    for fmt in ("srt", "vtt"):
        download = client.get(f"/api/projects/{pid}/transcript/download", params={"format": fmt})
        assert download.status_code == 200
        assert "charset=utf-8" in download.headers["content-type"]
        body = download.content.decode("utf-8")  # strict: a wrongly encoded byte fails here
        assert "mañana" in body.lower() and "español" in body.lower()
        assert b"\xc3\xb1" in download.content  # ñ in UTF-8
