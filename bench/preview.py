"""How soon a saved edit shows in ``accompany serve``: the preview's latency, measured as a reader would see it.

``python bench/preview.py N [--edits K] [--poll browser|page]`` makes the synthetic
project of N items (bench/synth.py), starts ``accompany serve`` on it (a process
of its own, on a free port), waits until it serves, then K times: saves a new
title into one action's file and waits until that action's page shows it. Each
latency is from the moment the file is written to the first response that
holds the new title. The edits go to different actions, one after the other
(each waits for the last to show).

``--poll browser`` (the default) waits as a page open in a browser does: it
asks the preview's ``__accompany__/version`` (answered once the preview
changes) and then loads the page again. ``--poll page`` asks for the page
every 20 ms (the bench's way until its fourteenth round): about 50 requests a
second that the preview serves while it builds, in the process that builds.
"""

from __future__ import annotations

import argparse
import json
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import synth  # noqa: E402

AS_OF = "2026-12-01"
_TITLE = re.compile(r'^title: ".*"$', re.M)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str, timeout: float = 5) -> str:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.read().decode("utf-8", "replace")
    except OSError:
        return ""


def _version(base: str, seen: str = "") -> str:
    """The preview's version once it is not ``seen`` (the preview answers when it changes, as reload.js asks)."""
    return fetch(f"{base}__accompany__/version?seen={seen}", timeout=30).strip()  # the preview answers within 25 s


def measure(root: Path, edits: int, timeout: float = 120, poll: str = "browser") -> dict:
    port = free_port()
    log = root.parent / f"serve-{port}.log"
    command = [sys.executable, "-m", "generator", "--project", str(root), "serve", "--port", str(port), "--as-of", AS_OF]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=log.open("w"), stderr=subprocess.STDOUT, cwd=HERE.parent)
    base = f"http://127.0.0.1:{port}/"
    try:
        while "previewing on" not in log.read_text(errors="replace") or not fetch(base):
            if process.poll() is not None or time.perf_counter() - started > 900:
                raise SystemExit("the preview did not start:\n" + log.read_text(errors="replace")[-3000:])
            time.sleep(0.2)
        ready = time.perf_counter() - started
        latencies = []
        for k in range(edits):
            slug = f"action-{(7 + 13 * k) % 500:05d}"
            path = root / "content/actions" / f"{slug}.md"
            title = f"Edited title {k} {time.time_ns()}"
            text = _TITLE.sub(f'title: "{title}"', path.read_text(), count=1)
            seen = _version(base)
            saved = time.perf_counter()
            path.write_text(text)
            while title not in fetch(f"{base}actions/{slug}/"):
                if time.perf_counter() - saved > timeout:
                    raise SystemExit(f"the edit of {slug} did not show:\n" + log.read_text(errors="replace")[-3000:])
                if poll == "browser":
                    seen = _version(base, seen)  # the page is loaded again once the preview has changed
                else:
                    time.sleep(0.02)
            latencies.append(time.perf_counter() - saved)
            time.sleep(0.5)  # the engine's reload settles before the next edit
        return {"start": ready, "latencies": latencies, "median": statistics.median(latencies), "poll": poll}
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--poll", choices=("browser", "page"), default="browser",
                        help="wait as a browser's page does, or ask for the page every 20 ms")
    parser.add_argument("--work", type=Path, default=HERE / ".work")
    args = parser.parse_args()
    root = args.work / f"preview{args.n}"
    synth.generate(args.n, root)
    result = measure(root, args.edits, poll=args.poll)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
