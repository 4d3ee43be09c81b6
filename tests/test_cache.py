"""The build cache's own files: read back as written, and anything else (damaged, truncated, of another
layout or Python) is no cache: a correct build, the full work, no traceback."""

from __future__ import annotations

import marshal
from pathlib import Path

import pytest

from conftest import SAMPLE_AS_OF, copy_built, site_files
from generator import build as pipeline
from generator import cache as cache_module
from generator import incremental
from generator.cache import STAMP, BuildCache, _read, _write


def test_what_is_written_is_read_back(tmp_path):
    data = {"a": [1, "é", None, {"b": [2, 3]}], "c": {}}
    _write(tmp_path / "x.marshal", data)
    assert _read(tmp_path / "x.marshal") == data
    assert not list(tmp_path.glob(".*"))  # no temporary file left


@pytest.mark.parametrize("damage", [
    lambda raw: raw[:-1],                                          # truncated
    lambda raw: raw[: len(raw) // 2],
    lambda raw: raw[:-5] + bytes([raw[-5] ^ 0x40]) + raw[-4:],     # one bit flipped in the data
    lambda raw: b"",
    lambda raw: raw.replace(STAMP, STAMP.replace(b"python", b"pythom")),  # another Python's
    lambda raw: raw.replace(b"cache 1;", b"cache 9;"),             # another layout
    lambda raw: b'{"a": [1]}',                                     # the old JSON
    lambda raw: marshal.dumps({"a": [1]}),                         # marshal without the stamp
    lambda raw: raw + b"\0",
])
def test_a_damaged_file_is_no_cache(tmp_path, damage):
    path = tmp_path / "x.marshal"
    _write(path, {"a": list(range(1000)), "b": "text " * 100})
    path.write_bytes(damage(path.read_bytes()))
    assert _read(path) is None


def test_a_file_that_is_not_a_mapping_is_no_cache(tmp_path):
    payload = marshal.dumps([1, 2])
    import zlib

    (tmp_path / "x.marshal").write_bytes(STAMP + cache_module._HEAD.pack(len(payload), zlib.crc32(payload)) + payload)
    assert _read(tmp_path / "x.marshal") is None
    assert _read(tmp_path / "missing.marshal") is None


@pytest.fixture
def built(sample_built_once, tmp_path):
    """The sample as its full build left it (conftest.sample_built_once), copied into this test's folder."""
    return copy_built(sample_built_once, tmp_path)


def _edit(project) -> None:
    river = project.root / "content/actions/river-guardians.md"
    river.write_text(river.read_text().replace("Keep writing: the protection", "Keep writing please: the protection"))


@pytest.fixture
def same_as_full(full_build_of):
    """Assert that ``site`` is, byte for byte, what a full build (a fresh cache) of the project's files makes:
    the full build of the same files is made once per worker and shared (conftest.full_build_of)."""
    def check(project, site) -> None:
        full = full_build_of(project.root, SAMPLE_AS_OF)
        one, two = site_files(site), site_files(full)
        assert sorted(one) == sorted(two) and [p for p in two if one[p] != two[p]] == []

    return check


def _same_as_full(project, site, tmp_path) -> None:
    """The same check as same_as_full, with a full build made here: for a check that more builds of the test
    follow, which find this process's memory of the last build (the cache's files, the search index) as that
    full build left it."""
    full = tmp_path / "full"
    pipeline.build(project.root, full, SAMPLE_AS_OF, cache_dir=tmp_path / "cache-full", full=True)
    one, two = site_files(site), site_files(full)
    assert sorted(one) == sorted(two) and [p for p in two if one[p] != two[p]] == []


def _damage_all(cache, how) -> list:
    files = [cache / "state.marshal", cache / "records.marshal", cache / "alerts.marshal",
             *sorted((cache / "markup").glob("*.marshal"))]
    assert len(files) > 3 and all(f.is_file() for f in files)  # a shard with nothing in it is no file
    for f in files:
        f.write_bytes(how(f.read_bytes()))
    return files


@pytest.mark.parametrize("how", [lambda raw: raw[: len(raw) // 3], lambda raw: b"\xff" * 40,
                                 lambda raw: raw.replace(b"cache 1;", b"cache 0;")],
                         ids=["truncated", "garbage", "another-layout"])
def test_a_damaged_cache_gives_a_correct_full_build(built, tmp_path, same_as_full, how):
    project, site, cache = built
    _damage_all(cache, how)
    _edit(project)
    report = pipeline.build(project.root, site, SAMPLE_AS_OF, cache_dir=cache)
    assert report.plan.kind == "full" and report.plan.reason == "no record of an earlier build"
    _same_as_full(project, site, tmp_path)  # a full build made here: the next build follows it, as it always did
    # ...and the cache it leaves is whole again: the next build is partial, and right.
    assert BuildCache(cache).previous_state("en") is not None
    river = project.root / "content/actions/river-guardians.md"
    river.write_text(river.read_text().replace("Keep writing please:", "Keep writing, please:"))
    again = pipeline.build(project.root, site, SAMPLE_AS_OF, cache_dir=cache)
    assert again.plan.kind == "partial"
    same_as_full(project, site)


def test_damaged_records_and_markup_alone_give_a_correct_partial_build(built, same_as_full):
    project, site, cache = built
    (cache / "records.marshal").write_bytes(b"\0" * 10)
    for shard in sorted((cache / "markup").glob("*.marshal"))[::3]:
        shard.write_bytes(shard.read_bytes()[:-7])
    _edit(project)
    report = pipeline.build(project.root, site, SAMPLE_AS_OF, cache_dir=cache)
    assert report.plan.kind == "partial"
    same_as_full(project, site)


def test_the_cache_of_an_earlier_layout_gives_a_full_build_and_is_removed(built, same_as_full):
    project, site, cache = built
    for name in ("state", "records", "alerts"):  # as accompany wrote them before: JSON
        (cache / f"{name}.marshal").unlink()
        (cache / f"{name}.json").write_text('{"en": {"version": 3, "engine": "", "docs": {}, "site": {}, "secrets": ""}}')
    (cache / "markup.json").write_text("{}")
    _edit(project)
    report = pipeline.build(project.root, site, SAMPLE_AS_OF, cache_dir=cache)
    assert report.plan.kind == "full"
    same_as_full(project, site)
    assert not list(cache.glob("*.json"))


def test_a_partial_build_rewrites_only_the_markup_shards_that_changed(built, same_as_full):
    project, site, cache = built
    shards = {p.name: p.stat().st_mtime_ns for p in (cache / "markup").glob("*.marshal")}
    states = (cache / "alerts.marshal").stat().st_mtime_ns
    _edit(project)
    report = pipeline.build(project.root, site, SAMPLE_AS_OF, cache_dir=cache)
    assert report.plan.kind == "partial"
    now = {p.name: p.stat().st_mtime_ns for p in (cache / "markup").glob("*.marshal")}
    assert set(shards) <= set(now)  # a shard that had nothing in it has no file
    changed = [name for name in now if now[name] != shards.get(name)]
    assert 1 <= len(changed) <= 2  # the action's one changed text: its new entry, and its old one's going
    assert "Keep writing please" in "".join(html for html, _ in BuildCache(cache).remembered_markup().values())
    same_as_full(project, site)
    assert (cache / "alerts.marshal").stat().st_mtime_ns >= states


def test_the_alerts_snapshot_of_a_partial_build_is_a_full_builds_to_the_byte(built, tmp_path):
    import json

    from generator.alerts.snapshot import dumps

    project, site, cache = built
    alerts = cache.parent / "alerts"  # beside the cache (either build's: both caches are in tmp_path)
    _edit(project)
    assert pipeline.build(project.root, site, SAMPLE_AS_OF, cache_dir=cache).plan.kind == "partial"
    partial = {p.name: p.read_text() for p in alerts.glob("published-*.json")}
    assert "published-en.json" in partial and len(partial) > 1  # one snapshot for each language
    full = tmp_path / "full"
    pipeline.build(project.root, full, SAMPLE_AS_OF, cache_dir=tmp_path / "cache-full", full=True)
    for name, text in partial.items():
        data = json.loads(text)
        assert text == dumps(data) + "\n"  # the JSON kept for each action, put together, is json's own text
        assert len(data["actions"]) > 3 and data["site_dir"] == str(site.absolute())
        whole = (alerts / name).read_text()  # the full build's, made without a memo: the same but the folder
        assert whole == text.replace(json.dumps(str(site.absolute())), json.dumps(str(full.absolute())))
    assert "Keep writing please" in partial["published-en.json"]


def test_the_snapshot_text_joined_by_hand_is_jsons_own_and_refuses_a_head_it_would_misplace():
    from generator.alerts.snapshot import _text, dumps

    actions = {"UA-2": {"title": "Zwei"}, "UA-1": {"title": "One", "n": [1, 2]}}
    head = {"site_url": "https://example.org/", "organisation": "Ö"}
    kept = {name: dumps(value) for name, value in actions.items()}
    assert _text(head, kept) == dumps({**head, "actions": actions})
    assert _text({}, kept) == dumps({"actions": actions})
    with pytest.raises(ValueError, match="must sort after 'actions'"):
        _text({"about": "sorts before actions"}, kept)


def _reads(monkeypatch) -> list[str]:
    """The bookkeeping files read from disk from now on, by name."""
    names: list[str] = []
    real = cache_module._read

    def spy(path):
        names.append(path.name)
        return real(path)
    monkeypatch.setattr(cache_module, "_read", spy)
    return names


def test_the_next_build_in_the_same_process_takes_what_the_last_wrote_from_memory(built, tmp_path, monkeypatch):
    project, site, cache = built
    _edit(project)
    pipeline.build(project.root, site, SAMPLE_AS_OF, cache_dir=cache)  # the copy's files: read from disk
    reads = _reads(monkeypatch)
    river = project.root / "content/actions/river-guardians.md"
    river.write_text(river.read_text().replace("Keep writing please:", "Keep writing, please:"))
    report = pipeline.build(project.root, site, SAMPLE_AS_OF, cache_dir=cache)
    assert report.plan.kind == "partial"
    assert [name for name in reads if name != "sources.marshal"] == []
    _same_as_full(project, site, tmp_path)
    # What memory held is what the files hold: the build that used it changed none of it.
    for path, (_, data) in BuildCache._kept.items():
        assert _read(cache / path.removeprefix(str(cache) + "/")) == data, path


def test_a_file_changed_since_this_process_wrote_it_is_read_from_disk(built, tmp_path, monkeypatch):
    project, site, cache = built
    _edit(project)
    pipeline.build(project.root, site, SAMPLE_AS_OF, cache_dir=cache)
    (cache / "records.marshal").write_bytes(b"\0" * 10)  # another process's, or damaged
    reads = _reads(monkeypatch)
    river = project.root / "content/actions/river-guardians.md"
    river.write_text(river.read_text().replace("Keep writing please:", "Keep writing, please:"))
    report = pipeline.build(project.root, site, SAMPLE_AS_OF, cache_dir=cache)
    assert report.plan.kind == "partial"
    assert [name for name in reads if name != "sources.marshal"] == ["records.marshal"]
    _same_as_full(project, site, tmp_path)


def test_the_next_build_in_the_same_process_takes_the_search_index_it_wrote_from_memory(built, tmp_path, monkeypatch):
    project, site, cache = built
    river = project.root / "content/actions/river-guardians.md"
    _edit(project)
    pipeline.build(project.root, site, SAMPLE_AS_OF, cache_dir=cache)
    read: list[str] = []
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda path: read.append(str(path)) or real(path))
    river.write_text(river.read_text().replace("Keep writing please:", "Keep writing, please:"))
    assert pipeline.build(project.root, site, SAMPLE_AS_OF, cache_dir=cache).plan.kind == "partial"
    indexes = [site / prefix / "search/search_index.json" for prefix in ("", "es", "ne")]  # the sample's languages
    assert not {str(path) for path in indexes} & set(read)
    _same_as_full(project, site, tmp_path)
    # Not kept (another process, as the accompany command is): read from the file.
    monkeypatch.setattr(incremental._LastIndex, "kept", {})
    read.clear()
    river.write_text(river.read_text().replace("Keep writing, please:", "Keep writing now:"))
    assert pipeline.build(project.root, site, SAMPLE_AS_OF, cache_dir=cache).plan.kind == "partial"
    assert {str(path) for path in indexes} <= set(read)
    _same_as_full(project, site, tmp_path / "again")
