"""Download names in any script: ``Content-Disposition`` as RFC 6266/8187 and the stdlib read it."""

from __future__ import annotations

import pytest
from werkzeug.http import parse_options_header

from spaceclip.api.disposition import ascii_fallback, attachment


def _read_back(header: str) -> str | None:
    """The file name an HTTP client takes from the header (Werkzeug's RFC 2231/5987 parser: filename* wins)."""
    kind, options = parse_options_header(header)
    assert kind == "attachment"
    return options.get("filename")


@pytest.mark.parametrize(
    ("name", "fallback"),
    [
        ("Episode 1.srt", "Episode 1.srt"),
        ("Café crème.vtt", "Cafe creme.vtt"),
        ("Выпуск 1.srt", "1.srt"),
        ("エピソード.txt", "transcript.txt"),
        ('a"b.srt', "a_b.srt"),
        ("back\\slash;semi.json", "back_slash_semi.json"),
        ("no extension", "no extension"),
        ("🎙.srt", "transcript.srt"),
        (".srt", "transcript.srt"),
    ],
)
def test_ascii_fallback(name: str, fallback: str) -> None:
    assert ascii_fallback(name, "transcript") == fallback
    assert fallback.isascii() and '"' not in fallback and "\\" not in fallback


@pytest.mark.parametrize(
    "name",
    ["Episode 1.srt", "Выпуск 1 — «итоги».srt", "エピソード 第1回.vtt", 'a"b.srt', "שלום 🎙 100%.txt", "a;b,c=d.json"],
)
def test_attachment_round_trips_through_a_real_parser(name: str) -> None:
    header = attachment(name, "transcript")
    header.encode("latin-1")  # what Starlette does with every header: must not raise
    assert header.isascii()
    assert _read_back(header) == name


def test_plain_names_need_no_extended_parameter() -> None:
    assert attachment("Episode 1.srt") == 'attachment; filename="Episode 1.srt"'


def test_control_characters_never_reach_the_header() -> None:
    header = attachment("bad\r\nSet-Cookie: x=1.srt")
    assert "\r" not in header and "\n" not in header
    assert _read_back(header) == "badSet-Cookie: x=1.srt"
    assert 'filename="badSet-Cookie_ x_1.srt"' in header
