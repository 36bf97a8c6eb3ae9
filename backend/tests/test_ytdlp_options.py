"""yt-dlp's options and hooks: the match filter's limits, ffmpeg kept off the network, no stray cookies."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from spaceclip.services.ingest.ytdlp_options import match_filter, ytdlp_params
from tests.ingest import download_state, ingest_settings


@pytest.mark.parametrize(
    ("info", "incomplete", "reason"),
    [
        ({"duration": 601}, True, "too long"),
        ({"duration": 599}, True, None),
        ({"duration": None}, True, None),
        ({"is_live": True}, True, "live or upcoming"),
        ({"live_status": "is_upcoming"}, False, "live or upcoming"),
        ({"live_status": "was_live", "duration": 30}, False, None),
        ({"filesize": 11 * 1024 * 1024}, False, "too large"),
        ({"filesize_approx": 11 * 1024 * 1024}, True, None),  # only judged once formats are chosen
        ({"filesize_approx": 11 * 1024 * 1024}, False, "too large"),
    ],
)
def test_match_filter(info: dict[str, Any], incomplete: bool, reason: str | None) -> None:
    assert match_filter(download_state())(info, incomplete=incomplete) == reason


def test_ffmpeg_as_downloader_is_kept_off_the_network(tmp_path: Path) -> None:
    params = ytdlp_params(tmp_path, ingest_settings(tmp_path), download_state())
    assert params["external_downloader"] == {"default": "native"}
    assert params["external_downloader_args"]["ffmpeg_i"] == ["-protocol_whitelist", "file,crypto,data"]
    assert "cookiefile" not in params and params["cookiesfrombrowser"] is None
