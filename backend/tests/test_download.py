"""URL ingest through yt-dlp (``download_url``) against real HTTP servers on loopback.

Servers: a media server (generated mp4 files, an HTML page), a *canary* that counts every request
it receives (it must receive none), and a redirector that the guard is told to treat as a public
host (its exact ``host:port`` only) and that redirects to loopback, metadata and odd-encoded
addresses. No traffic goes to any non-loopback address: those links are refused before a socket
is opened. The guarded networking on its own is in ``test_ytdlp_guard.py``; yt-dlp's messages
mapped to user messages in ``test_download_errors.py``.
"""

from __future__ import annotations

import importlib
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from spaceclip.config import Settings
from spaceclip.errors import (
    PRIVATE_NETWORK_MESSAGE,
    DownloadNetworkError,
    JobCancelled,
    MediaTooLarge,
    MediaTooLong,
    NoMediaFound,
    PrivateAddressRefused,
    SignInRequired,
    SpaceClipError,
    UrlRefused,
)
from spaceclip.services.ingest.download import download_url
from spaceclip.services.ingest.urlguard import UrlGuard
from spaceclip.services.ingest.ytdlp_guard import GuardedYoutubeDL
from spaceclip.services.ingest.ytdlp_options import LogAdapter
from spaceclip.services.ingest.ytdlp_state import DownloadState, GuardRefusal
from spaceclip.usecases.ingest import DOWNLOAD_MODULE
from tests.ingest import PRIVATE_RANGE_LINKS, LoopbackServer, ingest_settings

pytestmark = pytest.mark.slow


# -- the media server ----------------------------------------------------------------------------


def _ffmpeg(*args: str) -> None:
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", *args], check=True, timeout=120)


def _probe_duration(path: Path) -> float:
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", f"file:{path}"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return float(out.stdout.strip())


@pytest.fixture(scope="module")
def media_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LoopbackServer]:
    folder = tmp_path_factory.mktemp("media")
    clip = folder / "clip.mp4"
    _ffmpeg(
        "-f", "lavfi", "-i", "testsrc=size=160x120:rate=10:duration=2",
        "-f", "lavfi", "-i", "sine=frequency=440:duration=2",
        "-c:v", "libx264", "-preset", "ultrafast", "-c:a", "aac", "-shortest", str(clip),
    )  # fmt: skip
    big = folder / "big.mp4"  # noise compresses badly: about 3 MB per second
    _ffmpeg(
        "-f", "lavfi", "-i", "color=c=gray:s=320x240:r=25:d=1,noise=alls=100:allf=t",
        "-c:v", "mpeg4", "-q:v", "2", str(big),
    )  # fmt: skip
    assert big.stat().st_size > 1024 * 1024
    page = b"<!doctype html><html><head><title>Just a page</title></head><body><p>No media.</p></body></html>"
    server = LoopbackServer(
        {
            "/clip.mp4": (clip.read_bytes(), "video/mp4"),
            "/big.mp4": (big.read_bytes(), "video/mp4"),
            "/stream/big.mp4": (big.read_bytes(), "video/mp4"),
            "/page.html": (page, "text/html; charset=utf-8"),
        },
        streamed={"/stream/big.mp4"},
    )
    yield server
    server.close()


def _expect_failure(
    kind: type[SpaceClipError], url: str, dest: Path, settings: Settings, **kwargs: Any
) -> SpaceClipError:
    """Run a download that must fail with ``kind`` and leave ``dest`` exactly as empty as before."""
    with pytest.raises(kind) as caught:
        download_url(url, dest, settings, **kwargs)
    assert dest.is_dir() and list(dest.iterdir()) == [], f"left behind: {list(dest.iterdir())}"
    return caught.value


# -- the happy path and the test-only setting ---------------------------------------------------------


def test_downloads_media_from_loopback_with_test_setting(tmp_path: Path, media_server: LoopbackServer) -> None:
    dest = tmp_path / "project"
    seen: list[float] = []
    result = download_url(
        media_server.url("/clip.mp4"), dest, ingest_settings(tmp_path, allow_private_urls=True), progress=seen.append
    )
    assert result.path == dest / "source.mp4"
    assert sorted(p.name for p in dest.iterdir()) == ["source.mp4"]
    assert _probe_duration(result.path) == pytest.approx(2.0, abs=0.15)
    assert result.duration == pytest.approx(2.0, abs=0.15)
    assert result.extractor == "Generic"
    assert result.title == "clip"
    assert result.webpage_url == media_server.url("/clip.mp4")
    assert seen and seen[-1] == 1.0 and seen == sorted(seen) and all(0 <= f <= 1 for f in seen)


def test_same_link_is_refused_without_the_setting(tmp_path: Path, media_server: LoopbackServer) -> None:
    dest = tmp_path / "project"
    dest.mkdir()
    before = len(media_server.hits)
    err = _expect_failure(PrivateAddressRefused, media_server.url("/clip.mp4"), dest, ingest_settings(tmp_path))
    assert err.user_message == PRIVATE_NETWORK_MESSAGE
    assert len(media_server.hits) == before  # refused before any request


def test_replaces_old_source_and_clears_stale_temp_folders(tmp_path: Path, media_server: LoopbackServer) -> None:
    dest = tmp_path / "project"
    (dest / ".download-deadbeef").mkdir(parents=True)
    (dest / ".download-deadbeef" / "media.mp4.part").write_bytes(b"partial")
    (dest / "source.mkv").write_bytes(b"old")
    (dest / "audio.wav").write_bytes(b"keep")
    download_url(media_server.url("/clip.mp4"), dest, ingest_settings(tmp_path, allow_private_urls=True))
    assert sorted(p.name for p in dest.iterdir()) == ["audio.wav", "source.mp4"]


def test_url_import_finds_the_download_module() -> None:
    """The use case looks the module up by name; a stale name would switch URL import off."""
    assert importlib.import_module(DOWNLOAD_MODULE).download_url is download_url


# -- SSRF matrix ---------------------------------------------------------------------------------


def test_ssrf_matrix_refuses_everything_and_canary_gets_no_request(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    canary = LoopbackServer({"/secret": (b"canary", "video/mp4")})
    c = canary.port
    redirects = {
        "/to-canary": (302, f"http://127.0.0.1:{c}/secret"),
        "/to-canary-301": (301, f"http://127.0.0.1:{c}/secret"),
        "/to-canary-307": (307, f"http://127.0.0.1:{c}/secret"),
        "/to-localhost": (302, f"http://localhost:{c}/secret"),
        "/to-decimal": (302, f"http://2130706433:{c}/secret"),
        "/to-hex": (302, f"http://0x7f000001:{c}/secret"),
        "/to-mapped": (302, f"http://[::ffff:127.0.0.1]:{c}/secret"),
        "/to-metadata": (302, "http://169.254.169.254/latest/meta-data/"),
        "/to-private": (302, "http://10.0.0.1/"),
        "/to-file": (302, "file:///etc/passwd"),
        "/to-two-hops": (302, "/to-canary"),
    }
    redirector = LoopbackServer(redirects=redirects)
    settings = ingest_settings(tmp_path)
    allowed = [redirector.endpoint]
    direct = [
        f"http://127.0.0.1:{c}/secret",
        f"http://localhost:{c}/secret",
        f"http://[::1]:{c}/secret",
        *PRIVATE_RANGE_LINKS,
        f"http://[::ffff:127.0.0.1]:{c}/secret",
        f"http://[::ffff:7f00:1]:{c}/secret",
        f"http://2130706433:{c}/secret",
        f"http://0x7f000001:{c}/secret",
        f"http://0177.0.0.1:{c}/secret",
        f"http://127.1:{c}/secret",
        f"http://0.0.0.0:{c}/secret",
        "file:///etc/passwd",
        "ftp://127.0.0.1/file.mp4",
        f"gopher://127.0.0.1:{c}/_GET%20/secret",
        f"http://user:pw@127.0.0.1:{c}/secret",
    ]
    via_redirect = [redirector.url(path) for path in redirects]
    outcomes: list[tuple[str, str]] = []
    try:
        for i, url in enumerate(direct + via_redirect):
            dest = tmp_path / f"case{i}"
            dest.mkdir()
            with pytest.raises(UrlRefused) as caught:
                download_url(url, dest, settings, allowed_endpoints=allowed)
            assert list(dest.iterdir()) == [], url
            outcomes.append((url, type(caught.value).__name__))
        # The networking hook on its own, without download_url's first check: every request that
        # yt-dlp itself makes (extractors, downloaders) is vetted, and a host *name* is vetted at
        # connect time (the connection goes to the address that was checked).
        state = DownloadState(
            guard=UrlGuard(allowed_endpoints=allowed),
            max_bytes=1 << 20,
            max_duration_s=60.0,
            progress=None,
            cancel=None,
        )
        hook_only = [f"http://127.0.0.1:{c}/secret", f"http://localhost:{c}/secret", redirector.url("/to-canary")]
        with GuardedYoutubeDL({"quiet": True, "logger": LogAdapter(state)}, state) as ydl:
            for url in hook_only:
                with pytest.raises(GuardRefusal):
                    ydl.urlopen(url)
                outcomes.append((f"{url} (yt-dlp request, no pre-check)", "refused"))
        assert all(isinstance(r, UrlRefused) for r in state.refusals) and len(state.refusals) == len(hook_only)
    finally:
        canary.close()
        redirector.close()
    total = len(direct) + len(via_redirect) + len(hook_only)
    summary = (
        f"SSRF matrix: {len(outcomes)}/{total} refused "
        f"({len(direct)} direct, {len(via_redirect)} via redirect, {len(hook_only)} at the yt-dlp hook); "
        f"canary hits = {len(canary.hits)}; redirector hits = {len(redirector.hits)}"
    )
    with capsys.disabled():
        print("\n" + summary)
    assert canary.hits == [], summary
    assert len(outcomes) == total, summary
    assert len(redirector.hits) >= len(via_redirect), "redirect cases must really reach the redirector"


# -- failures the user can act on -----------------------------------------------------------------


def test_page_without_media_is_no_media_found(tmp_path: Path, media_server: LoopbackServer) -> None:
    dest = tmp_path / "project"
    dest.mkdir()
    err = _expect_failure(
        NoMediaFound, media_server.url("/page.html"), dest, ingest_settings(tmp_path, allow_private_urls=True)
    )
    assert "found no video or audio" in err.user_message


def test_non_media_file_is_refused_without_opening_it(tmp_path: Path) -> None:
    """A "video" that is really an HLS playlist aimed at the canary: the probe must not follow it."""
    canary = LoopbackServer({"/seg.ts": (b"canary", "video/mp2t")})
    playlist = (
        f"#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\nhttp://127.0.0.1:{canary.port}/seg.ts\n#EXT-X-ENDLIST\n"
    ).encode()
    fake = LoopbackServer({"/episode.mp4": (playlist, "video/mp4"), "/notes.mp4": (b"just text", "video/mp4")})
    try:
        for path in ("/episode.mp4", "/notes.mp4"):
            dest = tmp_path / path.strip("/")
            dest.mkdir()
            err = _expect_failure(
                NoMediaFound, fake.url(path), dest, ingest_settings(tmp_path, allow_private_urls=True)
            )
            assert "not audio or video" in err.user_message
    finally:
        canary.close()
        fake.close()
    assert canary.hits == []


def test_missing_file_is_a_site_error(tmp_path: Path, media_server: LoopbackServer) -> None:
    dest = tmp_path / "project"
    dest.mkdir()
    err = _expect_failure(
        DownloadNetworkError, media_server.url("/nothing.mp4"), dest, ingest_settings(tmp_path, allow_private_urls=True)
    )
    assert "HTTP 404" in err.user_message


def test_too_long_media_is_refused(tmp_path: Path, media_server: LoopbackServer) -> None:
    dest = tmp_path / "project"
    dest.mkdir()
    settings = ingest_settings(tmp_path, allow_private_urls=True, max_duration_minutes=1 / 60)  # 1 s
    err = _expect_failure(MediaTooLong, media_server.url("/clip.mp4"), dest, settings)
    assert err.user_message.startswith("This recording is 2 seconds long; SpaceClip accepts up to 1 second ")
    assert "SPACECLIP_MAX_DURATION_MINUTES" in err.user_message


@pytest.mark.parametrize("path", ["/big.mp4", "/stream/big.mp4"], ids=["with-length", "without-length"])
def test_too_large_media_is_refused(tmp_path: Path, media_server: LoopbackServer, path: str) -> None:
    dest = tmp_path / "project"
    dest.mkdir()
    settings = ingest_settings(tmp_path, allow_private_urls=True, max_upload_mb=1)
    err = _expect_failure(MediaTooLarge, media_server.url(path), dest, settings)
    assert "SPACECLIP_MAX_UPLOAD_MB" in err.user_message and "1 MB" in err.user_message


def test_cancel_stops_and_cleans_up(tmp_path: Path, media_server: LoopbackServer) -> None:
    dest = tmp_path / "project"
    dest.mkdir()
    polls: list[int] = []

    def cancel() -> bool:
        polls.append(1)
        return len(polls) >= 2  # first poll before the download, second from the progress hook

    _expect_failure(
        JobCancelled,
        media_server.url("/big.mp4"),
        dest,
        ingest_settings(tmp_path, allow_private_urls=True),
        cancel=cancel,
    )
    assert len(polls) == 2


def test_cookies_come_only_from_the_configured_file(tmp_path: Path, media_server: LoopbackServer) -> None:
    cookie_file = tmp_path / "cookies.txt"
    text = "# Netscape HTTP Cookie File\n127.0.0.1\tFALSE\t/\tFALSE\t0\tauth_token\tsecret123\n"
    cookie_file.write_text(text)
    first = len(media_server.cookies)
    settings = ingest_settings(tmp_path, allow_private_urls=True, cookies_file=cookie_file)
    download_url(media_server.url("/clip.mp4"), tmp_path / "p1", settings)
    sent = media_server.cookies[first:]
    assert sent and all(c == "auth_token=secret123" for c in sent)
    assert cookie_file.read_text() == text  # yt-dlp worked on a private copy

    first = len(media_server.cookies)
    download_url(media_server.url("/clip.mp4"), tmp_path / "p2", ingest_settings(tmp_path, allow_private_urls=True))
    assert all(c is None for c in media_server.cookies[first:])


def test_missing_cookies_file_names_the_setting(tmp_path: Path, media_server: LoopbackServer) -> None:
    dest = tmp_path / "project"
    dest.mkdir()
    settings = ingest_settings(tmp_path, allow_private_urls=True, cookies_file=tmp_path / "absent.txt")
    err = _expect_failure(SignInRequired, media_server.url("/clip.mp4"), dest, settings)
    assert "SPACECLIP_COOKIES_FILE" in err.user_message
