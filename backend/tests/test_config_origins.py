"""SPACECLIP_TRUSTED_ORIGINS is read from the environment as a comma-separated list (not JSON)."""

from __future__ import annotations

import pytest

from spaceclip.config import Settings


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", []),
        ("http://localhost:3000", ["http://localhost:3000"]),
        ("http://localhost:3000/, https://clips.example.com", ["http://localhost:3000", "https://clips.example.com"]),
        (" http://a , ,http://b ", ["http://a", "http://b"]),
    ],
)
def test_trusted_origins_from_env(monkeypatch: pytest.MonkeyPatch, value: str, expected: list[str]) -> None:
    monkeypatch.setenv("SPACECLIP_TRUSTED_ORIGINS", value)
    assert Settings(_env_file=None).trusted_origins == expected  # type: ignore[call-arg]
