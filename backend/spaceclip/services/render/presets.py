"""Export presets as data, and the encoder arguments they imply.

Each :class:`Preset` is one platform target (frame, fps, codec, bitrate caps, audio, duration and size
limits, and the :class:`SafeArea` the platform's own UI covers). The values follow
``shared/PLATFORMS.md``; where sources disagree the safer value is taken, and the choice is noted
beside the row, so a platform change is a one-line edit here.

Every preset shares one encoding recipe (H.264 High, yuv420p, constant frame rate, closed GOP of about
two seconds, AAC-LC 48 kHz, ``+faststart``): :func:`encoder_args` turns a preset into the ffmpeg output
arguments the renderer uses. :mod:`spaceclip.services.render.check` probes a rendered file against its preset.
Each preset also carries its loudness target (``loudness_lufs``, ``true_peak_db``; the sources are in
:data:`LOUDNESS_SOURCE`), which :mod:`spaceclip.services.render.loudness` levels the audio to.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from spaceclip.errors import choose

__all__ = [
    "GB",
    "LOUDNESS_SOURCE",
    "MB",
    "MIN_VIDEO_BITRATE",
    "PRESETS",
    "Preset",
    "SafeArea",
    "encoder_args",
    "get_preset",
    "video_bitrate_for",
]

MB = 1_000_000
GB = 1_000_000_000


@dataclass(frozen=True, slots=True)
class SafeArea:
    """Pixels covered by the platform's own UI on each edge, at the preset's frame size.

    Titles and captions must stay inside the rectangle these margins leave.
    """

    top: int
    bottom: int
    left: int
    right: int

    def box(self, width: int, height: int) -> tuple[int, int, int, int]:
        """The uncovered rectangle as ``(x0, y0, x1, y1)`` (x1/y1 exclusive)."""
        return self.left, self.top, width - self.right, height - self.bottom

    def to_dict(self) -> dict[str, int]:
        return {"top": self.top, "bottom": self.bottom, "left": self.left, "right": self.right}


@dataclass(frozen=True, slots=True)
class Preset:
    """One export target. Bitrates are bits per second, durations seconds, sizes bytes."""

    key: str
    name: str
    width: int
    height: int
    max_duration: float
    max_size_bytes: int
    safe: SafeArea
    min_duration: float = 3.0
    # The master render of PLATFORMS.md (8 Mbps target, 12 Mbps cap): inside every vertical platform's
    # range and below TikTok's and Instagram's ceilings; rows that need less say so.
    video_bitrate: int = 8_000_000
    max_bitrate: int = 12_000_000
    fps: int = 30
    video_codec: str = "h264"
    profile: str = "high"
    level: str = "4.0"
    pix_fmt: str = "yuv420p"
    gop_seconds: float = 2.0
    audio_codec: str = "aac"
    audio_rate: int = 48_000
    audio_bitrate: int = 128_000
    audio_channels: int = 2
    faststart: bool = True
    x264_preset: str = "veryfast"
    # Loudness (see LOUDNESS_SOURCE): integrated LUFS, the check's tolerance, and the true-peak limit.
    loudness_lufs: float = -14.0
    loudness_tolerance_lu: float = 1.0
    true_peak_db: float = -1.0
    notes: str = ""

    @property
    def aspect(self) -> str:
        """The frame's aspect ratio in lowest terms, e.g. ``9:16``."""
        d = math.gcd(self.width, self.height)
        return f"{self.width // d}:{self.height // d}"

    @property
    def gop_frames(self) -> int:
        return max(1, round(self.gop_seconds * self.fps))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready description (what ``GET /api/render/options`` lists)."""
        return {
            "key": self.key,
            "name": self.name,
            "width": self.width,
            "height": self.height,
            "aspect": self.aspect,
            "fps": self.fps,
            "video_codec": self.video_codec,
            "profile": self.profile,
            "pix_fmt": self.pix_fmt,
            "video_bitrate": self.video_bitrate,
            "max_bitrate": self.max_bitrate,
            "gop_seconds": self.gop_seconds,
            "audio_codec": self.audio_codec,
            "audio_rate": self.audio_rate,
            "audio_bitrate": self.audio_bitrate,
            "min_duration": self.min_duration,
            "max_duration": self.max_duration,
            "max_size_bytes": self.max_size_bytes,
            "safe": self.safe.to_dict(),
            "faststart": self.faststart,
            "loudness_lufs": self.loudness_lufs,
            "true_peak_db": self.true_peak_db,
            "notes": self.notes,
        }


#: Where the loudness defaults (-14 LUFS integrated, true peak at most -1 dBTP) come from. None of
#: these platforms documents a loudness target: Meta's Graph API reference, TikTok's Content Posting
#: guide, YouTube's upload specs, LinkedIn's Videos API and X's media best practices say nothing about
#: it. -14 LUFS / -1 dBTP is the common streaming target, published by Spotify (Spotify for Artists,
#: "Loudness normalization"); third-party guides put TikTok, Reels and YouTube at about -14 too.
#: Apple Podcasts asks -16 +/- 1 LUFS and AES TD1004 -16 to -20 LUFS for streamed speech; EBU R128's
#: -23 LUFS is for broadcast. A platform that publishes its own figure gets it on its row.
LOUDNESS_SOURCE = (
    "No platform here documents a loudness target; -14 LUFS integrated and true peak at most -1 dBTP is "
    "the common streaming target (Spotify for Artists, 'Loudness normalization')."
)

# Each row states what differs from the defaults of :class:`Preset` (3 s minimum, the master render).
PRESETS: dict[str, Preset] = {
    p.key: p
    for p in (
        Preset(
            key="instagram_reels",
            name="Instagram Reels",
            width=1080, height=1920,
            max_duration=15 * 60.0,
            max_size_bytes=300 * MB,  # sources say 300 MB or 1 GB: the smaller
            safe=SafeArea(top=270, bottom=670, left=65, right=65),
            notes="Top ~14% and bottom ~35% are covered by Instagram's buttons and caption.",
        ),
        Preset(
            key="instagram_feed",
            name="Instagram Feed (4:5)",
            width=1080, height=1350,
            max_duration=15 * 60.0,
            max_size_bytes=300 * MB,
            # Video posts also play in the Reels viewer: a 4:5 frame centred on a 1080x1920 screen spans
            # y=285..1635 and the viewer's bottom UI starts at 1250, covering the lowest 385 px.
            safe=SafeArea(top=60, bottom=385, left=65, right=65),
            notes="Shown in the feed and in the Reels viewer; keep text out of the bottom 28%.",
        ),
        Preset(
            key="tiktok",
            name="TikTok",
            width=1080, height=1920,
            max_duration=600.0,
            max_size_bytes=1 * GB,  # "1 GB+" depending on the upload path
            safe=SafeArea(top=250, bottom=460, left=65, right=180),  # the larger end of each range
            notes="Right-hand button column and bottom caption area are covered by TikTok's UI.",
        ),
        Preset(
            key="youtube_shorts",
            name="YouTube Shorts",
            width=1080, height=1920,
            max_duration=180.0,
            max_size_bytes=256 * GB,
            # Bottom ~25% and the right button column; no top figure is published, so TikTok's is used.
            safe=SafeArea(top=250, bottom=480, left=65, right=180),
            notes="Shorts may be up to 3 minutes; the bottom quarter and right-hand buttons are covered.",
        ),
        Preset(
            key="linkedin_square",
            name="LinkedIn (1:1)",
            width=1080, height=1080,
            max_duration=30 * 60.0,
            max_size_bytes=500 * MB,
            video_bitrate=6_000_000, max_bitrate=8_000_000,
            safe=SafeArea(top=54, bottom=54, left=54, right=54),  # none published: a 5% title-safe margin
            notes="LinkedIn publishes no UI overlay; a 5% margin keeps text clear of rounded corners.",
        ),
        Preset(
            key="linkedin_landscape",
            name="LinkedIn (16:9)",
            width=1920, height=1080,
            max_duration=30 * 60.0,
            max_size_bytes=500 * MB,
            video_bitrate=6_000_000, max_bitrate=8_000_000,
            safe=SafeArea(top=54, bottom=54, left=96, right=96),
            notes="LinkedIn publishes no UI overlay; a 5% margin keeps text clear of the player controls.",
        ),
        Preset(
            key="x",
            name="X (9:16, 720p)",
            # 720x1280 is X's recommended vertical size for every account (1080p only for paid ones).
            width=720, height=1280,
            level="3.1",
            min_duration=0.5, max_duration=20 * 60.0,  # longer uploads need a paid account
            max_size_bytes=512 * MB,  # X accepts far more ("8 GB+"); 512 MB is the safe floor
            video_bitrate=4_000_000, max_bitrate=5_000_000,  # "~2-5 Mbps at 720p"
            safe=SafeArea(top=64, bottom=160, left=36, right=36),  # none published: player controls
            notes="X recommends 720x1280 for vertical video; AAC-LC only (not HE-AAC), no open GOP.",
        ),
    )
}  # fmt: skip


def get_preset(key: str) -> Preset:
    """The preset called ``key``; raises ValidationFailed listing the valid keys."""
    return choose(PRESETS, key, "platform")


# --- encoding ------------------------------------------------------------------------------------

#: Share of the size limit the bitrate budget may use (the rest covers the container and VBV slack).
SIZE_BUDGET_SHARE = 0.9
MIN_VIDEO_BITRATE = 300_000


def video_bitrate_for(preset: Preset, duration_s: float | None) -> tuple[int, int]:
    """``(target, cap)`` video bitrates: the preset's, lowered so ``duration_s`` fits the size limit.

    Pure. A 15-minute Reel at the preset's 12 Mbps cap would be ~1.4 GB, over the 300 MB limit, so
    long clips get a cap derived from the size budget instead.
    """
    target, cap = preset.video_bitrate, preset.max_bitrate
    if duration_s is not None and duration_s > 0:
        budget = int(preset.max_size_bytes * 8 * SIZE_BUDGET_SHARE / duration_s) - preset.audio_bitrate
        budget = max(MIN_VIDEO_BITRATE, budget)
        cap = min(cap, budget)
        target = min(target, cap)
    return target, cap


def encoder_args(preset: Preset, *, duration_s: float | None = None) -> list[str]:
    """The ffmpeg output arguments for ``preset``: libx264 High yuv420p CFR, closed fixed GOP,
    capped bitrate, AAC-LC, ``+faststart``. Give ``duration_s`` to keep long clips under the size limit.

    The renderer passes exactly these (after its filters, before the output path).
    """
    target, cap = video_bitrate_for(preset, duration_s)
    gop = str(preset.gop_frames)
    return [
        "-c:v", "libx264",
        "-preset", preset.x264_preset,
        "-profile:v", preset.profile,
        "-level:v", preset.level,
        "-pix_fmt", preset.pix_fmt,
        "-r", str(preset.fps),
        "-fps_mode", "cfr",
        "-g", gop,
        "-keyint_min", gop,
        "-sc_threshold", "0",  # no extra keyframes at scene cuts: a fixed ~2 s GOP
        "-flags", "+cgop",  # closed GOP: every keyframe starts an independent group
        "-b:v", str(target),
        "-maxrate", str(cap),
        "-bufsize", str(cap * 2),
        "-c:a", "aac",
        "-profile:a", "aac_low",
        "-b:a", str(preset.audio_bitrate),
        "-ar", str(preset.audio_rate),
        "-ac", str(preset.audio_channels),
        "-movflags", "+faststart" if preset.faststart else "-faststart",
        "-f", "mp4",
    ]  # fmt: skip
