"""Which code runs a job of each kind.

By convention a job of kind ``"<kind>"`` is run by the module ``spaceclip.tasks.<kind>``, which
defines ``TASK = TaskSpec(run=...)``. Adding a kind means adding one module; nothing
else needs editing. Kinds are written by the server, but they are still checked against a strict
pattern before anything is imported.
"""

from __future__ import annotations

import importlib
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spaceclip.tasks.runner import JobContext

__all__ = ["TaskSpec", "UnknownJobKind", "get_task", "register"]

_KIND_RE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
_REGISTRY: dict[str, TaskSpec] = {}
_LOCK = threading.Lock()


class UnknownJobKind(LookupError):
    """No task module handles this kind (a bug or a version mismatch between API and worker)."""


@dataclass(frozen=True)
class TaskSpec:
    """A job kind's code.

    Attributes:
        run: does the work; returns the job's ``result`` (a JSON-ready dict) or None. It may call
            ``ctx.finishing(...)`` to commit its final writes together with the job's success.

    What a failed or cancelled job leaves on its project or export is not the task's business but
    the use cases' (:mod:`spaceclip.usecases.job_ends`): the owner's cancel and the stale-job
    maintenance end jobs too, without running any task code.
    """

    run: Callable[[JobContext], dict[str, Any] | None]


def register(kind: str, spec: TaskSpec) -> None:
    """Register ``spec`` for ``kind`` explicitly (tests, plug-ins); overrides the module convention."""
    if not _KIND_RE.fullmatch(kind):
        raise ValueError(f"bad job kind {kind!r}")
    with _LOCK:
        _REGISTRY[kind] = spec


def get_task(kind: str) -> TaskSpec:
    """The :class:`TaskSpec` for ``kind``; raises :class:`UnknownJobKind`."""
    with _LOCK:
        spec = _REGISTRY.get(kind)
    if spec is not None:
        return spec
    if not _KIND_RE.fullmatch(kind):
        raise UnknownJobKind(f"job kind {kind!r} is not valid")
    try:
        module = importlib.import_module(f"spaceclip.tasks.{kind}")
    except ModuleNotFoundError as exc:
        if exc.name != f"spaceclip.tasks.{kind}":
            raise
        raise UnknownJobKind(f"no task module spaceclip.tasks.{kind}") from exc
    spec = getattr(module, "TASK", None)
    if not isinstance(spec, TaskSpec):
        raise UnknownJobKind(f"spaceclip.tasks.{kind} defines no TASK = TaskSpec(...)")
    with _LOCK:
        _REGISTRY.setdefault(kind, spec)
    return spec
