"""Safety properties beyond leaks: no third-party requests, all-or-nothing under faults, fuzzed input."""

from __future__ import annotations

import re
import shutil
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import REPO, SAMPLE_AS_OF, VALID_ACTION, Project, copy_built, site_files
from generator import build as pipeline
from generator import write
from generator.core.problems import ProblemsFound

# ------------------------------------------------------------ no requests to other hosts

_FETCHING_LINK_RELS = {"stylesheet", "icon", "shortcut", "preload", "prefetch", "modulepreload", "manifest",
                       "apple-touch-icon", "mask-icon", "dns-prefetch", "preconnect"}
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""", re.I)


class _Fetches(HTMLParser):
    """Collects every URL a browser would fetch while showing an HTML page."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self._style = False

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        for key in ("src", "poster", "data", "background", "ping"):
            if key in a:
                self.urls.append(a[key])
        for key in ("srcset", "imagesrcset"):
            self.urls += [part.split()[0] for part in a.get(key, "").split(",") if part.strip()]
        if tag == "link" and set(a.get("rel", "").lower().split()) & _FETCHING_LINK_RELS:
            self.urls.append(a.get("href", ""))
        if tag in ("image", "use", "feimage"):
            self.urls += [a[k] for k in ("href", "xlink:href") if k in a]
        if tag == "meta" and a.get("http-equiv", "").lower() == "refresh":
            self.urls += re.findall(r"url=(\S+)", a.get("content", ""), re.I)
        if "style" in a:
            self.urls += [u or i for u, i in _CSS_URL.findall(a["style"])]
        self._style = tag == "style"

    def handle_data(self, data):
        if self._style:
            self.urls += [u or i for u, i in _CSS_URL.findall(data)]


def fetched_urls(path: str, data: bytes) -> list[str]:
    text = data.decode("utf-8", "ignore")
    if path.endswith((".html", ".svg")):
        parser = _Fetches()
        parser.feed(text)
        return parser.urls
    if path.endswith(".css"):
        return [u or i for u, i in _CSS_URL.findall(text)]
    return []


def _other_host(url: str, own_host: str) -> bool:
    parts = urlsplit(url.strip())
    if url.strip().startswith("//"):
        return True
    return parts.scheme in ("http", "https", "ftp", "ws", "wss") and parts.hostname != own_host


def test_the_scanner_sees_every_kind_of_fetch():
    page = b"""<link rel="stylesheet" href="https://cdn.example/a.css"><img srcset="//x.example/a.png 2x">
    <div style="background:url('https://t.example/p.gif')"></div><style>@import "https://f.example/x.css";</style>
    <svg><image href="https://i.example/i.png"/></svg><meta http-equiv="refresh" content="0;url=https://r.example/">
    <a href="https://fine.example/">navigation is not a fetch</a><link rel="alternate" href="https://feeds.example/">"""
    assert [u for u in fetched_urls("x.html", page) if _other_host(u, "own.example")] == [
        "https://cdn.example/a.css", "//x.example/a.png", "https://t.example/p.gif", "https://f.example/x.css",
        "https://i.example/i.png", "https://r.example/",
    ]


def test_no_page_or_stylesheet_fetches_from_another_host(sample_site):
    found = []
    for path, data in site_files(sample_site).items():
        found += [(path, url) for url in fetched_urls(path, data) if _other_host(url, "accompany.example.org")]
    assert found == []


def test_feed_and_sheet_images_point_only_at_the_site(sample_site):
    for path, data in site_files(sample_site).items():
        if path.endswith((".xml", ".json")) and not path.startswith(("sitemap", "search/")):
            for url in re.findall(r"""(?:src|srcset)=(?:\\?["']|&quot;)([^"'&\\]+)""", data.decode("utf-8", "ignore")):
                assert not _other_host(url, "accompany.example.org"), (path, url)


# ------------------------------------------------------------ faults: the old site survives


@pytest.fixture
def live(sample_built_once, tmp_path):
    """The sample's project and the site its full build made (a copy of conftest.sample_built_once)."""
    return copy_built(sample_built_once, tmp_path)[:2]


def _state(site: Path):
    return {p.relative_to(site).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns) for p in site.rglob("*") if p.is_file()}


def _temporary(site: Path):
    return sorted(p.name for p in site.parent.iterdir() if p.name.startswith(f".{site.name}-"))


def test_a_renderer_failing_halfway_changes_nothing(live, monkeypatch):
    project, site = live
    before = _state(site)
    from generator.outputs.pages import PageRenderer

    real, calls = PageRenderer.render, []

    def flaky(self, page):
        calls.append(page.url)
        if len(calls) == 10:
            raise RuntimeError("renderer crashed halfway")
        return real(self, page)

    monkeypatch.setattr(PageRenderer, "render", flaky)
    code, out, err = project.cli("build", "--as-of", "2026-12-01", "--site-dir", str(site), "--full")
    assert code == 3 and "internal error: RuntimeError: renderer crashed halfway" in err and "Traceback" not in err
    assert _state(site) == before and _temporary(site) == []


def test_a_disk_failing_while_writing_changes_nothing(live, monkeypatch):
    project, site = live
    before = _state(site)
    real, count = Path.write_bytes, [0]

    def full_disk(self, data):
        count[0] += 1
        if count[0] > 25:
            raise OSError(28, "No space left on device")
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", full_disk)
    with pytest.raises(OSError):
        pipeline.build(project.root, site, SAMPLE_AS_OF, cache_dir=project.root.parent / "cache", full=True)
    monkeypatch.undo()
    assert _state(site) == before and _temporary(site) == []


def test_a_failing_swap_changes_nothing(live, monkeypatch):
    project, site = live
    before = _state(site)

    def broken_swap(new, target, *how):
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(write, "swap", broken_swap)
    with pytest.raises(OSError):
        pipeline.build(project.root, site, SAMPLE_AS_OF, cache_dir=project.root.parent / "cache", full=True)
    assert _state(site) == before and _temporary(site) == []


def test_the_writer_refuses_a_path_twice_or_outside_the_root():
    tree = write.Tree()
    tree.add("a/index.html", b"x", "pages")
    with pytest.raises(write.WriteRefused, match="'a/index.html' is written twice: by pages and by feeds"):
        tree.add("a/index.html", b"y", "feeds")
    with pytest.raises(write.WriteRefused, match="written twice"):
        tree.add("A/Index.html", b"y", "feeds")  # the same file on macOS and Windows
    for bad in ("../x", "/etc/passwd", "a/../../x", "a//b", "a\\b", "", "a/./b", "nul\x00"):
        with pytest.raises(write.WriteRefused):
            tree.add(bad, b"x", "pages")


# ------------------------------------------------------------ fuzzing front matter

KEYS = ["title", "summary", "id", "issued", "deadline", "status", "country", "lang", "themes", "campaigns",
        "defenders", "draft", "publish_on", "targets", "copies", "letter", "steps", "updates", "outcome",
        "image", "image_alt", "private", "appeal_languages", "name", "address", "date", "text", "x"]
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=False),
    st.text(max_size=40),
    st.sampled_from(["2026-12-01", "2026-13-45", "19:30", "01234", "NO", "yes", "open", "resolved", "CO",
                     "es", "pt_BR", "media/river.jpg", "../x", "<script>x</script>", "<!-- c", "UA-1",
                     "2026-12-01T19:00:00+01:00", "[x](../defenders/nobody.md)", "javascript:alert(1)"]),
)
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(KEYS), inner, max_size=5)), max_leaves=12)
front_matter = st.dictionaries(st.sampled_from(KEYS), values, max_size=12)


@pytest.fixture(scope="module")
def fuzz_project(tmp_path_factory):
    return Project(tmp_path_factory.mktemp("fuzz") / "project")


FUZZ = "content/actions/fuzz.md"
#: The valid action's front matter: fuzzed values replace a few of its keys, so that some files build.
VALID_DATA = yaml.safe_load(VALID_ACTION.split("---\n")[1])


def _outcome(project: Project) -> str:
    """Build the fuzzed file; check what a good outcome means, either way.

    Refused: every problem names the fuzzed file (the only file), a line inside it, a key and a
    message. Built: the action either has its page, with its id on it, or is withheld with a reason.
    """
    raw = (project.root / FUZZ).read_bytes()
    try:
        loaded = pipeline.load(project.root, SAMPLE_AS_OF)
        tree = pipeline.render(loaded)
    except ProblemsFound as found:
        assert found.problems
        for problem in found.problems:
            assert problem.path == FUZZ, str(problem)
            assert 1 <= problem.line <= raw.count(b"\n") + 2, str(problem)
            assert re.match(r"^[^:\n]+:\d+: [^\n]+: [^\n]+$", str(problem)), str(problem)
        return "refused"
    withheld = [w.path for w in loaded.publication.withheld]
    page = tree.files.get("docs/actions/fuzz/index.md")
    if FUZZ in withheld:
        assert page is None
    else:
        action = loaded.publication.public.actions["fuzz"]
        assert page is not None and action.meta.id.encode() in page
    return "built"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=front_matter | st.dictionaries(st.sampled_from(KEYS), values, max_size=3).map(lambda d: {**VALID_DATA, **d}),
       body=st.text(max_size=200))
def test_fuzzed_front_matter_builds_or_is_refused_cleanly(fuzz_project, data, body):
    text = "---\n" + yaml.safe_dump(data, allow_unicode=True) + "---\n" + body
    fuzz_project.write(FUZZ, text.encode())
    _outcome(fuzz_project)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=400) | st.text(max_size=400).map(lambda t: ("---\n" + t + "\n---\n").encode()))
def test_fuzzed_raw_files_build_or_are_refused_cleanly(fuzz_project, raw):
    fuzz_project.write(FUZZ, raw)
    _outcome(fuzz_project)


def test_the_fuzz_harness_can_fail(fuzz_project, monkeypatch):
    """Its checks are not empty: a problem named at another file, or at a line past the end, fails them."""
    from generator.core.problems import Problem

    fuzz_project.write(FUZZ, b"---\ntitle: x\n---\n")
    for wrong in (Problem("mkdocs.yml", 1, "x", "y"), Problem(FUZZ, 99, "x", "y")):
        monkeypatch.setattr(pipeline, "load", lambda *a, wrong=wrong: (_ for _ in ()).throw(ProblemsFound([wrong])))
        with pytest.raises(AssertionError):
            _outcome(fuzz_project)


def test_a_valid_file_survives_the_fuzz_harness(fuzz_project):
    fuzz_project.write(FUZZ, VALID_ACTION)
    assert _outcome(fuzz_project) == "built"


@settings(max_examples=300, deadline=None)
@given(title=st.text(min_size=1, max_size=60), description=st.text(max_size=80),
       label=st.text(min_size=1, max_size=20))
def test_staged_front_matter_reads_back_as_written(title, description, label):
    """The engine reads staged front matter with PyYAML: whatever the text, it must come back intact."""
    import html as html_module

    from generator.outputs.pages import Link, front_matter

    text = front_matter(title, description, [Link("feeds/a.xml", label, "application/rss+xml")])
    meta = yaml.safe_load(text.split("---\n")[1])
    assert meta["title"] == html_module.escape(title, quote=False)
    if description:
        assert meta["description"] == html_module.escape(" ".join(description.split()), quote=True)
    assert meta["alternates"] == [{"href": "feeds/a.xml", "type": "application/rss+xml",
                                   "title": html_module.escape(label, quote=True)}]
