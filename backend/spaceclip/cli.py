"""The ``spaceclip`` command: serve, worker, user, db, doctor."""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.logging import RichHandler
from rich.table import Table

from spaceclip.config import Settings, get_settings

app = typer.Typer(help="SpaceClip: local-first clips from long podcasts, videos and X Spaces.", no_args_is_help=True)
user_app = typer.Typer(help="Manage user accounts.", no_args_is_help=True)
db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(db_app, name="db")

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


def _is_url(value: str) -> bool:
    return value.startswith(("http://", "https://"))


@app.command()
def transcribe(
    source: Annotated[str, typer.Argument(help="A media file, or a YouTube / X Space / direct media URL.")],
    format: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat.json,
    speakers: Annotated[int | None, typer.Option("--speakers", min=1, max=20, help="How many people speak.")] = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write here instead of standard output.")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v")] = False,
) -> None:
    """Transcribe a file or URL with word times and speakers, offline."""
    import json
    import tempfile

    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    from spaceclip.errors import SpaceClipError
    from spaceclip.services import transcript as formats
    from spaceclip.services.analysis import analyze_media

    settings = _setup(verbose)
    with tempfile.TemporaryDirectory(prefix="spaceclip-") as tmp, Progress(
        TextColumn("{task.description:<28}"), BarColumn(), TaskProgressColumn(), TimeElapsedColumn(),
        console=err_console, transient=out is None,
    ) as bar:  # fmt: skip
        task = bar.add_task("Starting", total=1.0)
        work = Path(tmp)
        try:
            if _is_url(source):
                from spaceclip.services.download import download_url

                bar.update(task, description="Downloading")
                path = download_url(source, work, settings, progress=lambda f: bar.update(task, completed=f)).path
            else:
                path = Path(source).expanduser()
                if not path.is_file():
                    raise typer.BadParameter(f"{source} is not a file. Give a media file or an http(s) URL.")
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
            _env_file=None,  # type: ignore[call-arg]
        )
        text = json.dumps(create_app(settings).openapi(), indent=2, ensure_ascii=False) + "\n"
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    app()
