"""Files in: walk content/ and campaigns/, split front matter, load YAML with line marks.

YAML is loaded node by node with our own rules instead of PyYAML's YAML 1.1
ones: ``NO`` stays the text "NO" (Norway), only ``true`` and ``false`` are
booleans, and the values YAML 1.1 would silently turn into numbers (``19:30``,
``01234``) are reported with advice to quote them. Tags (``!!python/object``),
anchors and aliases (the "billion laughs"), and duplicate keys are refused.
"""

from __future__ import annotations

import gc
import hashlib
import marshal
import os
import re
import stat
import sys
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .core.problems import Problem, format_key
from .core.per_file import Remembered
from .core.kinds import KINDS
from .core.source import MEDIA_DIR, Project, Source
from .version import code_digest

#: Largest Markdown file accepted; a larger one is almost certainly a mistake.
MAX_FILE_BYTES = 1_000_000
#: Largest image accepted.
MAX_MEDIA_BYTES = 20_000_000

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


_STR, _SEQ, _MAP = (f"tag:yaml.org,2002:{t}" for t in ("str", "seq", "map"))
_DEFAULT_TAGS = {yaml.ScalarNode: _STR, yaml.SequenceNode: _SEQ, yaml.MappingNode: _MAP}


class _Composer(_Loader):  # type: ignore[misc, valid-type]
    """Composes nodes only; every plain scalar stays text until we resolve it."""

    yaml_implicit_resolvers: dict = {}
    yaml_path_resolvers: dict = {}

    # With no resolvers, PyYAML's resolver gives every untagged node its kind's default tag; these say
    # the same without its lookups, which it makes for every node (a fifth of the time YAML takes).
    def resolve(self, kind: type, value: Any, implicit: Any) -> str:
        return _DEFAULT_TAGS[kind]

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        pass

    def ascend_resolver(self) -> None:
        pass

_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)\Z")
_FLOAT = re.compile(r"[-+]?(\d+\.\d*|\.\d+)([eE][-+]?\d+)?\Z")
_LEADING_ZERO = re.compile(r"[-+]?0[0-9_]+\Z")
_SEXAGESIMAL = re.compile(r"[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?\Z")
_NULL = {"", "~", "null", "Null", "NULL"}
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}


@dataclass
class _Build:
    path: str
    offset: int
    lines: dict = field(default_factory=dict)
    text_lines: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)
    seen: set = field(default_factory=set)
    alias_reported: bool = False
    depth_reported: bool = False

    def problem(self, loc: tuple, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, format_key(loc), message))

    def line(self, node: yaml.Node) -> int:
        return node.start_mark.line + self.offset


def _sexagesimal(text: str) -> int | float:
    sign = -1 if text.startswith("-") else 1
    value: float = 0
    for part in text.lstrip("+-").replace("_", "").split(":"):
        value = value * 60 + float(part)
    value *= sign
    return int(value) if value == int(value) else value


def _scalar(node: yaml.ScalarNode, loc: tuple, b: _Build) -> Any:
    text = node.value
    if node.style:  # quoted or block: always text (plain is None, or "" from libyaml)
        return text
    if text in _NULL:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if not (text[0] in "+-." or text[0].isdecimal()):
        return text  # every pattern below starts with a sign, a point or a digit (\d: a decimal, as isdecimal)
    if _INT.match(text):
        return int(text)
    if _FLOAT.match(text):
        return float(text)
    if _SEXAGESIMAL.match(text):
        b.problem(loc, b.line(node), (
            f"{text} is read by YAML 1.1 as the number {_sexagesimal(text)} (base 60): put it in quotes, "
            f"'{text}', and write a date and time as 2026-12-18T{text if len(text) == 5 else '19:30'}"
        ))
        return text
    if _LEADING_ZERO.match(text):
        digits = text.lstrip("+-").replace("_", "")
        as_number = f"the octal number {int(digits, 8)}" if set(digits) <= set("01234567") else "a number"
        b.problem(loc, b.line(node), f"{text} is read by YAML 1.1 as {as_number}: put it in quotes, '{text}'")
        return text
    return text


#: Deepest nesting accepted: front matter needs three or four levels; the YAML parser allows a thousand,
#: more than Python's stack would take to build.
MAX_DEPTH = 32


def _construct(node: yaml.Node, loc: tuple, b: _Build) -> Any:
    if len(loc) > MAX_DEPTH:
        if not b.depth_reported:
            b.problem(loc[:1], b.line(node), f"nested more than {MAX_DEPTH} levels deep: front matter needs a few")
            b.depth_reported = True
        return None
    if id(node) in b.seen:
        # An alias is the anchored node itself: report it at the key that uses
        # it, once per file (a "billion laughs" file has thousands).
        if not b.alias_reported:
            b.problem(loc, b.lines.get(loc, b.line(node)), "anchors and aliases (& and *) are not supported: write the value out")
            b.alias_reported = True
        return None
    b.seen.add(id(node))
    if node.tag not in (_STR, _SEQ, _MAP):
        b.problem(loc, b.line(node), f"YAML tags such as {node.tag.replace('tag:yaml.org,2002:', '!!')} are not allowed")
        return None
    lines, text_lines, seen, offset = b.lines, b.text_lines, b.seen, b.offset
    # A text inside (most values are) is taken here when none of the tests above would stop at it:
    # the same as _construct on it, without a call for each.
    texts_here = len(loc) < MAX_DEPTH
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STR:
                b.problem(loc, b.line(key_node), "keys must be plain words")
                continue
            key = key_node.value
            if key == "<<":
                b.problem(loc, b.line(key_node), "merge keys (<<) are not supported: write the keys out")
                continue
            here = loc + (key,)
            if key in out or here in lines:
                b.problem(here, b.line(key_node), f"duplicate key: {key!r} is already on line {lines[here]}")
                continue
            lines[here] = key_node.start_mark.line + offset
            if isinstance(value_node, yaml.ScalarNode):
                style = value_node.style
                text_lines[here] = value_node.start_mark.line + offset + (1 if style and style in "|>" else 0)
                if texts_here and value_node.tag == _STR and id(value_node) not in seen:
                    seen.add(id(value_node))
                    out[key] = value_node.value if style else _scalar(value_node, here, b)
                    continue
            out[key] = _construct(value_node, here, b)
        return out
    if isinstance(node, yaml.SequenceNode):
        items = []
        for i, item in enumerate(node.value):
            here = loc + (i,)
            lines[here] = item.start_mark.line + offset if id(item) not in seen else lines.get(loc, b.line(node))
            if isinstance(item, yaml.ScalarNode):
                style = item.style
                text_lines[here] = item.start_mark.line + offset + (1 if style and style in "|>" else 0)
                if texts_here and item.tag == _STR and id(item) not in seen:
                    seen.add(id(item))
                    items.append(item.value if style else _scalar(item, here, b))
                    continue
            items.append(_construct(item, here, b))
        return tuple(items)
    return _scalar(node, loc, b)


def _yaml_hint(problem: str) -> str:
    if "'\\t'" in problem or "tab" in problem:
        return "; indent with spaces, not tabs"
    if "mapping values are not allowed" in problem:
        return "; a value that contains ': ' must be in quotes"
    if "found character '@'" in problem or "found character '`'" in problem:
        return "; put the value in quotes"
    if "did not find expected key" in problem or "did not find expected '-'" in problem:
        return "; a value that contains ': ' or ' #', or starts with [ { * & ! | > ' \" % @ or `, must be in quotes"
    if "could not find expected ':'" in problem:
        return "; every line needs 'key: value', or continues a quoted value"
    return ""


def load_yaml(text: str, path: str, offset: int) -> tuple[Any, dict, dict, list[Problem]]:
    """Parse one YAML document: ``(data, key lines, text lines, problems)``.

    ``offset`` is the file line of the YAML text's first line.
    """
    b = _Build(path, offset)
    try:
        loader = _Composer(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + offset) if mark else offset
        problem = exc.problem or "invalid YAML"
        context = ""
        if exc.context:
            started = exc.context_mark.line + offset if exc.context_mark else line
            context = f" ({exc.context} that starts on line {started})" if started != line else f" ({exc.context})"
        return None, {}, {}, [Problem(path, line, "front matter" if offset > 1 else "yaml",
                                      f"invalid YAML: {problem}{context}{_yaml_hint(problem)}")]
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + offset
        return None, {}, {}, [Problem(path, line, "front matter" if offset > 1 else "yaml",
                                      f"contains the control character U+{exc.character:04X}, which YAML does not allow: remove it")]
    except yaml.YAMLError as exc:
        return None, {}, {}, [Problem(path, offset, "front matter", "invalid YAML: " + " ".join(str(exc).split()))]
    if node is None:
        return {}, {(): offset}, {}, []
    b.lines[()] = b.line(node)
    data = _construct(node, (), b)
    return data, b.lines, b.text_lines, b.problems


# ---------------------------------------------------------------- files


def decode(raw: bytes, path: str) -> tuple[str | None, list[Problem]]:
    """UTF-8 text with a BOM removed and line ends normalised, or a problem naming the line."""
    if b"\x00" in raw[:8192]:
        return None, [Problem(path, 1, "encoding", "this is a binary file, not Markdown text")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(path, line, "encoding",
                              f"the file is not UTF-8 (byte 0x{raw[exc.start]:02x}): save it as UTF-8")]
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n"), []


_FENCE = re.compile(r"^(---|\.\.\.)[ \t]*$", re.M)


def split_front_matter(text: str, path: str) -> tuple[str, str, int] | Problem:
    """``(yaml text, body, body's first line)``, or the problem with the file's shape."""
    if not re.match(r"---[ \t]*\n", text):
        return Problem(path, 1, "front matter",
                       "the file must start with a front matter block: a line '---', the keys, then '---'")
    end = _FENCE.search(text, text.index("\n") + 1)
    if end is None:
        return Problem(path, 1, "front matter", "the front matter block is never closed: add a line '---' after the keys")
    yaml_text = text[text.index("\n") + 1 : end.start()]
    body_start = end.end() + 1
    body_line = text.count("\n", 0, min(body_start, len(text))) + 1
    return yaml_text, text[body_start:], body_line


_MARKDOWN_START = "*>!`|<[{&%@+"
_KEY_LINE = re.compile(r"[^\s#:\-" + re.escape(_MARKDOWN_START) + r"][^:]*:(\s|$)")


def _text_in_front_matter(yaml_text: str) -> int | None:
    """The line (0-based, in ``yaml_text``) where the page's text seems to start, or None.

    Asked only when the YAML could not be read. When the closing '---' is
    forgotten, the block runs on into the body until a '---' there (a
    horizontal rule), and YAML fails somewhere in the text with a message about
    YAML. The text shows itself by a line at column 0 that is not a key, a
    comment or a list item, which opens a paragraph (after a blank line) or
    starts like Markdown (``*``, ``>``, ``!``, ``[`` ...), and after which no
    line looks like a key again.
    """
    lines = yaml_text.split("\n")
    found = None
    for i, line in enumerate(lines):
        if _KEY_LINE.match(line):
            found = None  # a key after it: that line was a mistake inside the front matter, not the text
            continue
        if found is not None or not line.strip() or line[0] in " \t#" or line.startswith("-"):
            continue
        if (i > 0 and not lines[i - 1].strip()) or line[0] in _MARKDOWN_START:
            found = i
    return found


#: A language tag at the end of a file's name: ``river-guardians.es`` translates ``river-guardians``.
_TRANSLATION = re.compile(r"(?P<slug>.+)\.(?P<lang>[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)\Z")


def split_translation(stem: str) -> tuple[str, str | None]:
    """``("river-guardians", "es")`` for ``river-guardians.es``; ``(stem, None)`` for an original.

    The suffix convention of mkdocs-static-i18n. Whether the language is one
    of the site's is checked with the settings (core/translations.py).
    """
    match = _TRANSLATION.match(stem)
    return (match["slug"], match["lang"]) if match else (stem, None)


def parse_source(raw: bytes, path: str, kind: str, slug: str,
                 translation: str | None = None) -> tuple[Source | None, list[Problem]]:
    """One content file's bytes to a :class:`Source`, or the problems that prevent it."""
    if len(raw) > MAX_FILE_BYTES:
        return None, [Problem(path, 1, "file", f"the file is {len(raw):,} bytes; the limit is {MAX_FILE_BYTES:,}")]
    text, problems = decode(raw, path)
    if text is None:
        return None, problems
    split = split_front_matter(text, path)
    if isinstance(split, Problem):
        return None, [split]
    yaml_text, body, body_line = split
    data, lines, text_lines, problems = load_yaml(yaml_text, path, offset=2)
    if data is None:
        text_line = _text_in_front_matter(yaml_text)
        if text_line is not None:
            return None, [Problem(path, 1, "front matter", (
                "the front matter block is never closed: add a line '---' after the keys "
                f"(line {text_line + 2} reads as the text of the page, not as 'key: value')"))]
        if problems:
            return None, problems
    if not isinstance(data, dict):  # a list, a single value, or null ("---\nnull\n---"): never a silent skip
        return None, problems + [Problem(path, 2, "front matter", "must be keys and values (key: value), not a list or a single value")]
    lines.setdefault((), 1)
    return Source(path, kind, slug, data, lines, body, body_line, text_lines, translation,
                  hashlib.blake2b(raw, digest_size=16).hexdigest()), problems


def parse_settings(raw: bytes, path: str = "mkdocs.yml") -> tuple[Source | None, list[Problem]]:
    """mkdocs.yml to a :class:`Source` holding the whole mapping."""
    text, problems = decode(raw, path)
    if text is None:
        return None, problems
    data, lines, text_lines, problems = load_yaml(text, path, offset=1)
    if data is None:
        return None, problems
    if not isinstance(data, dict):
        return None, problems + [Problem(path, 1, "yaml", "must be a mapping of settings")]
    return Source(path, "settings", "mkdocs", data, lines, "", 1, text_lines), problems


#: How much older than the moment a file is read its modification and change times must be for its stat key to be
#: trusted by the next run (see :class:`SourceCache`): more than the coarsest clock of a file system it may be on
#: (FAT's two seconds), and than the time between a read and the clock read before it.
RACY_SECONDS = 2


def stat_key(st: os.stat_result) -> tuple[int, int, int, int, int]:
    """What tells one version of a file from another without reading it, as git's index does."""
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


class SourceCache:
    """Files as the last run parsed them, by path and by a digest of their bytes: a file whose bytes are
    the same is not parsed again (its front matter's YAML is most of the time a large project takes to read).

    A file is not even read again when its *stat key* (device, inode, size, modification and change times:
    :func:`stat_key`) is the one recorded when its bytes were last read, as git's index does. That is sound
    because any write to a file moves its change time (ctime) to the clock's "now", which neither an editor
    nor ``touch`` nor ``os.utime`` can set back, and a rename onto it changes its inode. Its one gap is a
    write in the same tick of the file system's clock as the recorded times, after they were recorded
    ("racy" files, in git's words): so a key is recorded only when both times are older than the moment the
    run started reading, minus :data:`RACY_SECONDS`. A file written since then, or in the same tick as then,
    or whose times are in the future, is read and hashed by every run until its times are old enough. The
    key is taken before the bytes are read: a write in between moves the times, so the next run reads it.
    A symbolic link is always read (its own times are not its target's).

    Kept in :data:`SHARDS` files (``marshal``: the parsed data holds only text, numbers, tuples and mappings)
    in a folder of the build cache, each file holding the files whose path falls in it, so that a run that
    changed a few files rewrites a few of them; for the same version of accompany and of Python only. A
    file that cannot be read is ignored, and every entry is checked against the file it describes (its stat
    key or its digest), so files written by different runs may sit side by side. The results of checks that
    read a file alone (its placeholders, its rules, its texts: core/validate.py) are kept with it, by its
    digest and path.
    """

    FILE = "sources"
    """The folder, in the build cache."""
    SHARDS = 16

    def __init__(self, folder: Path | None):
        self.folder = folder / self.FILE if folder is not None else None
        self._key = f"{marshal.version}:{sys.version_info[:2]}:{code_digest()}"
        self._stored: list[dict] = [{} for _ in range(self.SHARDS)]
        """What each shard's file holds (the last run's), as written or read."""
        self._old_files: dict[str, tuple] = {}
        self.files: dict[str, tuple] = {}
        """Path to (digest, data, lines, text lines, body line, body, stat key or None), for this run."""
        self.checks: dict[str, dict] = {}
        """``digest:path`` to the checks' results (core/validate.py's ``checked``), for this run."""
        self.records: dict[str, object] = {}
        """``digest:path`` to the file's record (core/validate.py's ``records``): kept in this process only, for
        its next run (the preview's), never written."""
        self.published = Remembered()
        """What publishing worked out of each of those records alone (core/per_file.py): kept in this process
        only, likewise."""
        self._dirty: set[int] = set()
        if self.folder is not None:
            enabled = gc.isenabled()
            gc.disable()  # the cache is a few hundred thousand small containers, all kept: nothing to collect
            try:
                for shard in range(self.SHARDS):
                    try:
                        stored = marshal.loads((self.folder / f"{shard:02x}.marshal").read_bytes())
                    except (OSError, EOFError, ValueError, TypeError):
                        continue
                    if isinstance(stored, dict) and stored.get("key") == self._key:
                        self._stored[shard] = stored
                        self._old_files.update(stored["files"])
                        self.checks.update(stored["checks"])
            finally:
                if enabled:
                    gc.enable()

    def _shard(self, path: str) -> int:
        return zlib.crc32(path.encode()) % self.SHARDS

    def unchanged(self, path: str, key: tuple, kind: str, slug: str, translation: str | None) -> Source | None:
        """The file as last parsed, if its stat key is the one recorded then (not a racy one); else None."""
        found = self._old_files.get(path)
        if found is None or found[6] is None or found[6] != key:
            return None
        self.files[path] = found
        digest, data, lines, text_lines, body_line, body, _ = found
        return Source(path, kind, slug, data, lines, body, body_line, text_lines, translation, digest)

    def parsed(self, path: str, digest: str, key: tuple | None, kind: str, slug: str,
               translation: str | None) -> Source | None:
        """The file as last parsed, if its bytes are the same; else None. ``key``: its stat key, if it may be
        trusted next time (else None)."""
        found = self._old_files.get(path)
        if found is None or found[0] != digest:
            return None
        if found[6] != key:
            found = found[:6] + (key,)
        self.files[path] = found
        _, data, lines, text_lines, body_line, body, _ = found
        return Source(path, kind, slug, data, lines, body, body_line, text_lines, translation, digest)

    def keep(self, source: Source, key: tuple | None = None) -> None:
        """A file parsed in this run (without problems); ``key``: its stat key, if it may be trusted next time."""
        self.files[source.path] = (source.digest, source.data, dict(source.lines), dict(source.text_lines),
                                   source.body_line, source.body, key)

    def finish(self) -> None:
        """The run read every file: what it parsed (and nothing of files gone) is what the next run in this
        process (the preview) starts from, and what :meth:`write` keeps."""
        shards: list[dict] = [{"key": self._key, "files": {}, "checks": {}} for _ in range(self.SHARDS)]
        for path, entry in self.files.items():
            shards[self._shard(path)]["files"][path] = entry
        for name, found in self.checks.items():
            path = name.partition(":")[2]
            entry = self.files.get(path)
            if entry is not None and name.startswith(entry[0] + ":"):  # only what the files as they are now need
                shards[self._shard(path)]["checks"][name] = found
        # Most shards hold the very objects read: comparing them is quick, unless they changed.
        self._dirty |= {i for i, shard in enumerate(shards) if shard != self._stored[i]}
        self._stored = shards
        self._old_files, self.files = self.files, {}
        self.checks = {name: found for shard in shards for name, found in shard["checks"].items()}
        self.records = {name: record for name, record in self.records.items() if name in self.checks}
        self.published.keep_only(self.records.values())

    def write(self) -> None:
        """Keep what the last finished run parsed, for the next process (after a build that succeeded): the
        shards that changed."""
        if self.folder is None or not self._dirty:
            return
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            for shard in sorted(self._dirty):
                temporary = self.folder / f".{shard:02x}.tmp"
                temporary.write_bytes(marshal.dumps(self._stored[shard]))
                temporary.replace(self.folder / f"{shard:02x}.marshal")
                self._dirty.discard(shard)
        except (OSError, ValueError):
            pass  # a cache: the next run parses again


@dataclass(frozen=True)
class ReadResult:
    """What :func:`read_project` found."""

    project: Project | None
    """None only when there is no mkdocs.yml; its ``settings`` are None when mkdocs.yml cannot be read."""
    problems: list[Problem]
    broken: frozenset[str]
    """Paths of files that exist but could not be read (their problems are reported)."""


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
        return True
    except ValueError:
        return False


def _walk(folder: Path, recursive: bool):
    """Files under ``folder`` in a stable order; hidden files and folders are skipped."""
    if not recursive:
        entries = sorted(folder.iterdir(), key=lambda p: p.name) if folder.is_dir() else []  # one folder: by name
        for p in entries:
            if not p.name.startswith("."):
                yield p
        return
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith("."):
                yield Path(dirpath) / name
        for name in dirnames:  # symlinked folders are reported, not followed
            if (Path(dirpath) / name).is_symlink():
                yield Path(dirpath) / name


def _lstat(path: Path) -> os.stat_result | None:
    """The file's status, not following a link; None when it cannot be read."""
    try:
        return os.lstat(path)
    except OSError:
        return None


def read_project(root: Path, cache: SourceCache | None = None) -> ReadResult:
    """Read mkdocs.yml, every content file and the list of media files under ``root``.

    With a ``cache``, a file whose bytes the last run parsed is not parsed again, and one whose stat key is
    the one recorded then is not read again (see :class:`SourceCache`)."""
    # Before any file is looked at: a file whose times are older than this, less the margin, has a key to trust.
    trusted_before = time.time_ns() - RACY_SECONDS * 1_000_000_000
    problems: list[Problem] = []
    broken: set[str] = set()
    settings_path = root / "mkdocs.yml"
    if not settings_path.is_file():
        return ReadResult(None, [Problem("mkdocs.yml", 1, "file", "not found: accompany needs mkdocs.yml in the project folder")], frozenset())
    settings, more = parse_settings(settings_path.read_bytes())
    problems += more
    content_root = root / "content"
    sources: list[Source] = []

    def rel(p: Path) -> str:
        return p.relative_to(root).as_posix()

    inside = [Path(f).parts[1] for f in [k.folder for k in KINDS.values()] + [MEDIA_DIR] if f.startswith("content/")]
    listed = ", ".join(inside[:-1]) + " and " + inside[-1]
    if not content_root.is_dir():
        problems.append(Problem("content", 1, "folder", "not found: create content/ with "
                                + ", ".join(f"{name}/" for name in inside[:-2]) + f" and {inside[-2]}/"))
    else:
        for child in _walk(content_root, recursive=False):
            if child.name not in inside or not child.is_dir() or child.is_symlink():
                problems.append(Problem(rel(child), 1, "file",
                                        f"accompany reads only content/{listed}: move or remove this"))
    for kind in KINDS.values():
        folder = kind.folder
        base = root / folder
        inside_base = len(str(base)) + 1  # every file walked is base's text, a separator, then its path in base
        for file in _walk(base, recursive=kind.recursive):
            path = f"{folder}/{str(file)[inside_base:]}".replace(os.sep, "/")
            status = _lstat(file)  # one system call answers the questions below, for a file that is not a link
            mode = status.st_mode if status is not None else None
            link = stat.S_ISLNK(mode) if mode is not None else file.is_symlink()
            if link and not _inside(file, base):
                problems.append(Problem(path, 1, "file", "a symbolic link to outside its folder: copy the file in instead"))
                continue
            regular = stat.S_ISREG(mode) if mode is not None and not link else not file.is_dir() and file.is_file()
            if not regular:
                problems.append(Problem(path, 1, "file", f"not a folder accompany reads: {folder}/ holds Markdown files only"
                                        if not kind.recursive else "not a regular file"))
                continue
            if not path.endswith(".md"):
                problems.append(Problem(path, 1, "file", f"not a Markdown file (.md): move it out of {folder}/"
                                        + (" (images go in content/media/)" if file.suffix.lower() in (".jpg", ".jpeg", ".png", ".gif", ".webp") else "")))
                continue
            slug, translation = split_translation(path[len(folder) + 1 : -len(".md")])  # its path in the folder
            source = None
            more: list[Problem] = []
            key = None
            if cache is not None and status is not None and not link:
                key = stat_key(status)
                if max(status.st_mtime_ns, status.st_ctime_ns) >= trusted_before:
                    key = None  # racy: written too close to now for its times to tell a later write
                else:
                    source = cache.unchanged(path, key, kind.name, slug, translation)
            if source is None:
                raw = file.read_bytes()
                if cache is not None and len(raw) <= MAX_FILE_BYTES:
                    source = cache.parsed(path, hashlib.blake2b(raw, digest_size=16).hexdigest(), key, kind.name,
                                          slug, translation)
                if source is None:
                    source, more = parse_source(raw, path, kind.name, slug, translation)
                    if cache is not None and source is not None and not more:
                        cache.keep(source, key)
            problems += more
            if source is None:
                broken.add(path)
            else:
                sources.append(source)
    media: set[str] = set()
    media_root = root / MEDIA_DIR
    for file in _walk(media_root, recursive=True):
        path = rel(file)
        if not _inside(file, media_root):
            problems.append(Problem(path, 1, "file", "a symbolic link to outside content/media/: copy the file in instead"))
        elif file.is_file():
            if file.stat().st_size > MAX_MEDIA_BYTES:
                problems.append(Problem(path, 1, "file", f"image larger than {MAX_MEDIA_BYTES // 1_000_000} MB: make it smaller"))
            else:
                media.add(path)
    # Unreadable settings are reported, and the content is still read and checked in the same run.
    return ReadResult(Project(tuple(sources), settings, frozenset(media)), problems, frozenset(broken))
