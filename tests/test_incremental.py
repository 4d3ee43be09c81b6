"""Incremental builds give exactly the bytes of a full build, and touch nothing that did not change."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import (MINIMAL_SETTINGS, REPO, SAMPLE_AS_OF, VALID_ACTION, VALID_DEFENDER, Project, copy_built,
                      site_files)
from generator import build as pipeline
from generator.core.problems import ProblemsFound
from generator.engines import EngineFailed
from generator.engines.mkdocs import MkDocs


def _stat(site: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(site).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns) for p in site.rglob("*") if p.is_file()}


@pytest.fixture
def built(sample_built_once, tmp_path):
    """The sample as its full build left it (conftest.sample_built_once), copied into this test's folder."""
    return copy_built(sample_built_once, tmp_path)


def test_nothing_changed_means_nothing_is_rewritten(built):
    project, site, cache = built
    before, content = _stat(site), site_files(site)
    report = pipeline.build(project.root, site, SAMPLE_AS_OF, cache_dir=cache)
    assert report.plan.kind == "none"
    assert _stat(site) == before and site_files(site) == content


def test_incremental_equals_full_after_edits_additions_and_removals(built, tmp_path):
    project, site, cache = built
    before = _stat(site)
    river = project.root / "content/actions/river-guardians.md"
    river.write_text(river.read_text().replace("Keep writing: the protection", "Keep writing please: the protection"))
    project.write("content/actions/new-action.md", VALID_ACTION.replace("UA-TEST-001", "UA-2026-099")
                  .replace("title: A valid action", "title: A brand new action"))
    (project.root / "content/tours/americas-listening-tour.md").unlink()
    report = pipeline.build(project.root, site, SAMPLE_AS_OF, cache_dir=cache)
    assert report.plan.kind == "partial"
    assert "actions/new-action/index.md" in report.plan.pages
    assert "tours/americas-listening-tour/index.md" in report.plan.removed

    full = tmp_path / "full"
    pipeline.build(project.root, full, SAMPLE_AS_OF, cache_dir=tmp_path / "cache-full", full=True)
    incremental, complete = site_files(site), site_files(full)
    assert sorted(incremental) == sorted(complete)
    assert [p for p in complete if incremental[p] != complete[p]] == []

    after = _stat(site)
    untouched = [p for p in after if p in before and after[p] == before[p]]
    assert "defenders/tierra-viva/index.html" in untouched and "media/river.jpg" in untouched
    assert after["actions/river-guardians/index.html"] != before["actions/river-guardians/index.html"]
    assert "tours/americas-listening-tour/index.html" not in after


def test_a_change_of_the_day_rebuilds_only_what_depends_on_it(built, tmp_path):
    project, site, cache = built
    report = pipeline.build(project.root, site, SAMPLE_AS_OF.replace(day=2), cache_dir=cache)
    assert report.plan.kind == "partial"
    assert "actions/river-guardians/index.md" in report.plan.pages        # "20 days left"
    assert "defenders/wanjiru/index.md" not in report.plan.pages         # her action is closed
    full = tmp_path / "full"
    pipeline.build(project.root, full, SAMPLE_AS_OF.replace(day=2), cache_dir=tmp_path / "cache-full", full=True)
    one, two = site_files(site), site_files(full)
    assert sorted(one) == sorted(two) and [p for p in two if one[p] != two[p]] == []


def _same_as_full(project, site, tmp_path, as_of=SAMPLE_AS_OF) -> None:
    full = tmp_path / "full"
    pipeline.build(project.root, full, as_of, cache_dir=tmp_path / "cache-full", full=True)
    one, two = site_files(site), site_files(full)
    assert sorted(one) == sorted(two) and [p for p in two if one[p] != two[p]] == []


@pytest.fixture
def rendered(monkeypatch) -> list[str]:
    """The URL of every page rendered (not reused from the last build), in every language."""
    from generator.outputs.pages import PageRenderer

    urls: list[str] = []
    real = PageRenderer.render
    monkeypatch.setattr(PageRenderer, "render", lambda self, page: urls.append(page.url) or real(self, page))
    return urls


def test_a_page_is_rendered_again_only_when_what_it_shows_changed(built, tmp_path, rendered):
    """A defender's new name is on its page and on those that list it (an action, a country, the index):
    those are rendered again, the others are the last build's, and the site is what a full build makes."""
    project, site, cache = built
    path = project.root / "content/defenders/san-ignacio-river-community.md"
    path.write_text(path.read_text().replace("name: River community of San Ignacio", "name: River people of San Ignacio"))
    report = pipeline.build(project.root, site, SAMPLE_AS_OF, cache_dir=cache)
    assert report.plan.kind == "partial"
    assert {"defenders/san-ignacio-river-community/", "actions/river-guardians/", "defenders/"} <= set(rendered)
    assert "actions/journalist-detained/" not in rendered and "tours/americas-listening-tour/" not in rendered
    assert len(rendered) < 0.5 * len([p for p in site.rglob("index.html")])
    assert "River people of San Ignacio" in (site / "actions/river-guardians/index.html").read_text()
    _same_as_full(project, site, tmp_path)


def test_a_translation_is_rendered_again_when_only_its_original_changed(built, tmp_path, rendered):
    """The Spanish page of an action takes its facts from the original (core/translations.py): a new e-mail
    address in the original alone, the translation's file unchanged, renders the page again in every language."""
    project, site, cache = built
    river = project.root / "content/actions/river-guardians.md"
    river.write_text(river.read_text().replace("email: despacho@fiscalia.example.org", "email: fiscal@fiscalia.example.org"))
    report = pipeline.build(project.root, site, SAMPLE_AS_OF, cache_dir=cache)
    assert report.plan.kind == "partial"
    assert "es/actions/river-guardians/index.md" in report.plan.pages
    assert rendered.count("actions/river-guardians/") == 3  # en, es (the translation), ne (the original's words)
    _same_as_full(project, site, tmp_path)


def test_a_link_to_a_file_withheld_now_is_left_out_where_it_was(built, tmp_path, rendered):
    """A profile overdue for review is withheld: the link to it in an action's text (Markdown, traced by
    where it leads) is left out, so the action is rendered again though its own file did not change."""
    project, site, cache = built
    action = project.root / "content/actions/journalist-detained.md"
    action.write_text(action.read_text() + "\nLawyers of [the association](../defenders/tierra-viva.md) followed the case.\n")
    pipeline.build(project.root, site, SAMPLE_AS_OF, cache_dir=cache)
    assert "../../defenders/tierra-viva/" in (site / "actions/journalist-detained/index.html").read_text()
    rendered.clear()
    profile = project.root / "content/defenders/tierra-viva.md"
    profile.write_text(profile.read_text().replace("review_by: 2026-12-15", "review_by: 2026-11-15"))
    report = pipeline.build(project.root, site, SAMPLE_AS_OF, cache_dir=cache)
    assert report.plan.kind == "partial"
    assert "actions/journalist-detained/index.md" in report.plan.pages  # its page changed, so the engine made it
    assert "tierra-viva" not in (site / "actions/journalist-detained/index.html").read_text()
    _same_as_full(project, site, tmp_path)


def test_a_template_changed_renders_every_page_again(built, tmp_path, rendered):
    project, site, cache = built
    template = project.root / "theme/accompany/defender.html"
    template.write_text(template.read_text() + "\n<p>Edited template.</p>\n")
    pipeline.build(project.root, site, SAMPLE_AS_OF, cache_dir=cache)
    assert len(rendered) >= len([p for p in site.rglob("index.html") if "/print/" not in p.as_posix()]) - 5
    assert "Edited template." in (site / "defenders/wanjiru/index.html").read_text()
    _same_as_full(project, site, tmp_path)


def test_a_site_touched_by_someone_else_gets_a_full_build(built):
    project, site, cache = built
    (site / "defenders/wanjiru/index.html").write_text("defaced")
    report = pipeline.build(project.root, site, SAMPLE_AS_OF, cache_dir=cache)
    assert report.plan.kind == "full"
    assert "defaced" not in (site / "defenders/wanjiru/index.html").read_text()


def test_a_site_touched_by_someone_else_while_content_changed_gets_a_full_build(built):
    """The site's files are checked as a partial build links them: one changed by hand makes the build whole."""
    project, site, cache = built
    (site / "defenders/wanjiru/index.html").write_text("defaced")
    river = project.root / "content/actions/river-guardians.md"
    river.write_text(river.read_text().replace("Keep writing: the protection", "Keep writing again: the protection"))
    report = pipeline.build(project.root, site, SAMPLE_AS_OF, cache_dir=cache)
    assert report.plan.kind == "full" and report.plan.reason == "the site folder is not the one the last build left"
    assert "defaced" not in (site / "defenders/wanjiru/index.html").read_text()


def test_a_kept_page_made_after_all_and_found_changed_makes_the_build_whole(built, tmp_path, monkeypatch):
    """A trace that missed a read (here: the memo told every query answers as it did) would keep the last
    build's bytes. Wherever a kept page is made after all (the link check, for one that may link to something
    gone), its bytes are compared with the kept ones: they differ, so nothing of the partial build is published
    and everything is built again, with a warning."""
    from generator.outputs.memo import Memo

    project, site, cache = built
    monkeypatch.setattr(Memo, "_changed_queries", lambda self: set())
    path = project.root / "content/defenders/san-ignacio-river-community.md"
    path.write_text(path.read_text().replace("name: River community of San Ignacio", "name: River people of San Ignacio"))
    (project.root / "content/tours/americas-listening-tour.md").unlink()  # gone: what lists it is read again
    report = pipeline.build(project.root, site, SAMPLE_AS_OF, cache_dir=cache)
    assert report.plan.kind == "full"
    assert [w for w in report.warnings if "changed though nothing its template read did" in w]
    assert "River people of San Ignacio" in (site / "actions/river-guardians/index.html").read_text()
    monkeypatch.undo()
    _same_as_full(project, site, tmp_path)


def test_after_a_partial_build_the_site_is_known_as_it_is(built):
    """What a partial build records of the site it left (from what it linked and wrote) is what is on disk:
    the next build finds nothing to do."""
    from generator.cache import BuildCache
    from generator.incremental import site_manifest

    project, site, cache = built
    project.write("content/actions/new-action.md", VALID_ACTION.replace("UA-TEST-001", "UA-2026-099"))
    assert pipeline.build(project.root, site, SAMPLE_AS_OF, cache_dir=cache).plan.kind == "partial"
    assert BuildCache(cache).previous_state("en").site == site_manifest(site)
    assert pipeline.build(project.root, site, SAMPLE_AS_OF, cache_dir=cache).plan.kind == "none"


def _inodes(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.stat().st_ino for p in folder.rglob("*") if p.is_file()}


def test_the_old_site_kept_for_the_next_build_holds_only_what_is_published(built):
    """After a partial build the old site is kept (write.Staging's spare), but only the files the new site shares
    with it: a page gone or changed leaves it, with its folder's name."""
    project, site, cache = built
    river = project.root / "content/actions/river-guardians.md"
    river.write_text(river.read_text().replace("Keep writing: the protection", "Keep writing please: the protection"))
    (project.root / "content/tours/americas-listening-tour.md").unlink()
    assert pipeline.build(project.root, site, SAMPLE_AS_OF, cache_dir=cache).plan.kind == "partial"
    spare, live = _inodes(cache / "spare"), _inodes(site)
    assert "defenders/tierra-viva/index.html" in spare  # unchanged: kept, the site's own file
    assert [p for p, inode in spare.items() if live.get(p) != inode] == []
    assert "actions/river-guardians/index.html" not in spare  # changed: its old bytes are not kept
    assert not (cache / "spare/tours/americas-listening-tour").exists()
    assert len(spare) > len(live) / 2  # the rest is what this build wrote


def test_what_the_spare_holds_that_the_site_does_not_never_reaches_it(built, tmp_path):
    project, site, cache = built
    river = project.root / "content/actions/river-guardians.md"
    for words in ("Keep writing please:", "Keep writing now:"):
        if (cache / "spare").is_dir():  # the second time: the kept site was tampered with
            (cache / "spare/planted.html").write_text("planted")
            (cache / "spare/defenders/tierra-viva/index.html").unlink()  # a hard link of the site's: not written through
            (cache / "spare/defenders/tierra-viva/index.html").write_text("replaced")
        river.write_text(river.read_text().replace("Keep writing:", words).replace("Keep writing please:", words))
        assert pipeline.build(project.root, site, SAMPLE_AS_OF, cache_dir=cache).plan.kind == "partial"
    assert not (site / "planted.html").exists()
    assert b"replaced" not in (site / "defenders/tierra-viva/index.html").read_bytes()
    _same_as_full(project, site, tmp_path)


def test_a_spare_on_another_file_system_than_the_site_is_removed_not_left_behind(built, tmp_path):
    """Building into a site folder on another file system, the spare cannot be used: it is removed, for it would
    otherwise keep what the first site showed, withdrawn since (the build after it could not scrub it)."""
    import tempfile

    project, site, cache = built
    river = project.root / "content/actions/river-guardians.md"
    river.write_text(river.read_text().replace("Keep writing:", "Keep writing now:"))
    assert pipeline.build(project.root, site, SAMPLE_AS_OF, cache_dir=cache).plan.kind == "partial"
    assert (cache / "spare/defenders/tierra-viva/index.html").is_file()
    elsewhere = Path("/dev/shm")
    if not elsewhere.is_dir() or elsewhere.stat().st_dev == cache.stat().st_dev:
        pytest.skip("no second file system here (/dev/shm)")
    with tempfile.TemporaryDirectory(dir=elsewhere) as other:
        (project.root / "content/tours/americas-listening-tour.md").unlink()
        pipeline.build(project.root, Path(other) / "site", SAMPLE_AS_OF, cache_dir=cache)
        assert (Path(other) / "site/index.html").is_file()
        assert not (Path(other) / "site/tours/americas-listening-tour").exists()
    assert not (cache / "spare").exists()


def test_a_failed_incremental_build_leaves_the_published_files_as_they_were(built, monkeypatch):
    project, site, cache = built
    before = {p: (s, (site / p).read_bytes()) for p, s in _stat(site).items()}
    river = project.root / "content/actions/river-guardians.md"
    river.write_text(river.read_text().replace("Keep writing:", "Keep writing again:"))

    real = MkDocs.build_command
    monkeypatch.setattr(MkDocs, "build_command", lambda self, project, output: [
        "sh", "-c", '"$@"; echo "engine crashed" >&2; exit 1', "engine", *real(self, project, output)])
    with pytest.raises(EngineFailed, match="engine crashed"):
        pipeline.build(project.root, site, SAMPLE_AS_OF, cache_dir=cache)
    assert {p: (s, (site / p).read_bytes()) for p, s in _stat(site).items()} == before
    assert sorted(x.name for x in site.parent.iterdir() if x.name.startswith(".site-")) == []


def test_several_engine_runs_side_by_side_give_the_bytes_of_one(tmp_path, monkeypatch):
    from generator import incremental

    monkeypatch.setattr(incremental, "MIN_PAGES_PER_RUN", 1)
    one, three = tmp_path / "one" / "site", tmp_path / "three" / "site"
    pipeline.build(REPO, one, SAMPLE_AS_OF, cache_dir=tmp_path / "c1", engines=1)
    report = pipeline.build(REPO, three, SAMPLE_AS_OF, cache_dir=tmp_path / "c3", engines=3)
    assert report.plan.kind == "full"
    a, b = site_files(one), site_files(three)
    assert sorted(a) == sorted(b)
    assert [p for p in a if a[p] != b[p]] == []
    staged = pipeline.Renderers(report.loaded).staged()
    assert len(incremental.split(report.plan.pages, staged.nav_pages, 3, MkDocs().order)) == 3


def test_markdown_is_rendered_again_only_where_it_changed(built, monkeypatch):
    import markdown

    from generator.cache import BuildCache

    project, site, cache = built
    remembered = BuildCache(cache).remembered_markup()
    assert len(remembered) > 20
    river = project.root / "content/actions/river-guardians.md"
    river.write_text(river.read_text().replace("Keep writing: the protection", "Keep writing still: the protection"))
    converted = []
    real = markdown.Markdown.convert
    monkeypatch.setattr(markdown.Markdown, "convert", lambda self, text: converted.append(text) or real(self, text))
    pipeline.build(project.root, site, SAMPLE_AS_OF, cache_dir=cache)
    assert len(converted) == 1 and "Keep writing still" in converted[0]
    now = BuildCache(cache).remembered_markup()
    assert len(now) == len(remembered) and set(now) != set(remembered)  # the old text's entry is gone


def test_the_cache_keeps_only_what_the_last_build_used(built):
    project, site, cache = built
    kept = {"spare", "engine"}  # the last site kept for the next build (write.Staging), the engine's templates
    first = {p.name for p in cache.iterdir()} - kept
    assert sum(n.startswith("pdf-") for n in first) == 3 * 6  # two sheets and four packs, in each of three languages
    pipeline.build(project.root, site, SAMPLE_AS_OF.replace(day=2), cache_dir=cache)  # every sheet says "made on" the 2nd
    second = {p.name for p in cache.iterdir()} - kept
    cards = {n for n in first if n.startswith(("card-", "qr-"))}  # preview cards, QR codes: no day in them, kept
    assert cards and cards <= second
    bookkeeping = {"state.marshal", "markup", "records.marshal", "alerts.marshal", "sources", "templates"}
    assert len(second) == len(first) and not (first - cards - bookkeeping) & second


def test_engine_runs_are_cut_to_carry_similar_bytes():
    from generator import incremental

    pages = tuple(f"actions/a{i:03}/index.md" for i in range(200)) + ("index.md",)
    sizes = {p: (60_000 if i < 50 else 1_000) for i, p in enumerate(pages)}  # the first quarter is heavy
    runs = incremental.split(pages, {"index.md"}, 2, MkDocs().order, sizes)
    assert runs[0][0] == "index.md" and "index.md" not in runs[1]  # the navigation's pages in one (stubs in the other)
    assert sorted(p for run in runs for p in run) == sorted(pages)
    weight = [sum(incremental.PAGE_WEIGHT + sizes[p] for p in run) for run in runs]
    assert max(weight) / min(weight) < 1.1
    assert len(runs[0]) < len(runs[1])  # by count they would be 100 and 100


# ---------------------------------------------------------------- the leak scan in incremental builds

REAL_NAME = "Marisol Quintero Vargas"  # the sample's private.real_name (content/defenders/lucia.md)


def _snapshot(site: Path) -> dict[str, tuple[bytes, int]]:
    return {p.relative_to(site).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns) for p in site.rglob("*") if p.is_file()}


def test_an_incremental_build_scans_what_it_writes(built, monkeypatch):
    """A page made again in a partial build is scanned: a real name in it stops the build, and the site stays."""
    from generator.outputs.pages import PageRenderer

    project, site, cache = built
    before = _snapshot(site)
    river = project.root / "content/actions/river-guardians.md"
    river.write_text(river.read_text().replace("Keep writing: the protection", "Keep writing now: the protection"))
    real = PageRenderer.render
    monkeypatch.setattr(PageRenderer, "render", lambda self, page: real(self, page) + (
        f"\n<p>{REAL_NAME}</p>\n" if page.url == "actions/river-guardians/" else ""))
    with pytest.raises(ProblemsFound) as found:
        pipeline.build(project.root, site, SAMPLE_AS_OF, cache_dir=cache)
    assert sorted(str(p) for p in found.value.problems) == sorted(
        "content/defenders/lucia.md:30: private.real_name: this real name would be published in "
        f"site/{lang}{path}: find and remove it" for path in ("actions/river-guardians/index.html", "search/search_index.json")
        for lang in ("", "es/", "ne/"))  # the page in each language
    assert _snapshot(site) == before


def test_a_new_real_name_is_looked_for_in_every_file_already_published(tmp_path):
    """Declaring a real name changes no page, so nothing is made again: the whole site is scanned for it,
    here finding it in the footer the engine prints on every page."""
    project = Project(tmp_path / "project")
    project.write("mkdocs.yml", MINIMAL_SETTINGS + "copyright: Photographs by Dana Smithfield-Okoro\n")
    project.write("content/actions/a.md", VALID_ACTION)
    project.write("content/defenders/ana.md", VALID_DEFENDER)
    site = tmp_path / "site"
    pipeline.build(project.root, site, SAMPLE_AS_OF, cache_dir=tmp_path / "cache")
    assert "Dana Smithfield-Okoro" in (site / "index.html").read_text()
    before = _snapshot(site)
    project.write("content/defenders/ana.md", VALID_DEFENDER.replace(
        "author: AB", "author: AB\nprivate:\n  real_name: Dana Smithfield-Okoro"))
    with pytest.raises(ProblemsFound) as found:
        pipeline.build(project.root, site, SAMPLE_AS_OF, cache_dir=tmp_path / "cache")
    leaked = {p.message.split(" published in site/")[1].split(":")[0] for p in found.value.problems}
    assert {"index.html", "actions/a/index.html", "defenders/ana/index.html", "404.html"} <= leaked
    assert {(p.path, p.line, p.key) for p in found.value.problems} == {
        ("content/defenders/ana.md", 8, "private.real_name")}
    assert _snapshot(site) == before


def test_the_search_index_this_process_wrote_is_merged_as_a_scan_of_it_merges(monkeypatch):
    """The preview finds the index it merged last as the old one: its entries' places are taken from that merge
    (engines/mkdocs_search._Written), with the bytes a parse of it gives; any other bytes are scanned."""
    from generator.engines import mkdocs_search
    from test_search_merge import OLD, PAGES, dump, parsed_merge, rank

    monkeypatch.setattr(mkdocs_search._Written, "data", None)
    monkeypatch.setattr(mkdocs_search._Written, "found", None)
    scanned: list[bytes] = []
    scan = mkdocs_search._runs
    monkeypatch.setattr(mkdocs_search, "_runs", lambda data: scanned.append(data) or scan(data))
    first = dump(OLD[:3] + [{"location": "x},{", "text": "a text shaped like a boundary },{\"location\":\"z/\""}]
                 + OLD[3:])
    part = dump([{"location": page + "#new", "title": "New", "text": f"new text of {page} }},{{ x"} for page in PAGES])
    written = mkdocs_search.merge(first, [part], {"actions/a/", "gone/"}, rank)
    assert written == parsed_merge(first, [part], {"actions/a/", "gone/"}, rank) and scanned == [first]
    for replaced in [set(), {"actions/"}, {"", "tours/", "z/"}, set(PAGES)]:
        again = mkdocs_search.merge(written, [part], replaced, rank)
        assert again == parsed_merge(written, [part], replaced, rank)
        written = again
    assert scanned == [first]  # each old index was the one merged last: not scanned
    touched = written.replace(b'"title":"New"', b'"title":"Old"', 1)
    assert mkdocs_search.merge(touched, [], {"tours/"}, rank) == parsed_merge(touched, [], {"tours/"}, rank)
    assert scanned == [first, touched]


# ---------------------------------------------------------------- the link check when something is gone

WITHDRAWN = (VALID_ACTION.replace("UA-TEST-001", "UA-TEST-002").replace("title: A valid action", "title: A case")
             .replace("Body.", "Its text."))


@pytest.fixture
def made_for_links(monkeypatch) -> list[str]:
    """What the memo kept and the link check had made after all: pages (by doc path) and files (by site path)."""
    from generator.outputs.files import Files

    made: list[str] = []
    checking = []
    real_get, real_check = Files.__getitem__, pipeline.check_links

    def getitem(self, path):
        if checking and path in self.kept and path not in self.made:
            made.append(path)
        return real_get(self, path)

    def check_links(*args, **kwargs):
        checking.append(True)
        try:
            return real_check(*args, **kwargs)
        finally:
            checking.clear()

    monkeypatch.setattr(Files, "__getitem__", getitem)
    monkeypatch.setattr(pipeline, "check_links", check_links)
    return made


def _two_actions(project: Project, links: str = "", settings: str = MINIMAL_SETTINGS,
                 template: str = "defender.html") -> tuple[Path, Path]:
    """Two open actions (``a``, ``withdrawn-case``) and a defender, with ``links`` at the end of the page template
    ``template``; built once: ``(site, cache)``."""
    project.write("mkdocs.yml", settings)
    project.write("content/actions/a.md", VALID_ACTION)
    project.write("content/actions/withdrawn-case.md", WITHDRAWN)
    project.write("content/defenders/ana.md", VALID_DEFENDER)
    path = project.root / "theme/accompany" / template
    path.write_text(path.read_text() + links)
    site, cache = project.root.parent / "site", project.root.parent / "cache"
    assert pipeline.build(project.root, site, SAMPLE_AS_OF, cache_dir=cache).plan.kind == "full"
    return site, cache


def test_a_removal_renders_nothing_it_kept_to_check_its_links(project, rendered, made_for_links):
    """The kept pages and files are read as the last build left them: none leads to the action gone."""
    site, cache = _two_actions(project)
    rendered.clear()
    (project.root / "content/actions/withdrawn-case.md").unlink()
    report = pipeline.build(project.root, site, SAMPLE_AS_OF, cache_dir=cache)
    assert report.plan.kind == "partial" and "actions/withdrawn-case/index.md" in report.plan.removed
    assert "defenders/ana/" not in rendered and "actions/a/" not in rendered  # kept by the memo
    assert made_for_links == []  # neither they nor actions/a/print/index.html made again to be read
    assert not (site / "actions/withdrawn-case").exists()


@pytest.mark.parametrize("change, expected", [
    ("unlink", ["'../../actions/withdrawn-case/'", "'../../actions/withdrawn-case/withdrawn-case.pdf'"]),
    ("close", ["'../../actions/withdrawn-case/withdrawn-case.pdf'"]),  # the page stays, its PDF goes
])
def test_a_kept_page_that_links_to_what_is_gone_is_still_caught(project, made_for_links, change, expected):
    """The template (not the site graph, which the memo traces) links to an action and its PDF: the page that
    shows it is kept by the memo, read again as the link check finds it may lead to what is gone, and stops the
    build; the site stays as it was."""
    site, cache = _two_actions(project, '<a href="../../actions/withdrawn-case/">A case</a>\n'
                                        '<a href="../../actions/withdrawn-case/withdrawn-case.pdf">Its PDF</a>\n')
    action = project.root / "content/actions/withdrawn-case.md"
    if change == "unlink":
        action.unlink()
    else:
        action.write_text(WITHDRAWN.replace("status: open", "status: closed"))
    with pytest.raises(ProblemsFound) as found:
        pipeline.build(project.root, site, SAMPLE_AS_OF, cache_dir=cache)
    assert [str(p) for p in found.value.problems] == [
        f"content/defenders/ana.md:1: link: the page defenders/ana/ links to {link}, which is not in the site "
        "(the link is made by theme/accompany/defender.html)" for link in expected]
    assert made_for_links == ["defenders/ana/index.md"]  # kept by the memo, made again to be read
    assert (site / "actions/withdrawn-case/withdrawn-case.pdf").is_file()


def test_a_kept_page_in_another_language_that_links_to_what_is_gone_is_caught(project, made_for_links):
    """Each language's kept pages are read in its own folder of the last site (``es/``): only the Spanish
    page links to the action."""
    two = MINIMAL_SETTINGS.replace("  language: en\n", "  languages: [en, es]\n")
    site, cache = _two_actions(project, '{% if site_lang == "es" %}<a href="../../actions/withdrawn-case/">Un caso</a>'
                                        '{% endif %}\n', two)
    assert "Un caso" in (site / "es/defenders/ana/index.html").read_text()
    assert "withdrawn-case" not in (site / "defenders/ana/index.html").read_text()
    (project.root / "content/actions/withdrawn-case.md").unlink()
    with pytest.raises(ProblemsFound) as found:
        pipeline.build(project.root, site, SAMPLE_AS_OF, cache_dir=cache)
    assert [str(p) for p in found.value.problems] == [
        "content/defenders/ana.md:1: link: the page es/defenders/ana/ links to '../../actions/withdrawn-case/', "
        "which is not in the site (the link is made by theme/accompany/defender.html)"]
    assert made_for_links == ["defenders/ana/index.md"]  # the Spanish one, kept by the memo


def test_a_kept_print_page_that_links_to_what_is_gone_is_caught_in_the_bytes_last_written(project, made_for_links):
    """A print page is a file: kept, it is read in the last site (its bytes are the kept ones), not made again."""
    site, cache = _two_actions(project, '<a href="../../withdrawn-case/">A case</a>\n', template="sheet.html")
    (project.root / "content/actions/withdrawn-case.md").unlink()
    with pytest.raises(ProblemsFound) as found:
        pipeline.build(project.root, site, SAMPLE_AS_OF, cache_dir=cache)
    assert [str(p) for p in found.value.problems] == [
        "content/actions/a.md:1: link: actions/a/print/index.html links to '../../withdrawn-case/', "
        "which is not in the site"]
    assert made_for_links == []


def test_a_kept_page_not_as_the_last_build_left_it_is_made_again_to_be_read(project, made_for_links):
    """Its HTML in the last site, changed by someone else, says nothing of its links: the page is made again."""
    site, cache = _two_actions(project, '<a href="../../actions/withdrawn-case/">A case</a>\n')
    (site / "defenders/ana/index.html").write_text("defaced")
    (project.root / "content/actions/withdrawn-case.md").unlink()
    with pytest.raises(ProblemsFound) as found:
        pipeline.build(project.root, site, SAMPLE_AS_OF, cache_dir=cache)
    assert [p.path for p in found.value.problems] == ["content/defenders/ana.md"]
    assert made_for_links == ["defenders/ana/index.md"]
