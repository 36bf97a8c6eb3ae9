"""Probing, validation and audio extraction on real generated files, including hostile ones."""

from __future__ import annotations

import wave
from pathlib import Path

import pytest

from spaceclip.config import Settings
from spaceclip.errors import JobCancelled, UnsupportedMedia
from spaceclip.services.media.probe import (
    AUDIO_SAMPLE_RATE,
    AudioStream,
    MediaInfo,
    VideoStream,
    extract_audio,
    inspect_media,
    is_truncated,
    probe_media,
    validate_media,
)
from tests.media import (
    cached,
    make_audio,
    make_long_audio,
    make_playlist,
    make_text_as_media,
    make_truncated_mp4,
    make_video,
    make_video_only,
)


@pytest.fixture(scope="module")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("media")


def _settings(tmp_path: Path, **overrides: object) -> Settings:
    return Settings(data_dir=tmp_path / "data", _env_file=None, **overrides)  # type: ignore[arg-type]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:  # no database needed here
    return _settings(tmp_path)


def test_video_with_audio_is_accepted(media_dir: Path, settings: Settings) -> None:
    path = cached(media_dir / "av.mp4", make_video, seconds=2.0, size="320x240")
    info = inspect_media(path, settings)
    assert "mp4" in info.format_tokens
    assert info.duration_s == pytest.approx(2.0, abs=0.1)
    assert info.has_video and info.primary_video is not None
    assert (info.primary_video.width, info.primary_video.height) == (320, 240)
    assert info.primary_video.codec == "h264"
    assert info.primary_video.fps == pytest.approx(25.0)
    assert info.primary_audio is not None and info.primary_audio.codec == "aac"
    assert info.primary_audio.sample_rate == 44100
    assert info.stream_count == 2
    assert info.size_bytes == path.stat().st_size
    assert MediaInfo.from_dict(info.to_dict()) == info
    assert info.to_dict()["has_video"] is True


@pytest.mark.parametrize(
    ("name", "codec", "fmt"),
    [("a.m4a", "aac", "m4a"), ("a.mp3", "mp3", "mp3"), ("a.wav", "pcm_s16le", "wav"), ("a.ogg", "opus", "ogg")],
)
def test_audio_only_files_are_accepted(media_dir: Path, settings: Settings, name: str, codec: str, fmt: str) -> None:
    path = cached(media_dir / name, make_audio, seconds=3.0)
    info = inspect_media(path, settings)
    assert fmt in info.format_tokens
    assert not info.has_video
    assert info.primary_audio is not None and info.primary_audio.codec == codec
    assert info.duration_s == pytest.approx(3.0, abs=0.1)


def test_extension_does_not_matter_content_does(media_dir: Path, settings: Settings, tmp_path: Path) -> None:
    wav_named_mp4 = tmp_path / "really-a-wav.mp4"
    wav_named_mp4.write_bytes(cached(media_dir / "a.wav", make_audio, seconds=3.0).read_bytes())
    info = inspect_media(wav_named_mp4, settings)
    assert info.format_tokens == {"wav"}


def test_extract_audio_writes_16k_mono_wav_with_progress(media_dir: Path, settings: Settings, tmp_path: Path) -> None:
    src = cached(media_dir / "av.mp4", make_video, seconds=2.0, size="320x240")
    info = inspect_media(src, settings)
    dest = tmp_path / "audio.wav"
    seen: list[float] = []
    out = extract_audio(src, dest, settings, info=info, on_progress=seen.append)
    assert out.path == dest
    assert out.duration_s == pytest.approx(2.0, abs=0.1)
    with wave.open(str(dest), "rb") as w:
        assert (w.getnchannels(), w.getframerate(), w.getsampwidth()) == (1, AUDIO_SAMPLE_RATE, 2)
    assert seen and seen[-1] == 1.0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["audio.wav"], "no temp file left behind"


def _rejected(path: Path, settings: Settings) -> str:
    with pytest.raises(UnsupportedMedia) as info:
        inspect_media(path, settings)
    return info.value.user_message


def test_text_renamed_mp4_is_rejected(tmp_path: Path, settings: Settings) -> None:
    message = _rejected(make_text_as_media(tmp_path / "notes.mp4"), settings)
    assert "not an audio or video file" in message
    assert "upload it again" in message


def test_truncated_mp4_with_index_at_end_is_rejected(media_dir: Path, settings: Settings) -> None:
    path = cached(media_dir / "trunc.mp4", make_truncated_mp4, faststart=False)
    message = _rejected(path, settings)
    assert "truncated or damaged" in message
    assert "re-export or re-download" in message


def test_truncated_faststart_mp4_probes_but_fails_extraction(
    media_dir: Path, settings: Settings, tmp_path: Path
) -> None:
    path = cached(media_dir / "trunc-fast.mp4", make_truncated_mp4, faststart=True)
    info = inspect_media(path, settings)  # the index survived, so the header looks fine
    assert info.duration_s == pytest.approx(4.0, abs=0.1)
    dest = tmp_path / "audio.wav"
    with pytest.raises(UnsupportedMedia, match="truncated or damaged") as err:
        extract_audio(path, dest, settings, info=info)
    assert "could be read" in err.value.user_message
    assert not dest.exists()
    assert list(tmp_path.iterdir()) == [], "the partial temp file was removed"


def test_video_without_audio_is_rejected(media_dir: Path, settings: Settings) -> None:
    message = _rejected(cached(media_dir / "video-only.mp4", make_video_only), settings)
    assert "no audio track" in message
    assert "speech" in message


@pytest.mark.parametrize(
    ("kind", "name"), [("hls", "list.m3u8"), ("hls", "clip.mp4"), ("ffconcat", "x.ffconcat"), ("ffconcat", "y.mp4")]
)
def test_playlists_are_never_opened(tmp_path: Path, settings: Settings, kind: str, name: str) -> None:
    canary = tmp_path / "canary.txt"
    canary.write_text("SECRET-CANARY", encoding="utf-8")
    path = make_playlist(tmp_path / name, kind=kind, target=canary)
    message = _rejected(path, settings)
    assert "SECRET-CANARY" not in message
    assert "upload" in message.lower()


def test_over_duration_is_rejected(media_dir: Path, tmp_path: Path) -> None:
    settings = _settings(tmp_path, max_duration_minutes=0.05)  # 3 seconds
    path = cached(media_dir / "long5.m4a", make_audio, seconds=5.0)
    message = _rejected(path, settings)
    assert "5 seconds long; the limit is 3 seconds" in message
    assert "Trim it" in message


def test_giant_dimensions_are_rejected(media_dir: Path, tmp_path: Path) -> None:
    settings = _settings(tmp_path, max_video_side=200)
    path = cached(media_dir / "av.mp4", make_video, seconds=2.0, size="320x240")
    message = _rejected(path, settings)
    assert "320x240 pixels" in message and "at most 200 pixels" in message


def _info(**overrides: object) -> MediaInfo:
    base: dict[str, object] = {
        "format_name": "mov,mp4,m4a,3gp,3g2,mj2",
        "format_long_name": "QuickTime / MOV",
        "duration_s": 60.0,
        "size_bytes": 1000,
        "video": (VideoStream(index=0, codec="h264", width=1920, height=1080),),
        "audio": (AudioStream(index=1, codec="aac", sample_rate=48000, channels=2),),
        "stream_count": 2,
    }
    base.update(overrides)
    return MediaInfo(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"video": (VideoStream(index=0, codec="h264", width=32768, height=32768),)}, "32768x32768 pixels"),
        ({"stream_count": 500}, "500 streams"),
        ({"format_name": "hls"}, "does not accept"),
        ({"format_name": "concat"}, "does not accept"),
        ({"format_name": "mov,hls"}, "does not accept"),
        ({"format_name": "image2"}, "does not accept"),
        ({"format_name": "tty"}, "does not accept"),
        ({"audio": ()}, "no audio track"),
        ({"audio": (AudioStream(index=1, codec="aac", sample_rate=0, channels=0),)}, "truncated or damaged"),
        ({"duration_s": 0.0}, "how long"),
        ({"duration_s": 10 * 3600.0}, "600 minutes long"),
        ({"video": (VideoStream(index=0, codec="h264", width=0, height=0),)}, "truncated or damaged"),
    ],
)
def test_validator_rejects(settings: Settings, overrides: dict[str, object], fragment: str) -> None:
    with pytest.raises(UnsupportedMedia) as info:
        validate_media(_info(**overrides), settings)
    assert fragment in info.value.user_message


def test_validator_accepts_cover_art_and_ordinary_video(settings: Settings) -> None:
    validate_media(_info(), settings)
    cover = VideoStream(index=0, codec="mjpeg", width=20000, height=20000, is_cover=True)
    info = _info(format_name="mp3", video=(cover,))
    validate_media(info, settings)  # album art is not a video and not size-checked
    assert not info.has_video


@pytest.mark.parametrize(
    ("expected", "decoded", "truncated"),
    [
        (4.0, 4.0, False),
        (4.0, 3.9, False),
        (4.0, 1.76, True),
        (3600.0, 3500.0, False),
        (3600.0, 3000.0, True),
        (1.0, 0.5, False),
        (10.0, 8.4, True),
    ],
)
def test_is_truncated(expected: float, decoded: float, truncated: bool) -> None:
    assert is_truncated(expected, decoded) is truncated


def test_extract_audio_can_be_cancelled(media_dir: Path, settings: Settings, tmp_path: Path) -> None:
    src = cached(media_dir / "long.ogg", make_long_audio, minutes=60)
    info = probe_media(src, settings)
    assert info.duration_s == pytest.approx(3600, abs=2)
    dest = tmp_path / "audio.wav"
    with pytest.raises(JobCancelled):
        extract_audio(src, dest, settings, info=info, cancel=lambda: True)
    assert list(tmp_path.iterdir()) == []
