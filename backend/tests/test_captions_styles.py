"""Caption styles and the speaker palette."""

from __future__ import annotations

import pytest

from spaceclip.errors import UserError
from spaceclip.services.render.captions import CAPTION_STYLES, get_caption_style, speaker_color


def test_styles_have_names_and_descriptions() -> None:
    assert {"karaoke", "pop", "subtitle"} <= set(CAPTION_STYLES)
    for key, style in CAPTION_STYLES.items():
        assert style.key == key and style.name and len(style.description) > 20
        assert style.to_dict() == {"key": key, "name": style.name, "description": style.description}
    with pytest.raises(UserError, match="karaoke"):
        get_caption_style("comic-sans")


@pytest.mark.parametrize(
    ("label", "labels", "colour"),
    [("Speaker 1", (), "FFD400"), ("Speaker 2", (), "3DDCFF"), ("Speaker 7", (), "FFD400"),
     ("Host", ("Guest", "Host"), "3DDCFF"), (None, (), None)],
)  # fmt: skip
def test_speaker_color(label: str | None, labels: tuple[str, ...], colour: str | None) -> None:
    assert speaker_color(label, labels) == colour
