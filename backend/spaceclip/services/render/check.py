"""The check of a rendered file against its platform preset, item by item, in words a creator understands.

:func:`check_export` probes the file (ffprobe ``-show_format -show_streams``, the video packet list,
and the MP4's own top-level box headers) and :func:`evaluate` turns what it found into
:class:`CheckItem` lines: container, frame, codec, pixel format, frame rate, length, audio, fast
start, size, bitrate, keyframe interval and closed GOP; :func:`loudness_items` adds the encoded
audio's loudness and true peak against the preset's target. Everything but the probing is pure.
"""

from __future__ import annotations

import itertools
import logging
import struct
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from spaceclip.config import Settings
from spaceclip.errors import ToolFailed, UnsupportedMedia
from spaceclip.services.media.probe import MediaInfo, ffprobe_json, parse_ffprobe_json
from spaceclip.services.media.process import tier_timeout
from spaceclip.services.render.loudness import Loudness, measure_loudness
from spaceclip.services.render.presets import GB, MB, Preset

log = logging.getLogger(__name__)

__all__ = [
    "CheckItem",
    "ExportCheck",
    "Packet",
    "check_export",
    "evaluate",
    "has_open_gop",
    "keyframe_gaps",
    "loudness_items",
    "moov_before_mdat",
    "mp4_top_level_boxes",
]

# --- MP4 box order (faststart) -------------------------------------------------------------------

MAX_BOXES = 10_000


def mp4_top_level_boxes(path: Path) -> list[tuple[str, int, int]]:
    """The top-level boxes of an ISO-BMFF/QuickTime file as ``(type, offset, size)`` in file order.

    Reads only the 8- or 16-byte box headers. Stops at the end of the file, at a box that runs past
    it (reported with its declared size), or at a malformed header.
    """
    boxes: list[tuple[str, int, int]] = []
    file_size = path.stat().st_size
    with path.open("rb") as f:
        offset = 0
        while offset + 8 <= file_size and len(boxes) < MAX_BOXES:
            f.seek(offset)
            header = f.read(16)
            size, kind = struct.unpack(">I4s", header[:8])
            name = kind.decode("latin-1")
            if size == 1:
                if len(header) < 16:
                    break
                size = struct.unpack(">Q", header[8:16])[0]
            elif size == 0:
                size = file_size - offset  # the box runs to the end of the file
            if size < 8:
                break
            boxes.append((name, offset, size))
            offset += size
    return boxes


def moov_before_mdat(boxes: Sequence[tuple[str, int, int]]) -> bool | None:
    """True when ``moov`` comes before the first ``mdat``; None when either box is missing."""
    order = [name for name, _, _ in boxes]
    if "moov" not in order or "mdat" not in order:
        return None
    return order.index("moov") < order.index("mdat")


# --- the check -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CheckItem:
    """One line of the export check: what the platform wants, what the file has, and whether it passes."""

    name: str
    expected: str
    actual: str
    passed: bool

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "expected": self.expected, "actual": self.actual, "passed": self.passed}


@dataclass(frozen=True, slots=True)
class ExportCheck:
    """The result of :func:`check_export`: passed when every item passed."""

    preset: str
    items: tuple[CheckItem, ...] = field(default_factory=tuple)

    @property
    def passed(self) -> bool:
        return all(item.passed for item in self.items)

    @property
    def failed(self) -> tuple[CheckItem, ...]:
        return tuple(item for item in self.items if not item.passed)

    def item(self, name: str) -> CheckItem:
        return next(i for i in self.items if i.name == name)

    def to_dict(self) -> dict[str, Any]:
        return {"preset": self.preset, "passed": self.passed, "items": [i.to_dict() for i in self.items]}


@dataclass(frozen=True, slots=True)
class Packet:
    """A video packet as probed: presentation time and whether it is a keyframe (decode order)."""

    pts: float
    key: bool


def _fraction(rate: object) -> Fraction | None:
    try:
        value = Fraction(str(rate))
    except (ValueError, ZeroDivisionError):
        return None
    return value if value > 0 else None


def _fmt_fps(rate: Fraction | None) -> str:
    if rate is None:
        return "unknown"
    return f"{float(rate):.3f}".rstrip("0").rstrip(".")


def _fmt_size(n: int) -> str:
    if n >= GB:
        return f"{n / GB:.2f} GB"
    if n >= MB:
        return f"{n / MB:.1f} MB"
    return f"{n / 1000:.0f} kB"


def _fmt_seconds(s: float) -> str:
    if s >= 120:
        minutes, secs = divmod(round(s), 60)
        return f"{minutes} min {secs:02d} s"
    return f"{s:.1f} s"


def _fmt_bitrate(bps: float) -> str:
    return f"{bps / 1_000_000:.1f} Mbps"


def keyframe_gaps(packets: Sequence[Packet]) -> list[float]:
    """Seconds from each keyframe to the next one, and from the last one to the last frame. Pure."""
    keys = sorted(p.pts for p in packets if p.key)
    if not keys:
        return []
    last_frame = max(p.pts for p in packets)
    return [b - a for a, b in itertools.pairwise(keys)] + [last_frame - keys[-1]]


def has_open_gop(packets: Sequence[Packet]) -> bool:
    """Whether a frame after a keyframe in decode order is shown before it (a leading picture that
    depends on the previous group: an open GOP). Pure; ``packets`` in decode order."""
    key_pts: float | None = None
    for packet in packets:
        if packet.key:
            key_pts = packet.pts
        elif key_pts is not None and packet.pts < key_pts - 1e-6:
            return True
    return False


def _probe(path: Path, settings: Settings, *args: str) -> dict[str, Any]:
    try:
        return ffprobe_json(path, *args, timeout_s=tier_timeout(settings.process_timeout_s, "probe"))
    except ToolFailed as exc:
        if exc.returncode < 0:
            raise
        raise UnsupportedMedia(
            "The rendered file could not be read back, so it cannot be checked. Render the clip again."
        ) from exc


def _video_packets(path: Path, settings: Settings) -> list[Packet]:
    data = _probe(path, settings, "-select_streams", "v:0", "-show_entries", "packet=pts_time,flags")
    packets: list[Packet] = []
    for p in data.get("packets") or ():
        try:
            pts = float(p["pts_time"])
        except (KeyError, TypeError, ValueError):
            continue
        packets.append(Packet(pts=pts, key="K" in str(p.get("flags", ""))))
    return packets


def _item(name: str, expected: str, actual: str, passed: bool) -> CheckItem:
    return CheckItem(name=name, expected=expected, actual=actual, passed=passed)


def _range_text(preset: Preset) -> str:
    return f"{_fmt_seconds(preset.min_duration)} to {_fmt_seconds(preset.max_duration)}"


def evaluate(
    preset: Preset,
    data: dict[str, Any],
    *,
    size_bytes: int,
    boxes: Sequence[tuple[str, int, int]],
    packets: Sequence[Packet] | None,
) -> ExportCheck:
    """The check items for probed ``data`` (ffprobe ``-show_format -show_streams`` JSON). Pure."""
    info = parse_ffprobe_json(data, size_bytes=size_bytes)
    streams = data.get("streams") or []
    v = next((s for s in streams if s.get("codec_type") == "video" and s.get("index") == _video_index(info)), None)
    a = next((s for s in streams if s.get("codec_type") == "audio"), None)
    items: list[CheckItem] = []
    fmt_tokens = info.format_tokens
    items.append(_container_item(fmt_tokens, data.get("format") or {}))
    items.append(_checks_video(preset, v))
    items.extend(_checks_video_details(preset, v))
    items.append(
        _item(
            "Length",
            _range_text(preset),
            _fmt_seconds(info.duration_s),
            preset.min_duration - 0.05 <= info.duration_s <= preset.max_duration + 0.05,
        )
    )
    items.extend(_checks_audio(preset, a))
    order = moov_before_mdat(boxes)
    items.append(
        _item(
            "Fast start",
            "index (moov) before the media data, so playback starts while downloading",
            {True: "index first", False: "index at the end of the file", None: "no MP4 index found"}[order],
            order is True,
        )
    )
    items.append(_item("File size", f"at most {_fmt_size(preset.max_size_bytes)}", _fmt_size(size_bytes),
                       size_bytes <= preset.max_size_bytes))  # fmt: skip
    if info.duration_s > 0:
        total_cap = (preset.max_bitrate + preset.audio_bitrate) * 1.1
        rate = size_bytes * 8 / info.duration_s
        items.append(_item("Bitrate", f"at most {_fmt_bitrate(total_cap)}", _fmt_bitrate(rate), rate <= total_cap))
    if packets is not None:
        items.extend(_checks_gop(preset, packets))
    return ExportCheck(preset=preset.key, items=tuple(items))


def _container_item(tokens: frozenset[str], fmt: dict[str, Any]) -> CheckItem:
    # ffprobe names MP4 and QuickTime alike ("mov,mp4,..."); the ftyp major brand tells them apart.
    brand = str((fmt.get("tags") or {}).get("major_brand") or "").strip()
    if "mp4" not in tokens:
        return _item("Container", "MP4", str(fmt.get("format_name") or "unknown"), False)
    if brand == "qt":
        return _item("Container", "MP4", "QuickTime MOV", False)
    return _item("Container", "MP4", f"MP4 ({brand})" if brand else "MP4", True)


def _video_index(info: MediaInfo) -> int | None:
    video = info.primary_video
    return None if video is None else int(video.index)


def _checks_video(preset: Preset, v: dict[str, Any] | None) -> CheckItem:
    expected = f"{preset.width}x{preset.height} ({preset.aspect})"
    if v is None:
        return _item("Frame size", expected, "no video track", False)
    w, h = int(v.get("width") or 0), int(v.get("height") or 0)
    return _item("Frame size", expected, f"{w}x{h}", (w, h) == (preset.width, preset.height))


def _checks_video_details(preset: Preset, v: dict[str, Any] | None) -> Iterator[CheckItem]:
    want_codec = f"H.264, {preset.profile.capitalize()} profile"
    want_fps = f"constant {preset.fps} fps"
    if v is None:
        yield _item("Video codec", want_codec, "no video track", False)
        yield _item("Pixel format", f"{preset.pix_fmt} (4:2:0, 8-bit)", "no video track", False)
        yield _item("Frame rate", want_fps, "no video track", False)
        return
    codec = str(v.get("codec_name") or "unknown")
    profile = str(v.get("profile") or "unknown")
    codec_ok = codec == preset.video_codec and profile.lower() == preset.profile.lower()
    codec_name = "H.264" if codec == "h264" else codec
    yield _item("Video codec", want_codec, f"{codec_name}, {profile} profile", codec_ok)
    pix = str(v.get("pix_fmt") or "unknown")
    yield _item("Pixel format", f"{preset.pix_fmt} (4:2:0, 8-bit)", pix, pix == preset.pix_fmt)
    r_rate, avg_rate = _fraction(v.get("r_frame_rate")), _fraction(v.get("avg_frame_rate"))
    constant = r_rate is not None and avg_rate is not None and abs(float(r_rate - avg_rate)) <= 0.01 * float(r_rate)
    on_target = r_rate is not None and abs(float(r_rate) - preset.fps) <= 0.01
    actual = f"{_fmt_fps(avg_rate)} fps" + ("" if constant else f" (variable, up to {_fmt_fps(r_rate)})")
    yield _item("Frame rate", want_fps, actual, constant and on_target)


def _checks_audio(preset: Preset, a: dict[str, Any] | None) -> Iterator[CheckItem]:
    want_codec, want_rate = "AAC-LC", f"{preset.audio_rate} Hz"
    if a is None:
        yield _item("Audio codec", want_codec, "no audio track", False)
        yield _item("Audio sample rate", want_rate, "no audio track", False)
        return
    codec = str(a.get("codec_name") or "unknown")
    profile = str(a.get("profile") or "")
    actual = "AAC-" + profile if codec == "aac" and profile else codec.upper()
    yield _item("Audio codec", want_codec, actual, codec == preset.audio_codec and profile == "LC")
    rate = int(a.get("sample_rate") or 0)
    yield _item("Audio sample rate", want_rate, f"{rate} Hz", rate == preset.audio_rate)


def _checks_gop(preset: Preset, packets: Sequence[Packet]) -> Iterator[CheckItem]:
    gaps = keyframe_gaps(packets)
    longest = max(gaps, default=0.0)
    key_count = sum(1 for p in packets if p.key)
    frame = 1.0 / preset.fps
    ok = key_count > 0 and longest <= preset.gop_seconds + frame + 1e-3
    actual = "no keyframes" if key_count == 0 else f"longest gap {longest:.2f} s"
    yield _item("Keyframes", f"one at least every {preset.gop_seconds:g} s", actual, ok)
    is_open = has_open_gop(packets)
    yield _item(
        "Closed GOP",
        "every keyframe starts a self-contained group",
        "open GOP: frames depend on the previous group" if is_open else "closed",
        not is_open,
    )


def loudness_items(preset: Preset, measured: Loudness) -> list[CheckItem]:
    """The "Loudness" and "True peak" items for the encoded file's measured audio. Pure.

    Loudness passes within ``preset.loudness_tolerance_lu`` of the target; the true peak at or under
    ``preset.true_peak_db``. A failing item says by how much, and what to do.
    """
    target, tol, ceiling = preset.loudness_lufs, preset.loudness_tolerance_lu, preset.true_peak_db
    lufs, peak = measured.integrated_lufs, measured.true_peak_db
    off = lufs - target
    if measured.silent:
        loud_text = "silent: there is no sound to level. Check the clip's range and the source's audio"
    elif abs(off) <= tol:
        loud_text = f"{lufs:.1f} LUFS"
    else:
        how = "too loud" if off > 0 else "too quiet"
        loud_text = (
            f"{lufs:.1f} LUFS, {abs(off):.1f} LU {how}: render the clip again in SpaceClip, which levels it to "
            f"{target:g} LUFS (or turn the source {'down' if off > 0 else 'up'} by {abs(off):.1f} dB)"
        )
    peak_ok = peak <= ceiling + 0.05  # the meter's own rounding (0.1 dB)
    peak_text = (
        f"{peak:.1f} dBTP"
        if peak_ok
        else (
            f"{peak:.1f} dBTP, {peak - ceiling:.1f} dB over: the sound may distort on phones. Render the clip again "
            "in SpaceClip, which limits its peaks, or lower the source's level"
        )
    )
    return [
        _item("Loudness", f"{target:g} LUFS integrated, within {tol:g} LU", loud_text,
              not measured.silent and abs(off) <= tol),
        _item("True peak", f"at most {ceiling:g} dBTP", peak_text, peak_ok),
    ]  # fmt: skip


def check_export(
    path: Path, preset: Preset, settings: Settings, *, keyframes: bool = True, loudness: bool = True
) -> ExportCheck:
    """Probe the rendered file at ``path`` and check it against ``preset``.

    Checks container, frame size, video codec and profile, pixel format, constant frame rate, length
    limits, audio codec and sample rate, moov-before-mdat (fast start, read from the file's own box
    headers), file size, average bitrate, and (``keyframes``) the keyframe interval and closed GOP from
    the packet list (demuxing only, no decoding), and (``loudness``, when the file has sound) its
    integrated loudness and true peak, measured on the decoded audio by ffmpeg's ``ebur128``.
    """
    data = _probe(path, settings, "-show_format", "-show_streams")
    packets = _video_packets(path, settings) if keyframes else None
    result = evaluate(preset, data, size_bytes=path.stat().st_size, boxes=mp4_top_level_boxes(path), packets=packets)
    if loudness and any(s.get("codec_type") == "audio" for s in data.get("streams") or ()):
        measured = measure_loudness(path, preset, timeout_s=tier_timeout(settings.process_timeout_s, "probe"))
        result = ExportCheck(preset=result.preset, items=(*result.items, *loudness_items(preset, measured)))
    for item in result.failed:
        log.info("Export check %s: %s expected %s, got %s", preset.key, item.name, item.expected, item.actual)
    return result
