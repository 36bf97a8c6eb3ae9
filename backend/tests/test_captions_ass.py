"""The ASS format: escaping user text (no tag injection) and times."""

from __future__ import annotations

import pytest

from spaceclip.services.render.captions import ass_escape, ass_time, build_ass
from spaceclip.services.render.presets import PRESETS
from spaceclip.services.speech.transcript import Word
from tests.ass_reader import parse_events, unescape


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("plain", "plain"),
        ("{\\b1}bold", "\\{\\\u2060b1\\}bold"),
        ("a\\Nb", "a\\\u2060Nb"),  # not a line break
        ("tab\there\nnewline", "tab here newline"),
        ("\\{", "\\\u2060\\{"),
        ("100%", "100%"),
    ],
)
def test_ass_escape(text: str, escaped: str) -> None:
    assert ass_escape(text) == escaped
    assert unescape(escaped) == " ".join(text.split())


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0:00:00.00"), (1.004, "0:00:01.00"), (1.005, "0:00:01.00"), (1.006, "0:00:01.01"),
     (61.5, "0:01:01.50"), (3725.99, "1:02:05.99"), (-2, "0:00:00.00")],
)  # fmt: skip
def test_ass_time(seconds: float, text: str) -> None:
    assert ass_time(seconds) == text


def test_user_text_cannot_inject_tags() -> None:
    words = [Word(0.0, 0.3, "{\\fs99}big", 1), Word(0.4, 0.7, "a\\Nb", 1), Word(0.8, 1.0, "}{", 1)]
    ass = build_ass(
        words, clip_start=0, clip_end=2, style="subtitle", width=1080, height=1920, safe=PRESETS["tiktok"].safe
    )
    (event,) = parse_events(ass)
    assert event.words == ["{\\fs99}big", "a\\Nb", "}{"]
    assert "fs99" not in event.tags and len(event.lines) == 1  # no injected tag, no injected line break
