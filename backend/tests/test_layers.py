"""The layer rule: imports point one way, entry points → use cases → pipeline → base.

Every module of the package is parsed (not imported), and every import in it is checked, including
those inside functions and under ``TYPE_CHECKING``: a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import spaceclip

#: Layers from the top; a module may import its own layer and the layers below it.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("entry points", ("spaceclip.api", "spaceclip.cli", "spaceclip.tasks", "spaceclip.main", "spaceclip.doctor")),
    ("use cases", ("spaceclip.usecases", "spaceclip.auth")),
    ("pipeline", ("spaceclip.services",)),
    (
        "base",
        (
            "spaceclip.models",
            "spaceclip.errors",
            "spaceclip.config",
            "spaceclip.db",
            "spaceclip.migrate",
            "spaceclip.migrations",
            "spaceclip",
        ),
    ),
)

#: The pipeline is pure of the database: not even the base's database modules.
PIPELINE_FORBIDDEN = ("sqlalchemy", "alembic", "spaceclip.db", "spaceclip.models.tables", "spaceclip.migrate")

#: A job (``tasks/<kind>.py``) reads and writes the database through use cases, like a route does;
#: only the job machinery (the runner, the worker, the queue, the registry) touches its Job rows.
JOB_MACHINERY = (
    "spaceclip.tasks.runner",
    "spaceclip.tasks.worker",
    "spaceclip.tasks.queue",
    "spaceclip.tasks.registry",
)
JOB_FORBIDDEN = ("sqlalchemy", "spaceclip.models.tables")


def _is_job(module: str) -> bool:
    return _matches(module, "spaceclip.tasks") and module != "spaceclip.tasks" and module not in JOB_MACHINERY


def _matches(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def layer_of(module: str) -> int | None:
    """Index of ``module``'s layer in :data:`LAYERS` (0 is the top), None outside the package."""
    best: tuple[int, int] | None = None  # (prefix length, layer) so the longest prefix wins
    for index, (_name, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if _matches(module, prefix) and (best is None or len(prefix) > best[0]):
                best = (len(prefix), index)
    return None if best is None else best[1]


def _module_name(path: Path, root: Path, package: str) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join([package, *parts])


def _imports(tree: ast.AST, module: str, is_package: bool) -> Iterator[tuple[int, list[str]]]:
    """Each import statement's line and the modules it may depend on."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, [alias.name]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                base = base if is_package else base[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            # `from pkg import mod` depends on pkg.mod when mod is a module: check both.
            yield node.lineno, [target, *(f"{target}.{alias.name}" for alias in node.names)]


def violations(root: Path, package: str = "spaceclip") -> list[str]:
    """Every import under ``root`` (the package folder) that breaks the layer rule, as readable lines."""
    found: list[str] = []
    for path in sorted(root.rglob("*.py")):
        module = _module_name(path, root, package)
        own = layer_of(module)
        if own is None or _matches(module, f"{package}.migrations"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for line, targets in _imports(tree, module, path.name == "__init__.py"):
            problem = next((p for p in (_problem(own, t, module) for t in targets) if p is not None), None)
            if problem is not None:
                found.append(f"{module}:{line} imports {problem}")
    return found


def _problem(own: int, target: str, module: str) -> str | None:
    if LAYERS[own][0] == "pipeline" and any(_matches(target, bad) for bad in PIPELINE_FORBIDDEN):
        return f"{target}: the pipeline (services/) must not touch the database"
    if _is_job(module) and any(_matches(target, bad) for bad in JOB_FORBIDDEN):
        return f"{target}: a job reads and writes the database through use cases (usecases/)"
    other = layer_of(target)
    if other is not None and other < own:
        return f"{target}: {LAYERS[own][0]} may not import {LAYERS[other][0]}"
    return None


#: Session methods that read or write rows; a route calls a use case instead.
QUERY_METHODS = frozenset(
    {"query", "execute", "scalar", "scalars", "get", "add", "add_all", "delete", "merge", "flush", "commit"}
)


def route_queries(root: Path, package: str = "spaceclip") -> list[str]:
    """Calls like ``db.query(...)`` / ``db.commit()`` in ``api/``: routes reach the database only through
    use cases (``usecases/``, ``auth/``), which own the queries and the transaction."""
    found: list[str] = []
    for path in sorted((root / "api").rglob("*.py")):
        module = _module_name(path, root, package)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id in {"db", "session"}
                and node.func.attr in QUERY_METHODS
            ):
                found.append(f"{module}:{node.lineno} calls {node.func.value.id}.{node.func.attr}()")
    return found


def test_routes_reach_the_database_only_through_use_cases() -> None:
    assert route_queries(Path(spaceclip.__file__).parent) == []


def test_the_route_check_finds_a_query(tmp_path: Path) -> None:
    root = _package(tmp_path, {"api/transcript.py": "def f(db):\n    return db.query(1).first()\n"})
    assert route_queries(root) == ["spaceclip.api.transcript:2 calls db.query()"]


def test_the_package_follows_the_layer_rule() -> None:
    root = Path(spaceclip.__file__).parent
    assert violations(root) == []


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "spaceclip"
    for rel, text in {"__init__.py": "", **files}.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        for parent in path.relative_to(root).parents:
            (root / parent / "__init__.py").touch()
        path.write_text(text, encoding="utf-8")
    return root


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        # Allowed: downward and sideways.
        ({"api/routes.py": "from spaceclip.usecases import clips\nfrom spaceclip.errors import NotFound\n"}, []),
        ({"usecases/clips.py": "from spaceclip.services.render import captions\n"}, []),
        ({"services/render/a.py": "from . import b\nfrom ..media.probe import MediaInfo\n"}, []),
        ({"services/media/probe.py": "import json\nfrom spaceclip.config import Settings\n"}, []),
        # Upward, absolute, relative and lazy inside a function.
        (
            {"services/render/render.py": "from spaceclip.usecases.exports import get_export\n"},
            ["spaceclip.services.render.render:1 imports spaceclip.usecases.exports"],
        ),
        (
            {"usecases/jobs.py": "def f():\n    from spaceclip.tasks.registry import end_hook\n"},
            ["spaceclip.usecases.jobs:2 imports spaceclip.tasks.registry"],
        ),
        (
            {"models/schemas.py": "from ..auth import users\n"},
            ["spaceclip.models.schemas:1 imports spaceclip.auth"],
        ),
        (
            {"auth/deps.py": "from spaceclip.api.deps import DbSession\n"},
            ["spaceclip.auth.deps:1 imports spaceclip.api.deps"],
        ),
        # The pipeline never touches the database.
        (
            {"services/clips.py": "from sqlalchemy.orm import Session\n"},
            ["spaceclip.services.clips:1 imports sqlalchemy.orm"],
        ),
        (
            {"services/clips.py": "from spaceclip.models.tables import Clip\n"},
            ["spaceclip.services.clips:1 imports spaceclip.models.tables"],
        ),
        # A job goes through use cases; the runner may keep its Job rows.
        (
            {"tasks/render.py": "from spaceclip.models.tables import Export\n"},
            ["spaceclip.tasks.render:1 imports spaceclip.models.tables"],
        ),
        ({"tasks/runner.py": "from spaceclip.models.tables import Job\n"}, []),
    ],
)
def test_the_checker_finds_upward_imports(tmp_path: Path, files: dict[str, str], expected: list[str]) -> None:
    found = violations(_package(tmp_path, files))
    assert [line.split(": ", 1)[0] for line in found] == expected
