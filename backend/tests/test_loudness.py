"""Loudness: the gain plan as a table, the ebur128 summary parser, and real renders levelled to target.

Real ffmpeg on generated speech (espeak-ng): a source 20 dB too quiet and one driven into clipping
both come out within the preset's tolerance of -14 LUFS and under -1 dBTP, measured on the encoded
file; a deliberately loud file fails the platform check with a message that says what to do.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from spaceclip.config import Settings
from spaceclip.services.media.process import ffmpeg_args, run_process
from spaceclip.services.render import presets
from spaceclip.services.render.check import check_export, loudness_items
from spaceclip.services.render.loudness import (
    LIMITER_MARGIN_DB,
    MAX_GAIN_DB,
    MAX_MAKEUP_DB,
    SILENCE_LUFS,
    GainPlan,
    Loudness,
    gain_filter,
    makeup,
    measure_loudness,
    parse_ebur128_summary,
    plan_gain,
)
from spaceclip.services.render.render import render_clip
from spaceclip.services.render.spec import ClipSpec
from tests.media import make_speech
from tests.render_media import probe

PRESET = presets.get_preset("x")  # the smallest frame: the quickest real render
SPEECH = "Small shops win because they know every customer by name. Start with the people who love you."
TIMEOUT_S = 300.0


# --- pure ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lufs", "peak", "gain", "limit"),
    [
        (-14.0, -3.0, 0.0, False),  # on target: unity gain, no limiter
        (-34.0, -20.0, 20.0, True),  # 20 dB too quiet, speech-like crest: the limiter catches the peaks
        (-34.0, -30.0, 20.0, False),  # 20 dB too quiet, flat: scaling alone stays under the ceiling
        (-4.0, 1.5, -10.0, False),  # clipping and loud: turned down, peaks fall with it
        (-20.0, -8.0, 6.0, False),  # exactly at the ceiling (-2 dBTP) after gain: not over it
        (-20.0, -7.9, 6.0, True),  # 0.1 dB over the ceiling after gain
        (-70.0, -math.inf, 0.0, False),  # silence: nothing to level
        (-90.0, -60.0, 0.0, False),  # below the gate: silence too
        (-55.0, -40.0, MAX_GAIN_DB, False),  # near silence: the gain is capped
        (30.0, 3.0, -MAX_GAIN_DB, False),  # absurdly loud: capped the other way
    ],
)
def test_plan_gain(lufs: float, peak: float, gain: float, limit: bool) -> None:
    plan = plan_gain(Loudness(lufs, peak), target_lufs=-14.0, peak_limit_db=-1.0)
    assert plan == GainPlan(gain_db=gain, limit=limit, ceiling_db=-1.0 - LIMITER_MARGIN_DB)


@pytest.mark.parametrize(
    ("plan", "limited", "gain"),
    [
        (GainPlan(20.0, True, -2.0), Loudness(-14.6, -2.0), 20.6),  # the limiter took 0.6 LU: given back
        (GainPlan(20.0, True, -2.0), Loudness(-13.8, -2.0), 20.0),  # over the target already: nothing taken
        (GainPlan(20.0, True, -2.0), Loudness(-19.0, -2.0), 20.0 + MAX_MAKEUP_DB),  # capped
        (GainPlan(MAX_GAIN_DB, True, -2.0), Loudness(-15.0, -2.0), MAX_GAIN_DB),  # the gain cap holds
        (GainPlan(5.0, False, -2.0), Loudness(-16.0, -8.0), 5.0),  # no limiter: no make-up
        (GainPlan(5.0, True, -2.0), Loudness(-80.0, -math.inf), 5.0),  # silence measured: nothing to do
    ],
)
def test_makeup(plan: GainPlan, limited: Loudness, gain: float) -> None:
    assert makeup(plan, limited, target_lufs=-14.0) == GainPlan(gain, plan.limit, plan.ceiling_db)


def test_gain_filter() -> None:
    plain = gain_filter(GainPlan(gain_db=-3.5, limit=False, ceiling_db=-2.0), PRESET)
    assert plain == "aresample=48000,aformat=channel_layouts=stereo,volume=-3.50dB"
    limited = gain_filter(GainPlan(gain_db=20.0, limit=True, ceiling_db=-2.0), PRESET)
    assert limited == (
        "aresample=48000,aformat=channel_layouts=stereo,volume=20.00dB,aresample=192000,"
        "alimiter=limit=0.7943:attack=1:release=50:level=false,aresample=48000"
    )


SUMMARY = """[Parsed_ebur128_0 @ 0x55] Summary:
  Integrated loudness:
    I:         -15.8 LUFS
    Threshold: -25.8 LUFS
  Loudness range:
    LRA:        20.0 LU
    Threshold: -35.8 LUFS
  True peak:
    Peak:      -14.8 dBFS
video:0kB audio:564kB subtitle:0kB"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (SUMMARY, Loudness(-15.8, -14.8)),
        (SUMMARY.replace("-15.8 LUFS", "-70.0 LUFS").replace("-14.8 dBFS", "-inf dBFS"), Loudness(-70.0, -math.inf)),
        (SUMMARY.replace("-14.8 dBFS", "0.4 dBFS"), Loudness(-15.8, 0.4)),
        # a frame line before the summary does not count
        ("t: 0.4  TARGET:-23 LUFS    M: -9.0 S:-120.7     I: -9.0 LUFS\n" + SUMMARY, Loudness(-15.8, -14.8)),
    ],
)
def test_parse_ebur128_summary(text: str, expected: Loudness) -> None:
    assert parse_ebur128_summary(text.splitlines()) == expected


def test_parse_without_summary_says_what_to_do() -> None:
    from spaceclip.errors import ExternalToolError

    with pytest.raises(ExternalToolError, match="spaceclip doctor"):
        parse_ebur128_summary(["Output #0, null, to 'pipe:':"])


@pytest.mark.parametrize(
    ("lufs", "peak", "loud_ok", "peak_ok"),
    [(-14.0, -1.5, True, True), (-13.1, -1.0, True, True), (-12.8, -1.0, False, True), (-15.2, -2.0, False, True),
     (-14.0, -0.8, True, False), (-70.0, -math.inf, False, True)],
)  # fmt: skip
def test_loudness_items(lufs: float, peak: float, loud_ok: bool, peak_ok: bool) -> None:
    loud, tp = loudness_items(PRESET, Loudness(lufs, peak))
    assert (loud.name, loud.passed, tp.name, tp.passed) == ("Loudness", loud_ok, "True peak", peak_ok)
    if not loud_ok and lufs > SILENCE_LUFS:
        assert "render the clip again" in loud.actual
    if not peak_ok:
        assert "Render the clip again" in tp.actual


# --- real media ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(data_dir=tmp_path_factory.mktemp("loud-data"), _env_file=None)  # type: ignore[call-arg]


@pytest.fixture(scope="module")
def speech(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_speech(tmp_path_factory.mktemp("loud-speech") / "speech.wav", SPEECH)


def _video_with(speech: Path, dest: Path, audio_filter: str, settings: Settings) -> Path:
    """A small H.264 video whose sound is ``speech`` through ``audio_filter``, stored as 16-bit PCM in
    MKV, so a level over full scale is clipped in the file as a loud recording would be."""
    run_process(
        ffmpeg_args(
            "-i", speech, "-f", "lavfi", "-i", "testsrc2=size=320x568:rate=30",
            "-map", "1:v", "-map", "0:a", "-af", f"aresample=48000,aformat=channel_layouts=stereo,{audio_filter}",
            "-shortest",
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
            "-c:a", "pcm_s16le", "-ar", "48000", "-y", dest,
        ),
        timeout_s=TIMEOUT_S,
    )  # fmt: skip
    return dest


def _at(speech: Path, lufs: float, settings: Settings) -> str:
    """The ``volume`` filter that puts ``speech`` at ``lufs`` integrated (as stereo, before any clipping)."""
    measured = measure_loudness(speech, PRESET, timeout_s=TIMEOUT_S)
    return f"volume={lufs - measured.integrated_lufs:.2f}dB"


@pytest.mark.slow
@pytest.mark.parametrize(("name", "lufs"), [("quiet", -34.0), ("clipping", -2.0)])
def test_render_levels_quiet_and_clipping_sources(
    tmp_path: Path, settings: Settings, speech: Path, name: str, lufs: float
) -> None:
    source = _video_with(speech, tmp_path / f"{name}.mkv", _at(speech, lufs, settings), settings)
    before = measure_loudness(source, PRESET, timeout_s=TIMEOUT_S)
    if name == "quiet":
        assert abs(before.integrated_lufs - (PRESET.loudness_lufs - 20)) <= 1.0, before
    else:
        assert before.true_peak_db >= 0.0, before  # really clipping
    info = probe(source, settings)
    spec = ClipSpec(source=source, info=info, start=0.0, end=min(info.duration_s, 5.0), preset=PRESET,
                    caption_style=None)  # fmt: skip
    result = render_clip(spec, tmp_path / "out", settings, stem=name, thumbnail=False, subtitles_files=False)
    after = measure_loudness(result.video, PRESET, timeout_s=TIMEOUT_S)
    assert abs(after.integrated_lufs - PRESET.loudness_lufs) <= PRESET.loudness_tolerance_lu, (before, after)
    assert after.true_peak_db <= PRESET.true_peak_db, (before, after)
    assert result.passed, [i for i in result.check["items"] if not i["passed"]]
    items = {i["name"]: i for i in result.check["items"]}
    assert items["Loudness"]["passed"] and items["True peak"]["passed"]


@pytest.mark.slow
def test_check_fails_a_deliberately_loud_file(tmp_path: Path, settings: Settings, speech: Path) -> None:
    # Encoded with the preset's own settings but not levelled: about -8 LUFS, driven into clipping.
    path = tmp_path / "loud.mp4"
    run_process(
        ffmpeg_args(
            "-i", speech, "-f", "lavfi", "-i", f"testsrc=size={PRESET.width}x{PRESET.height}:rate=30",
            "-map", "1:v", "-map", "0:a",
            "-af", f"aformat=channel_layouts=stereo,{_at(speech, -6.0, settings)},aformat=sample_fmts=s16",
            "-shortest", *presets.encoder_args(PRESET), "-y", path,
        ),
        timeout_s=TIMEOUT_S,
    )  # fmt: skip
    result = check_export(path, PRESET, settings)
    failed = {i.name: i for i in result.failed}
    assert set(failed) == {"Loudness", "True peak"}, result.failed
    assert "too loud" in failed["Loudness"].actual and "render the clip again" in failed["Loudness"].actual
    assert "dB over" in failed["True peak"].actual
