"""GET /api/system/limits: the web app refuses an over-size file before sending it."""

from __future__ import annotations

from fastapi.testclient import TestClient

from spaceclip.config import Settings
from spaceclip.main import create_app
from spaceclip.models.system_schemas import LimitsPublic
from tests.factories import TEST_ORIGIN, UserFactory


def test_limits_need_a_session(client: TestClient) -> None:
    assert client.get("/api/system/limits").status_code == 401


def test_limits_follow_the_settings_and_match_the_413_message(
    settings: Settings, database: object, users: UserFactory
) -> None:
    small = settings.model_copy(update={"max_upload_mb": 2, "max_duration_minutes": 30.0})
    with TestClient(create_app(small), base_url=TEST_ORIGIN, headers={"Origin": TEST_ORIGIN}) as client:
        users.sign_in(client, users.create())
        limits = LimitsPublic.model_validate(client.get("/api/system/limits").json())
        assert limits.max_upload_mb == 2 and limits.max_upload_bytes == 2 * 1024 * 1024
        assert limits.max_duration_seconds == 1800.0
        # The same words the server answers with when an upload passes the cap while streaming.
        files = {"file": ("big.wav", b"\0" * (limits.max_upload_bytes + 1024), "audio/wav")}
        refused = client.post("/api/projects", files=files)
        assert refused.status_code == 413
        assert refused.json()["detail"] == limits.upload_limit_message
        assert "2 MB" in limits.upload_limit_message and "SPACECLIP_MAX_UPLOAD_MB" in limits.upload_limit_message
