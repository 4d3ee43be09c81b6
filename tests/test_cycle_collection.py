"""Python's cycle collector and a build (load.no_cycle_collection): paused while it runs; afterwards, what it made
is walked again by the next collection, or set aside for a process that ends (the ``accompany`` command) or that
collects when it is idle (the preview)."""

from __future__ import annotations

import contextlib
import gc
import io
import weakref

from generator.build import build
from generator.cli import main
from generator.load import collect_cycles, no_cycle_collection

from conftest import SAMPLE_AS_OF


class _Node:
    """A cycle: only the cycle collector frees it."""

    def __init__(self):
        self.me = self


def _cycle_made_in(block) -> weakref.ref:
    with block:
        assert not gc.isenabled()
        node = _Node()
        ref = weakref.ref(node)
        del node
    return ref


def test_a_cycle_made_in_the_block_is_freed_by_the_next_collection():
    ref = _cycle_made_in(no_cycle_collection())
    assert gc.isenabled()
    assert ref() is not None  # nothing collected in the block
    gc.collect()
    assert ref() is None


def test_a_cycle_set_aside_is_not_freed_until_collect_cycles():
    frozen = gc.get_freeze_count()
    try:
        ref = _cycle_made_in(no_cycle_collection(collect=False))
        assert gc.isenabled()
        assert gc.get_freeze_count() > frozen
        gc.collect()
        assert ref() is not None  # set aside: not walked
    finally:
        collect_cycles()
    assert ref() is None
    assert gc.get_freeze_count() == 0


def test_blocks_nest_and_the_inner_one_leaves_the_collector_paused():
    with no_cycle_collection():
        with no_cycle_collection(collect=False):
            pass
        assert not gc.isenabled()
        assert gc.get_freeze_count() == 0  # only the outer block decides
    assert gc.isenabled()


def test_a_build_asked_to_sets_aside_what_it_made(project, tmp_path):
    project.copy_sample("content", "campaigns", "mkdocs.yml")
    assert gc.get_freeze_count() == 0
    try:
        build(project.root, tmp_path / "site", SAMPLE_AS_OF, cache_dir=tmp_path / "cache", collect=False)
        assert gc.isenabled() and gc.get_freeze_count() > 0
    finally:
        collect_cycles()
    assert gc.get_freeze_count() == 0


def test_the_command_sets_aside_what_its_build_made_only_when_the_process_ends_with_it(project):
    project.copy_sample("content", "campaigns", "mkdocs.yml")
    argv = ["--project", str(project.root), "build", "--as-of", SAMPLE_AS_OF.isoformat()]
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        assert main(argv) == 0  # as the tests and any caller that goes on call it
        assert gc.get_freeze_count() == 0
        try:
            assert main(argv, ending=True) == 0  # as the accompany command calls it (cli.entry)
            assert gc.get_freeze_count() > 0
        finally:
            collect_cycles()


def test_nothing_a_build_made_is_left_once_the_cycles_are_collected(project, tmp_path):
    """The preview builds again and again in one process: each build's site, renderers and records must be freed
    (a sanitiser that held its renderer where the collector cannot see kept every build, 70 MB each at 5,000 items)."""
    from generator.core.site import Site
    from generator.outputs.markup import MarkupRenderer

    project.copy_sample("content", "campaigns", "mkdocs.yml")
    made = []
    for _ in range(2):  # the second in part: the first build's records are read and their queries asked again
        report = build(project.root, tmp_path / "site", SAMPLE_AS_OF, cache_dir=tmp_path / "cache", collect=False)
        made.append(weakref.ref(report.loaded.site))
        del report
        collect_cycles()
    assert [ref() for ref in made] == [None, None]
    assert [o for o in gc.get_objects() if isinstance(o, (MarkupRenderer, Site))] == []
