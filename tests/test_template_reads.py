"""What a template reads is parsed once, kept with the build's records, and parsed again when the templates change."""

from __future__ import annotations

import jinja2
import pytest

from conftest import SAMPLE_AS_OF, copy_built, site_files
from generator import build as pipeline
from generator.outputs import memo as memo_module
from generator.outputs.memo import TemplateReads


def _env(templates: dict[str, str]) -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.DictLoader(templates))


TEMPLATES = {
    "page.html": "{% include 'parts.html' %}{{ title }}",
    "parts.html": "{% import 'macros.html' as m %}{{ m.when(today) }}",
    "macros.html": "{% macro when(day) %}{{ day }}{% endmacro %}{{ footer }}",
    "loose.html": "{% include name %}",
    "self.html": "{% include 'self.html' %}{{ x }}",
}


def test_a_template_reads_what_it_includes_and_imports_read():
    reads = TemplateReads(_env(TEMPLATES))
    assert reads.names("page.html") == {"title", "today", "footer"}
    assert reads.reads("page.html", "today") and not reads.reads("page.html", "site")
    assert reads.reads("loose.html", "anything")  # a template named at render time may read anything
    assert reads.names("self.html") == {"x"}


def test_what_a_template_reads_is_kept_and_not_parsed_again():
    known: dict[str, list] = {}
    first = TemplateReads(_env(TEMPLATES), known)
    assert first.reads("page.html", "today") and first.reads("loose.html", "today")
    assert known["page.html"] == [["title"], ["parts.html"]]
    assert known["parts.html"] == [["today"], ["macros.html"]]

    env = _env({})  # the kept reads answer without a template to parse
    env.parse = lambda *args, **kwargs: pytest.fail("parsed again")
    again = TemplateReads(env, known)
    assert again.names("page.html") == first.names("page.html")
    assert again.reads("loose.html", "today")


@pytest.fixture
def built(sample_built_once, tmp_path):
    """The sample as its full build left it (conftest.sample_built_once), copied into this test's folder."""
    return copy_built(sample_built_once, tmp_path)


@pytest.fixture
def parsed(monkeypatch) -> list[int]:
    """How many templates were parsed to learn what they read."""
    count: list[int] = []
    real = memo_module.meta.find_undeclared_variables
    monkeypatch.setattr(memo_module.meta, "find_undeclared_variables", lambda ast: count.append(1) or real(ast))
    return count


def _same_as_full(project, site, tmp_path, as_of) -> None:
    full = tmp_path / "full"
    pipeline.build(project.root, full, as_of, cache_dir=tmp_path / "cache-full", full=True)
    one, two = site_files(site), site_files(full)
    assert sorted(one) == sorted(two) and [p for p in two if one[p] != two[p]] == []


def test_the_next_build_parses_no_template_and_a_changed_one_is_read_again(built, tmp_path, parsed, monkeypatch):
    """A template edited to show the day: its pages then change with the day, though they did not before."""
    project, site, cache = built
    pipeline.build(project.root, site, SAMPLE_AS_OF.replace(day=2), cache_dir=cache)
    assert parsed == []
    _same_as_full(project, site, tmp_path, SAMPLE_AS_OF.replace(day=2))

    template = project.root / "theme/accompany/defender.html"
    template.write_text(template.read_text() + "\n<p>Seen on {{ fmt.date(today) }}.</p>\n")
    pipeline.build(project.root, site, SAMPLE_AS_OF.replace(day=2), cache_dir=cache)
    assert parsed  # the templates changed: what they read is read again
    parsed.clear()
    day = SAMPLE_AS_OF.replace(day=3)
    pipeline.build(project.root, site, day, cache_dir=cache)
    assert parsed == []
    page = (site / "defenders/wanjiru/index.html").read_text()
    assert "Seen on" in page and "3" in page.split("Seen on", 1)[1].split(".</p>", 1)[0]
    _same_as_full(project, site, tmp_path, day)
