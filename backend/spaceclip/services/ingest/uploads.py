"""Request bodies for new projects, read as streams under size caps; no database here.

Uploads are parsed as a stream with python-multipart's push parser; file bytes go straight to a
temp file inside the project's folder, the size cap is enforced while the bytes arrive, and any
refusal or disconnect removes everything written (docs/SECURITY.md, items 17, 18). The caller
(:mod:`spaceclip.usecases.ingest`) chooses the project's id first and writes the Project and its
Job once the file is complete, so no database transaction is open while the body streams
(docs/SECURITY.md, item 23).

A URL import's body is small JSON (``{"url": ..., "name": ...}``), read up to
:data:`MAX_JSON_BYTES` and validated by :func:`read_url_request`.
"""

from __future__ import annotations

import codecs
import logging
import os
import secrets
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING

import anyio.to_thread
from pydantic import ValidationError
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import ClientDisconnect

from spaceclip.config import Settings
from spaceclip.errors import BadRequest, PayloadTooLarge, UnsupportedMedia, UserError, ValidationFailed
from spaceclip.models.schemas import ProjectUrlCreate
from spaceclip.services.ingest.storage import Storage, sanitize_filename

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

log = logging.getLogger(__name__)

__all__ = [
    "MULTIPART_OVERHEAD_BYTES",
    "ReceivedUpload",
    "check_content_length",
    "read_url_request",
    "receive_upload",
    "request_kind",
    "too_large",
]

FILE_FIELD = "file"
NAME_FIELD = "name"
#: Room for boundaries, part headers and the small text fields on top of the file itself.
MULTIPART_OVERHEAD_BYTES = 64 * 1024
MAX_FIELD_BYTES = 4 * 1024
MAX_PARTS = 16
MAX_JSON_BYTES = 16 * 1024
#: File bytes are collected up to this size and then written in a worker thread.
WRITE_BUFFER_BYTES = 1024 * 1024


@dataclass(frozen=True)
class ReceivedUpload:
    """A complete upload on disk, not yet in the database."""

    project_id: str
    media_path: str  # relative to settings.upload_dir
    size_bytes: int
    original_filename: str | None
    name: str | None


def too_large(settings: Settings) -> PayloadTooLarge:
    """The 413 error for an upload over the cap (names the limit and the setting)."""
    return PayloadTooLarge(
        f"The file is larger than the upload limit of {settings.max_upload_mb} MB. Upload a smaller "
        "file (or a trimmed copy), or ask the administrator to raise SPACECLIP_MAX_UPLOAD_MB."
    )


def request_kind(content_type: str | None) -> str:
    """``"upload"`` for multipart/form-data, ``"url"`` for JSON; anything else is refused (415)."""
    media_type = (content_type or "").split(";", 1)[0].strip().lower()
    if media_type == "multipart/form-data":
        return "upload"
    if media_type == "application/json":
        return "url"
    raise UnsupportedMedia(
        "Send the file as multipart/form-data in the form field `file`, or send JSON "
        '{"url": "https://..."} to import from a link.'
    )


def check_content_length(content_length: str | None, settings: Settings) -> None:
    """Refuse before reading anything when the declared body size is already over the cap."""
    if content_length is None:
        return
    try:
        declared = int(content_length)
    except ValueError:
        raise BadRequest("The Content-Length header is not a number. Send the upload again.") from None
    if declared > settings.max_upload_bytes + MULTIPART_OVERHEAD_BYTES:
        raise too_large(settings)


@dataclass
class _Part:
    field_name: str = ""
    filename: str | None = None
    is_file: bool = False
    data: bytearray = field(default_factory=bytearray)


class _UploadSink:
    """python-multipart callbacks: text fields kept in memory (small), file bytes buffered for disk."""

    def __init__(self, max_file_bytes: int, settings: Settings, charset: str) -> None:
        self.max_file_bytes = max_file_bytes
        self.settings = settings
        self.charset = charset
        self.part = _Part()
        self.parts = 0
        self.header_name = b""
        self.header_value = b""
        self.disposition = b""
        self.fields: dict[str, str] = {}
        self.file_seen = False
        self.file_done = False
        self.filename: str | None = None
        self.file_bytes = 0
        self.pending = bytearray()
        self.finished = False

    def callbacks(self) -> MultipartCallbacks:
        return {
            "on_part_begin": self.on_part_begin,
            "on_part_data": self.on_part_data,
            "on_part_end": self.on_part_end,
            "on_header_field": self.on_header_field,
            "on_header_value": self.on_header_value,
            "on_header_end": self.on_header_end,
            "on_headers_finished": self.on_headers_finished,
            "on_end": self.on_end,
        }

    def take_pending(self) -> bytes:
        data = bytes(self.pending)
        self.pending.clear()
        return data

    def on_part_begin(self) -> None:
        self.parts += 1
        if self.parts > MAX_PARTS:
            raise BadRequest(f"The form has more than {MAX_PARTS} parts. Send only `file` and `name`.")
        self.part = _Part()
        self.disposition = b""

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self.header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]

    def on_header_end(self) -> None:
        if self.header_name.strip().lower() == b"content-disposition":
            self.disposition = self.header_value
        self.header_name = b""
        self.header_value = b""

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self.disposition)
        if b"name" not in options:
            raise BadRequest("A form part has no name. Send the file in the form field `file`.")
        self.part.field_name = options[b"name"].decode(self.charset, errors="replace")
        if b"filename" in options or self.part.field_name == FILE_FIELD:
            if self.part.field_name != FILE_FIELD:
                raise BadRequest(f"Send the file in the form field `file` (got `{self.part.field_name}`).")
            if self.file_seen:
                raise BadRequest("Send one file per upload; this form had more than one `file` part.")
            self.file_seen = True
            self.part.is_file = True
            raw_name = options.get(b"filename")
            self.filename = raw_name.decode(self.charset, errors="replace") if raw_name is not None else None

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        size = end - start
        if self.part.is_file:
            self.file_bytes += size
            if self.file_bytes > self.max_file_bytes:
                raise too_large(self.settings)
            self.pending += data[start:end]
            return
        if len(self.part.data) + size > MAX_FIELD_BYTES:
            raise BadRequest(
                f"The form field `{self.part.field_name}` is longer than {MAX_FIELD_BYTES} bytes. Shorten it."
            )
        self.part.data += data[start:end]

    def on_part_end(self) -> None:
        if self.part.is_file:
            self.file_done = True
        else:
            self.fields[self.part.field_name] = self.part.data.decode(self.charset, errors="replace")

    def on_end(self) -> None:
        self.finished = True


def _boundary_and_charset(content_type: str) -> tuple[bytes, str]:
    _, params = parse_options_header(content_type)
    boundary = params.get(b"boundary")
    if not boundary:
        raise BadRequest("The multipart upload has no boundary. Let your HTTP client build the form body.")
    charset = params.get(b"charset", b"utf-8").decode("latin-1")
    try:
        charset = codecs.lookup(charset).name
    except LookupError:
        charset = "utf-8"
    return boundary, charset


def _open_temp(directory: Path) -> tuple[Path, IO[bytes]]:
    path = directory / f".upload-{secrets.token_hex(8)}.part"
    return path, path.open("xb")


async def _stream_to_file(
    chunks: AsyncIterator[bytes], parser: MultipartParser, sink: _UploadSink, out: IO[bytes]
) -> None:
    async for chunk in chunks:
        if not chunk:
            continue
        try:
            parser.write(chunk)
        except FormParserError as exc:
            raise BadRequest(
                "The upload is not valid multipart/form-data. Send the file in the form field `file`.",
                detail=str(exc),
            ) from None
        if len(sink.pending) >= WRITE_BUFFER_BYTES:
            await anyio.to_thread.run_sync(out.write, sink.take_pending())
    parser.finalize()
    if sink.pending:
        await anyio.to_thread.run_sync(out.write, sink.take_pending())


def _check_complete(sink: _UploadSink) -> None:
    if not sink.finished:
        raise BadRequest("The upload ended before the form was complete. Send the file again.")
    if not sink.file_seen:
        raise BadRequest("No file was sent. Put the media file in the form field `file`.")
    if sink.file_bytes == 0:
        raise BadRequest("The file is empty (0 bytes). Choose the audio or video file again and upload it.")


async def receive_upload(
    chunks: AsyncIterator[bytes], content_type: str, settings: Settings, storage: Storage, *, project_id: str
) -> ReceivedUpload:
    """Stream a multipart body to ``<upload_dir>/<project_id>/source<.ext>``.

    Args:
        chunks: the raw request body (``request.stream()``).
        content_type: the request's Content-Type with its boundary.
        settings: for the size cap.
        storage: where the project folder goes.
        project_id: a fresh project id; on any refusal its whole folder is removed.

    Returns:
        The upload on disk under ``project_id``.

    Raises:
        PayloadTooLarge: the file passed ``settings.max_upload_bytes`` (checked while streaming).
        BadRequest: malformed form, no file, empty file, or the client went away.
    """
    boundary, charset = _boundary_and_charset(content_type)
    sink = _UploadSink(settings.max_upload_bytes, settings, charset)
    parser = MultipartParser(boundary, sink.callbacks())
    project_dir = storage.project_dir(project_id, create=True)
    temp_path, out = _open_temp(project_dir)
    try:
        try:
            await _stream_to_file(chunks, parser, sink, out)
        finally:
            out.close()
        _check_complete(sink)
        target = storage.source_path(project_id, sink.filename)
        os.replace(temp_path, target)
    except ClientDisconnect:
        shutil.rmtree(project_dir, ignore_errors=True)
        log.info("Upload %s abandoned: the client disconnected after %d bytes", project_id, sink.file_bytes)
        raise BadRequest("The upload was interrupted before it finished. Send the file again.") from None
    except UserError as exc:
        shutil.rmtree(project_dir, ignore_errors=True)
        log.info("Upload %s refused after %d file bytes: %s", project_id, sink.file_bytes, exc)
        raise
    except BaseException:
        # Also on cancellation: nothing of a refused upload may stay on disk.
        shutil.rmtree(project_dir, ignore_errors=True)
        raise
    log.info("Received upload %s: %d bytes", project_id, sink.file_bytes)
    return ReceivedUpload(
        project_id=project_id,
        media_path=storage.relative(target),
        size_bytes=sink.file_bytes,
        original_filename=sanitize_filename(sink.filename),
        name=sink.fields.get(NAME_FIELD),
    )


async def read_url_request(chunks: AsyncIterator[bytes]) -> ProjectUrlCreate:
    """Read and validate the small JSON body ``{"url": ..., "name": ...}``."""
    body = bytearray()
    async for chunk in chunks:
        body += chunk
        if len(body) > MAX_JSON_BYTES:
            raise PayloadTooLarge(f"The JSON body is over {MAX_JSON_BYTES // 1024} KB. Send only url and name.")
    try:
        return ProjectUrlCreate.model_validate_json(bytes(body))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ())) or "body"
        raise ValidationFailed(
            f'The request body is not valid ({where}: {first["msg"]}). Send {{"url": "https://..."}}.'
        ) from None
