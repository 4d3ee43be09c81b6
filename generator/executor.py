"""The build's cores: the one way a build's work runs beside the build's own process.

A build owns one :class:`Executor`, made with its budget of cores (the
machine's, or ``accompany build``'s ``engines``). Two kinds of work use it,
never more than ``cores`` at a time:

- **Python work on chunks** (:meth:`Executor.map_chunks`: the pages), in
  worker processes forked from the build, which inherit what it has loaded
  (the site, the templates) instead of receiving it pickled. Where no pool of
  workers can be started (no ``fork``, one core, a system that refuses the
  processes), the chunks run here, in this process: the one fallback.
- **Processes** (:meth:`Executor.processes`: the engine runs), each waited for
  by a plain :class:`concurrent.futures.Future`. Leaving the block waits for
  them all; an error inside it kills every process still running and passes
  on unchanged, so a content problem (:class:`ProblemsFound`) is reported as
  one, never as a crash.

The build's own process is not counted: while the engines run, it makes the
feeds, calendars and sheets, less work than an engine run's (BENCHMARKS.md
gives the phases; its fourth round, what was measured for this executor).
"""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
import threading
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Iterator, Sequence, TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: Chunks per worker: pages differ in cost, and small chunks keep every worker busy to the end.
CHUNKS_PER_WORKER = 4


def _fork_context():
    """The ``fork`` start method where there is one (Linux): workers inherit the build's memory."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return multiprocessing.get_context("fork")
    except ValueError:
        return None


@dataclass(frozen=True)
class Finished:
    """A process that ended: its exit status and what it printed."""

    returncode: int
    stdout: str
    stderr: str


class Executor:
    """A budget of ``cores`` processes that work beside the build's own."""

    def __init__(self, cores: int | None = None):
        self.cores = max(1, cores or os.cpu_count() or 1)
        self._slots = threading.BoundedSemaphore(self.cores)
        self._thread: ThreadPoolExecutor | None = None

    # ---- work that leaves the interpreter, in a thread

    def background(self, fn: Callable[..., R], *args) -> Future:
        """A future of ``fn(*args)``, run in one thread beside the build's: for work done outside the
        interpreter (Typst sets PDFs in Rust, leaving the interpreter to the build meanwhile)."""
        if self._thread is None:
            self._thread = ThreadPoolExecutor(1, thread_name_prefix="accompany-background")
        return self._thread.submit(fn, *args)

    # ---- Python work, in forked workers

    def map_chunks(self, fn: Callable[[list[T]], R], items: Sequence[T]) -> list[R]:
        """``fn`` over chunks of ``items``: one result per chunk, in chunk order.

        Each chunk takes every n-th item (so that costly items spread over
        the workers); ``fn`` must leave the build's state alone and return
        what it made (a worker's changes die with it). Without workers, ``fn``
        gets every item in one chunk, here.
        """
        items = list(items)
        workers = min(self.cores, len(items))
        context = _fork_context()
        if workers > 1 and context is not None:
            n = workers * CHUNKS_PER_WORKER
            chunks = [chunk for chunk in (items[i::n] for i in range(n)) if chunk]
            futures = self._submit(fn, chunks, workers, context)
            if futures is not None:
                return [future.result() for future in futures]
        return [fn(items)]

    def _submit(self, fn, chunks, workers, context) -> list[Future] | None:
        """Futures of ``fn`` on each chunk in ``workers`` forked processes; None when they cannot start."""
        for _ in range(workers):
            self._slots.acquire()
        try:
            # The initializer's arguments reach a forked worker in its memory, not pickled: fn may be any callable.
            pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_install, initargs=(fn,))
            try:
                futures = [pool.submit(_call, chunk) for chunk in chunks]
            except (OSError, RuntimeError):  # the workers could not be started
                pool.shutdown(wait=True, cancel_futures=True)
                return None
            pool.shutdown(wait=True)  # every future is done when this returns
            return futures
        except (OSError, NotImplementedError, ImportError):  # no process pool on this system
            return None
        finally:
            for _ in range(workers):
                self._slots.release()

    # ---- processes

    @contextmanager
    def processes(self) -> Iterator["Processes"]:
        """Start processes inside the block; leaving it waits for them all.

        An error inside the block (a broken link, a failed render), or an
        interruption while waiting, kills every process still running, waits
        until it has gone, and passes on as it was.
        """
        running = Processes(self._slots)
        try:
            yield running
            running.wait()
        except BaseException:  # an error inside, or Ctrl-C while waiting
            running.kill()
            raise


class Processes:
    """Processes started within :meth:`Executor.processes`."""

    def __init__(self, slots: threading.BoundedSemaphore):
        self._slots = slots
        self._started: list[tuple[subprocess.Popen, Future]] = []

    def start(self, argv: list[str], env: dict[str, str] | None = None,
              ready: subprocess.Popen | None = None, given: str | None = None) -> Future:
        """Start ``argv``; the future gives its :class:`Finished`. Waits for a free core first.

        ``ready``: a process started ahead that does what ``argv`` would once it reads ``given`` on its
        standard input (an engine that loaded itself meanwhile: engines.Ready); ``argv`` if it has ended."""
        self._slots.acquire()
        try:
            if ready is not None and ready.poll() is None:
                process = ready
            else:
                process, given = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                                  stderr=subprocess.PIPE, text=True, errors="replace"), None
        except BaseException:
            self._slots.release()
            raise
        future: Future = Future()
        future.set_running_or_notify_cancel()
        self._started.append((process, future))
        threading.Thread(target=self._collect, args=(process, future, given), daemon=True).start()
        return future

    def _collect(self, process: subprocess.Popen, future: Future, given: str | None) -> None:
        try:
            out, err = process.communicate(given)
            future.set_result(Finished(process.returncode, out, err))
        except BaseException as exc:  # noqa: BLE001 - handed to whoever waits on the future
            future.set_exception(exc)
        finally:
            self._slots.release()

    def wait(self) -> list[Finished]:
        """Wait for every process started; their results, in the order they started."""
        return [future.result() for _, future in self._started]

    def kill(self) -> None:
        """Stop every process still running, and wait until each has gone."""
        for process, _ in self._started:
            if process.poll() is None:
                process.kill()
        for _, future in self._started:
            future.exception()  # the collector thread has reaped the process


_TASK: Callable | None = None
"""In a forked worker only: the function of the map it serves (set by the pool's initializer)."""


def _install(fn: Callable) -> None:
    global _TASK
    _TASK = fn


def _call(chunk: list):
    return _TASK(chunk)
