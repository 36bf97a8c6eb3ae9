"""``spaceclip highlights`` as a user runs it: real generated speech in, a ranked table and JSON out."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.cli_output import plain
from tests.test_cli import _env

SPEECH = (
    "Welcome back to the kitchen table podcast. Today my guest is a baker who opened her shop at nineteen. "
    "She told me the worst day of her life was the day the oven broke before a wedding. "
    "She baked four hundred rolls in her neighbour's kitchen overnight, and the bride never knew. "
    "That is the best story I have heard all year. "
    "Her advice is simple. Start small, fix the oven before you need it, and always know your neighbours."
)


def _words(text: str) -> str:
    """Lower-case words without punctuation: the key sentence is quoted from the text, maybe re-cased."""
    return " ".join("".join(c for c in word if c.isalnum()) for word in text.lower().split())


def test_highlights_command_prints_a_ranked_table_and_writes_json(tmp_path: Path) -> None:
    wav = tmp_path / "kitchen.wav"
    subprocess.run(["espeak-ng", "-s", "150", "-w", str(wav), SPEECH], check=True, timeout=60)
    out = tmp_path / "highlights.json"
    result = subprocess.run(
        [sys.executable, "-m", "spaceclip.cli", "highlights", str(wav), "--max", "3", "--min", "5", "--max-len", "15",
         "--json", str(out)],
        env=_env(tmp_path), capture_output=True, text=True, timeout=400,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text())
    assert set(data) == {"source", "duration", "llm_note", "highlights"}
    assert data["llm_note"].startswith("LLM unavailable")  # OLLAMA_HOST points at a dead port
    found = data["highlights"]
    assert 1 <= len(found) <= 3
    assert [h["rank"] for h in found] == list(range(1, len(found) + 1))
    assert [h["score"] for h in found] == sorted((h["score"] for h in found), reverse=True)
    for h in found:
        assert 5.0 <= h["duration"] <= 15.0 and 0.0 <= h["start"] < h["end"] <= data["duration"]
        assert h["title"] and h["reason"] and _words(h["key_sentence"]) in _words(h["text"])
        assert 3 <= len(h["hashtags"]) <= 5
    table = plain(result.stdout)
    assert "highlights in kitchen.wav" in table
    for column in ("#", "time", "score", "title", "why"):
        assert column in table
    assert found[0]["title"].split()[0] in table
    assert "LLM unavailable" in plain(result.stderr)


def test_highlights_command_refuses_inverted_lengths(tmp_path: Path) -> None:
    wav = tmp_path / "a.wav"
    wav.write_bytes(b"")
    result = subprocess.run(
        [sys.executable, "-m", "spaceclip.cli", "highlights", str(wav), "--min", "30", "--max-len", "10"],
        env=_env(tmp_path), capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2 and "--max-len must be at least --min" in plain(result.stderr)
