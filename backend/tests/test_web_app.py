"""Where ``spaceclip serve`` finds the built web app, with no setting needed after a build."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from spaceclip import webapp
from spaceclip.config import Settings
from spaceclip.db import Database
from spaceclip.main import create_app
from spaceclip.webapp import find_web_app
from tests.factories import TEST_ORIGIN

INDEX = "<!doctype html><title>SpaceClip test page</title>"


def _layout(root: Path, built: list[str], empty: list[str]) -> Path:
    """A checkout at ``root`` (``backend/spaceclip`` is the package); returns the package folder."""
    package = root / "backend" / "spaceclip"
    package.mkdir(parents=True)
    for rel in built:
        (root / rel).mkdir(parents=True, exist_ok=True)
        (root / rel / "index.html").write_text(INDEX, encoding="utf-8")
    for rel in empty:
        (root / rel).mkdir(parents=True, exist_ok=True)
    return package


@pytest.mark.parametrize(
    ("configured", "built", "empty", "expected"),
    [
        pytest.param("env", ["env", "backend/spaceclip/web", "frontend/out"], [], "env", id="env wins"),
        pytest.param(None, ["backend/spaceclip/web", "frontend/out"], [], "backend/spaceclip/web", id="package copy"),
        pytest.param(None, ["frontend/out"], [], "frontend/out", id="checkout out dir"),
        pytest.param(None, [], [], None, id="none built"),
        pytest.param(None, ["frontend/out"], ["backend/spaceclip/web"], "frontend/out", id="package dir unbuilt"),
        pytest.param(None, [], ["backend/spaceclip/web", "frontend/out"], None, id="dirs without index.html"),
        pytest.param("env", ["frontend/out"], ["env"], None, id="env unbuilt serves nothing else"),
        pytest.param("missing", ["frontend/out"], [], None, id="env missing"),
    ],
)
def test_find_web_app(
    tmp_path: Path, configured: str | None, built: list[str], empty: list[str], expected: str | None
) -> None:
    package = _layout(tmp_path, built, empty)
    found = find_web_app(tmp_path / configured if configured else None, package)
    assert found == (tmp_path / expected if expected else None)


@pytest.fixture
def web_settings(settings: Settings, database: Database) -> Settings:
    """The test settings with no SPACECLIP_FRONTEND_DIR, on a migrated database."""
    return settings.model_copy(update={"frontend_dir": None})


def _client(app: FastAPI) -> TestClient:
    return TestClient(app, base_url=TEST_ORIGIN, headers={"Origin": TEST_ORIGIN})


def test_the_app_serves_the_checkouts_build_and_the_api(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, web_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    package = _layout(tmp_path / "checkout", ["frontend/out"], [])
    monkeypatch.setattr(webapp, "PACKAGE_DIR", package)
    with caplog.at_level(logging.INFO, logger="spaceclip.webapp"):
        app = create_app(web_settings)
    out = (tmp_path / "checkout" / "frontend" / "out").resolve()
    assert f"Serving the web app from {out}" in caplog.messages

    with _client(app) as client:
        page = client.get("/")
        assert page.status_code == 200
        assert page.text == INDEX
        assert page.headers["content-type"].startswith("text/html")
        health = client.get("/api/health")
        assert health.status_code == 200
        assert health.json()["status"] == "ok"


def test_no_build_keeps_the_api_and_says_how_to_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, web_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    package = _layout(tmp_path / "checkout", [], ["frontend"])
    (tmp_path / "checkout" / "frontend" / "package.json").write_text("{}", encoding="utf-8")
    monkeypatch.setattr(webapp, "PACKAGE_DIR", package)
    with caplog.at_level(logging.INFO, logger="spaceclip.webapp"):
        app = create_app(web_settings)

    [record] = [r for r in caplog.records if r.name == "spaceclip.webapp"]
    assert record.levelno == logging.WARNING
    frontend = tmp_path / "checkout" / "frontend"
    assert f"cd {frontend} && npm ci && npm run build" in record.getMessage()
    with _client(app) as client:
        assert client.get("/").status_code == 404
        assert client.get("/api/health").status_code == 200


def test_a_configured_folder_without_a_build_is_named_in_the_warning(
    tmp_path: Path, web_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    configured = tmp_path / "nowhere"
    with caplog.at_level(logging.INFO, logger="spaceclip.webapp"):
        create_app(web_settings.model_copy(update={"frontend_dir": configured}))

    [record] = [r for r in caplog.records if r.name == "spaceclip.webapp"]
    assert record.levelno == logging.WARNING
    assert f"SPACECLIP_FRONTEND_DIR is {configured}" in record.getMessage()
    assert "npm run build" in record.getMessage()
