"""The single guarded writer: files out, into a fresh folder, then swapped into place.

Renderers return ``{relative path: bytes}``. :class:`Tree` merges them and
refuses a path twice or a path that leaves the output root. A build happens in
a temporary folder beside the site folder (:class:`Staging`); only when every
step succeeded is the finished folder swapped with the old site in one
rename, so a failed build leaves the previous site byte for byte as it was and
no temporary folder behind.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Iterable, Mapping

from .core.problems import Problem


class WriteRefused(Exception):
    """The writer refused an output: a bug in a renderer, or an unsafe site folder."""


_UNSAFE = re.compile(r"[\x00-\x1f\\:*?\"<>|]")


def safe_relative(path: str) -> str:
    """``path`` if it is a plain relative path inside the root; raises otherwise."""
    parts = path.split("/")
    if (
        not path
        or path.startswith("/")
        or _UNSAFE.search(path)
        or any(p in ("", ".", "..") for p in parts)
    ):
        raise WriteRefused(f"refusing to write {path!r}: not a plain path inside the output folder")
    return path


class Tree:
    """Files for one output root, merged from several renderers."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.origin: dict[str, str] = {}
        # Case-insensitive file systems (macOS, Windows) would merge A.html and a.html.
        self._folded: dict[str, str] = {}

    def add(self, path: str, content: bytes | str, origin: str) -> None:
        path = safe_relative(path)
        folded = path.casefold()
        if folded in self._folded:
            other = self._folded[folded]
            raise WriteRefused(f"{path!r} is written twice: by {self.origin[other]} and by {origin}")
        self.files[path] = content.encode() if isinstance(content, str) else content
        self.origin[path] = origin
        self._folded[folded] = path

    def update(self, files: Mapping[str, bytes | str], origin: str) -> None:
        for path in sorted(files):
            self.add(path, files[path], origin)

    def write(self, root: Path) -> None:
        """Write every file under ``root``, which must not exist yet or be empty."""
        root.mkdir(parents=True, exist_ok=True)
        if any(root.iterdir()):
            raise WriteRefused(f"refusing to write into {root}: it is not empty")
        made: set[Path] = set()
        for path in sorted(self.files):
            target = root / path
            parent = target.parent
            if parent not in made:
                parent.mkdir(parents=True, exist_ok=True)
                made.add(parent)
            target.write_bytes(self.files[path])


def replace_files(root: Path, files: Mapping[str, bytes]) -> None:
    """Write ``files`` into an existing tree, replacing what is there.

    The old file is unlinked first: in an incremental build it may be a hard
    link into the published site, which must not change.
    """
    for path in sorted(files):
        target = root / safe_relative(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.unlink(missing_ok=True)
        target.write_bytes(files[path])


def link_tree(source: Path, target: Path, skip: set[str] = frozenset(), skip_folders: set[str] = frozenset()) -> None:
    """Hard-link every file under ``source`` to the same path under ``target``, except the site paths in ``skip``.

    A linked file keeps its bytes and its mtime and takes no space: how a
    partial build keeps what it does not make again. Where the file system has
    no hard links, files are copied with their mtime. ``skip_folders`` (``es/``) are left out whole.
    """
    for dirpath, dirnames, filenames in os.walk(source):
        if skip_folders and Path(dirpath) == source:
            dirnames[:] = [d for d in dirnames if d + "/" not in skip_folders]
        for name in filenames:
            path = Path(dirpath) / name
            rel = path.relative_to(source).as_posix()
            if rel in skip:
                continue
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(path, target / rel)
            except OSError:
                shutil.copy2(path, target / rel)


def move_files(files: Mapping[str, Path], target: Path) -> None:
    """Move each file, given as ``{site path: folder holding it}``, to the same path under ``target``."""
    made: set[str] = set()
    for rel, folder in files.items():
        parent = safe_relative(rel).rpartition("/")[0]
        if parent and parent not in made:
            os.makedirs(os.path.join(target, parent), exist_ok=True)
            made.add(parent)
        os.replace(os.path.join(folder, rel), os.path.join(target, rel))


# ---------------------------------------------------------------- the site folder


def site_dir_problems(site_dir: Path, project_root: Path) -> list[Problem]:
    """Reasons not to replace ``site_dir``: it holds sources, a repository, or someone else's files."""
    site = site_dir.resolve()
    root = project_root.resolve()
    where = str(site_dir)

    def bad(message: str) -> list[Problem]:
        return [Problem(where, 1, "site_dir", message)]

    if site == root or root.is_relative_to(site):
        return bad("is the project folder or contains it: choose a folder such as site/")
    for source in ("content", "campaigns", "theme", "generator"):
        if site.is_relative_to(root / source):
            return bad(f"is inside {source}/: choose a folder such as site/")
    if site.exists() and not site.is_dir():
        return bad("exists and is not a folder")
    if site.is_dir():
        names = {p.name for p in site.iterdir()}
        for danger in (".git", "content", "mkdocs.yml", "pyproject.toml"):
            if danger in names:
                return bad(f"contains {danger}: it does not look like a built site, and would be replaced")
        if names and not {"index.html", "sitemap.xml"} <= names:
            return bad("exists and does not look like a site built by accompany (no index.html and sitemap.xml): "
                       "empty it or choose another folder")
    return []


class Staging:
    """A temporary folder beside the site folder, removed with everything in it whatever happens.

    The build writes there the engine's projects (their runs write their
    outputs beside them) and the new site, in ``output``; once
    :meth:`swap_in` has put the new site in place, the old one is in there
    too, and goes with the rest.
    """

    def __init__(self, site_dir: Path):
        self.site_dir = site_dir
        site_dir.parent.mkdir(parents=True, exist_ok=True)
        self.root = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}-build-", dir=site_dir.parent))
        self.output = self.root / "site"

    def __enter__(self) -> "Staging":
        return self

    def __exit__(self, *exc) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def swap_in(self) -> None:
        """Put the built site in place of the old one, atomically where the system allows."""
        swap(self.output, self.site_dir, self.root / "old-site")


_RENAME_EXCHANGE = 2


def _renameat2():
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return None
    libc = ctypes.CDLL(libc_name, use_errno=True)
    return getattr(libc, "renameat2", None)


def swap(new: Path, target: Path, aside: Path) -> None:
    """Make ``new`` the folder at ``target``; the old ``target`` (if any) ends up at ``new`` or ``aside``.

    On Linux the two folders are exchanged in one atomic rename (renameat2
    RENAME_EXCHANGE): a reader sees the old site or the new one, never none.
    Elsewhere the old folder is renamed to ``aside`` first, leaving a moment without.
    """
    if not target.exists():
        os.rename(new, target)
        return
    renameat2 = _renameat2()
    if renameat2 is not None:
        AT_FDCWD = -100
        if renameat2(AT_FDCWD, os.fsencode(new), AT_FDCWD, os.fsencode(target), _RENAME_EXCHANGE) == 0:
            return
    os.rename(target, aside)
    os.rename(new, target)


def read_tree(root: Path, skip: Iterable[str] = ()) -> dict[str, bytes]:
    """Every regular file under ``root`` as ``{relative path: bytes}``, skipping hidden files."""
    skip = tuple(skip)
    out: dict[str, bytes] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = Path(dirpath) / name
            rel = path.relative_to(root).as_posix()
            if rel.startswith(skip) or not path.is_file():
                continue
            out[rel] = path.read_bytes()
    return out
