"""What one run keeps of the files for the next (read.SourceCache): a file is read again whenever it may have
changed, and the checks remembered give exactly the problems of a run that remembers nothing.

A file is not read when its stat key (device, inode, size, modification and change times) is the one recorded,
and that key is recorded only when both times were older than the start of the run less a margin (git's
"racy" rule): a rewrite with the same size and a forged modification time still moves the change time.
"""

from __future__ import annotations

import os
import time
from datetime import date
from pathlib import Path

import pytest

from generator import read
from generator.core import per_file, policy
from generator.core.problems import ProblemsFound
from generator.core.validate import validate
from generator.load import load
from generator.read import SourceCache, read_project

from test_errors import CASES

PAGE = "content/pages/about.md"
ONE = "---\ntitle: One\n---\nThe text.\n"
TWO = "---\ntitle: Two\n---\nThe text.\n"  # the same size


def _run(root: Path, cache_dir: Path) -> dict:
    """One run reading the project, as a new process would (its cache from disk): ``{path: source}``."""
    cache = SourceCache(cache_dir)
    result = read_project(root, cache)
    assert not result.problems, result.problems
    cache.finish()
    cache.write()
    return {s.path: s for s in result.project.sources}


def _recorded_key(cache_dir: Path, path: str):
    return SourceCache(cache_dir)._old_files[path][6]


def _later(monkeypatch, seconds: float) -> None:
    """The runs that follow start ``seconds`` from now (what the racy rule compares the files' times with)."""
    real = time.time_ns
    monkeypatch.setattr(read.time, "time_ns", lambda: real() + int(seconds * 1e9))


def _forge(file: Path, text: str) -> None:
    """Rewrite ``file`` in place and set its access and modification times back to what they were."""
    before = file.stat()
    time.sleep(0.05)  # more than a tick of the file system's clock: the change time moves
    with open(file, "r+", encoding="utf-8") as f:  # in place: the same inode
        f.write(text)
        f.truncate()
    os.utime(file, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = file.stat()
    assert (after.st_ino, after.st_size, after.st_mtime_ns) == (before.st_ino, before.st_size, before.st_mtime_ns)


def test_a_file_untouched_since_an_old_key_is_not_read_again(project, tmp_path, monkeypatch):
    project.write(PAGE, ONE)
    _later(monkeypatch, 10)
    _run(project.root, tmp_path / "cache")
    assert _recorded_key(tmp_path / "cache", PAGE) is not None
    real = Path.read_bytes

    def refuse(self):
        assert not self.as_posix().endswith(PAGE), "read again though its key is unchanged"
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    assert _run(project.root, tmp_path / "cache")[PAGE].data["title"] == "One"


def test_a_rewrite_with_the_same_size_and_a_forged_mtime_outside_the_racy_window_is_seen(project, tmp_path, monkeypatch):
    file = project.write(PAGE, ONE)
    _later(monkeypatch, 10)  # the file's times are well before the run: its key is trusted
    assert _run(project.root, tmp_path / "cache")[PAGE].data["title"] == "One"
    assert _recorded_key(tmp_path / "cache", PAGE) is not None
    _forge(file, TWO)
    assert _run(project.root, tmp_path / "cache")[PAGE].data["title"] == "Two"  # its change time moved


def test_a_rewrite_with_the_same_size_and_a_forged_mtime_inside_the_racy_window_is_seen(project, tmp_path):
    file = project.write(PAGE, ONE)
    assert _run(project.root, tmp_path / "cache")[PAGE].data["title"] == "One"
    assert _recorded_key(tmp_path / "cache", PAGE) is None  # written just now: racy, hashed next time
    _forge(file, TWO)
    assert _run(project.root, tmp_path / "cache")[PAGE].data["title"] == "Two"


def test_a_change_in_the_same_second_as_the_last_run_is_seen(project, tmp_path):
    file = project.write(PAGE, ONE)
    assert _run(project.root, tmp_path / "cache")[PAGE].data["title"] == "One"
    file.write_text(TWO)  # no pause: the same tick of the clock, as far as the file system can tell
    assert _run(project.root, tmp_path / "cache")[PAGE].data["title"] == "Two"


def test_a_key_becomes_trusted_once_the_file_is_old_enough(project, tmp_path, monkeypatch):
    project.write(PAGE, ONE)
    _run(project.root, tmp_path / "cache")
    assert _recorded_key(tmp_path / "cache", PAGE) is None
    _later(monkeypatch, 10)
    _run(project.root, tmp_path / "cache")  # read and hashed: the same bytes, and now an old key
    assert _recorded_key(tmp_path / "cache", PAGE) is not None


def test_a_file_replaced_by_a_rename_is_seen(project, tmp_path, monkeypatch):
    file = project.write(PAGE, ONE)
    _later(monkeypatch, 10)
    _run(project.root, tmp_path / "cache")
    other = project.write("content/pages/.new", TWO)
    before = file.stat()
    os.utime(other, ns=(before.st_atime_ns, before.st_mtime_ns))
    other.replace(file)  # how editors save: a new inode under the old name
    assert _run(project.root, tmp_path / "cache")[PAGE].data["title"] == "Two"


def _problems(root: Path, cache: SourceCache | None) -> list[str]:
    try:
        load(root, date(2026, 12, 1), sources=cache)
    except ProblemsFound as found:
        return [f"{p.path}:{p.line}: {p.key}: {p.message}" for p in found.problems]
    finally:
        if cache is not None:
            cache.write()
    return []


@pytest.mark.parametrize("files", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_remembered_checks_give_exactly_the_problems_of_a_run_without(project, tmp_path, files):
    for path, text in files.items():
        project.write(path, text)
    expected = _problems(project.root, None)
    for _ in range(2):  # the first run works the checks out and keeps them; the second takes them from disk
        assert _problems(project.root, SourceCache(tmp_path / "cache")) == expected
    kept = SourceCache(tmp_path / "kept")  # a process that runs again and again (the preview): records kept too
    for _ in range(2):
        assert _problems(project.root, kept) == expected


def _records(root: Path, cache: SourceCache) -> dict:
    """Each valid file's record, read and validated with ``cache`` (its checks and records), without settings."""
    result = read_project(root, cache)
    catalogue, _ = validate(result.project, None, result.broken, cache.checks, cache.records)
    return {entry.path: entry.meta for entry in catalogue.entries()}


def test_a_process_that_keeps_its_cache_keeps_the_record_of_each_file_unchanged(project, tmp_path):
    project.copy_sample("content", "campaigns")
    project.write(PAGE, ONE)
    kept = SourceCache(tmp_path / "cache")
    first = _records(project.root, kept)
    project.write(PAGE, TWO)
    second = _records(project.root, kept)
    assert second.keys() == first.keys() and len(first) > 10
    assert all(second[path] is first[path] for path in first if path != PAGE)  # not validated again
    assert second[PAGE].title == "Two" and first[PAGE].title == "One"
    kept.write()
    anew = _records(project.root, SourceCache(tmp_path / "cache"))  # another process: validated again, the same
    assert anew == second and all(anew[path] is not second[path] for path in anew)
    project.write(PAGE, ONE)  # back to bytes it had: its record made again, not an older one
    assert _records(project.root, kept)[PAGE].title == "One"


DEFENDER = "content/defenders/san-ignacio-river-community.md"


def _public(root: Path, cache: SourceCache | None) -> dict:
    """``{(language, path): entry}``: every public file of each language, as a build applies the policy."""
    publication = load(root, date(2026, 12, 1), sources=cache).publication
    return {(lang, e.path): e for lang, catalogue in publication.languages.public.items() for e in catalogue.entries()}


def _same(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all((a[k].source, a[k].meta, a[k].body) == (b[k].source, b[k].meta, b[k].body)
                                        for k in a)


def test_a_process_that_keeps_its_cache_shows_each_file_as_a_fresh_process_does(project, tmp_path, monkeypatch):
    """The preview keeps each unchanged record as it may be shown (per_file.remembered_shown): the same as a
    new process shows it, and a changed file is stripped of its private data and redacted per its consent again."""
    project.copy_sample("content", "campaigns", "mkdocs.yml")
    worked_out: list[str] = []  # the originals policy.shown is applied to (translations are shown every run)
    monkeypatch.setattr(per_file, "shown", lambda e: (e.source.translation or worked_out.append(e.path)) and None
                        or policy.shown(e))
    kept = SourceCache(tmp_path / "cache")
    first = _public(project.root, kept)
    assert len(first) > 30 and len(worked_out) > 10
    worked_out.clear()
    second = _public(project.root, kept)
    assert worked_out == [] and _same(second, first) and _same(second, _public(project.root, None))
    before = first["en", DEFENDER].meta
    assert before.region == "Magdalena Medio" and before.private is None
    text = (project.root / DEFENDER).read_text(encoding="utf-8")
    assert "location: region" in text and "  notes: Meeting point" in text
    project.write(DEFENDER, text.replace("location: region", "location: country")
                  .replace("  notes: Meeting point", "  notes: CANARY-PRIVATE Meeting point")
                  .replace("*Sample content", "<!-- CANARY-COMMENT -->*Sample content"))
    worked_out.clear()
    third = _public(project.root, kept)
    assert worked_out == [DEFENDER]  # only the file that changed
    assert _same(third, _public(project.root, None))
    changed = third["en", DEFENDER]
    assert changed.meta.region is None and changed.meta.country == "CO"  # redacted per the consent as it is now
    assert changed.meta.private is None and "CANARY" not in repr(changed.meta) + changed.body
    project.write(DEFENDER, text)  # back to bytes it had: shown from its record as it is now
    assert _same(_public(project.root, kept), first)


def test_a_process_that_keeps_its_cache_finds_a_real_name_declared_since(project, tmp_path):
    """The real names each file declares are kept with its record (per_file.Remembered): a name declared by an
    edit is looked for again in every file, as a new process does."""
    project.copy_sample("content", "campaigns", "mkdocs.yml")
    project.write(PAGE, "---\ntitle: One\n---\nWe met Rosa Tellez Canary.\n")
    kept = SourceCache(tmp_path / "cache")
    assert _problems(project.root, kept) == [] and _problems(project.root, kept) == []
    lucia = "content/defenders/lucia.md"
    text = (project.root / lucia).read_text(encoding="utf-8")
    assert "real_name: Marisol Quintero Vargas" in text
    project.write(lucia, text.replace("real_name: Marisol Quintero Vargas", "real_name: Rosa Tellez Canary"))
    found = _problems(project.root, kept)
    assert found == _problems(project.root, None) and len(found) == 1
    assert found[0].startswith(f"{PAGE}:4: body: contains the private real name from {lucia}:")
    project.write(lucia, text)
    assert _problems(project.root, kept) == []


def test_remembered_checks_follow_the_project_around_the_file(project, tmp_path):
    """A link's target is checked against the project of this run: the file it points at may come or go."""
    project.copy_sample("content", "campaigns")
    project.write("content/pages/links.md", "---\ntitle: Links\n---\nSee [the other](other.md) and ![x](../media/gone.jpg).\n")
    first = _problems(project.root, SourceCache(tmp_path / "cache"))
    assert any("other.md" in p for p in first) and any("gone.jpg" in p for p in first)
    kept = SourceCache(tmp_path / "cache").checks
    assert any(key.endswith(":content/pages/links.md") and "texts" in found for key, found in kept.items())
    project.write("content/pages/other.md", "---\ntitle: Other\n---\nText.\n")
    second = _problems(project.root, SourceCache(tmp_path / "cache"))
    assert second == _problems(project.root, None)
    assert not any("other.md" in p for p in second) and any("gone.jpg" in p for p in second)


def test_a_run_that_changed_one_file_rewrites_one_shard(project, tmp_path):
    for i in range(40):
        project.write(f"content/pages/p{i}.md", f"---\ntitle: Page {i}\n---\nText {i}.\n")
    _run(project.root, tmp_path / "cache")
    folder = tmp_path / "cache" / SourceCache.FILE
    before = {p.name: p.stat().st_ino for p in folder.iterdir()}
    assert len(before) == SourceCache.SHARDS
    project.write("content/pages/p7.md", "---\ntitle: Page seven\n---\nText 7.\n")
    assert _run(project.root, tmp_path / "cache")["content/pages/p7.md"].data["title"] == "Page seven"
    after = {p.name: p.stat().st_ino for p in folder.iterdir()}
    assert len([name for name in before if before[name] != after[name]]) == 1
    _run(project.root, tmp_path / "cache")  # nothing changed: nothing written
    assert {p.name: p.stat().st_ino for p in folder.iterdir()} == after
