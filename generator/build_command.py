"""``accompany build``: the options, what it prints, and the record ``accompany status`` reads.

Quiet by default: one line saying what was built. ``--verbose`` adds the
time of each phase. On a terminal, a build that takes a while shows a
progress line, rewritten in place and erased when it ends. Every build, good
or failed, is recorded in ``.accompany/builds.json`` (buildrecord.py).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sys
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Callable, TextIO
from urllib.parse import urlsplit

from . import buildrecord
from .core.problems import ProblemsFound
from .load import Timings

#: A build that has not finished after this many seconds shows a progress line (on a terminal).
PROGRESS_AFTER = 2.0

#: What each phase is doing, as the progress line says it.
PHASE_WORDS = {
    "read": "reading the files", "validate": "checking the files", "policy": "deciding what is public",
    "pages": "writing pages", "feeds": "making feeds", "calendars": "making calendars",
    "sheets": "making action sheets (PDF)", "media": "cleaning images", "write": "writing files",
    "compose": "putting the site together", "scan": "checking every file for private names",
    "swap": "replacing the site",
}


def site_url_argument(text: str) -> str:
    """``--site-url``: an absolute http(s) address, given a trailing slash."""
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise ValueError(f"{text!r} is not a site address such as https://mirror.example.net/ or http://....onion/")
    return text if text.endswith("/") else text + "/"


def cache_folder(root: Path, site_url: str | None) -> Path:
    """The main site's cache, or a mirror's own: each keeps what its last build left."""
    if site_url is None:
        return root / ".accompany" / "cache"
    name = re.sub(r"[^a-z0-9]+", "-", site_url.lower().split("://", 1)[-1]).strip("-")[:48]
    return root / ".accompany" / "mirrors" / f"{name}-{hashlib.sha256(site_url.encode()).hexdigest()[:8]}"


class Progress:
    """A line on a terminal saying which phase a long build is in; erased when the build ends."""

    def __init__(self, timings: Timings, stream: TextIO, after: float = PROGRESS_AFTER, every: float = 0.5):
        self.timings, self.stream, self.after, self.every = timings, stream, after, every
        self._stop = threading.Event()
        self._shown = False
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> "Progress":
        self.started = time.perf_counter()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        if self._shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()

    def _run(self) -> None:
        if self._stop.wait(self.after):
            return
        while True:
            doing = PHASE_WORDS.get(self.timings.current, "building")
            self.stream.write(f"\r\x1b[Kaccompany build: {doing} ({time.perf_counter() - self.started:.0f} s)")
            self.stream.flush()
            self._shown = True
            if self._stop.wait(self.every):
                return


def run(root: Path, site_dir: Path | None, as_of, wall_clock: Callable[[], datetime], full: bool = False,
        site_url: str | None = None, verbose: bool = False, out: TextIO | None = None,
        err: TextIO | None = None, collect: bool = True) -> int:
    """Build, say what was built, and record the attempt. Problems propagate to the caller, recorded.

    ``collect``: False when the process ends once this returns (see build.build)."""
    from .build import build

    out, err = out or sys.stdout, err or sys.stderr
    target = (site_dir or root / "site").absolute()
    timings = Timings()
    started, clock = wall_clock(), time.perf_counter()
    key = site_url or buildrecord.DEFAULT

    def record(ok: bool, now: str | None = None, **more) -> None:
        buildrecord.write(root, key, buildrecord.Attempt(
            started=started.isoformat(), finished=wall_clock().isoformat(), ok=ok,
            as_of=now or as_of.isoformat(), site_dir=str(target), **more))

    terminal = hasattr(err, "isatty") and err.isatty()
    try:
        after = float(os.environ.get("ACCOMPANY_PROGRESS_AFTER", PROGRESS_AFTER))  # tests show it sooner
        with Progress(timings, err, after) if terminal else contextlib.nullcontext():
            report = build(root, target, as_of, cache_dir=cache_folder(root, site_url), full=full,
                           site_url=site_url, timings=timings, collect=collect)
    except ProblemsFound as found:
        lines = [str(p) for p in found.problems[:buildrecord.KEEP_PROBLEMS]]
        record(False, problems=[f"{len(found.problems)} problem(s); nothing was built or changed"] + lines)
        raise
    except BaseException as exc:
        record(False, problems=[f"{type(exc).__name__}: {exc}".splitlines()[0][:500]])
        raise
    loaded = report.loaded
    for warning in list(loaded.warnings) + list(report.warnings):  # time, odd dates, glyphs no font has
        out.write(f"warning: {warning}\n")
    files = report.files or sum(1 for p in target.rglob("*") if p.is_file())
    record(True, loaded.site.clock.now.isoformat(), files=files, live=live_counts(loaded))
    out.write(summary(report, target) + "\n")
    if verbose:
        phases = ", ".join(f"{k} {v:.2f} s" for k, v in report.timings.phases.items())
        out.write(f"{phases}; {time.perf_counter() - clock:.1f} s in all\n")
    return 0


def live_counts(loaded) -> dict:
    """What a build published, counted: kept in the build record, shown by ``accompany status``."""
    site = loaded.site
    return {"actions": len(site.actions), "open actions": len(site.open_actions),
            "defenders": len(site.defenders), "tours": len(site.tours),
            "stops to come": len(site.upcoming_stops), "campaigns": len(site.campaigns),
            "pages": len(site.pages), "withheld": len(loaded.publication.withheld)}


def summary(report, target: Path) -> str:
    """The one line a build prints."""
    withheld = len(report.loaded.publication.withheld)
    when = report.loaded.site.clock.now.isoformat()
    plans = list(report.plans.values()) or [report.plan]  # a site in several languages: every language's
    if all(plan.kind == "none" for plan in plans):
        what = f"{target} is up to date as of {when}: nothing changed"
    elif all(plan.kind != "full" for plan in plans):
        pages, files, removed = (sum(len(getattr(plan, key)) for plan in plans) for key in ("pages", "files", "removed"))
        what = (f"updated {target} as of {when}: {pages} pages rendered, {files} files "
                f"written, {removed} removed ({report.files} files in the site)")
    else:
        what = f"built {report.files} files into {target} as of {when}"
    if withheld:
        what += f" ({withheld} item{'s' if withheld != 1 else ''} withheld; run 'accompany check' to see why)"
    return what
