"""The build's executor: work in forked workers or, failing that, here; processes on a budget of cores,
stopped on any error; a content problem raised anywhere stays a content problem."""

from __future__ import annotations

import os
import sys
import time

import pytest

from generator import executor as executor_module
from generator.core.problems import Problem, ProblemsFound
from generator.executor import Executor

SLEEP = [sys.executable, "-c", "import time, sys; time.sleep(float(sys.argv[1]))"]


def _pids_and_squares(chunk: list[int]) -> tuple[int, list[int]]:
    return os.getpid(), [n * n for n in chunk]


def test_chunks_run_in_forked_workers_and_come_back_in_order():
    results = Executor(2).map_chunks(_pids_and_squares, range(20))
    assert len(results) == 8  # four chunks per worker
    assert sorted(n for _, squares in results for n in squares) == [n * n for n in range(20)]
    assert [squares for _, squares in results][0] == [0, 64, 256]  # every 8th item: costly items spread
    assert os.getpid() not in {pid for pid, _ in results}


def test_a_closure_reaches_the_workers_without_being_pickled():
    renderer = {"offset": 1000, "lock": __import__("threading").Lock()}  # a lock cannot be pickled
    results = Executor(2).map_chunks(lambda chunk: [n + renderer["offset"] for n in chunk], range(4))
    assert sorted(n for chunk in results for n in chunk) == [1000, 1001, 1002, 1003]


def test_where_no_pool_can_start_the_work_is_done_here(monkeypatch):
    def refused(*args, **kwargs):
        raise OSError(38, "Function not implemented")

    monkeypatch.setattr(executor_module, "ProcessPoolExecutor", refused)
    results = Executor(2).map_chunks(_pids_and_squares, range(5))
    assert results == [(os.getpid(), [0, 1, 4, 9, 16])]
    assert Executor(1).map_chunks(_pids_and_squares, range(3)) == [(os.getpid(), [0, 1, 4])]


def _problem(chunk: list[int]):
    raise ProblemsFound([Problem("content/actions/a.md", 3, "title", f"bad {chunk[0]}")])


def test_a_content_problem_raised_in_a_worker_arrives_whole():
    with pytest.raises(ProblemsFound) as found:
        Executor(2).map_chunks(_problem, range(8))
    assert [str(p) for p in found.value.problems] == ["content/actions/a.md:3: title: bad 0"]


def test_processes_give_their_results_and_never_run_past_the_budget():
    started = time.monotonic()
    with Executor(1).processes() as running:
        first = running.start(SLEEP + ["0.5"])
        second = running.start([sys.executable, "-c", "print('out'); raise SystemExit(3)"])
    assert time.monotonic() - started >= 0.5  # the second waited for the only core
    assert first.result().returncode == 0 and (second.result().returncode, second.result().stdout) == (3, "out\n")


def test_an_error_inside_stops_every_process_and_passes_on_unchanged():
    started = time.monotonic()
    problem = ProblemsFound([Problem("content/pages/a.md", 2, "body", "link 'b.md': not a published file")])
    with pytest.raises(ProblemsFound) as found:
        with Executor(2).processes() as running:
            runs = [running.start(SLEEP + ["60"]) for _ in range(2)]
            raise problem
    assert found.value is problem
    assert time.monotonic() - started < 30
    assert all(run.result().returncode == -9 for run in runs)  # killed
