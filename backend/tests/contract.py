"""The API contract check: Schemathesis against a real SpaceClip server on loopback, signed in, over every
operation; it must find no server error and no response that breaks the OpenAPI schema.

Run from ``backend/`` (``scripts/test.sh`` does)::

    python -m tests.contract [--max-examples 10] [--phases examples,coverage,fuzzing] [--keep DIR]

What it does:

* a fresh data folder and SQLite database (or ``SPACECLIP_TEST_DATABASE_URL``), migrated;
* one user owning a project whose media, transcript, speakers, highlights, clip, export files and jobs
  are all there, named in Cyrillic, Japanese, Hebrew, an emoji and quotes (every download carries
  the name);
* the app (``create_app``, no job worker: queued jobs stay queued) served by uvicorn on 127.0.0.1;
* ``schemathesis run`` over the app's ``/openapi.json`` with :mod:`tests.contract_hooks`: every
  request carries a live session cookie and the same-origin ``Origin`` the CSRF rule asks for, and
  most path ids are the seeded objects' (a DELETE gets a fresh object of its own each time), so the
  cases reach the routes' real work rather than only their 404.

Checks: ``not_a_server_error``, ``status_code_conformance``, ``content_type_conformance``,
``response_schema_conformance``, ``response_headers_conformance``. Deterministic
(``--generation-deterministic``: the same cases every run), bounded by ``--max-examples`` per operation
and phase. Prints Schemathesis' summary (cases, operations, failures by check) and exits with its status.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import uvicorn

from spaceclip.auth.passwords import hash_password
from spaceclip.config import Settings
from spaceclip.db import Database
from spaceclip.main import create_app
from spaceclip.migrate import upgrade
from spaceclip.models.tables import Clip, Export, Job, Project, Speaker, User
from spaceclip.services.highlights.types import Highlight, HighlightResult
from spaceclip.services.ingest.storage import Storage
from spaceclip.services.media.process import ffmpeg_args, run_process
from spaceclip.usecases.exports import export_dir, relative_output
from spaceclip.usecases.highlights import replace_analyze_highlights
from spaceclip.usecases.transcripts import save_transcript
from tests.render_media import made_up_transcript, make_talk_video, probe

BACKEND = Path(__file__).resolve().parents[1]
STATE_ENV = "SPACECLIP_CONTRACT_STATE"
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
)
#: Names in several scripts, with the characters a header or a file name must not carry raw.
PROJECT_NAME = 'Выпуск 1 — エピソード "один" 🎙 שלום\\ok'
CLIP_TITLE = "Ставка «всё» — 小さな店 🎧"
SPEAKER_NAMES = ("Мария", '佐藤 "Sam"')
PASSWORD = "contract check password"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _settings(root: Path) -> Settings:
    url = os.environ.get("SPACECLIP_TEST_DATABASE_URL") or f"sqlite:///{root / 'spaceclip.db'}"
    settings = Settings(
        data_dir=root / "data",
        database_url_setting=url,
        ollama_host="http://127.0.0.1:9",  # nothing listens on the discard port
        _env_file=None,  # type: ignore[call-arg]
    )
    settings.ensure_dirs()
    return settings


def _write_png(path: Path) -> None:
    run_process(ffmpeg_args("-f", "lavfi", "-i", "color=c=blue:s=64x64", "-frames:v", "1", "-y", path), timeout_s=60)


def seed(settings: Settings, database: Database, work: Path) -> dict[str, Any]:
    """One user and one of everything the API serves; returns the ids the hooks put into paths."""
    source = make_talk_video(work / "talk.mp4", seconds=6.0)
    info = probe(source, settings)
    storage = Storage(settings)
    with database.session() as db:
        user = User(email="contract@example.com", password_hash=hash_password(PASSWORD), display_name="Ада 田中")
        db.add(user)
        db.flush()
        project = Project(
            owner_id=user.id, name=PROJECT_NAME, source_kind="upload", status="ready",
            original_filename=f"{PROJECT_NAME}.mp4",
        )  # fmt: skip
        db.add(project)
        db.flush()
        dest = storage.source_path(project.id, "talk.mp4")
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, dest)
        run_process(
            ffmpeg_args("-i", dest, "-vn", "-ac", "1", "-ar", "16000", "-y", dest.parent / "audio.wav"), timeout_s=60
        )
        project.media_path = storage.relative(dest)
        project.media_info = info.to_dict()
        project.size_bytes = dest.stat().st_size
        transcript = made_up_transcript(info.duration_s)
        save_transcript(db, project.id, transcript, model="made-up")
        speakers = db.query(Speaker).filter_by(project_id=project.id).order_by(Speaker.label).all()
        for row, name in zip(speakers, SPEAKER_NAMES, strict=False):
            row.name = name
        highlight = Highlight(
            start=0.2, end=5.5, score=70.0, title=CLIP_TITLE, reason='Opens with "small shops win".',
            key_sentence="Small shops win.", text=transcript.segments[0].text, hashtags=("#shops",),
            speakers=("Maya",), features={"hook": 0.8},
        )  # fmt: skip
        (highlight_row,) = replace_analyze_highlights(db, project.id, HighlightResult((highlight,)))
        clip = Clip(project_id=project.id, owner_id=user.id, title=CLIP_TITLE, start=0.2, end=5.5)
        job = Job(project_id=project.id, owner_id=user.id, kind="analyze", status="succeeded", progress=1.0)
        db.add_all([clip, job])
        db.flush()
        export = Export(
            clip_id=clip.id, project_id=project.id, owner_id=user.id, platform="tiktok", status="done",
            settings={"title": CLIP_TITLE}, duration=5.3,
        )  # fmt: skip
        db.add(export)
        db.flush()
        folder = export_dir(storage, project.id, export.id, create=True)
        shutil.copyfile(source, folder / "clip.mp4")
        cue = CLIP_TITLE.split()[0]
        (folder / "clip.srt").write_text(f"1\n00:00:00,200 --> 00:00:01,000\n{cue}\n", encoding="utf-8")
        (folder / "clip.vtt").write_text(f"WEBVTT\n\n00:00.200 --> 00:01.000\n{cue}\n", encoding="utf-8")
        _write_png(folder / "thumb.png")
        export.video_path = relative_output(storage, folder / "clip.mp4")
        export.srt_path = relative_output(storage, folder / "clip.srt")
        export.vtt_path = relative_output(storage, folder / "clip.vtt")
        export.thumbnail_path = relative_output(storage, folder / "thumb.png")
        export.size_bytes = (folder / "clip.mp4").stat().st_size
        segment = transcript_segment_id(db, project.id)
        return {
            "user_id": user.id,
            "ids": {
                "project_id": project.id,
                "clip_id": clip.id,
                "export_id": export.id,
                "highlight_id": highlight_row.id,
                "job_id": job.id,
                "speaker_id": speakers[0].id,
                "segment_id": segment,
            },
        }


def transcript_segment_id(db: Any, project_id: str) -> str:
    from spaceclip.models.tables import Segment

    row = db.query(Segment).filter_by(project_id=project_id).order_by(Segment.idx).first()
    assert row is not None
    return str(row.id)


@contextlib.contextmanager
def serving(settings: Settings, port: int) -> Iterator[str]:
    """The app on ``127.0.0.1:port`` in a thread (no worker); yields its base URL."""
    config = uvicorn.Config(
        create_app(settings, web=False), host="127.0.0.1", port=port, log_level="warning", access_log=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="contract-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("The API server did not start within 30 s.")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def schemathesis_command(base_url: str, args: argparse.Namespace, report_dir: Path) -> list[str]:
    return [
        str(Path(sys.executable).parent / "schemathesis"), "run", f"{base_url}/openapi.json",
        "--checks", ",".join(CHECKS),
        "--phases", args.phases,
        "--max-examples", str(args.max_examples),
        "--generation-deterministic",
        "--workers", "1",
        "--continue-on-failure",
        "--suppress-health-check", "all",
        "--request-timeout", "60",
        "--report", "ndjson", "--report-dir", str(report_dir),
        "--no-color",
    ]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--max-examples", type=int, default=10, help="Cases per operation and phase (default 10)")
    parser.add_argument("--phases", default="examples,coverage,fuzzing")
    parser.add_argument("--keep", type=Path, help="Keep the data folder and the report here")
    args = parser.parse_args(argv)
    if args.keep is not None and args.keep.exists() and any(args.keep.iterdir()):
        parser.error(f"--keep {args.keep}: the folder is not empty")
    root = Path(tempfile.mkdtemp(prefix="spaceclip-contract-")) if args.keep is None else args.keep
    root.mkdir(parents=True, exist_ok=True)
    try:
        settings = _settings(root)
        upgrade(settings)
        database = Database.from_url(settings.database_url)
        state = seed(settings, database, root)
        database.dispose()
        port = _free_port()
        state.update(
            database_url=settings.database_url,
            cookie_name=settings.session_cookie_name,
            origin=f"http://127.0.0.1:{port}",
            data_dir=str(settings.data_dir),
        )
        state_path = root / "state.json"
        state_path.write_text(json.dumps(state), encoding="utf-8")
        env = {
            **os.environ,
            STATE_ENV: str(state_path),
            "SCHEMATHESIS_HOOKS": "tests.contract_hooks",
            "PYTHONPATH": os.pathsep.join(p for p in (str(BACKEND), os.environ.get("PYTHONPATH", "")) if p),
        }
        with serving(settings, port) as base_url:
            started = time.monotonic()
            command = schemathesis_command(base_url, args, root / "report")
            code = subprocess.run(command, env=env, cwd=BACKEND, check=False).returncode
            print(f"schemathesis: exit {code} after {time.monotonic() - started:.0f} s")
        return code
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
