"""A small client for a local LLM server: Ollama, or any server with the OpenAI-compatible API.

Two calls are used, both with bounded time:

* the model list: Ollama's ``GET /api/tags``, else the OpenAI-style ``GET /v1/models`` (llama.cpp's
  server, LM Studio, vLLM);
* one JSON answer that follows a JSON schema: ``POST /v1/chat/completions`` with
  ``response_format={"type": "json_schema", ...}``. Ollama (0.5 and later) and llama.cpp's server turn
  the schema into a grammar, so even a tiny model answers with well-formed JSON. The answer is still
  checked against the schema here, since not every server enforces it.

Ollama's own ``format`` field is not sent: its ``/v1`` endpoint reads ``response_format``, and other
servers need not accept unknown fields.

Errors::

    SystemFailure (spaceclip.errors)
    └── LlmUnavailable        the server is down, too slow, answers with an error, or lacks the model
        └── LlmBadAnswer      the server answered, but not with JSON that follows the schema

Every failure is one of these, with a message for the user; :meth:`LlmClient.status` never raises.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from spaceclip.config import Settings
from spaceclip.errors import LlmBadAnswer, LlmUnavailable

__all__ = [
    "LlmClient",
    "LlmStatus",
    "client_from_settings",
    "log_note_once",
    "normalize_host",
    "schema_errors",
]

log = logging.getLogger(__name__)

MAX_RESPONSE_BYTES = 2_000_000
LIST_TIMEOUT_S = 10.0  # listing models is cheap; never wait the full generation timeout for it


@dataclass(frozen=True, slots=True)
class LlmStatus:
    """Whether the configured LLM can be used, and what the server offers."""

    available: bool
    host: str
    model: str
    models: list[str] = field(default_factory=list)
    model_available: bool = False
    message: str = ""


def normalize_host(host: str) -> str:
    """``OLLAMA_HOST`` as a base URL: a scheme added, ``0.0.0.0`` made reachable, ``/`` and ``/v1`` cut.

    Ollama itself accepts ``OLLAMA_HOST=0.0.0.0:11434`` (a listen address), so the same value must work
    here.
    """
    host = host.strip()
    if "://" not in host:
        host = "http://" + host
    try:
        parts = urlsplit(host)
        parts.port  # noqa: B018  (raises on a malformed port)
    except ValueError:
        return host.rstrip("/")  # the request then fails with a clear "check OLLAMA_HOST" message
    netloc = parts.netloc
    if parts.hostname == "0.0.0.0":  # noqa: S104 (a listen address, reached through loopback)
        netloc = netloc.replace("0.0.0.0", "127.0.0.1", 1)  # noqa: S104
    path = parts.path.rstrip("/")
    if path.endswith("/v1"):
        path = path[: -len("/v1")]
    return urlunsplit((parts.scheme, netloc, path, "", ""))


def _model_names(payload: Any) -> list[str] | None:
    """Model names from an Ollama ``/api/tags`` or OpenAI ``/v1/models`` body; None if neither."""
    if not isinstance(payload, dict):
        return None
    names: list[str] = []
    found = False
    for item in payload.get("models") or []:  # Ollama (and llama.cpp's combined answer)
        if isinstance(item, dict):
            found = True
            name = item.get("name") or item.get("model")
            if isinstance(name, str) and name:
                names.append(name)
    for item in payload.get("data") or []:  # OpenAI
        if isinstance(item, dict):
            found = True
            name = item.get("id")
            if isinstance(name, str) and name:
                names.append(name)
    if not found and not isinstance(payload.get("models", payload.get("data")), list):
        return None
    return sorted(set(names))


def _matching_model(model: str, names: Sequence[str]) -> str | None:
    """The server's name for ``model``: Ollama lists ``llama3.2`` as ``llama3.2:latest``."""
    wanted = {model, f"{model}:latest", model.removesuffix(":latest")}
    for name in names:
        if name in wanted:
            return name
    return None


def schema_errors(schema: Mapping[str, Any], value: Any, path: str = "$") -> list[str]:
    """Where ``value`` breaks ``schema`` (the JSON Schema subset used for LLM answers).

    Supported: ``type`` (object, array, string, integer, number, boolean), ``properties``,
    ``required``, ``additionalProperties: false``, ``items``, ``minItems``/``maxItems``,
    ``minLength``/``maxLength``, ``minimum``/``maximum``, ``enum``.
    """
    errors: list[str] = []
    kind = schema.get("type")
    checks: dict[str, tuple[type, ...]] = {
        "object": (dict,),
        "array": (list,),
        "string": (str,),
        "integer": (int,),
        "number": (int, float),
        "boolean": (bool,),
    }
    if isinstance(kind, str) and kind in checks:
        ok = isinstance(value, checks[kind]) and not (kind in ("integer", "number") and isinstance(value, bool))
        if kind == "integer" and isinstance(value, float) and value.is_integer():
            ok = True
        if not ok:
            return [f"{path} should be {kind}, got {type(value).__name__}"]
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{path} should be one of {schema['enum']}")
    if isinstance(value, dict):
        props: Mapping[str, Any] = schema.get("properties", {})
        errors += [f"{path}.{key} is missing" for key in schema.get("required", []) if key not in value]
        if schema.get("additionalProperties") is False:
            errors += [f"{path}.{key} is not allowed" for key in value if key not in props]
        for key, sub in props.items():
            if key in value:
                errors += schema_errors(sub, value[key], f"{path}.{key}")
    if isinstance(value, list):
        if "minItems" in schema and len(value) < schema["minItems"]:
            errors.append(f"{path} has {len(value)} items, fewer than {schema['minItems']}")
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            errors.append(f"{path} has {len(value)} items, more than {schema['maxItems']}")
        if isinstance(schema.get("items"), dict):
            for i, item in enumerate(value):
                errors += schema_errors(schema["items"], item, f"{path}[{i}]")
    if isinstance(value, str):
        if "minLength" in schema and len(value) < schema["minLength"]:
            errors.append(f"{path} is shorter than {schema['minLength']} characters")
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            errors.append(f"{path} is longer than {schema['maxLength']} characters")
    if isinstance(value, int | float) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            errors.append(f"{path} is below {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            errors.append(f"{path} is above {schema['maximum']}")
    return errors


def _json_content(content: str) -> Any:
    """Parse a model's JSON answer; tolerate a Markdown code fence around it."""
    text = content.strip()
    if text.startswith("```"):
        text = text.split("\n", 1)[1] if "\n" in text else ""
        text = text.rsplit("```", 1)[0]
    return json.loads(text)


def _error_text(body: bytes) -> str:
    """The error message inside an OpenAI/Ollama error body, or the start of the body."""
    try:
        payload = json.loads(body)
    except ValueError:
        return body[:200].decode("utf-8", "replace").strip()
    if isinstance(payload, dict):
        err = payload.get("error")
        if isinstance(err, dict) and isinstance(err.get("message"), str):
            return str(err["message"])[:200]
        if isinstance(err, str):
            return err[:200]
    return body[:200].decode("utf-8", "replace").strip()


class LlmClient:
    """Talks to one LLM server about one model, with bounded connect and read times.

    Args:
        host: base URL (``http://127.0.0.1:11434``); a ``/v1`` suffix is accepted.
        model: the model name (``llama3.2``); Ollama's ``:latest`` tag is matched.
        timeout_s: the longest wait for one answer (also bounds slow trickling replies).
        connect_timeout_s: the longest wait for a TCP connection.
    """

    def __init__(self, host: str, model: str, timeout_s: float, *, connect_timeout_s: float = 3.0) -> None:
        self.host = normalize_host(host)
        self.model = model
        self.timeout_s = float(timeout_s)
        self.connect_timeout_s = float(connect_timeout_s)

    def _fetch(self, method: str, path: str, *, body: Any = None, read_timeout: float) -> tuple[int, bytes]:
        """One request; returns (status, body). The whole exchange ends by connect + read timeout."""
        url = self.host + path
        deadline = time.monotonic() + self.connect_timeout_s + read_timeout
        timeout = httpx.Timeout(read_timeout, connect=self.connect_timeout_s)
        try:
            # trust_env=False: a proxy from the environment must not swallow loopback traffic.
            with (
                httpx.Client(timeout=timeout, trust_env=False, follow_redirects=False) as client,
                client.stream(method, url, json=body) as response,
            ):
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > MAX_RESPONSE_BYTES:
                        raise LlmUnavailable(
                            f"The LLM server at {self.host} sent an answer larger than "
                            f"{MAX_RESPONSE_BYTES // 1_000_000} MB. Check that OLLAMA_HOST points to an LLM server."
                        )
                    if time.monotonic() > deadline:
                        raise httpx.ReadTimeout("answer still arriving at the deadline")
                    chunks.append(chunk)
                return response.status_code, b"".join(chunks)
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            raise LlmUnavailable(self._failure_message(exc, read_timeout), detail=str(exc) or None) from exc

    def _failure_message(self, exc: httpx.HTTPError | httpx.InvalidURL, read_timeout: float) -> str:
        """What to tell the user about a request that failed before an answer came back."""
        # ConnectTimeout first: it is also a TimeoutException, and the fix differs.
        if isinstance(exc, httpx.ConnectTimeout):
            return (
                f"No LLM server answered at {self.host} within {self.connect_timeout_s:g} s. Start Ollama "
                "(`ollama serve`) or set OLLAMA_HOST to a running server."
            )
        if isinstance(exc, httpx.TimeoutException):
            return (
                f"The LLM server at {self.host} did not answer within {read_timeout:g} s. Use a smaller "
                "model or raise OLLAMA_TIMEOUT_S."
            )
        if isinstance(exc, httpx.ConnectError):
            return (
                f"No LLM server answers at {self.host}. Start Ollama (`ollama serve`) or set OLLAMA_HOST "
                "to a running server."
            )
        return f"Talking to the LLM server at {self.host} failed ({type(exc).__name__}). Check OLLAMA_HOST."

    def list_models(self) -> list[str]:
        """The server's model names: Ollama's ``/api/tags``, else ``/v1/models``.

        Raises:
            LlmUnavailable: neither endpoint answers with a model list.
        """
        read_timeout = min(self.timeout_s, LIST_TIMEOUT_S)
        for path in ("/api/tags", "/v1/models"):
            status, body = self._fetch("GET", path, read_timeout=read_timeout)
            if status != 200:
                continue
            try:
                names = _model_names(json.loads(body))
            except ValueError:
                names = None
            if names is not None:
                return names
        raise LlmUnavailable(
            f"The server at {self.host} does not list models at /api/tags or /v1/models, so it is not an "
            "Ollama or OpenAI-compatible LLM server. Check OLLAMA_HOST."
        )

    def missing_model_message(self, models: Sequence[str]) -> str:
        """What to tell the user when the configured model is not on the server."""
        have = ", ".join(models[:10]) + (", …" if len(models) > 10 else "") if models else "no models"
        return (
            f"The model '{self.model}' is not on the LLM server at {self.host} (it has: {have}). "
            f"Pull it with `ollama pull {self.model}`, or set OLLAMA_MODEL to one of the models it has."
        )

    def status(self) -> LlmStatus:
        """Whether the server answers and has the model. Never raises."""
        try:
            models = self.list_models()
        except LlmUnavailable as exc:
            return LlmStatus(False, self.host, self.model, [], False, exc.user_message)
        if _matching_model(self.model, models) is None:
            return LlmStatus(False, self.host, self.model, models, False, self.missing_model_message(models))
        message = f"The LLM server at {self.host} is up and has the model '{self.model}'."
        return LlmStatus(True, self.host, self.model, models, True, message)

    def chat_json(
        self, messages: Sequence[Mapping[str, str]], schema: Mapping[str, Any], *, max_tokens: int
    ) -> dict[str, Any]:
        """Ask for one answer that follows ``schema`` (an object schema); returns the parsed, checked object.

        Raises:
            LlmBadAnswer: the answer is not JSON, was cut off, or breaks the schema.
            LlmUnavailable: the server is down, timed out, answered with an HTTP error, or lacks the model.
        """
        body = {
            "model": self.model,
            "messages": [dict(m) for m in messages],
            "max_tokens": int(max_tokens),
            "temperature": 0,
            "seed": 0,
            "stream": False,
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": "answer", "strict": True, "schema": dict(schema)},
            },
        }
        status, raw = self._fetch("POST", "/v1/chat/completions", body=body, read_timeout=self.timeout_s)
        if status >= 400:
            self._raise_http_error(status, raw)
        content, finish = self._content(raw)
        try:
            value = _json_content(content)
        except ValueError as exc:
            if finish == "length":
                raise LlmBadAnswer(
                    f"The model's answer was cut off after {max_tokens} tokens, before its JSON was complete."
                ) from exc
            raise LlmBadAnswer(f"The model's answer is not valid JSON: {content[:80]!r}.") from exc
        problems = schema_errors(schema, value)
        if problems:
            raise LlmBadAnswer(f"The model's answer does not follow the requested form: {problems[0]}.")
        if not isinstance(value, dict):
            raise LlmBadAnswer(f"The model's answer is JSON but not an object: {content[:80]!r}.")
        return value

    def _raise_http_error(self, status: int, raw: bytes) -> None:
        reason = _error_text(raw)
        if status == 404 or "not found" in reason.lower():
            try:
                models = self.list_models()
            except LlmUnavailable:
                models = []
            if _matching_model(self.model, models) is None:
                raise LlmUnavailable(self.missing_model_message(models), detail=reason or None)
        raise LlmUnavailable(
            f"The LLM server at {self.host} answered with HTTP {status}: {reason or 'no message'}. "
            "Check the server's log and OLLAMA_MODEL.",
        )

    def _content(self, raw: bytes) -> tuple[str, str | None]:
        """The assistant message text and finish reason of an OpenAI chat completion body."""
        try:
            payload = json.loads(raw)
            choice = payload["choices"][0]
            content = choice["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            raise LlmBadAnswer(
                f"The server at {self.host} did not answer like an OpenAI-compatible chat completion "
                f"({raw[:60]!r}). Check OLLAMA_HOST."
            ) from exc
        if not isinstance(content, str) or not content.strip():
            raise LlmBadAnswer("The model gave an empty answer.")
        finish = choice.get("finish_reason") if isinstance(choice, dict) else None
        return content, finish if isinstance(finish, str) else None


def client_from_settings(settings: Settings) -> LlmClient:
    """The client for ``OLLAMA_HOST`` / ``OLLAMA_MODEL`` with the configured timeouts."""
    return LlmClient(
        settings.ollama_host,
        settings.ollama_model,
        settings.ollama_timeout_s,
        connect_timeout_s=settings.ollama_connect_timeout_s,
    )


# The notes already logged: a record of what was said, not a loaded model, so it stays here and
# not in services.models_cache.
_logged: set[tuple[str, str, str]] = set()
_logged_lock = threading.Lock()


def log_note_once(host: str, model: str, note: str) -> bool:
    """Log ``note`` as a warning the first time this process sees it for this host and model.

    Later repeats go to debug level, so a dead server does not fill the log once per job. Returns
    whether it was logged as a warning.
    """
    key = (host, model, note)
    with _logged_lock:
        first = key not in _logged
        _logged.add(key)
    if first:
        log.warning("%s (host %s, model %s)", note, host, model)
    else:
        log.debug("%s (host %s, model %s; logged before)", note, host, model)
    return first
