"""Two or more versions of the generator, side by side on the same synthetic project: which is faster?

    python bench/side_by_side.py --n 1000 --runs 5 old=/tmp/old-tree new=.

Each ``NAME=FOLDER`` is a tree holding a ``generator/`` package (a checkout, or
``git archive`` of a commit). For each run, every version makes a cold build
(no site, no cache) in a fresh process, then a partial build after one urgent
action is added; the order of the versions turns each run (A B C, then C B A),
so that a machine growing slower or faster weighs on all alike. The report
gives, for each version, the median wall time, CPU time (the build and every
process it started) and phases, and each median as a ratio of the first
version's. The machine is shared: compare ratios, and distrust one smaller
than the spread of the runs.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import synth  # noqa: E402

AS_OF = "2026-12-01"

BUILD = """
import json, sys, time
from datetime import date
from pathlib import Path
from generator.build import build
root, site, cache = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
started = time.perf_counter()
report = build(root, site, date.fromisoformat(sys.argv[4]), cache_dir=cache)
print(json.dumps({"build": time.perf_counter() - started, "kind": report.plan.kind, "phases": report.timings.phases}))
"""


def _run(tree: Path, root: Path, site: Path, cache: Path) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run([sys.executable, "-c", BUILD, str(root), str(site), str(cache), AS_OF],
                          capture_output=True, text=True, env=env, cwd=tree)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{tree}: the build failed:\n{done.stderr[-3000:]}")
    out = json.loads(done.stdout.strip().splitlines()[-1])
    out["wall"] = wall
    out["cpu"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return out


def measure(trees: dict[str, Path], n: int, runs: int, work: Path) -> dict[str, dict[str, list[dict]]]:
    root = work / "project"
    synth.generate(n, root)
    results = {name: {"cold": [], "partial": []} for name in trees}
    names = list(trees)
    for i in range(runs):
        order = names if i % 2 == 0 else names[::-1]
        for name in order:
            site, cache = work / f"site-{name}", work / f"cache-{name}"
            shutil.rmtree(site, ignore_errors=True)
            shutil.rmtree(cache, ignore_errors=True)
            results[name]["cold"].append(_run(trees[name], root, site, cache))
            print(f"run {i + 1}: {name} cold {results[name]['cold'][-1]['wall']:.2f} s", flush=True)
        synth.new_action(root)
        for name in order:
            results[name]["partial"].append(_run(trees[name], root, work / f"site-{name}", work / f"cache-{name}"))
            print(f"run {i + 1}: {name} partial {results[name]['partial'][-1]['wall']:.2f} s", flush=True)
        for path in (root / "content" / "actions").glob("action-new-*.md"):
            path.unlink()
    return results


def _median(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] if key in r else r["phases"].get(key, 0.0) for r in runs)


def report(results: dict[str, dict[str, list[dict]]], n: int) -> str:
    names = list(results)
    first = names[0]
    lines = [f"N = {n:,}; medians of {len(results[first]['cold'])} runs each; ratio: of {first}'s median", ""]
    for build in ("cold", "partial"):
        keys = ["wall", "build", "cpu", "pages", "engine", "write", "compose", "scan", "swap"]
        lines.append(f"| {build} | " + " | ".join(keys) + " |")
        lines.append("| --- |" + " --- |" * len(keys))
        for name in names:
            cells = []
            for key in keys:
                value = _median(results[name][build], key)
                base = _median(results[first][build], key)
                cells.append(f"{value:.2f} s" + (f" ({value / base:.2f})" if name != first and base > 0.005 else ""))
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        lines.append("")
        for name in names:
            lines.append(f"- {build}, {name}: wall " + ", ".join(f"{r['wall']:.1f}" for r in results[name][build])
                         + " s; CPU " + ", ".join(f"{r['cpu']:.1f}" for r in results[name][build]) + " s")
        lines.append("")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("trees", nargs="+", help="NAME=FOLDER holding a generator/ package")
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", type=Path, help="also write every run here")
    args = parser.parse_args()
    trees = {}
    for item in args.trees:
        name, _, folder = item.partition("=")
        trees[name] = Path(folder).resolve()
    with tempfile.TemporaryDirectory(prefix="side-by-side-") as tmp:
        results = measure(trees, args.n, args.runs, Path(tmp))
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    print(report(results, args.n))
    return 0


if __name__ == "__main__":
    sys.exit(main())
