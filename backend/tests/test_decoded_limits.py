"""The duration limit holds on what is decoded, not on what a header claims.

The hostile file is an MP3 made at test time: 3 s of 320 kbit/s frames, then 80 s at 32 kbit/s,
joined byte by byte without a Xing/Info header. ffprobe estimates its length from the first frames'
bitrate (about 11 s); it decodes to about 83 s. With the limit at 30 s the probe lets it through, so
the decode must stop at the cap and refuse it, for uploads, the pipeline and URL imports alike.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from spaceclip.config import Settings
from spaceclip.errors import MediaTooLong, UnsupportedMedia
from spaceclip.services.analysis import AUDIO_NAME, analyze_media
from spaceclip.services.media.probe import decode_caps, extract_audio, ffprobe_json, inspect_media
from spaceclip.tasks.worker import Worker
from tests.factories import UserFactory
from tests.ingest import LoopbackServer
from tests.job_api import wait_for_api_job
from tests.media import make_lying_mp3

LIMIT_MINUTES = 0.5  # 30 s: the lying MP3 probes under it and decodes far over it
#: The refusal at a 30 s limit: decoding stopped at the cap (limit + 2 s), the header's claim, the limit.
AT_THE_CAP = "runs for at least 32 seconds, although the file's header claims 11 seconds; the limit is 30 seconds."


@pytest.fixture(scope="module")
def lying_mp3(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_lying_mp3(tmp_path_factory.mktemp("media") / "lying.mp3")


def _limits(tmp_path: Path, minutes: float) -> Settings:
    return Settings(data_dir=tmp_path / "data", max_duration_minutes=minutes, _env_file=None)


def _work(tmp_path: Path) -> Path:
    work = tmp_path / "work"
    work.mkdir()
    return work


def test_the_lying_mp3_probes_short_and_decodes_long(lying_mp3: Path, tmp_path: Path) -> None:
    settings = _limits(tmp_path, 10.0)
    claimed = float(ffprobe_json(lying_mp3, "-show_entries", "format=duration", timeout_s=60)["format"]["duration"])
    assert 9.0 < claimed < 13.0, "ffprobe goes by the first frames' bitrate"
    info = inspect_media(lying_mp3, settings)
    assert info.duration_s == pytest.approx(claimed, abs=0.01)

    # Under a 10-minute limit it is kept whole: the decode is not cut at the header's length.
    out = extract_audio(lying_mp3, _work(tmp_path) / AUDIO_NAME, settings, info=info)
    assert 82.0 < out.duration_s < 84.0


def test_decoding_stops_at_the_cap_and_the_refusal_gives_the_length_decoded(lying_mp3: Path, tmp_path: Path) -> None:
    settings = _limits(tmp_path, LIMIT_MINUTES)
    assert decode_caps(settings)[0] == 32.0
    info = inspect_media(lying_mp3, settings)  # the header's 11 s passes the probe's check
    work = _work(tmp_path)
    seen: list[float] = []
    with pytest.raises(MediaTooLong) as err:
        extract_audio(lying_mp3, work / AUDIO_NAME, settings, info=info, on_progress=seen.append)
    message = err.value.user_message
    assert message.startswith(f"This file's audio {AT_THE_CAP} ")
    assert "Trim it (or split it into parts)" in message
    assert "SPACECLIP_MAX_DURATION_MINUTES (now 0.5)" in message
    assert err.value.detail is not None and err.value.detail.startswith("decoded 32.0 s (stopped at the cap)")
    assert err.value.code == "media_too_long" and isinstance(err.value, UnsupportedMedia)
    assert list(work.iterdir()) == [], "neither the WAV nor its temp file is left"


def test_a_decode_past_the_limit_but_short_of_the_cap_gives_its_exact_length(lying_mp3: Path, tmp_path: Path) -> None:
    settings = _limits(tmp_path, 81.3 / 60)  # cap 83.3 s: the whole 83 s decode fits, 2 s over the limit
    info = inspect_media(lying_mp3, settings)
    with pytest.raises(MediaTooLong) as err:
        extract_audio(lying_mp3, _work(tmp_path) / AUDIO_NAME, settings, info=info)
    assert err.value.user_message.startswith(
        "This file's audio is 83 seconds long, although the file's header claims 11 seconds; the limit is 81 seconds."
    )


def test_a_header_claiming_more_than_the_audio_is_handled_as_before(tmp_path: Path) -> None:
    # 32 kbit/s first: the 20 s at 320 kbit/s that follow look ten times longer (about 203 s in all).
    path = make_lying_mp3(tmp_path / "overclaiming.mp3", parts=((32, 3.0), (320, 20.0)))

    # A claim over the limit is refused by the probe, before any decoding.
    with pytest.raises(MediaTooLong) as err:
        inspect_media(path, _limits(tmp_path, 3.0))
    assert err.value.user_message.startswith("This file is 3 min 23 s long; the limit is 3 minutes. Trim it")

    # A claim within the limit that decodes short is a truncated file.
    settings = _limits(tmp_path, 60.0)
    info = inspect_media(path, settings)
    assert 190 < info.duration_s < 215
    with pytest.raises(UnsupportedMedia, match="truncated or damaged") as caught:
        extract_audio(path, _work(tmp_path) / AUDIO_NAME, settings, info=info)
    assert not isinstance(caught.value, MediaTooLong)
    assert caught.value.user_message.startswith("Only 23 of the ")


def test_the_pipeline_refuses_it_before_transcribing(lying_mp3: Path, tmp_path: Path) -> None:
    settings = _limits(tmp_path, LIMIT_MINUTES)
    work = _work(tmp_path)
    stages: list[str] = []
    with pytest.raises(MediaTooLong, match="at least 32 seconds"):
        analyze_media(lying_mp3, work, settings, report=lambda stage, fraction, message: stages.append(stage))
    assert "transcribe" not in stages
    assert not (work / AUDIO_NAME).exists()


# --- through the API, with a real worker -----------------------------------------------------------


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The shared test settings with the 30 s limit, and loopback links allowed for the URL import."""
    return settings.model_copy(update={"max_duration_minutes": LIMIT_MINUTES, "allow_private_urls": True})


def _assert_refused(client: TestClient, created: dict[str, dict[str, str]]) -> None:
    job = wait_for_api_job(client, created["job"]["id"])
    assert job["status"] == "failed", job
    assert AT_THE_CAP in job["error"]
    project = client.get(f"/api/projects/{created['project']['id']}").json()
    assert project["status"] == "failed"
    assert project["error"] == job["error"]


@pytest.mark.slow
@pytest.mark.parametrize("query", ["?analyze=false", ""], ids=["probe-job", "analyze-job"])
def test_an_upload_that_decodes_past_the_limit_fails_with_its_length(
    client: TestClient, users: UserFactory, worker: Worker, lying_mp3: Path, query: str
) -> None:
    users.sign_in(client, users.create())
    with lying_mp3.open("rb") as fh:
        response = client.post(f"/api/projects{query}", files={"file": ("episode.mp3", fh, "audio/mpeg")})
    assert response.status_code == 202, response.text
    _assert_refused(client, response.json())


@pytest.mark.slow
def test_a_url_import_that_decodes_past_the_limit_fails_with_its_length(
    client: TestClient, users: UserFactory, worker: Worker, lying_mp3: Path
) -> None:
    server = LoopbackServer({"/episode.mp3": (lying_mp3.read_bytes(), "audio/mpeg")})
    try:
        users.sign_in(client, users.create())
        response = client.post("/api/projects", json={"url": server.url("/episode.mp3")})
        assert response.status_code == 202, response.text
        _assert_refused(client, response.json())
        assert server.hits, "the file was fetched over loopback"
    finally:
        server.close()
