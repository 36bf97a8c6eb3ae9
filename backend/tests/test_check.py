"""The export check: its pure helpers, and real ffmpeg-encoded files checked against their presets."""

from __future__ import annotations

import struct
from dataclasses import replace
from pathlib import Path

import pytest

from spaceclip.config import Settings
from spaceclip.services.media.process import ffmpeg_args, run_process
from spaceclip.services.render.check import (
    Packet,
    check_export,
    has_open_gop,
    keyframe_gaps,
    moov_before_mdat,
    mp4_top_level_boxes,
)
from spaceclip.services.render.presets import PRESETS, Preset, encoder_args

# --- pure helpers of the check -------------------------------------------------------------------


def _box(kind: bytes, payload: int) -> bytes:
    return struct.pack(">I4s", 8 + payload, kind) + b"\0" * payload


FTYP = _box(b"ftyp", 16)
LARGE_MDAT = struct.pack(">I4sQ", 1, b"mdat", 16 + 10) + b"\0" * 10  # 64-bit "largesize"
TO_EOF_MDAT = struct.pack(">I4s", 0, b"mdat") + b"\0" * 50  # size 0: runs to the end of the file


@pytest.mark.parametrize(
    ("data", "expected", "moov_first"),
    [
        (FTYP + _box(b"moov", 40) + _box(b"mdat", 100), ["ftyp", "moov", "mdat"], True),
        (FTYP + _box(b"free", 0) + _box(b"mdat", 100) + _box(b"moov", 40), ["ftyp", "free", "mdat", "moov"], False),
        (FTYP + LARGE_MDAT + _box(b"moov", 4), ["ftyp", "mdat", "moov"], False),
        (FTYP + _box(b"moov", 8) + TO_EOF_MDAT, ["ftyp", "moov", "mdat"], True),
        (FTYP + struct.pack(">I4s", 4, b"moov"), ["ftyp"], None),  # shorter than its own header: stop
        (b"not an mp4 at all", ["an m"], None),  # one "box" claiming far more than the file holds
        (b"", [], None),
    ],
)
def test_top_level_boxes(tmp_path: Path, data: bytes, expected: list[str], moov_first: bool | None) -> None:
    path = tmp_path / "f.mp4"
    path.write_bytes(data)
    boxes = mp4_top_level_boxes(path)
    assert [name for name, _, _ in boxes] == expected
    assert moov_before_mdat(boxes) is moov_first


def _packets(spec: str, step: float = 0.5) -> list[Packet]:
    # "K0 B2 b1" -> keyframe at pts 0, then pts 2*step, 1*step (decode order)
    return [Packet(pts=int(tok[1:]) * step, key=tok[0] == "K") for tok in spec.split()]


@pytest.mark.parametrize(
    ("spec", "gaps", "is_open"),
    [
        ("K0 P3 B1 B2 K6 P9 B7 B8", [3.0, 1.5], False),
        ("K0 P3 B1 B2 K6 B4 B5 P9", [3.0, 1.5], True),  # B4/B5 shown before K6 but decoded after it
        ("K0 P1 P2 P3", [1.5], False),  # one keyframe: the gap runs to the last frame
        ("P1 B0 K2 P3", [0.5], False),  # frames before the first keyframe are not a GOP question
        ("K0 P1 K2 P3 K8", [1.0, 3.0, 0.0], False),
        ("P0 P1", [], False),
    ],
)
def test_gop_helpers(spec: str, gaps: list[float], is_open: bool) -> None:
    packets = _packets(spec)
    assert keyframe_gaps(packets) == pytest.approx(gaps)
    assert has_open_gop(packets) is is_open


# --- real files ----------------------------------------------------------------------------------


def _encode(
    path: Path, preset: Preset, *, seconds: float = 3.2, extra_in: tuple[str, ...] = (), out: list[str]
) -> Path:
    # Test pattern drawn small and scaled up: cheap to generate, still real motion for the encoder.
    w, h = preset.width, preset.height
    argv = ffmpeg_args(
        "-f", "lavfi", "-i", f"testsrc=size={w // 4}x{h // 4}:rate=30:duration={seconds}",
        # The tone at -14 LUFS (the sine source's default level is -21.8), so loudness passes.
        "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds},volume=7.8dB",
        "-vf", f"scale={w}:{h}:flags=neighbor",
        *out,
        "-y", path,
    )  # fmt: skip
    run_process(argv, timeout_s=300)
    return path


@pytest.mark.slow
@pytest.mark.parametrize("key", list(PRESETS))
def test_file_encoded_with_the_preset_passes_its_check(tmp_path: Path, settings: Settings, key: str) -> None:
    preset = PRESETS[key]
    path = _encode(tmp_path / f"{key}.mp4", preset, out=encoder_args(preset, duration_s=3.2))
    result = check_export(path, preset, settings)
    assert result.passed, [i for i in result.items if not i.passed]
    names = {i.name for i in result.items}
    assert names == {
        "Container", "Frame size", "Video codec", "Pixel format", "Frame rate", "Length", "Audio codec",
        "Audio sample rate", "Fast start", "File size", "Bitrate", "Keyframes", "Closed GOP", "Loudness",
        "True peak",
    }  # fmt: skip
    assert result.item("Frame size").actual == f"{preset.width}x{preset.height}"
    assert result.item("Video codec").actual == "H.264, High profile"
    assert result.item("Container").actual == "MP4 (isom)"
    data = result.to_dict()
    assert data["passed"] is True and len(data["items"]) == len(result.items)


@pytest.mark.slow
def test_wrong_file_fails_with_the_right_items(tmp_path: Path, settings: Settings) -> None:
    # Built for the wrong platform in every way the check looks at, and too long for a (shortened) preset.
    preset = replace(PRESETS["instagram_reels"], max_duration=3.0)
    wrong_size = replace(preset, width=640, height=360)
    out = [
        "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv444p", "-r", "25",
        "-c:a", "libmp3lame", "-ar", "44100", "-b:a", "64k",
        "-movflags", "-faststart", "-f", "mp4",
    ]  # fmt: skip
    path = _encode(tmp_path / "wrong.mp4", wrong_size, seconds=3.6, out=out)
    result = check_export(path, preset, settings)
    assert not result.passed
    failed = {i.name for i in result.failed}
    assert failed == {
        "Frame size", "Video codec", "Pixel format", "Frame rate", "Length", "Audio codec",
        "Audio sample rate", "Fast start", "Keyframes",
    }  # fmt: skip
    assert result.item("Frame size").actual == "640x360"
    assert result.item("Pixel format").actual == "yuv444p"
    assert result.item("Video codec").actual.startswith("H.264, High 4:4:4")
    assert result.item("Frame rate").actual == "25 fps"
    assert result.item("Audio codec").actual == "MP3"
    assert result.item("Audio sample rate").actual == "44100 Hz"
    assert result.item("Fast start").actual == "index at the end of the file"
    assert result.item("Length").expected == "3.0 s to 3.0 s"
    # These still pass: an MP4, small, not over the bitrate cap, and x264 never writes open GOPs unless asked.
    assert {"Container", "File size", "Bitrate", "Closed GOP"} <= {i.name for i in result.items if i.passed}


@pytest.mark.slow
def test_open_gop_and_sparse_keyframes_fail(tmp_path: Path, settings: Settings) -> None:
    preset = replace(PRESETS["x"], width=320, height=240)
    out = [a for a in encoder_args(preset) if a not in ("+cgop",)]
    out[out.index("-flags")] = "-x264-params"
    out.insert(out.index("-x264-params") + 1, "open-gop=1:bframes=3")
    out[out.index("-g") + 1] = "90"
    out[out.index("-keyint_min") + 1] = "90"
    path = _encode(tmp_path / "open.mp4", preset, seconds=3.4, out=out)
    result = check_export(path, preset, settings)
    assert {i.name for i in result.failed} == {"Closed GOP", "Keyframes"}
    assert result.item("Keyframes").actual == "longest gap 3.00 s"  # 90 frames at 30 fps


@pytest.mark.slow
def test_quicktime_container_fails(tmp_path: Path, settings: Settings) -> None:
    preset = replace(PRESETS["linkedin_square"], width=320, height=320)
    out = encoder_args(preset)
    out[out.index("-f") + 1] = "mov"
    result = check_export(_encode(tmp_path / "clip.mov", preset, out=out), preset, settings)
    assert {i.name for i in result.failed} == {"Container"}
    assert result.item("Container").actual == "QuickTime MOV"


@pytest.mark.slow
def test_size_limit_and_missing_audio(tmp_path: Path, settings: Settings) -> None:
    preset = replace(PRESETS["linkedin_square"], width=320, height=320, max_size_bytes=10_000)
    out = encoder_args(preset)
    path = tmp_path / "noaudio.mp4"
    argv = ffmpeg_args(
        "-f", "lavfi", "-i", "testsrc=size=320x320:rate=30:duration=3.2", *out, "-y", path
    )  # fmt: skip
    run_process(argv, timeout_s=300)
    result = check_export(path, preset, settings)
    assert {i.name for i in result.failed} == {"Audio codec", "Audio sample rate", "File size"}
    assert result.item("Audio codec").actual == "no audio track"
    assert result.item("File size").expected == "at most 10 kB"
