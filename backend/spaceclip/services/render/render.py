"""Render one clip for one platform preset: cut → picture → captions → encode, in one ffmpeg pass.

The picture is either the source video fitted to the preset's frame (plain scale when the aspect
already matches, the speaker-tracking crop of :mod:`spaceclip.services.render.reframe` when the frame is
narrower, a blurred-background fit when it is wider) or an audiogram
(:func:`spaceclip.services.render.audiogram.audiogram_graph`) for audio-only sources and on request. Captions
are burned in with the ``subtitles`` filter from an ASS file made by
:func:`spaceclip.services.render.captions.build_ass`, after :mod:`spaceclip.services.render.glyphs`
has checked that some installed font draws every character the bundled font lacks (else the render
stops before it starts, naming the characters); the output uses exactly
:func:`spaceclip.services.render.presets.encoder_args`.

The command is built by the pure functions of :mod:`spaceclip.services.render.command`;
:func:`render_clip` runs it through :mod:`spaceclip.services.media.process` with progress from
``-progress pipe:1`` and writes every output to a temp name that is renamed into place when complete.
After the render it makes a thumbnail (the frame at the loudest moment), the clip's SRT and VTT, and
probes the file against its preset (:func:`spaceclip.services.render.check.check_export`).
:func:`render_frame` makes one preview frame by the same pipeline.

A clip with cuts inside it (``spec.cuts``, :mod:`spaceclip.services.edit.cuts`) is cut in the same pass:
the picture is drawn over the whole window, then only the kept frames go on
(:func:`~spaceclip.services.render.command.cut_video_chain`), the sound keeps the same ranges joined
by 20 ms crossfades (:func:`~spaceclip.services.render.command.cut_audio_graph`) and is levelled as
it is kept; captions, SRT/VTT, the thumbnail's moment and the preview's ``at`` are in the time of
the cut clip, and :attr:`RenderResult.duration` is the length after the cuts.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from PIL import Image

from spaceclip.config import Settings
from spaceclip.errors import GlyphsMissing, ValidationFailed
from spaceclip.services.media.probe import MediaInfo
from spaceclip.services.media.process import (
    ffmpeg_args,
    file_arg,
    media_input_args,
    progress_reporter,
    run_process,
    tier_timeout,
)
from spaceclip.services.render import brand as brand_kit
from spaceclip.services.render import glyphs, loudness
from spaceclip.services.render.check import check_export
from spaceclip.services.render.command import (
    AUDIO_OUT,
    VIDEO_OUT,
    Range,
    build_argv,
    choose_layout,
    clip_window,
    filter_graph,
    fit_filter,
    reframe_sample_fps,
    speaker_track,
    voice_track,
    window_keeps,
)
from spaceclip.services.render.presets import Preset, SafeArea, encoder_args
from spaceclip.services.render.spec import ClipSpec
from spaceclip.services.speech.transcript import Segment, Transcript, Word, to_srt, to_vtt

log = logging.getLogger(__name__)

__all__ = [
    "Picture",
    "RenderResult",
    "caption_fonts",
    "caption_script",
    "make_picture",
    "make_thumbnail",
    "picture_fallbacks",
    "render_card",
    "render_clip",
    "render_frame",
]

THUMBNAIL_SCALE = 0.5
#: Share of the progress bar the encode gets; reframe planning and the finishing steps share the rest.
PLAN_SHARE = 0.15
ENCODE_END = 0.92

Progress = Callable[[str, float, str], None]
Cancel = Callable[[], bool]


@dataclass(frozen=True)
class Picture:
    """The picture part of the graph: extra inputs, the fragment, and the label it ends in."""

    filter: str
    label: str
    extra_inputs: tuple[tuple[str, ...], ...] = ()
    layout: str = "scale"
    #: Why the layout asked for was not used (a split screen without two faces); None when it was.
    note: str | None = None
    #: When the stacked split screen shows (seconds from the window's start): captions sit on its seam.
    split_spans: tuple[tuple[float, float], ...] = ()


@dataclass(frozen=True)
class RenderResult:
    video: Path
    srt: Path | None
    vtt: Path | None
    thumbnail: Path | None
    check: dict[str, Any]
    passed: bool
    duration: float
    size_bytes: int
    layout: str
    seconds: dict[str, float] = field(default_factory=dict)
    #: Why the clip's layout differs from the one asked for (see :attr:`Picture.note`); None when it does not.
    layout_note: str | None = None


def text_safe(spec: ClipSpec) -> SafeArea:
    """The preset's safe area less the brand watermark's band (:func:`brand.text_safe_area`): where
    the captions, the audiogram's title and its badges go."""
    look, preset = spec.brand, spec.preset
    if look is None or look.logo is None:
        return preset.safe
    with Image.open(look.logo) as im:  # a PNG SpaceClip wrote itself (validate_logo re-encodes uploads)
        logo_w, logo_h = im.size
    drawn_w = max(2, round(preset.width * look.logo_scale / 2) * 2)
    drawn = (drawn_w, max(2, round(drawn_w * logo_h / max(1, logo_w) / 2) * 2))
    return brand_kit.text_safe_area(preset.safe, look.logo_position, drawn, preset.width, preset.height)


def _audio_stream(info: MediaInfo) -> str:
    audio = info.primary_audio
    if audio is None:
        raise ValidationFailed("This source has no audio track, so there is nothing to clip. Use a file with sound.")
    return f"0:{audio.index}"


#: fc-match's limit when a speaker's name needs a system font.
BADGE_FONT_TIMEOUT_S = 30.0


def _brand_font(spec: ClipSpec) -> Path | None:
    """The brand kit's font file the audiogram's text is drawn in (None: the bundled fonts)."""
    return None if spec.brand is None or spec.brand.font is None else Path(spec.brand.font)


def picture_fallbacks(text: str, font: Path | None) -> dict[str, Path]:
    """The font file each character of ``text`` that ``font`` (None: the bundled bold) lacks is drawn
    from in the pictures SpaceClip draws itself (audiogram title, names, badges): the bundled bold
    when it has the character (a brand font without Cyrillic still shows it in SpaceClip's own
    font), else the system font the captions would fall back to.

    Raises:
        GlyphsMissing: no installed font draws some of the characters.
    """
    from spaceclip.services.render import fonts, glyphs

    bundled = fonts.font_file("bold")
    main = font or bundled
    missing = glyphs.missing_chars(text, main)
    if not missing:
        return {}
    own: dict[str, Path] = {}
    if main != bundled:
        lacking = set(glyphs.missing_chars("".join(missing), bundled))
        own = {c: bundled for c in missing if c not in lacking}
    rest = "".join(c for c in missing if c not in own)
    return {**own, **glyphs.caption_fallbacks(rest, bundled, timeout_s=BADGE_FONT_TIMEOUT_S)}


def _speakers_heard(spec: ClipSpec) -> list[Any]:
    """The transcript's speakers heard in the whole clip (not the window being drawn); all when none is."""
    assert spec.transcript is not None
    heard = {seg.speaker for seg in spec.transcript.segments if seg.end > spec.start and seg.start < spec.end}
    heard |= {t.speaker for t in spec.transcript.turns if t.end > spec.start and t.start < spec.end}
    return [s for s in spec.transcript.speakers if s.display_name in heard] or list(spec.transcript.speakers)


def _badges(spec: ClipSpec) -> list[Any]:
    """The speaker badges of ``spec`` (none unless ``speaker_badges``): the transcript's speakers by
    display name, coloured as the captions colour them, with the creator's photos, in the brand font."""
    from spaceclip.services.render.audiogram.badges import Badge
    from spaceclip.services.render.captions.styles import speaker_color

    if not spec.speaker_badges or spec.transcript is None:
        return []
    photos = spec.speaker_photos or {}
    labels = [s.label for s in spec.transcript.speakers]
    speakers = _speakers_heard(spec)
    font = _brand_font(spec)
    # Names the badge's font cannot draw: another font that can, or GlyphsMissing naming them.
    names = " ".join(s.display_name for s in speakers) + " …"
    try:
        fallback = tuple(picture_fallbacks(names, font).items())
    except GlyphsMissing as exc:
        shown = glyphs.named_chars(exc.chars)
        raise GlyphsMissing(
            f"The speakers' names on the badges contain characters no font on this server can draw: {shown}. "
            "Rename the speaker in the Speakers panel, or install a font that has them, then export again.",
            chars=exc.chars,
        ) from exc
    return [
        Badge(s.display_name, "#" + (speaker_color(s.label, labels) or "FFD400"), photos.get(s.label), fallback, font)
        for s in speakers
    ]


def _audiogram_text_fallbacks(spec: ClipSpec) -> dict[str, Path]:
    """For a brand font: the font file for each character of the title and speakers' names it lacks
    (empty without a brand font: the title and names are drawn in the bundled bold as they always were).

    Raises:
        GlyphsMissing: no installed font draws some of them.
    """
    font = _brand_font(spec)
    if font is None:
        return {}
    names = [s.display_name for s in _speakers_heard(spec)] if spec.transcript is not None else []
    try:
        return picture_fallbacks(" ".join([spec.title or "", *names, "…"]), font)
    except GlyphsMissing as exc:
        raise GlyphsMissing(
            f"The clip's title or speakers' names contain characters no font on this server can draw: "
            f"{glyphs.named_chars(exc.chars)}. Edit the title or rename the speaker in the Speakers panel, or "
            "install a font that has them, then export again.",
            chars=exc.chars,
        ) from exc


def make_picture(spec: ClipSpec, start: float, length: float, *, cancel: Cancel | None = None) -> Picture:
    """The picture fragment for ``spec``: an audiogram, or the source video fitted to the preset."""
    preset = spec.preset
    w, h = preset.width, preset.height
    if spec.is_audiogram:
        import spaceclip.services.render.audiogram as audiogram

        track = voice_track(spec.transcript, start, start + length) if spec.transcript else []
        graph = audiogram.audiogram_graph(
            spec.style_of_audiogram,
            width=w,
            height=h,
            fps=preset.fps,
            background=spec.background,
            title=spec.title or None,
            speaker_track=track,
            audio_input=_audio_stream(spec.info),
            safe=text_safe(spec),
            badges=_badges(spec),
            font=_brand_font(spec),
            fallback=_audiogram_text_fallbacks(spec),
        )
        return Picture(
            filter=graph.filter,
            label=graph.out_label.strip("[]"),
            extra_inputs=tuple(tuple(a) for a in graph.extra_inputs),
            layout=f"audiogram:{spec.style_of_audiogram}",
        )
    video = spec.info.primary_video
    assert video is not None
    src_w, src_h = video.display_size
    layout = choose_layout(src_w, src_h, w, h)
    in_label = f"0:{video.index}"
    if layout == "reframe":
        import spaceclip.services.render.reframe as reframe

        turns = speaker_track(spec.transcript.segments, start, start + length) if spec.transcript else []
        fps = reframe_sample_fps(length)
        if spec.layout_mode != "single" and h > w:
            return _split_picture(spec, start, length, turns, fps, in_label, cancel=cancel)
        plan = reframe.plan_crop(
            spec.source, spec.info, start, start + length, w, h, sample_fps=fps, turns=turns, cancel=cancel
        )
        return Picture(filter=reframe.crop_filter(plan, w, h, in_label, "pic"), label="pic", layout=f"crop:{plan.mode}")
    return Picture(filter=fit_filter(layout, in_label, "pic", w, h), label="pic", layout=layout)


def _split_picture(
    spec: ClipSpec,
    start: float,
    length: float,
    turns: Sequence[tuple[float, float, str]],
    fps: float,
    in_label: str,
    *,
    cancel: Cancel | None,
) -> Picture:
    """The reframe of a tall export with the split screen where two people take turns (``spec.layout_mode``)."""
    import spaceclip.services.render.reframe as reframe
    from spaceclip.services.render import split

    w, h = spec.preset.width, spec.preset.height
    found = reframe.analyse_faces(
        spec.source,
        spec.info,
        start,
        start + length,
        sample_fps=fps,
        turns=turns,
        cancel=cancel,
        profiles=True,
    )
    plan = reframe.plan_crop(
        spec.source, spec.info, start, start + length, w, h, sample_fps=fps, turns=turns, analysis=found
    )
    mode: split.LayoutMode = "split" if spec.layout_mode == "split" else "auto"
    layout = split.plan_split(
        mode=mode, times=found.times, detections=found.detections, ids=found.ids, turns=turns,
        matched=found.matched, length=length, src_w=plan.src_w, src_h=plan.src_h, out_w=w, out_h=h,
        crop_w=plan.crop_w,
    )  # fmt: skip
    if plan.mode != "track":  # too few faces to follow: no split either
        note = layout.note or split.no_faces_note(mode)
        return Picture(reframe.crop_filter(plan, w, h, in_label, "pic"), "pic", layout=f"crop:{plan.mode}", note=note)
    log.info(
        "Layout %s: %d segments (%s), shortest %.1f s, %d marks", layout.layout, len(layout.segments),
        ", ".join(f"{s.kind} {s.start:.1f}-{s.end:.1f}" for s in layout.segments), layout.shortest_segment,
        len(layout.marks),
    )  # fmt: skip
    name = "split" if layout.has_split else f"crop:{plan.mode}"
    spans = tuple((seg.start, seg.end) for seg in layout.segments if seg.kind == "split")
    return Picture(
        split.split_filter(plan, layout, w, h, in_label, "pic"), "pic", layout=name, note=layout.note, split_spans=spans
    )


def _keeps(spec: ClipSpec, start: float, length: float) -> list[Range] | None:
    """The kept ranges of ``spec``'s cuts in window time, or None when nothing is cut."""
    if spec.cuts is None or not spec.cuts.cuts:
        return None
    keeps = window_keeps(spec.cuts.keeps, start, length)
    if not keeps:
        raise ValidationFailed("This clip's cuts take out all of it. Restore some of its words, or cut less.")
    return keeps


def _out_length(keeps: Sequence[Range] | None, length: float) -> float:
    return length if keeps is None else round(sum(b - a for a, b in keeps), 6)


def _cards_s(spec: ClipSpec) -> float:
    """What the brand's intro and outro cards add to the rendered length (0 without a brand)."""
    return 0.0 if spec.brand is None else spec.brand.cards_seconds


def _intro_s(spec: ClipSpec) -> float:
    return 0.0 if spec.brand is None or spec.brand.intro is None else spec.brand.intro.seconds


def _logo_input(path: str) -> tuple[str, ...]:
    # The logo is a PNG SpaceClip wrote itself (brand.validate_logo re-encodes every upload).
    return ("-protocol_whitelist", "file", "-f", "image2", "-i", file_arg(path))


def _clip_words(spec: ClipSpec, start: float, length: float) -> tuple[list[Word], float, float]:
    """The clip's words with the captions' ``clip_start`` and ``clip_end``: in source time, or re-timed
    across the cuts (0 to the length after them) when the clip has cuts."""
    assert spec.transcript is not None
    keeps = _keeps(spec, start, length)
    if keeps is not None and spec.cuts is not None:
        return spec.cuts.retime_words(spec.transcript.words), 0.0, _out_length(keeps, length)
    words = [w for w in spec.transcript.words if w.end > start and w.start < start + length]
    return words, start, start + length


def caption_style_of(spec: ClipSpec) -> Any:
    """The clip's caption style (a ``CaptionStyle``; None without captions), in the brand kit's font
    and with its accent as the highlight when the kit has a font."""
    import spaceclip.services.render.captions as captions

    if spec.caption_style is None:
        return None
    style = captions.get_caption_style(spec.caption_style)
    look = spec.brand
    if look is None or look.font is None:
        return style
    family = look.font_family or style.font_family
    return replace(style, font_family=family, font_weight=look.font, highlight_color=look.accent.lstrip("#"))


def _caption_font_folder(spec: ClipSpec, parent: Path) -> Path | None:
    """A fonts folder with the brand font beside the bundled ones (None: the bundled folder will do)."""
    from spaceclip.services.render import fonts

    if spec.brand is None or spec.brand.font is None or spec.caption_style is None:
        return None
    return fonts.font_dir_with(Path(spec.brand.font), parent)


def caption_fonts(spec: ClipSpec, start: float, length: float, settings: Settings) -> dict[str, Path]:
    """The system font file for each caption character the bundled font lacks (empty without captions).

    Raises:
        GlyphsMissing: no installed font draws some of the characters (before anything is rendered).
    """
    import spaceclip.services.render.captions as captions
    from spaceclip.services.render import fonts, glyphs

    if spec.caption_style is None or spec.transcript is None:
        return {}
    words, clip_start, clip_end = _clip_words(spec, start, length)
    style = caption_style_of(spec)
    assert style is not None
    text = captions.caption_text(words, clip_start=clip_start, clip_end=clip_end, style=style)
    font = fonts.font_file(style.font_weight)
    timeout = tier_timeout(settings.process_timeout_s, "still")
    fallback = glyphs.caption_fallbacks(text, font, timeout_s=timeout)
    if spec.emoji:
        from spaceclip.services.render.captions import emphasis

        # Emoji no font draws are left out of the lexicon (never an error); the rest may need a font.
        _, extra = emphasis.drawable_lexicon(emphasis.load_lexicon(), font, timeout_s=timeout)
        fallback = {**extra, **fallback}
    return fallback


def _emphasis(spec: ClipSpec, fallback: dict[str, Path]) -> Any:
    """The captions' emphasis for ``spec`` (None when both emphasis and emoji are off)."""
    from spaceclip.services.render import fonts
    from spaceclip.services.render.captions import emphasis

    if not (spec.emphasis or spec.emoji) or spec.caption_style is None:
        return None
    style = caption_style_of(spec)
    assert style is not None
    lexicon = emphasis.load_lexicon() if spec.emoji else {}
    lexicon = emphasis.usable_lexicon(lexicon, fonts.font_file(style.font_weight), fallback)
    names = [s.display_name for s in spec.transcript.speakers] if spec.transcript is not None else []
    made = emphasis.Emphasis.of(
        spec.keywords, names, color=emphasis.emphasis_color(style.highlight_color), emoji=lexicon
    )
    if not spec.emphasis:
        return emphasis.Emphasis(color=made.color, emoji=lexicon, marks=False)
    return made


def caption_script(
    spec: ClipSpec,
    start: float,
    length: float,
    fallback: dict[str, Path],
    split_spans: Sequence[tuple[float, float]] = (),
) -> str | None:
    """The ASS script the render burns into the window ``[start, start + length]`` (None without captions).

    Its events are in the time of the rendered clip: from ``start``, or across the clip's cuts.
    ``split_spans`` (seconds from ``start``, :attr:`Picture.split_spans`): captions sit on the split
    screen's seam then.
    """
    import spaceclip.services.render.captions as captions

    if spec.caption_style is None or spec.transcript is None:
        return None
    words, clip_start, clip_end = _clip_words(spec, start, length)
    seam = list(split_spans)
    if spec.cuts is not None and _keeps(spec, start, length) is not None:
        seam = [(spec.cuts.to_output(start + a), spec.cuts.to_output(start + b)) for a, b in split_spans]
    return captions.build_ass(
        words,
        clip_start=clip_start,
        clip_end=clip_end,
        style=caption_style_of(spec) or spec.caption_style,
        width=spec.preset.width,
        height=spec.preset.height,
        safe=text_safe(spec),
        speaker_colors=spec.speaker_colors,
        fallback=fallback,
        emphasis=_emphasis(spec, fallback),
        size=spec.caption_size,
        position=spec.caption_position,
        seam=seam,
    )


def _write_ass(
    spec: ClipSpec,
    start: float,
    length: float,
    dest: Path,
    fallback: dict[str, Path],
    split_spans: Sequence[tuple[float, float]] = (),
) -> bool:
    text = caption_script(spec, start, length, fallback, split_spans)
    if text is None:
        return False
    dest.write_text(text, encoding="utf-8")
    return True


def _picture_argv(
    spec: ClipSpec,
    picture: Picture,
    ass: Path | None,
    *,
    start: float,
    length: float,
    output: Path,
    output_args: Sequence[str],
    audio: str | None,
    output_seek: float | None = None,
    container: str = "mp4",
    progress: bool = True,
    keeps: Sequence[Range] | None = None,
    level: str | None = None,
    font_folder: Path | None = None,
) -> list[str]:
    """The ffmpeg argv drawing ``picture`` over ``[start, start + length]``, the ``ass`` captions burned in.

    With ``keeps`` (window seconds) only those frames go on, and with ``level`` (the loudness chain)
    the ``audio`` stream is cut to the same ranges in the graph and levelled there. A brand kit adds
    its watermark and, when there is sound (``level``), its intro and outro cards, all in this pass.
    """
    import spaceclip.services.render.captions as captions

    look = spec.brand
    cards = look is not None and level is not None and look.cards_seconds > 0
    routed = (bool(keeps) or cards) and audio is not None and level is not None
    cut_audio = (audio, level) if routed and audio is not None and level is not None else None
    subtitles = None if ass is None else captions.ass_filter(ass, font_folder=font_folder)
    extra = list(picture.extra_inputs)
    if look is None:
        graph = filter_graph(
            picture.filter, picture.label, fps=spec.preset.fps, subtitles=subtitles, keeps=keeps, audio=cut_audio
        )
    else:
        look = look if cards else replace(look, intro=None, outro=None)
        logo = None
        if look.logo is not None:
            logo = f"{1 + len(extra)}:v"
            extra.append(_logo_input(look.logo))
        graph = filter_graph(
            picture.filter, picture.label, fps=spec.preset.fps, subtitles=subtitles, keeps=keeps, audio=cut_audio,
            video_out="main_v", audio_out="main_a",
        )  # fmt: skip
        graph += ";" + brand_kit.brand_graph(
            look, spec.preset, main_v="main_v", main_a="main_a" if cut_audio is not None else None,
            logo_input=logo, out_v=VIDEO_OUT, out_a=AUDIO_OUT,
            titles=brand_kit.card_titles(look, spec.preset) if cards else None,
        )  # fmt: skip
    body = _out_length(keeps, length)
    return build_argv(
        source=spec.source,
        start=start,
        length=length,
        graph=graph,
        output=output,
        output_args=output_args,
        audio=f"[{AUDIO_OUT}]" if cut_audio is not None else audio,
        extra_inputs=extra,
        output_seek=output_seek,
        container=container,
        progress=progress,
        output_length=body + _cards_s(spec) if cards else (body if keeps else None),
    )


def _temp(dest: Path) -> Path:
    return dest.with_name(f".{dest.name}.{uuid.uuid4().hex[:12]}.tmp")


def _write_text_atomic(dest: Path, text: str) -> None:
    tmp = _temp(dest)
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)


def _peak_offset(spec: ClipSpec, start: float, length: float, cancel: Cancel | None) -> float:
    """Seconds into the rendered clip (after its cuts) of its loudest moment (the thumbnail frame)."""
    import spaceclip.services.render.audiogram as audiogram

    audio_path = spec.audio_path if spec.audio_path is not None and spec.audio_path.exists() else spec.source
    peak = float(audiogram.peak_time(audio_path, start, start + length, cancel=cancel))
    keeps = _keeps(spec, start, length)
    at = peak - start
    if keeps is not None and spec.cuts is not None:
        # A peak inside a cut lands on the seam where the cut was.
        at = spec.cuts.to_output(peak)
    out = _out_length(keeps, length)
    # With an intro card the clip itself starts that much later in the file.
    return min(max(0.0, at), max(0.0, out - 0.1)) + _intro_s(spec)


def make_thumbnail(video: Path, at: float, dest: Path, settings: Settings, *, cancel: Cancel | None = None) -> Path:
    """A PNG of the frame ``at`` seconds into ``video``, at half size, written atomically."""
    tmp = _temp(dest)
    argv = ffmpeg_args(
        "-ss", f"{at:.3f}", *media_input_args(video),
        "-frames:v", "1", "-vf", f"scale=trunc(iw*{THUMBNAIL_SCALE}/2)*2:-2",
        "-c:v", "png", "-f", "image2", "-y", tmp,
    )  # fmt: skip
    try:
        run_process(argv, timeout_s=tier_timeout(settings.process_timeout_s, "still"), cancel=cancel)
        if not tmp.exists():
            raise ValidationFailed("The thumbnail frame could not be taken from the rendered clip. Render it again.")
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    return dest


def _encode(
    spec: ClipSpec,
    picture: Picture,
    start: float,
    length: float,
    video: Path,
    settings: Settings,
    *,
    fallback: dict[str, Path],
    report: Progress,
    cancel: Cancel | None,
) -> None:
    """Run the one ffmpeg pass to a temp name beside ``video`` and rename it into place."""
    ass = video.with_name(f".{video.stem}.{uuid.uuid4().hex[:8]}.ass")
    tmp = _temp(video)
    keeps = _keeps(spec, start, length)
    out_length = _out_length(keeps, length) + _cards_s(spec)
    routed = bool(keeps) or _cards_s(spec) > 0
    font_folder = _caption_font_folder(spec, video.parent)
    try:
        # Measured first (audio only, the kept ranges as they will be joined), then levelled by one
        # fixed gain in the render's own pass.
        audio_filter, _, _ = loudness.normalise_filter(
            spec.source, spec.preset, audio=_audio_stream(spec.info), start=start, length=length, keeps=keeps,
            timeout_s=tier_timeout(settings.process_timeout_s, "probe"), cancel=cancel,
        )  # fmt: skip
        encode = encoder_args(spec.preset, duration_s=out_length)
        argv = _picture_argv(
            spec,
            picture,
            ass if _write_ass(spec, start, length, ass, fallback, picture.split_spans) else None,
            start=start,
            length=length,
            output=tmp,
            # Without cuts or cards the level chain is the output's -af; with them it is in the graph.
            output_args=encode if routed else [*encode, "-af", audio_filter],
            audio=_audio_stream(spec.info),
            keeps=keeps,
            level=audio_filter,
            font_folder=font_folder,
        )
        report("render", PLAN_SHARE, "Rendering")
        on_line = progress_reporter(
            out_length, lambda f: report("render", PLAN_SHARE + (ENCODE_END - PLAN_SHARE) * f, "Rendering")
        )
        run_process(argv, timeout_s=settings.process_timeout_s, cancel=cancel, on_stdout_line=on_line)
        os.replace(tmp, video)
    finally:
        tmp.unlink(missing_ok=True)
        ass.unlink(missing_ok=True)
        if font_folder is not None:
            shutil.rmtree(font_folder, ignore_errors=True)


def _write_side_files(
    spec: ClipSpec, start: float, length: float, out_dir: Path, stem: str
) -> tuple[Path | None, Path | None]:
    """The clip's SRT and VTT (re-timed to the clip, across its cuts), or (None, None) without a transcript."""
    import spaceclip.services.render.captions as captions

    if spec.transcript is None:
        return None, None
    transcript, lo, hi = spec.transcript, start, start + length
    keeps = _keeps(spec, start, length)
    if keeps is not None and spec.cuts is not None:
        transcript, lo, hi = spec.cuts.retime_transcript(spec.transcript), 0.0, _out_length(keeps, length)
    srt, vtt = out_dir / f"{stem}.srt", out_dir / f"{stem}.vtt"
    timed = _shifted(captions.clip_transcript(transcript, lo, hi), _intro_s(spec), _cards_s(spec))
    _write_text_atomic(srt, to_srt(timed))
    _write_text_atomic(vtt, to_vtt(timed))
    return srt, vtt


def _shifted(transcript: Transcript, offset: float, extra: float) -> Transcript:
    """``transcript`` ``offset`` s later (after an intro card), its length ``extra`` s longer. Pure."""
    if offset <= 0 and extra <= 0:
        return transcript

    def seg(s: Segment) -> Segment:
        words = tuple(replace(w, start=w.start + offset, end=w.end + offset) for w in s.words)
        return replace(s, start=s.start + offset, end=s.end + offset, words=words)

    segments = tuple(seg(s) for s in transcript.segments)
    return replace(transcript, duration=transcript.duration + extra, segments=segments, turns=())


def render_clip(
    spec: ClipSpec,
    out_dir: Path,
    settings: Settings,
    *,
    stem: str = "clip",
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    thumbnail: bool = True,
    subtitles_files: bool = True,
) -> RenderResult:
    """Render ``spec`` to ``out_dir/<stem>.mp4`` (+ ``.srt``, ``.vtt``, ``.png``) and check it.

    Each file is written under a temp name and renamed when complete, so a crash or a cancel never
    leaves half a file under a final name; running it twice gives the same files.

    Raises:
        ValidationFailed: the range is not inside the source.
        GlyphsMissing: the captions hold characters no installed font draws (nothing is rendered).
        JobCancelled: ``cancel`` returned True (ffmpeg's process group is killed).
        ExternalToolError: ffmpeg failed.
    """

    def report(stage: str, fraction: float, message: str) -> None:
        if progress is not None:
            progress(stage, min(1.0, max(0.0, fraction)), message)

    timings: dict[str, float] = {}
    out_dir.mkdir(parents=True, exist_ok=True)
    start, length = clip_window(spec.start, spec.end, spec.info.duration_s or None)
    out_length = _out_length(_keeps(spec, start, length), length) + _cards_s(spec)
    preset = spec.preset
    video = out_dir / f"{stem}.mp4"
    fallback = caption_fonts(spec, start, length, settings)
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="render") as pool:
        # The side files need only the source and the transcript: they are made while the frame is
        # planned and the clip encodes, so the render ends soon after ffmpeg does.
        peak = pool.submit(_peak_offset, spec, start, length, cancel) if thumbnail else None
        side = pool.submit(_write_side_files, spec, start, length, out_dir, stem) if subtitles_files else None
        t0 = time.perf_counter()
        try:
            report("plan", 0.0, "Planning the frame")
            picture = make_picture(spec, start, length, cancel=cancel)
            timings["plan"] = time.perf_counter() - t0
            t1 = time.perf_counter()
            _encode(spec, picture, start, length, video, settings, fallback=fallback, report=report, cancel=cancel)
            timings["encode"] = time.perf_counter() - t1
        except BaseException:
            # No video, so no captions files beside it either (they were made in parallel).
            if side is not None:
                _discard_side_files(side, out_dir, stem)
            raise

        t2 = time.perf_counter()
        report("check", ENCODE_END, "Checking the file against the platform's rules")
        checked = pool.submit(check_export, video, preset, settings)
        thumb = None
        if peak is not None:
            report("thumbnail", ENCODE_END + 0.03, "Making the thumbnail")
            thumb = make_thumbnail(video, peak.result(), out_dir / f"{stem}.png", settings, cancel=cancel)
        srt, vtt = side.result() if side is not None else (None, None)
        result = checked.result()
        timings["finish"] = time.perf_counter() - t2
    check = result.to_dict()
    log.info(
        "Rendered %s for %s (%s, %.1f s) in %.1f s: check %s",
        video.name,
        preset.key,
        picture.layout,
        out_length,
        sum(timings.values()),
        "passed" if result.passed else "FAILED",
    )
    report("check", 1.0, "Done")
    return RenderResult(
        video=video,
        srt=srt,
        vtt=vtt,
        thumbnail=thumb,
        check=check,
        passed=bool(result.passed),
        duration=out_length,
        size_bytes=video.stat().st_size,
        layout=picture.layout,
        seconds=timings,
        layout_note=picture.note,
    )


def _discard_side_files(side: Future[tuple[Path | None, Path | None]], out_dir: Path, stem: str) -> None:
    """Wait for the SRT/VTT writer, then remove what it wrote (the render they belong to failed)."""
    try:
        side.result()
    except Exception:
        log.debug("Caption files for a failed render were not written", exc_info=True)
    for ext in ("srt", "vtt"):
        (out_dir / f"{stem}.{ext}").unlink(missing_ok=True)


def render_frame(
    spec: ClipSpec, at: float, settings: Settings, work_dir: Path, *, cancel: Cancel | None = None
) -> bytes:
    """One PNG frame, ``at`` seconds into the clip (after its cuts), made by the same pipeline as the render.

    The cut is a short window ending just after the frame, so audiograms have some sound to draw
    and captions show the words spoken at that moment. With cuts, ``at`` is mapped back to the source
    (:meth:`~spaceclip.services.edit.cuts.CutList.to_source`) for the picture, and the captions, laid
    out in the cut clip's time, are shifted so the frame shows the page the video shows at ``at``.
    """
    import spaceclip.services.render.captions as captions

    start, length = clip_window(spec.start, spec.end, spec.info.duration_s or None)
    out_length = _out_length(_keeps(spec, start, length), length)
    at = min(max(0.0, at), max(0.0, out_length - 0.05))
    source_at = at if spec.cuts is None or not spec.cuts.cuts else spec.cuts.to_source(at) - start
    source_at = min(max(0.0, source_at), max(0.0, length - 0.05))
    lead = min(source_at, 1.0)
    w_start, w_len = start + source_at - lead, lead + 0.2
    work_dir.mkdir(parents=True, exist_ok=True)
    fallback = caption_fonts(spec, start, length, settings)
    picture = make_picture(spec, w_start, w_len, cancel=cancel)
    token = uuid.uuid4().hex[:12]
    ass, png = work_dir / f".frame-{token}.ass", work_dir / f".frame-{token}.png"
    font_folder = _caption_font_folder(spec, work_dir)
    try:
        # Captions are laid out for the whole clip, then shifted to the window, so the frame shows the
        # same page the video shows at that moment.
        has_ass = False
        if spec.caption_style is not None and spec.transcript is not None:
            whole = work_dir / f".frame-{token}.whole.ass"
            try:
                # The picture is of the short window; its split spans, from the clip's start.
                spans = [(a + w_start - start, b + w_start - start) for a, b in picture.split_spans]
                has_ass = _write_ass(spec, start, length, whole, fallback, spans)
                if has_ass:
                    ass.write_text(captions.shift_ass(whole.read_text(encoding="utf-8"), at - lead), encoding="utf-8")
            finally:
                whole.unlink(missing_ok=True)
        argv = _picture_argv(
            spec,
            picture,
            ass if has_ass else None,
            start=w_start,
            length=w_len,
            output=png,
            output_args=["-frames:v", "1", "-c:v", "png"],
            audio=None,
            output_seek=lead,
            container="image2",
            progress=False,
            font_folder=font_folder,
        )
        run_process(argv, timeout_s=tier_timeout(settings.process_timeout_s, "still"), cancel=cancel)
        if not png.exists():
            raise ValidationFailed("No frame could be made at this moment of the clip. Pick another moment.")
        return png.read_bytes()
    finally:
        ass.unlink(missing_ok=True)
        png.unlink(missing_ok=True)
        if font_folder is not None:
            shutil.rmtree(font_folder, ignore_errors=True)


def render_card(
    look: brand_kit.BrandLook,
    preset: Preset,
    which: str,
    settings: Settings,
    work_dir: Path,
    *,
    cancel: Cancel | None = None,
) -> bytes:
    """A PNG of the brand's ``which`` (``intro``/``outro``) card halfway through, drawn by the export's filters.

    ``look`` carries absolute paths. A kit without that card gets a 2 s card without a title, so the
    creator sees the look before switching the card on.
    """
    card = getattr(look, which) or brand_kit.Card(title="", seconds=2.0)
    one = replace(look, intro=card, outro=None)
    parts: list[str] = []
    inputs: list[str] = []
    logo = None
    if one.logo is not None:
        inputs.extend(_logo_input(one.logo))
        width = round(preset.width * brand_kit.CARD_LOGO_SHARE)
        parts.append(brand_kit.logo_chain("0:v", look.logo_opacity, [("card_logo", width)]))
        logo = "card_logo"
    lines = brand_kit.card_titles(one, preset).get("intro", [])
    graph = brand_kit.card_graph(
        card, one, width=preset.width, height=preset.height, fps=preset.fps, audio_rate=preset.audio_rate,
        channels=preset.audio_channels, logo=logo, out="card", lines=lines,
        font_size=brand_kit.card_font_size(preset.width, preset.height),
    )  # fmt: skip
    parts.append(graph)
    parts.append("[card_a]anullsink")
    work_dir.mkdir(parents=True, exist_ok=True)
    png = work_dir / f".card-{uuid.uuid4().hex[:12]}.png"
    argv = ffmpeg_args(
        *inputs, "-filter_complex", ";".join(parts), "-map", "[card_v]",
        "-ss", f"{card.seconds / 2:.3f}", "-frames:v", "1", "-c:v", "png", "-f", "image2", "-y", png,
    )  # fmt: skip
    try:
        run_process(argv, timeout_s=tier_timeout(settings.process_timeout_s, "still"), cancel=cancel)
        if not png.exists():
            raise ValidationFailed("The card could not be drawn. Check the brand kit's logo and font, then try again.")
        return png.read_bytes()
    finally:
        png.unlink(missing_ok=True)
