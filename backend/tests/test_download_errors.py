"""yt-dlp's own reports mapped to user messages (sites the tests cannot reach)."""

from __future__ import annotations

import pytest
from yt_dlp.utils import DownloadError

from spaceclip.config import Settings
from spaceclip.errors import NoMediaFound, NoReplay, PrivateAddressRefused, SignInRequired
from spaceclip.services.ingest.download_errors import human_duration, translate
from tests.ingest import download_state


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0.6, "0.6 seconds"), (1, "1 second"), (2.04, "2 seconds"), (600, "10 minutes"), (14400, "4.0 hours")],
)
def test_human_duration(seconds: float, text: str) -> None:
    assert human_duration(seconds) == text


@pytest.mark.parametrize(
    ("url", "message", "kind", "says"),
    [
        (
            "https://x.com/i/spaces/1abc",
            "ERROR: [twitter:spaces] 1abc: Twitter Space ended and replay is disabled",
            NoReplay,
            "no replay",
        ),
        (
            "https://x.com/i/spaces/1abc",
            "ERROR: [twitter:spaces] 1abc: Twitter Space not started yet",
            NoReplay,
            "no replay",
        ),
        (
            "https://x.com/i/spaces/1abc",
            "ERROR: [twitter:spaces] 1abc: Error(s) while querying API: Could not authenticate you",
            SignInRequired,
            "SPACECLIP_COOKIES_FILE",
        ),
        (
            "https://twitter.com/i/status/1",
            "ERROR: [twitter] 1: This video is only available for registered users. Use --cookies-from-browser "
            "or --cookies for the authentication.",
            SignInRequired,
            "SPACECLIP_COOKIES_FILE",
        ),
        (
            "https://www.youtube.com/watch?v=x",
            "ERROR: [youtube] x: Sign in to confirm you're not a bot. Use --cookies-from-browser or --cookies",
            SignInRequired,
            "SPACECLIP_COOKIES_FILE",
        ),
        ("https://example.com/page", "ERROR: Unsupported URL: https://example.com/page", NoMediaFound, "no video"),
        (
            "https://www.youtube.com/watch?v=x",
            "ERROR: [youtube] x: No video formats found!",
            NoMediaFound,
            "no video",
        ),
    ],
)
def test_ytdlp_errors_become_user_messages(url: str, message: str, kind: type, says: str) -> None:
    settings = Settings(_env_file=None)
    err = translate(DownloadError(message), url, settings, download_state())
    assert isinstance(err, kind)
    assert says in err.user_message


def test_guard_refusal_wins_over_ytdlp_wording() -> None:
    state = download_state()
    refusal = PrivateAddressRefused(detail="test")
    state.refusals.append(refusal)
    settings = Settings(_env_file=None)
    assert (
        translate(DownloadError("ERROR: Unable to download webpage"), "https://a.example/", settings, state) is refusal
    )
