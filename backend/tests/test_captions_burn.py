"""The ffmpeg filter that burns a script in (the string; real renders are in test_captions_render.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from spaceclip.services.render.captions import ass_filter


def test_ass_filter_string(tmp_path_factory: pytest.TempPathFactory) -> None:
    got = ass_filter(Path("/tmp/x y/it's:a.ass"), font_folder=Path("/opt/fonts"))
    assert got == "subtitles=filename=/tmp/x\\\\\\ y/it\\\\\\'s\\\\:a.ass:fontsdir=/opt/fonts"
