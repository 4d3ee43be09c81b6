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
import subprocess
import sys
import tempfile
import threading
from functools import partial
from pathlib import Path
from typing import Callable, Iterable, Mapping

from .core.problems import Problem
from .outputs.files import Files, file_digest  # noqa: F401 - the writer's own, where renderers name them


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
        self.files = Files()
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

    def keep(self, path: str, digest: str, make: Callable[[], bytes], origin: str) -> None:
        """A file as the last build made it (its digest), made again only if asked for (see :class:`Files`)."""
        path = safe_relative(path)
        folded = path.casefold()
        if folded in self._folded:
            other = self._folded[folded]
            raise WriteRefused(f"{path!r} is written twice: by {self.origin[other]} and by {origin}")
        self.files.keep(path, digest, make)
        self.origin[path] = origin
        self._folded[folded] = path

    def update(self, files: Mapping[str, bytes | str], origin: str) -> None:
        kept = files.kept if isinstance(files, Files) else {}
        for path in sorted(files):
            if path in kept and path not in files.made:
                self.keep(path, kept[path], partial(files.__getitem__, path), origin)
            else:
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


def version_of(path: Path) -> tuple[int, int, int, int]:
    """What tells the file at ``path`` as this process wrote or read it from another version, without reading it:
    its device, inode, size and modification time. Not its change time (read.stat_key's), which a hard link to
    it changes: a site's files are linked into the next build's. Raises OSError where there is none."""
    stat = os.stat(path)
    return stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns


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


def link_tree(source: Path, target: Path, skip: set[str] = frozenset(), skip_folders: set[str] = frozenset(),
              stop=None, stats: dict | None = None) -> None:
    """Hard-link every file under ``source`` to the same path under ``target``, except the site paths in ``skip``.

    A linked file keeps its bytes and its mtime and takes no space: how a
    partial build keeps what it does not make again. Where the file system has
    no hard links, files are copied with their mtime. ``skip_folders`` (``es/``) are left out whole.
    ``stop`` (a :class:`threading.Event`) ends it early when set. ``stats`` gets each file's size and
    mtime (None for a file skipped), by path under ``source``: what the build's manifest says of it.
    """
    source, target = os.fspath(source), os.fspath(target)
    made: set[str] = set()

    def walk(folder: str, prefix: str) -> None:
        with os.scandir(folder) as entries:
            entries = sorted(entries, key=lambda e: e.name)
        for entry in entries:
            if stop is not None and stop.is_set():
                return
            rel = prefix + entry.name
            if entry.is_dir():
                if entry.is_symlink() or (not prefix and rel + "/" in skip_folders):
                    continue  # a link to a folder is not followed (as os.walk does not)
                walk(entry.path, rel + "/")
                continue
            if rel in skip:
                if stats is not None:
                    stats[rel] = None
            else:
                if stats is not None:
                    stat = entry.stat()
                    stats[rel] = (stat.st_size, stat.st_mtime_ns)
                if prefix not in made:  # a folder is made for a file linked into it, not for nothing
                    os.makedirs(os.path.join(target, prefix), exist_ok=True)
                    made.add(prefix)
                try:
                    os.link(entry.path, os.path.join(target, rel), follow_symlinks=False)
                except OSError:
                    shutil.copy2(entry.path, os.path.join(target, rel))

    walk(source, "")


#: :func:`link_tree` without skipped paths, as a program of its own (the standard library only): what
#: :func:`start_linking` runs. The target may hold a tree already (the spare: :meth:`Staging.take_spare`):
#: a file there that is the source's own (the same inode, a hard link of it) stays, anything else is replaced
#: or removed, so the target ends as the source whatever it held; only what differs costs a system call.
#: Each file's size, mtime and path on stdout, NUL-separated, once all are linked.
_LINKER = r"""
import os, shutil, sys
source, target, skip_folders = sys.argv[1], sys.argv[2], set(sys.argv[3:])
out = []
device = os.stat(source).st_dev
same_device = os.path.isdir(target) and os.stat(target).st_dev == device
def listing(folder):
    try:
        with os.scandir(folder) as entries:
            return {entry.name: entry for entry in entries}
    except (FileNotFoundError, NotADirectoryError):
        return {}
def drop(entry):
    if entry.is_dir(follow_symlinks=False):
        shutil.rmtree(entry.path)
    else:
        os.unlink(entry.path)
def walk(folder, there, prefix):
    mine, theirs = listing(folder), listing(there) if same_device else {}
    for name, entry in theirs.items():
        if name not in mine and not (not prefix and name + "/" in skip_folders):
            drop(entry)
    made = bool(theirs)
    for name in sorted(mine):
        entry, old, rel = mine[name], theirs.get(name), prefix + name
        if entry.is_dir():
            if not prefix and rel + "/" in skip_folders:
                continue
            if old is not None and (entry.is_symlink() or not old.is_dir(follow_symlinks=False)):
                drop(old)
            if not entry.is_symlink():  # a link to a folder is not followed (as os.walk does not)
                walk(entry.path, os.path.join(there, name), rel + "/")
            continue
        stat = entry.stat()
        out.append(b"%d %d " % (stat.st_size, stat.st_mtime_ns) + os.fsencode(rel))
        if old is not None:
            if old.inode() == entry.inode() and stat.st_dev == device and not old.is_dir(follow_symlinks=False):
                continue  # the source's own file: a hard link of it
            drop(old)
        if not made:
            os.makedirs(there, exist_ok=True)
            made = True
        try:
            os.link(entry.path, os.path.join(there, name), follow_symlinks=False)
        except OSError:
            shutil.copy2(entry.path, os.path.join(there, name))
walk(source, target, "")
sys.stdout.buffer.write(b"\0".join(out))
"""


def start_linking(source: Path, target: Path, skip_folders: Iterable[str] = ()) -> subprocess.Popen:
    """:func:`link_tree` in a process of its own: a file at a time, the system's work, which in a thread
    would wait for the interpreter after every call while the build holds it. :func:`linked` reads its answer."""
    return subprocess.Popen([sys.executable, "-I", "-S", "-c", _LINKER, os.fspath(source), os.fspath(target),
                             *sorted(skip_folders)], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)


def linked(process: subprocess.Popen) -> dict[str, tuple[int, int]]:
    """What :func:`start_linking` linked, once it is done: each file's size and mtime, as :func:`link_tree`'s ``stats``."""
    out, err = process.communicate()
    if process.returncode != 0:
        raise OSError(f"linking the old site failed: {err.decode(errors='replace').strip()}")
    stats: dict[str, tuple[int, int]] = {}
    for record in out.split(b"\0") if out else ():
        size, mtime, rel = record.split(b" ", 2)
        stats[os.fsdecode(rel)] = (int(size), int(mtime))
    return stats


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

    With ``background``, a build that succeeded removes it in another process
    (waited for by a thread) while it records what it published (the alerts' snapshot, the cache),
    and :meth:`wait` waits for it: nothing is left behind a build that
    returned. (A removal the build does not wait for was tried: for seconds
    after the build, the last site, withdrawn pages included, sat beside the
    new one, in the project folder when the site is there, where a copy of
    the project found it vanishing under it.)

    ``spare``: where the old site is kept for the next build instead of
    removed (:meth:`take_spare`), once everything in it that is not the new
    site's own file at the same path (a hard link of it) is gone
    (:func:`scrub`): what is withdrawn leaves it as it leaves the site. The
    next build starts from it and links only what differs: neither copying
    nor removing the site costs a system call per file.
    """

    #: The removal each site folder's last staging left running (a build that did not wait for it), and whether it
    #: leaves a spare: then the next staging of the same site waits for it before it starts, for it takes that spare.
    #: One that only removes its folder (after a full build: nothing of the old site is the new one's) is not waited
    #: for (at N = 5,000, seconds of removing the engine's runs and the old site, which the preview's next edit waited for).
    _removing: dict[str, tuple[threading.Thread, bool]] = {}

    def __init__(self, site_dir: Path, background: bool = False, spare: Path | None = None):
        """``background``: after a build that succeeded, remove the folder in a thread (:meth:`wait` joins it)."""
        last, spare_left = Staging._removing.get(os.fspath(site_dir.absolute()), (None, False))
        if last is not None and spare_left:
            last.join()
        self.site_dir = site_dir
        self.background = background
        self.spare = spare
        site_dir.parent.mkdir(parents=True, exist_ok=True)
        self.root = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}-build-", dir=site_dir.parent))
        self.output = self.root / "site"
        self.swapped = False
        self.keep = False
        self.removal: threading.Thread | None = None
        self._borrowed: list[tuple[Path, Path]] = []

    def __enter__(self) -> "Staging":
        return self

    def __exit__(self, exc_type, *exc) -> None:
        if exc_type is None:
            for there, folder in self._borrowed:
                _move_back(there, folder)
        old = self.output if exc_type is None and self.keep else None
        if exc_type is None and self.background and self.swapped:
            self.removal = threading.Thread(target=_retire_apart, args=(self.root, old, self.site_dir, self.spare))
            self.removal.start()
            Staging._removing[os.fspath(self.site_dir.absolute())] = (self.removal, old is not None)
        else:
            _retire(self.root, old, self.site_dir, self.spare)

    def take_spare(self, use: bool) -> bool:
        """Start the new site (``output``) from the spare the last build kept, if ``use`` and there is one:
        it must then be made the site's copy (the linker does: it keeps what is the site's own file). A spare
        not used is removed with the staging folder. Whether ``output`` is the spare."""
        if self.spare is None:
            return False
        try:
            os.rename(self.spare, self.output if use else self.root / "spare")
        except FileNotFoundError:  # none: the site is linked whole
            return False
        except OSError:  # on another file system than this site's: never left to hold what a site withdrew since
            shutil.rmtree(self.spare, ignore_errors=True)
            return False
        return use

    def borrow(self, folder: Path, name: str) -> Path:
        """``folder`` (what a build keeps for the next, such as the engine's compiled templates) moved into the
        staging folder as ``name`` (made empty where there is none), and moved back once the build succeeded:
        a failed build leaves nothing of its own outside the staging folder. Its place while the build runs."""
        there = self.root / name
        try:
            os.rename(folder, there)
        except OSError:
            there.mkdir()
        self._borrowed.append((there, folder))
        return there

    def keep_spare(self) -> None:
        """Keep ``output`` (after :meth:`swap_in`, the old site) as the next build's spare, scrubbed."""
        self.keep = True

    def wait(self) -> None:
        """Wait until the staging folder is gone (the old site with it, or kept as the spare). A build that
        does not wait (the preview's: its next edit is the sooner shown) leaves it to the next staging of the site."""
        if self.removal is not None:
            self.removal.join()
            if Staging._removing.get(os.fspath(self.site_dir.absolute()), (None,))[0] is self.removal:
                del Staging._removing[os.fspath(self.site_dir.absolute())]

    def swap_in(self) -> None:
        """Put the built site in place of the old one, atomically where the system allows."""
        swap(self.output, self.site_dir, self.root / "old-site")
        self.swapped = True


def _move_back(there: Path, folder: Path) -> None:
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        os.rename(there, folder)
    except OSError:
        pass  # another build put one there meanwhile: this one goes with the staging folder


def _retire(folder: Path, old: Path | None, site: Path, spare: Path | None) -> None:
    """Remove ``folder``; ``old`` in it is first made the spare, scrubbed against ``site``, if it can be."""
    if old is not None and spare is not None:
        try:
            scrub(old, site)
            spare.parent.mkdir(parents=True, exist_ok=True)
            os.rename(old, spare)
        except OSError:
            pass  # removed with the rest
    shutil.rmtree(folder, ignore_errors=True)


#: :func:`_retire` as a program of its own, run isolated (``-I -S``: no site-packages): this module's imports must stay
#: in the standard library and accompany's own light modules, or it fails and the thread does the work
#: (tests/test_build.py's test of _retire_apart fails then). See _retire_apart.
_RETIRER = """
import sys
sys.path.insert(0, sys.argv[1])
from generator.write import _retire
_retire(*[None if arg == "" else __import__("pathlib").Path(arg) for arg in sys.argv[2:]])
"""


def _retire_apart(folder: Path, old: Path | None, site: Path, spare: Path | None) -> None:
    """:func:`_retire` in a process of its own: walking the old site and removing files is a system call
    at a time, which in a thread would wait for the interpreter after each while the build records what it
    published; done here, in this thread, if that process fails."""
    package_root = os.fspath(Path(__file__).resolve().parents[1])
    args = [os.fspath(path) if path is not None else "" for path in (folder, old, site, spare)]
    try:
        done = subprocess.run([sys.executable, "-I", "-S", "-c", _RETIRER, package_root, *args],
                              stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except OSError:
        done = None
    if done is None or done.returncode != 0 or folder.exists():
        _retire(folder, old, site, spare)


def scrub(old: Path, site: Path) -> None:
    """Leave in ``old`` only the files that are ``site``'s own at the same path (hard links of them, the same
    inode), and only the folders ``site`` has: nothing that is not published there, not even a folder's name."""
    if os.stat(old).st_dev != os.stat(site).st_dev:
        raise OSError(f"{old} and {site} are on different file systems")

    def walk(there: str, here: str) -> None:
        try:
            with os.scandir(here) as entries:
                theirs = {entry.name: entry for entry in entries}
        except (FileNotFoundError, NotADirectoryError):
            theirs = {}
        with os.scandir(there) as entries:
            for entry in entries:
                other = theirs.get(entry.name)
                if entry.is_dir(follow_symlinks=False):
                    if other is not None and other.is_dir(follow_symlinks=False):
                        walk(entry.path, other.path)
                    else:
                        shutil.rmtree(entry.path)
                elif other is None or other.is_dir(follow_symlinks=False) or other.inode() != entry.inode():
                    os.unlink(entry.path)

    walk(os.fspath(old), os.fspath(site))


def set_aside(folders: Iterable[Path], aside: Path) -> None:
    """Move each of ``folders`` that exists (one may hold the next: a language's site in the default's)
    into ``aside`` as ``aside/<its index>``: out of the way, to be removed with ``aside``."""
    for i, folder in enumerate(folders):
        if folder.exists():
            aside.mkdir(parents=True, exist_ok=True)
            os.rename(folder, aside / str(i))


def remove_files(root: Path, paths: Iterable[str]) -> None:
    """Remove the files at ``paths`` under ``root`` (if there), and the folders they leave empty."""
    for path in sorted(paths):
        target = root / safe_relative(path)
        try:
            target.unlink()
        except FileNotFoundError:
            continue
        folder = target.parent
        while folder != root and folder.is_relative_to(root):
            try:
                folder.rmdir()
            except OSError:  # not empty
                break
            folder = folder.parent


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
