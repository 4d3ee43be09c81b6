"""End to end: the sample content built into a real site, read back as a reader and an attacker would."""

from __future__ import annotations

import os
import threading
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import REPO, SAMPLE_AS_OF, Project, copy_built, read_back, settle, site_files
from conftest import VALID_ACTION
from generator import build as pipeline
from generator.core.problems import ProblemsFound
from generator.engines import EngineFailed
from generator.engines.mkdocs import MkDocs

EXPECTED_PAGES = [
    "index.html", "404.html", "about-accompaniment/index.html", "how-to-help/index.html",
    "actions/index.html", "actions/river-guardians/index.html", "actions/union-leader-guatemala/index.html",
    "actions/journalist-detained/index.html", "actions/land-defenders-released/index.html",
    "defenders/index.html", "defenders/lucia/index.html", "defenders/san-ignacio-river-community/index.html",
    "defenders/tierra-viva/index.html", "defenders/wanjiru/index.html",
    "tours/index.html", "tours/voices-of-the-river/index.html", "tours/americas-listening-tour/index.html",
    "campaigns/index.html", "campaigns/rivers-not-bullets/index.html", "campaigns/free-to-report/index.html",
    "countries/index.html", "countries/co/index.html", "countries/gt/index.html", "countries/ke/index.html",
    "countries/no/index.html", "themes/index.html", "themes/land-rights/index.html",
    "search/search_index.json", "sitemap.xml", "sitemap.xml.gz", "media/river.jpg", "media/tour-banner.jpg",
]

#: What each withholding rule hides in the sample, and strings that must not appear anywhere.
WITHHELD = {
    "draft": ["CANARY-DRAFT", "draft-action", "UA-2026-037"],
    "embargo": ["CANARY-EMBARGO", "embargoed-action", "UA-2026-036"],
    "vetting pending": ["CANARY-PENDING-VETTING", "tomas-pending"],
    "review overdue": ["CANARY-OVERDUE-REVIEW", "overdue-review"],
    "consent withdrawn": ["CANARY-WITHDRAWN-CONSENT", "withdrawn-consent"],
    "four eyes": ["CANARY-FOUR-EYES", "four-eyes"],
    "html comment": ["CANARY-HTML-COMMENT", "Internal: the pamphlet photo"],
    "private at top level": ["Meeting point with the community council", "+57 300 000 0000"],
    "private in a contact": ["Direct line of her chief of staff"],
    "private in a stop": ["The venue received threats"],
    "real name": ["Marisol Quintero Vargas"],
    "organisation without consent": ["San Ignacio Community Council", "The Coast Observer"],
    "photo without consent": ["wanjiru.jpg", "Portrait of Wanjiru"],
}


def test_every_expected_page_exists(sample_site):
    missing = [p for p in EXPECTED_PAGES if not (sample_site / p).is_file()]
    assert missing == []


_READ: dict[Path, dict[str, str]] = {}


def _read_back(site: Path) -> dict[str, str]:
    """Every output file read back independently of the leak scanner (conftest.read_back), once per site."""
    if site not in _READ:
        _READ[site] = {path: read_back(path, data).casefold() for path, data in site_files(site).items()}
    return _READ[site]


@pytest.mark.parametrize("rule", sorted(WITHHELD))
def test_withheld_items_leave_no_trace_in_any_output(sample_site, rule):
    files = site_files(sample_site)
    assert len(files) > 50
    leaks = []
    for path, data in _read_back(sample_site).items():
        leaks += [(path, needle) for needle in WITHHELD[rule] if needle.casefold() in data]
    assert leaks == []


def test_region_shown_only_with_consent(sample_site):
    lucia = (sample_site / "defenders/lucia/index.html").read_text()
    community = (sample_site / "defenders/san-ignacio-river-community/index.html").read_text()
    assert "Magdalena Medio" not in _article(lucia)       # consent.location: country
    assert "Magdalena Medio, Colombia" in _article(community)  # consent.location: region
    assert "pseudonym" in _article(lucia)


def test_photo_copied_only_with_consent_and_cleaned(sample_site):
    from PIL import Image

    assert sorted(p.name for p in (sample_site / "media").iterdir()) == ["river.jpg", "tour-banner.jpg"]
    with Image.open(sample_site / "media/river.jpg") as image:
        assert dict(image.getexif()) == {}
        assert image.size == (320, 480)  # the EXIF orientation (rotate 90) was applied before stripping
    assert b"CanaryCam" not in (sample_site / "media/river.jpg").read_bytes()


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts, self.links, self.skip = [], [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        if tag == "a":
            self.links.append(dict(attrs).get("href"))

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def _article(html: str) -> str:
    start = html.index('<article class="ac-')
    parser = _Text()
    parser.feed(html[start: html.index("</article>", start)])
    return " ".join(" ".join(parser.parts).split())


def test_open_action_page_reads_as_a_supporter_expects(sample_site):
    text = _article((sample_site / "actions/river-guardians/index.html").read_text())
    for expected in [
        "UA-2026-031", "Protect the river guardians of San Ignacio", "Act by December 22, 2026",
        "21 days left", "What to do", "Model letter", "Dear Attorney General,", "Send your appeal to",
        "Avenida Calle 24 No. 52-01", "Salutation: Dear Attorney General", "Send copies to", "Your Excellency",
        "Write in: Spanish, English", "Defenders", "Rivers, not bullets", "Colombia",
    ]:
        assert expected in text, expected
    assert text.index("Meeting with the ombudsman") < text.index("A second threat, by phone")  # newest first


def test_closed_and_resolved_actions_hide_the_letter_and_addresses(sample_site):
    closed = _article((sample_site / "actions/journalist-detained/index.html").read_text())
    resolved = _article((sample_site / "actions/land-defenders-released/index.html").read_text())
    assert "This action is closed" in closed and "late appeals can do harm" in closed
    assert "Resolved: good news" in resolved and "a judge dropped all charges" in resolved
    for text in (closed, resolved):
        assert "Model letter" not in text and "Send your appeal to" not in text and "PO Box" not in text


def test_near_deadline_and_index_order(sample_site):
    index = _article((sample_site / "actions/index.html").read_text())
    assert index.index("UA-2026-034") < index.index("UA-2026-031")   # soonest deadline first
    assert index.index("UA-2026-031") < index.index("UA-2026-019")   # open before closed
    assert "2 days left" in index


def test_tour_schedule_with_local_times_and_cancelled_stop(sample_site):
    text = _article((sample_site / "tours/voices-of-the-river/index.html").read_text())
    assert "Saturday, December 5, 2026, 7:00 PM" in text and "(GMT)" in text
    assert "Tuesday, December 8, 2026, 6:30 PM" in text and "Norway" in text
    assert "Cancelled" in text and "This event is cancelled." in text
    assert "Online" in text and "https://meet.example.org/voices-of-the-river" in text
    glasgow = _article((sample_site / "tours/americas-listening-tour/index.html").read_text())
    assert "Sunday, March 28, 2027, 7:00 PM" in glasgow and "(BST)" in glasgow
    assert "Postponed" in glasgow


def test_nav_holds_sections_not_items(sample_site):
    html = (sample_site / "actions/river-guardians/index.html").read_text()
    nav = html[html.index('<nav class="md-nav md-nav--primary"'): html.index("</nav>", html.index('<nav class="md-nav md-nav--primary"'))]
    parser = _Text()
    parser.feed(nav)
    assert not any(link and ("river-guardians" in link or "defenders/" in link.strip("./")[10:]) for link in parser.links)
    assert len(parser.links) < 20


def test_no_web_fonts_or_other_hosts_in_pages(sample_site):
    for path, data in site_files(sample_site).items():
        if path.endswith(".html"):
            assert b"fonts.googleapis" not in data and b"fonts.gstatic" not in data, path


# ------------------------------------------------------------ all or nothing


def _snapshot(site: Path) -> dict[str, tuple[bytes, int]]:
    return {p.relative_to(site).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns) for p in site.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def built_once(tmp_path_factory) -> Path:
    """The sample copied into a project and built by ``accompany build --site-dir``, once per module and worker."""
    folder = tmp_path_factory.mktemp("built")
    project = Project(folder / "project")
    project.copy_sample("content", "campaigns", "mkdocs.yml")
    site = folder / "site"
    code, out, err = project.cli("build", "--as-of", "2026-12-01", "--site-dir", str(site))
    assert (code, err) == (0, "")
    settle(site, project.root / ".accompany" / "cache")
    return folder


@pytest.fixture
def built(built_once, tmp_path):
    """A copy (cp -a: bytes, times, hard links) of the project and site that build left, for this test to change."""
    project, site, _ = copy_built(built_once, tmp_path)
    return project, site


def _leftovers(site: Path) -> list[str]:
    return sorted(p.name for p in site.parent.iterdir() if p.name.startswith(f".{site.name}-"))


def test_failed_validation_leaves_the_previous_site_intact(built):
    project, site = built
    before = _snapshot(site)
    project.write("content/actions/new.md", VALID_ACTION.replace("country: CO", "country: XX"))
    code, _, err = project.cli("build", "--as-of", "2026-12-01", "--site-dir", str(site))
    assert code == 1 and "country" in err
    assert _snapshot(site) == before and _leftovers(site) == []


def engine_then(monkeypatch, shell: str) -> None:
    """Every engine run builds as MkDocs does, then runs ``shell`` in its output folder (``$1``): a real process."""
    real = MkDocs.build_command

    def wrapped(self, project, output):
        script = '"$@" || exit $?; cd "$OUT" && ' + shell
        return ["sh", "-c", script.replace("$OUT", str(output)), "engine", *real(self, project, output)]

    monkeypatch.setattr(MkDocs, "build_command", wrapped)


def test_engine_failure_leaves_the_previous_site_intact(built, monkeypatch):
    project, site = built
    before = _snapshot(site)
    engine_then(monkeypatch, "echo 'half a site' > index.html; echo 'engine crashed halfway' >&2; exit 1")
    with pytest.raises(EngineFailed, match="engine crashed halfway"):
        pipeline.build(project.root, site, SAMPLE_AS_OF, full=True)
    assert _snapshot(site) == before and _leftovers(site) == []


def test_a_content_problem_found_while_the_engines_run_stops_them_and_stays_a_content_problem(built, monkeypatch):
    """A broken link is found while the engine runs go on: they are killed, and the volunteer reads the problem."""
    project, site = built
    before = _snapshot(site)
    engine_then(monkeypatch, "exec sleep 60")
    page = project.root / "content/pages/how-to-help.md"
    page.write_text(page.read_text() + "\nSee [the archive](archive.md).\n")
    started = time.monotonic()
    code, _, err = project.cli("build", "--as-of", "2026-12-01", "--site-dir", str(site))
    assert (code, err.splitlines()[-1]) == (1, "1 problem found; nothing was built or changed."), err
    assert "content/pages/how-to-help.md:" in err and "archive.md" in err
    assert time.monotonic() - started < 50  # the engine runs were stopped, not waited for
    assert _snapshot(site) == before and _leftovers(site) == []


def test_leak_found_after_the_engine_fails_the_build_and_keeps_the_old_site(built, monkeypatch):
    project, site = built
    before = _snapshot(site)
    engine_then(monkeypatch, "echo 'notes: marisol  QUINTERO vargas' > extra.txt")
    with pytest.raises(ProblemsFound) as found:
        pipeline.build(project.root, site, SAMPLE_AS_OF, full=True)
    assert [str(p) for p in found.value.problems] == [
        f"content/defenders/lucia.md:30: private.real_name: this real name would be published in site/{lang}extra.txt: "
        "find and remove it" for lang in ("es/", "", "ne/")]  # the engine ran for each language
    assert _snapshot(site) == before and _leftovers(site) == []


def test_leak_in_a_file_made_beside_the_engine_fails_a_full_build(built, monkeypatch):
    # A full build scans feeds, calendars and sheets before they are written, and then only the
    # engine's files: a name in a calendar must still stop it.
    from generator.outputs.calendars import Calendars

    project, site = built
    before = _snapshot(site)
    real_render = Calendars.render
    monkeypatch.setattr(Calendars, "render", lambda self: {
        **real_render(self), "calendars/extra.ics": b"DESCRIPTION:with Marisol Quintero Vargas\r\n"})
    with pytest.raises(ProblemsFound) as found:
        pipeline.build(project.root, site, SAMPLE_AS_OF, full=True)
    assert [str(p) for p in found.value.problems] == [
        "content/defenders/lucia.md:30: private.real_name: this real name would be published in "
        "site/calendars/extra.ics: find and remove it"
    ]
    assert _snapshot(site) == before and _leftovers(site) == []


def test_the_staging_folder_goes_with_the_old_site_and_nothing_else(tmp_path):
    from generator.write import Staging

    site = tmp_path / "site"
    (site / "old").mkdir(parents=True)
    (site / "old" / "index.html").write_text("old")
    (tmp_path / "keep").mkdir()
    with Staging(site) as staging:
        (staging.output / "new").mkdir(parents=True)
        (staging.output / "new" / "index.html").write_text("new")
        (staging.root / "project-0" / "docs").mkdir(parents=True)
        staging.swap_in()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep", "site"]
    assert (site / "new" / "index.html").read_text() == "new" and not (site / "old").exists()


def test_a_build_that_does_not_wait_for_the_old_site_to_go_leaves_it_to_the_next_staging(tmp_path, monkeypatch):
    from generator import write

    retire = write._retire_apart

    def slow(*args):
        time.sleep(0.5)
        retire(*args)

    monkeypatch.setattr(write, "_retire_apart", slow)
    site, spare = tmp_path / "site", tmp_path / "spare"
    (site / "old").mkdir(parents=True)
    (site / "old" / "index.html").write_text("old")
    with write.Staging(site, background=True, spare=spare) as first:
        (first.output / "new").mkdir(parents=True)
        (first.output / "new" / "index.html").write_text("new")
        first.swap_in()
        first.keep_spare()
    assert first.removal.is_alive()  # the preview returns now: first.wait() is not called
    with write.Staging(site, background=True, spare=spare) as second:
        assert not first.removal.is_alive() and not first.root.exists()
        assert spare.is_dir() and second.take_spare(True)  # the spare the first left, scrubbed: nothing old in it
        assert not (second.output / "old").exists()
    second.wait()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_a_removal_that_leaves_no_spare_is_not_waited_for_by_the_next_staging(tmp_path, monkeypatch):
    """After a full build nothing of the old site is the new one's: its staging folder only goes, and the next
    build (the preview's next edit) does not wait for it (seconds at N = 5,000); nothing is left once both are done."""
    from generator import write

    retire, going = write._retire_apart, threading.Event()

    def slow(*args):
        going.wait(10)
        retire(*args)

    monkeypatch.setattr(write, "_retire_apart", slow)
    site, spare = tmp_path / "site", tmp_path / "spare"
    (site / "old").mkdir(parents=True)
    (site / "old" / "index.html").write_text("old")
    with write.Staging(site, background=True, spare=spare) as first:
        (first.output / "new").mkdir(parents=True)
        (first.output / "new" / "index.html").write_text("new")
        first.swap_in()  # no keep_spare: a full build's
    with write.Staging(site, background=True, spare=spare) as second:
        assert first.removal.is_alive() and first.root.exists()  # not waited for
        assert not second.take_spare(True)  # none was left
        (second.output / "new").mkdir(parents=True)
        (second.output / "new" / "index.html").write_text("newer")
        second.swap_in()
        second.keep_spare()
    going.set()
    second.wait()
    first.removal.join()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site", "spare"]
    assert [p for p in spare.rglob("*") if not p.is_dir()] == []  # the second's old site, scrubbed: nothing is the new's


def test_the_old_site_is_scrubbed_and_removed_by_a_process_of_its_own(tmp_path, monkeypatch):
    """The old site is walked and removed by another process (write._retire_apart), not by a thread of the
    build's, which would wait for the interpreter at each file while the build records what it published;
    what it keeps as the spare is only what the new site holds, as the same file."""
    from generator import write

    def here(*args):
        raise AssertionError("retired in the build's own process")

    site, spare, root = tmp_path / "site", tmp_path / "spare", tmp_path / ".site-build"
    old = root / "site"  # the old site, as Staging.swap_in leaves it
    for name in ("kept", "changed", "gone"):
        (old / name).mkdir(parents=True)
        (old / name / "index.html").write_text(f"old {name}")
    (old / "gone" / "photo.jpg").write_text("withdrawn")
    (site / "kept").mkdir(parents=True)
    os.link(old / "kept" / "index.html", site / "kept" / "index.html")
    (site / "changed").mkdir()
    (site / "changed" / "index.html").write_text("new changed")
    monkeypatch.setattr(write, "_retire", here)
    write._retire_apart(root, old, site, spare)
    assert not root.exists()
    assert sorted(str(p.relative_to(spare)) for p in spare.rglob("*")) == ["changed", "kept", "kept/index.html"]
    assert (spare / "kept" / "index.html").stat().st_ino == (site / "kept" / "index.html").stat().st_ino


def test_rebuild_after_withdrawal_leaves_no_stale_file(built):
    project, site = built
    assert (site / "defenders/wanjiru/index.html").exists()
    path = project.root / "content/defenders/wanjiru.md"
    path.write_text(path.read_text().replace("given_on: 2026-06-20", "given_on: 2026-06-20\n  withdrawn_on: 2026-11-30"))
    journalist = project.root / "content/actions/journalist-detained.md"
    journalist.write_text(journalist.read_text().replace("defenders: [wanjiru]\n", ""))
    tour = project.root / "content/tours/americas-listening-tour.md"
    tour.write_text(tour.read_text().replace("defenders: [wanjiru]\n", ""))
    code, out, err = project.cli("build", "--as-of", "2026-12-01", "--site-dir", str(site))
    assert (code, err) == (0, "")
    assert not (site / "defenders/wanjiru").exists()
    for rel, data in site_files(site).items():
        assert b"defenders/wanjiru" not in data, rel


def test_two_builds_are_byte_identical(sample_site, tmp_path):
    # The first: conftest.sample_site, the same call (REPO as of SAMPLE_AS_OF, a fresh cache), made earlier in this
    # process; the second made here, into another folder with a cache of its own.
    first, second = sample_site, tmp_path / "b" / "site"
    pipeline.build(REPO, second, SAMPLE_AS_OF, cache_dir=tmp_path / "cache-b")
    one, two = site_files(first), site_files(second)
    assert sorted(one) == sorted(two)
    assert [p for p in one if one[p] != two[p]] == []


def test_source_date_epoch_is_now_when_as_of_is_absent(tmp_path, monkeypatch):
    project = Project(tmp_path / "project")
    project.write("content/actions/a.md", VALID_ACTION)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1796083200")  # 2026-12-01T00:00:00Z
    code, out, err = project.cli("check")
    assert code == 0 and "ok as of 2026-12-01T00:00:00+00:00" in out


@pytest.mark.parametrize("layout, message", [
    ({".git": None}, "contains .git: it does not look like a built site, and would be replaced"),
    ({"notes.txt": "x"}, "exists and does not look like a site built by accompany (no index.html and sitemap.xml): "
                         "empty it or choose another folder"),
])
def test_refuses_to_replace_a_folder_that_is_not_a_site(tmp_path, layout, message):
    project = Project(tmp_path / "project")
    target = tmp_path / "elsewhere"
    target.mkdir()
    for name, text in layout.items():
        (target / name).mkdir() if text is None else (target / name).write_text(text)
    code, _, err = project.cli("build", "--as-of", "2026-12-01", "--site-dir", str(target))
    assert code == 1
    assert err.splitlines()[0] == f"{target}:1: site_dir: {message}"
    assert sorted(os.listdir(target)) == sorted(layout)


def test_refuses_the_project_folder_as_site_dir(tmp_path):
    project = Project(tmp_path / "project")
    code, _, err = project.cli("build", "--as-of", "2026-12-01", "--site-dir", str(project.root / "content"))
    assert code == 1 and "is inside content/" in err


def test_pages_rendered_in_worker_processes_are_the_same(monkeypatch):
    from generator.build import Renderers
    from generator.executor import Executor
    from generator.load import load
    from generator.outputs import pages as pages_module

    loaded = load(REPO, SAMPLE_AS_OF)
    serial = Renderers(loaded)
    one = serial.pages.render_all()
    monkeypatch.setattr(pages_module, "PARALLEL_FROM", 1)
    forked = Renderers(loaded)
    two = forked.pages.render_all(Executor(2).map_chunks)
    assert one == two and len(one) > 30
    assert forked.markup.used_media == serial.markup.used_media == {"content/media/river.jpg", "content/media/tour-banner.jpg"}
    assert forked.markup.rendered() == serial.markup.rendered()  # feeds and sheets reuse what the workers rendered


class _Outline(HTMLParser):
    """The heading levels of a page, in order, and its <title>."""

    def __init__(self):
        super().__init__()
        self.levels, self.title, self._in_title = [], "", False

    def handle_starttag(self, tag, attrs):
        if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            self.levels.append(int(tag[1]))
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def _outline(html: str) -> _Outline:
    parser = _Outline()
    parser.feed(html)
    return parser


def test_no_page_skips_a_heading_level(sample_site):
    """The Nu HTML checker's rule: after an h1 comes an h2, not an h3 (the defenders index had cards right under h1)."""
    skipped = []
    for path, data in site_files(sample_site).items():
        if path.endswith(".html"):
            levels = _outline(data.decode()).levels
            skipped += [(path, a, b) for a, b in zip(levels, levels[1:]) if b > a + 1]
    assert skipped == []
    assert _outline("<h1>a</h1><h3>b</h3>").levels == [1, 3]  # the parser sees what the rule needs
    assert _outline((sample_site / "defenders/index.html").read_text()).levels.count(3) == 4  # the four cards


def test_the_home_page_names_the_site_once(sample_site):
    assert _outline((sample_site / "index.html").read_text()).title == "Accompany Sample Network"
    assert _outline((sample_site / "actions/index.html").read_text()).title == "Urgent actions - Accompany Sample Network"


def test_no_page_shows_an_empty_banner(sample_site: Path):
    # Material shows its banner whenever the theme's announce block renders anything, even a line break.
    pages = sorted(sample_site.rglob("*.html"))
    assert pages
    assert [p.relative_to(sample_site).as_posix() for p in pages if 'class="md-banner"' in p.read_text()] == []
