"""Loudness: measure a clip's audio, then level it to its preset's target with one linear gain.

Measure first, then apply gain, so speech is not pumped: :func:`measure_loudness` runs one cheap
audio-only ffmpeg pass (``ebur128`` with ``peak=true``: BS.1770 integrated loudness and 4x
oversampled true peak) over the clip's window, :func:`plan_gain` turns what it found into one fixed
gain (pure, tested as a table), and :func:`gain_filter` writes the ``-af`` chain the render's one
ffmpeg pass applies: the same channel/rate conversion the output uses, ``volume``, and a true-peak
limiter only when the gain would push the peaks over the ceiling. When it does, the planned chain is
metered once more and the loudness the limiter took off is given back (:func:`makeup`).

A clip with cuts inside it is measured as it will sound: the same kept ranges and crossfades
(:func:`~spaceclip.services.render.command.cut_audio_graph`) run before the meter, so a long cut
stretch (a loud laugh struck out, say) does not bend the gain of what is kept.

The limiter aims :data:`LIMITER_MARGIN_DB` below the preset's true-peak limit, because AAC encoding
raises true peaks (see ``shared/PLATFORMS.md``); the platform check measures the encoded file.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from spaceclip.errors import ExternalToolError
from spaceclip.services.media.process import ffmpeg_args, media_input_args, run_process
from spaceclip.services.render.command import cut_audio_graph
from spaceclip.services.render.presets import Preset

__all__ = [
    "LIMITER_MARGIN_DB",
    "MAX_GAIN_DB",
    "MAX_MAKEUP_DB",
    "SILENCE_LUFS",
    "GainPlan",
    "Loudness",
    "gain_filter",
    "makeup",
    "measure_loudness",
    "normalise_filter",
    "parse_ebur128_summary",
    "plan_gain",
]

#: Integrated loudness at or below this is silence (ebur128's absolute gate): nothing to level.
SILENCE_LUFS = -70.0
#: The most gain a clip gets either way; a near-silent clip is not raised into its noise floor.
MAX_GAIN_DB = 30.0
#: The most loudness given back after the limiter (see :func:`makeup`).
MAX_MAKEUP_DB = 3.0
#: The limiter's ceiling sits this far under the preset's true-peak limit (AAC adds some peak).
LIMITER_MARGIN_DB = 1.0
#: The limiter works at 4x the output rate, so it catches the peaks between samples too.
LIMITER_RATE = 192_000

_SUMMARY_I = re.compile(r"^\s*I:\s*(-?(?:\d+(?:\.\d+)?|inf))\s*LUFS")
_SUMMARY_PEAK = re.compile(r"^\s*Peak:\s*(-?(?:\d+(?:\.\d+)?|inf))\s*dBFS")


@dataclass(frozen=True, slots=True)
class Loudness:
    """What ``ebur128`` measured: integrated loudness (LUFS) and true peak (dBTP, -inf for silence)."""

    integrated_lufs: float
    true_peak_db: float

    @property
    def silent(self) -> bool:
        return self.integrated_lufs <= SILENCE_LUFS


@dataclass(frozen=True, slots=True)
class GainPlan:
    """The gain a clip gets (dB) and whether a limiter at ``ceiling_db`` (dBTP) follows it."""

    gain_db: float
    limit: bool
    ceiling_db: float


def parse_ebur128_summary(lines: Sequence[str]) -> Loudness:
    """The integrated loudness and true peak from the summary ``ebur128`` logs at the end. Pure.

    Raises:
        ExternalToolError: the lines hold no summary (an ffmpeg that printed something else).
    """
    integrated: float | None = None
    peak: float | None = None
    for line in lines:
        if "Summary:" in line:  # per-frame lines also carry "I:"; only the summary's count
            integrated = peak = None
        if (m := _SUMMARY_I.match(line)) is not None:
            integrated = float(m.group(1))
        elif (m := _SUMMARY_PEAK.match(line)) is not None:
            peak = float(m.group(1))
    if integrated is None or peak is None:
        raise ExternalToolError(
            "ffmpeg measured no loudness for this audio. Run `spaceclip doctor` to check the installation."
        )
    return Loudness(integrated_lufs=integrated, true_peak_db=peak)


def _layout_filter(preset: Preset) -> str:
    # The conversion the encoder would make anyway, made first so the measurement hears what is encoded
    # (mono is measured as the stereo it becomes).
    layout = "mono" if preset.audio_channels == 1 else "stereo"
    return f"aresample={preset.audio_rate},aformat=channel_layouts={layout}"


def measure_loudness(
    path: Path,
    preset: Preset,
    *,
    timeout_s: float,
    audio: str = "0:a:0",
    start: float | None = None,
    length: float | None = None,
    chain: str | None = None,
    keeps: Sequence[tuple[float, float]] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> Loudness:
    """Integrated loudness and true peak of ``audio`` in ``path`` (or of ``[start, start + length]``).

    One audio-only ffmpeg pass, decoding and metering only (``-f null``). ``chain`` is the filter chain
    metered (a :func:`gain_filter`); by default the output's channel/rate conversion alone. ``keeps``
    (seconds from ``start``) meters only those ranges, joined as the render joins them.
    """
    window: list[str] = []
    if start is not None:
        window += ["-ss", f"{start:.3f}"]
    if length is not None:
        window += ["-t", f"{length:.3f}"]
    argv = ffmpeg_args(
        *window, *media_input_args(path),
        *_meter_args(audio, f"{chain or _layout_filter(preset)},ebur128=peak=true:metadata=1", keeps),
        "-vn", "-sn", "-dn", "-f", "null", "-",
        loglevel="info",
    )  # fmt: skip
    result = run_process(argv, timeout_s=timeout_s, cancel=cancel)
    return parse_ebur128_summary(result.stderr_tail)


def _meter_args(audio: str, chain: str, keeps: Sequence[tuple[float, float]] | None) -> list[str]:
    # metadata=1 (in ``chain``) moves ebur128's per-frame lines to the verbose level: only the summary is logged.
    if not keeps:
        return ["-map", audio, "-af", chain]
    return ["-filter_complex", f"{cut_audio_graph(keeps, audio, 'mcut')};[mcut]{chain}[meter]", "-map", "[meter]"]


def plan_gain(measured: Loudness, *, target_lufs: float, peak_limit_db: float) -> GainPlan:
    """One linear gain that brings ``measured`` to ``target_lufs``, and whether a limiter must follow.

    Pure. Silence gets no gain; the gain is held within ±:data:`MAX_GAIN_DB`. The limiter is added only
    when the raised true peak would pass ``peak_limit_db - LIMITER_MARGIN_DB``, so most speech is only
    scaled, never compressed.
    """
    ceiling = peak_limit_db - LIMITER_MARGIN_DB
    if measured.silent or not math.isfinite(measured.integrated_lufs):
        return GainPlan(gain_db=0.0, limit=False, ceiling_db=ceiling)
    gain = round(min(MAX_GAIN_DB, max(-MAX_GAIN_DB, target_lufs - measured.integrated_lufs)), 2)
    return GainPlan(gain_db=gain, limit=measured.true_peak_db + gain > ceiling, ceiling_db=ceiling)


def makeup(plan: GainPlan, limited: Loudness, *, target_lufs: float) -> GainPlan:
    """``plan`` with the loudness its limiter took off the peaks given back (``limited``: what the
    planned chain measured). Pure; at most :data:`MAX_MAKEUP_DB`, never negative, only with a limiter."""
    if not plan.limit or limited.silent:
        return plan
    extra = min(MAX_MAKEUP_DB, max(0.0, target_lufs - limited.integrated_lufs))
    return GainPlan(gain_db=round(min(MAX_GAIN_DB, plan.gain_db + extra), 2), limit=True, ceiling_db=plan.ceiling_db)


def gain_filter(plan: GainPlan, preset: Preset) -> str:
    """The ``-af`` chain for ``plan``: the output's channel/rate conversion, ``volume``, then (when the
    plan says so) ``alimiter`` at 4x the rate, back to the output rate. Pure."""
    chain = [_layout_filter(preset), f"volume={plan.gain_db:.2f}dB"]
    if plan.limit:
        limit = 10 ** (plan.ceiling_db / 20)
        chain += [
            f"aresample={LIMITER_RATE}",
            # level=false: no auto make-up gain; a 1 ms look-ahead delays the sound by 1 ms only.
            f"alimiter=limit={limit:.4f}:attack=1:release=50:level=false",
            f"aresample={preset.audio_rate}",
        ]
    return ",".join(chain)


def normalise_filter(
    path: Path,
    preset: Preset,
    *,
    audio: str,
    start: float,
    length: float,
    timeout_s: float,
    keeps: Sequence[tuple[float, float]] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> tuple[str, Loudness, GainPlan]:
    """Measure the clip's window of ``path`` (only ``keeps`` of it, seconds from ``start``, when given)
    and return the chain that levels it to ``preset``."""
    measured = measure_loudness(path, preset, timeout_s=timeout_s, audio=audio, start=start, length=length,
                                keeps=keeps, cancel=cancel)  # fmt: skip
    plan = plan_gain(measured, target_lufs=preset.loudness_lufs, peak_limit_db=preset.true_peak_db)
    if plan.limit:
        # Limiting the peaks lowers the loudness a little: meter the planned chain once and give it back.
        limited = measure_loudness(path, preset, timeout_s=timeout_s, audio=audio, start=start, length=length,
                                   chain=gain_filter(plan, preset), keeps=keeps, cancel=cancel)  # fmt: skip
        plan = makeup(plan, limited, target_lufs=preset.loudness_lufs)
    return gain_filter(plan, preset), measured, plan
