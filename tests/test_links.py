"""Every link between our pages leads to a page or file of the site; the interface speaks the site's language.

The link check itself is a pure function over the staged pages and files (generator/linkcheck.py),
tested here on small projects laid out as MkDocs reads them; the built sample is then read back with an HTML parser, independently of that check,
and every relative link of every page must lead to a file the site holds.
"""

from __future__ import annotations

import posixpath
from html.parser import HTMLParser
from urllib.parse import unquote, urlsplit

import pytest

from conftest import MINIMAL_SETTINGS, VALID_ACTION, site_files
from generator.core.source import Source
from generator.engines.mkdocs import MkDocs, material_language
from generator.core.urls import relative_url
from generator.linkcheck import Gone, Origin, check_links, find_links

PAGE = b'---\ntitle: "X"\n---\n\n'


def problems(files: dict[str, bytes], origin=lambda page: Origin()) -> list[str]:
    """The problems of a project (``docs/`` and ``theme/``), checked as the build checks the staged site."""
    engine = MkDocs()
    docs = {p[len("docs/"):]: d for p, d in files.items() if p.startswith("docs/")}
    theme = {p[len("theme/"):]: d for p, d in files.items() if p.startswith("theme/")}
    pages = {engine.page_url(p): d for p, d in docs.items() if p.endswith(".md")}
    others = {p: d for p, d in docs.items() if not p.endswith(".md")}
    return [str(p) for p in check_links(pages, {**others, **engine.static_files(theme)}, origin, engine.made_files)]


def test_links_between_staged_pages_and_files_resolve():
    files = {
        "docs/index.md": PAGE + b'<a href="actions/">all</a> <a href="actions/a/#top">a</a> <img src="media/r.jpg" '
                                b'srcset="media/r.jpg 1x, media/r.jpg 2x"> <a href="https://x.example/">out</a> '
                                b'<a href="mailto:a@b.org">m</a> <a href="#here">here</a> <a href="feeds/a.xml?x=1">f</a>',
        "docs/actions/index.md": PAGE + b'<a href="../">home</a> <a href="a/">a</a> <a href="../search/search_index.json">s</a>',
        "docs/actions/a/index.md": b'---\ntitle: "A"\nalternates: [{"href": "feeds/a.xml", "type": "application/rss+xml", '
                                   b'"title": "t"}]\n---\n\n<a href="../../">home</a> <a href="print/">print</a>',
        "docs/actions/a/print/index.html": b'<link rel="stylesheet" href="../../../assets/stylesheets/sheet.css">',
        "docs/media/r.jpg": b"jpg",
        "docs/feeds/a.xml": b"<rss/>",
        "theme/assets/stylesheets/sheet.css": b'@font-face { src: url("../fonts/N.ttf") }',
        "theme/assets/fonts/N.ttf": b"ttf",
    }
    assert problems(files) == []


@pytest.mark.parametrize("link, expected", [
    ('<a href="../countries/br/">Brazil</a>', "'../countries/br/'"),
    ('<img src="../media/gone.jpg">', "'../media/gone.jpg'"),
    ('<img srcset="../media/r.jpg 1x, ../media/gone.jpg 2x">', "'../media/gone.jpg'"),
    ('<a href="../../../etc/passwd">x</a>', "'../../../etc/passwd'"),
    ('<a href="../actions/b/#x">x</a>', "'../actions/b/#x'"),
    ("<a href='../nowhere.pdf'>x</a>", "'../nowhere.pdf'"),
])
def test_a_link_to_nothing_is_a_problem(link, expected):
    files = {"docs/campaigns/index.md": PAGE + link.encode(), "docs/media/r.jpg": b"x", "docs/actions/a/index.md": PAGE}
    assert problems(files) == [f"campaigns/:1: link: the page campaigns/ links to {expected}, which is not in the site"]


def test_a_stylesheet_or_announced_feed_that_is_missing_is_a_problem():
    files = {
        "docs/index.md": b'---\ntitle: "A"\nalternates: [{"href": "feeds/gone.xml", "type": "application/rss+xml"}]\n---\n\nx',
        "theme/assets/stylesheets/a.css": b"body { background: url('../img/gone.png') }",
    }
    assert problems(files) == [
        "assets/stylesheets/a.css:1: link: assets/stylesheets/a.css links to '../img/gone.png', which is not in the site",
        "index:1: link: the page index links to 'feeds/gone.xml', which is not in the site",
    ]


def test_the_problem_is_named_at_the_key_that_made_the_link():
    source = Source("campaigns/c.md", "campaign", "c", {"title": "C", "countries": ("CO", "BR"), "private": {"x": "br"}},
                    {("countries", 0): 5, ("countries", 1): 5, ("title",): 2}, "See the river.\n", 8)
    files = {"docs/campaigns/c/index.md": PAGE + b'<a href="../../countries/br/">B</a> <img src="../../media/river.jpg">'}
    found = problems(files, lambda page: Origin(source, "theme/accompany/campaign.html"))
    assert found == [
        "campaigns/c.md:5: countries[1]: the page campaigns/c/ links to '../../countries/br/', which is not in the site "
        "(the link is made by theme/accompany/campaign.html)",
        "campaigns/c.md:8: body: the page campaigns/c/ links to '../../media/river.jpg', which is not in the site "
        "(the link is made by theme/accompany/campaign.html)",
    ]


# ---------------------------------------------------------------- the built site, read back independently


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.targets: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.targets.append(value)
            if name == "srcset" and value:
                self.targets += [part.split()[0] for part in value.split(",") if part.strip()]


def broken_links(files: dict[str, bytes]) -> list[tuple[str, str]]:
    """Relative links of every HTML page that lead to no file of the site (directory URLs to their index.html)."""
    out = []
    for path, data in files.items():
        if not path.endswith(".html"):
            continue
        parser = _Links()
        parser.feed(data.decode())
        for target in parser.targets:
            parts = urlsplit(target)
            if parts.scheme or target.startswith(("#", "//")) or not parts.path:
                continue
            # The site is served at the root of its domain (site_url): /assets/x is assets/x.
            resolved = posixpath.normpath(posixpath.join("/" + posixpath.dirname(path), unquote(parts.path)))[1:]
            if resolved not in files and posixpath.join(resolved, "index.html") not in files:
                out.append((path, target))
    return out


def test_every_link_in_every_built_page_of_the_sample_resolves(sample_site):
    files = site_files(sample_site)
    assert broken_links(files) == []
    assert broken_links({"a/index.html": b'<a href="../b/">b</a>'}) == [("a/index.html", "../b/")]  # it can fail


def test_a_campaign_country_without_a_page_is_plain_text(project, tmp_path):
    project.write("content/actions/a.md", VALID_ACTION)
    project.write("campaigns/c.md", "---\ntitle: C\nsummary: S\nstarts: 2026-11-01\ncountries: [CO, BR]\n"
                                    "themes: [press-freedom]\n---\n\nBody.\n")
    code, _, err = project.cli("build", "--as-of", "2026-12-01", "--site-dir", str(tmp_path / "site"))
    assert (code, err) == (0, "")
    files = site_files(tmp_path / "site")
    page = files["campaigns/c/index.html"].decode()
    assert '<a href="../../countries/co/">Colombia</a>, Brazil</p>' in page
    assert "<dd>Press freedom</dd>" in page  # no theme page: nothing public carries it
    assert "countries/br/index.html" not in files and "themes/press-freedom/index.html" not in files
    assert broken_links(files) == []


# ---------------------------------------------------------------- one language setting


@pytest.mark.parametrize("tag, expected", [
    ("en", "en"), ("en-GB", "en"), ("pt-BR", "pt-BR"), ("pt", "pt"), ("pt-PT", "pt"), ("zh-Hant-TW", "zh-Hant"),
    ("es-419", "es"), ("sw", "en"), ("ne", "en"), ("EN-gb", "en"),
])
def test_materials_language_follows_the_site_language(tag, expected):
    assert material_language(tag) == expected


@pytest.mark.parametrize("theme_language", ["", "  language: en-GB\n", "  language: en\n"])
def test_a_british_english_site_builds(project, tmp_path, theme_language):
    project.write("mkdocs.yml", MINIMAL_SETTINGS.replace("  language: en\n", "  language: en-GB\n")
                  .replace("  font: false\n", "  font: false\n" + theme_language))
    project.write("content/actions/a.md", VALID_ACTION)
    code, out, err = project.cli("build", "--as-of", "2026-12-01", "--site-dir", str(tmp_path / "site"))
    assert (code, err) == (0, "")
    page = (tmp_path / "site/actions/a/index.html").read_text()
    assert '<html lang="en"' in page and "20 December 2026" in page


# ---------------------------------------------------------------- what a kept page may link to, once something is gone

GONE = ["actions/withdrawn-case/index.html", "actions/withdrawn-case/withdrawn-case.pdf",
        "actions/withdrawn-case/print/index.html", "es/actions/withdrawn-case/index.html", "feeds/campaign-c.rss.xml"]
#: Where the pages and files that link are: the home page, a page, a print page inside what is gone, another language.
BASES = ["", "defenders/ana/", "actions/other/", "actions/withdrawn-case/print/", "es/", "es/defenders/ana/",
         "es/actions/other/print/"]


def _resolved(base: str, data: bytes) -> list[str]:
    """Where the links of a page at ``base`` lead, as the check resolves them."""
    return [link.resolved for link in find_links({base: data}, {})]


def test_every_link_to_something_gone_is_seen_however_it_is_written():
    gone = Gone(GONE)
    for base in BASES:
        for path in GONE:
            target = path[: -len("index.html")] if path.endswith("/index.html") else path
            forms = {relative_url(target, base), relative_url(target, base) + "#letter", "/" + target,
                     relative_url(target, base).replace("../", ".././", 1), relative_url(target, base).rstrip("/")}
            if path.endswith("/index.html"):
                forms.add(relative_url(path, base))
            for link in forms:
                data = f'<p>A page</p> <a href="{link}">x</a>'.encode()
                assert set(_resolved(base, data)) & {target, target.rstrip("/"), path}, (base, link)  # it leads there
                assert gone.may_link(base, data), (base, link)
                hidden = "".join(f"&#{ord(c)};" if c in "wcf" else c for c in link).encode()  # as references
                assert gone.may_link(base, f'<a href="{hidden.decode()}">x</a>'.encode()), (base, hidden)


@pytest.mark.parametrize("base, data", [
    ("defenders/ana/", b'<a href="../../actions/other/">don&#39;t</a> <a href="../../print/">p</a>'),
    ("defenders/ana/", b'<a href="../../actions/">withdrawn</a> <a href="../../feeds/campaign-d.rss.xml">d</a>'),
    ("actions/other/", b'<a href="../withdrawn/">x</a> <a href="print/">print</a> <a href="other.pdf">pdf</a>'),
    ("es/defenders/ana/", b'<a href="../../actions/other/">x</a> &amp; &lt;a&gt;'),
])
def test_what_names_nothing_gone_is_not_read_again(base, data):
    gone = Gone(GONE)
    assert not set(_resolved(base, data)) & {p[: -len("index.html")] if p.endswith("/index.html") else p for p in GONE}
    assert not gone.may_link(base, data)
    assert not Gone([]).may_link(base, data) and not Gone([])
