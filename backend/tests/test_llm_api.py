"""GET /api/system/llm: the local LLM's status for the UI."""

from __future__ import annotations

from fastapi.testclient import TestClient

from spaceclip.config import Settings
from spaceclip.main import create_app
from spaceclip.models.system_schemas import LlmStatusPublic
from tests.factories import TEST_ORIGIN, UserFactory
from tests.llm_server import RealLlm


def test_llm_status_needs_a_session(client: TestClient) -> None:
    assert client.get("/api/system/llm").status_code == 401


def test_llm_status_with_nothing_listening(client: TestClient, users: UserFactory, settings: Settings) -> None:
    users.sign_in(client, users.create())
    response = client.get("/api/system/llm")
    assert response.status_code == 200
    body = LlmStatusPublic.model_validate(response.json())
    assert body.available is False and body.model_available is False and body.models == []
    assert body.host == "http://127.0.0.1:9" and body.model == settings.ollama_model
    assert "No LLM server answers" in body.message and "OLLAMA_HOST" in body.message
    assert response.headers["cache-control"] == "no-store"


def test_llm_status_with_the_real_server(
    settings: Settings, database: object, users: UserFactory, llm_server: RealLlm
) -> None:
    real = settings.model_copy(update={"ollama_host": llm_server.host, "ollama_model": llm_server.model})
    with TestClient(create_app(real), base_url=TEST_ORIGIN, headers={"Origin": TEST_ORIGIN}) as c:
        users.sign_in(c, users.create())
        body = c.get("/api/system/llm").json()
        assert body["available"] is True and body["model_available"] is True
        assert llm_server.model in body["models"]

    missing = settings.model_copy(update={"ollama_host": llm_server.host, "ollama_model": "llama3.2"})
    with TestClient(create_app(missing), base_url=TEST_ORIGIN, headers={"Origin": TEST_ORIGIN}) as c:
        users.sign_in(c, users.create())
        body = c.get("/api/system/llm").json()
        assert body["available"] is False and body["model_available"] is False
        assert llm_server.model in body["models"] and "ollama pull llama3.2" in body["message"]
