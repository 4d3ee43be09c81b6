"""The benchmark: time accompany against the bare engine, side by side, and write BENCHMARKS.md.

For each size N it generates synthetic content (bench/synth.py), then measures,
each in a fresh process so that peak memory is the run's own:

- a cold ``accompany build`` (no site, no cache) and the bare engine
  (``mkdocs build``) on the same staged project, alternately, three times
  each: the table gives the medians;
- a warm rebuild with nothing changed (and counts files whose bytes or mtime changed);
- a rebuild after adding one urgent action (and checks its page, search index and sitemap);
- ``accompany check``.

Run it with ``make bench`` (not part of ``make test``: timings are not assertions).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import synth  # noqa: E402

AS_OF = "2026-12-01"
PY = sys.executable


def _child(code: str, *args: str) -> dict:
    """Run ``code`` in a fresh interpreter; it prints a JSON dict. Adds wall time and peak RSS."""
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = subprocess.run([PY, "-c", code, *args], capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"benchmark step failed:\n{result.stderr[-3000:]}")
    out = json.loads(result.stdout.strip().splitlines()[-1])
    out["wall"] = wall
    out["cpu"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return out


BUILD = """
import json, resource, sys
from datetime import date
from pathlib import Path
from generator.build import build
root = Path(sys.argv[1])
report = build(root, root / "site", date.fromisoformat(sys.argv[2]))
print(json.dumps({"phases": report.timings.phases, "files": report.files,
                  "rss_self": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "rss_children": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""

STAGE = """
import json, shutil, sys
from datetime import date
from pathlib import Path
from generator.build import Renderers, load
from generator.cache import disk_cache
root, target = Path(sys.argv[1]), Path(sys.argv[3])
shutil.rmtree(target, ignore_errors=True)
# The project the engine sees in accompany's own build: config, theme and pages.
loaded = load(root, date.fromisoformat(sys.argv[2]))
tree = loaded.engine.project(Renderers(loaded, disk_cache(root / ".accompany" / "cache")).staged())
tree.write(target)
print(json.dumps({"files": len(tree.files)}))
"""

ENGINE = """
import json, resource, subprocess, sys
project, out, epoch = sys.argv[1], sys.argv[2], sys.argv[3]
env = {"SOURCE_DATE_EPOCH": epoch, "PYTHONHASHSEED": "0", "PATH": "/usr/bin:/bin"}
subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--config-file",
                project + "/mkdocs.yml", "--site-dir", out], check=True, env=env)
print(json.dumps({"rss_children": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""

CHECK = """
import json, resource, sys, time
from datetime import date
from pathlib import Path
started = time.perf_counter()
from generator.load import load
imported = time.perf_counter()
loaded = load(Path(sys.argv[1]), date.fromisoformat(sys.argv[2]))
print(json.dumps({"import": imported - started, "load": time.perf_counter() - imported,
                  "rss_self": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def _tree_state(site: Path) -> dict[str, tuple[int, int, bytes]]:
    return {p.relative_to(site).as_posix(): (p.stat().st_mtime_ns, p.stat().st_size, p.read_bytes())
            for p in site.rglob("*") if p.is_file()}


def _page_sizes(site: Path) -> tuple[int, int]:
    pages = [p for p in site.rglob("index.html")]
    return len(pages), sum(p.stat().st_size for p in pages) // max(1, len(pages))


def _median(runs: list[dict]) -> dict:
    """The run with the median wall time (the lower middle one of an even number)."""
    return dict(sorted(runs, key=lambda r: r["wall"])[(len(runs) - 1) // 2])


def measure(n: int, work: Path, repeat: int = 3) -> dict:
    root = work / f"n{n}"
    print(f"== N = {n}: generating", flush=True)
    counts = synth.generate(n, root)
    epoch = str(int(time.mktime(date.fromisoformat(AS_OF).timetuple())))
    row: dict = {"n": n, "counts": counts}

    # Cold builds and bare engine runs alternate, and each figure is the median of its runs:
    # on a shared machine one run can be 20% off, and the ratio is what the target is about.
    staged, bare_out = work / f"staged{n}", work / f"bare{n}"
    colds, bares = [], []
    for i in range(repeat):
        print(f"   cold build ({i + 1} of {repeat})", flush=True)
        shutil.rmtree(root / "site", ignore_errors=True)
        shutil.rmtree(root / ".accompany", ignore_errors=True)
        colds.append(_child(BUILD, str(root), AS_OF))
        if i == 0:
            _child(STAGE, str(root), AS_OF, str(staged))
        print(f"   bare engine on the same staged project ({i + 1} of {repeat})", flush=True)
        shutil.rmtree(bare_out, ignore_errors=True)
        bares.append(_child(ENGINE, str(staged), str(bare_out), epoch))
    row["cold"], row["bare"] = _median(colds), _median(bares)
    row["cold"]["walls"], row["bare"]["walls"] = [r["wall"] for r in colds], [r["wall"] for r in bares]
    row["pages"], row["avg_page_bytes"] = _page_sizes(root / "site")

    print("   warm rebuild, nothing changed", flush=True)
    before = _tree_state(root / "site")
    row["warm"] = _child(BUILD, str(root), AS_OF)
    after = _tree_state(root / "site")
    row["warm"]["rewritten"] = sum(1 for p in after if before.get(p) != after[p]) + len(set(before) - set(after))

    print("   one new urgent action", flush=True)
    synth.new_action(root)
    row["add_one"] = _child(BUILD, str(root), AS_OF)
    site = root / "site"
    index = json.loads((site / "search" / "search_index.json").read_text())
    row["add_one"]["page"] = (site / "actions/action-new-99999/index.html").is_file()
    row["add_one"]["in_search"] = any(d["location"].startswith("actions/action-new-99999/") for d in index["docs"])
    row["add_one"]["in_sitemap"] = "actions/action-new-99999/" in (site / "sitemap.xml").read_text()
    (root / "content/actions/action-new-99999.md").unlink()

    print("   check", flush=True)
    row["check"] = _child(CHECK, str(root), AS_OF)
    return row


def _kib(rss_kib: int) -> str:
    return f"{rss_kib / 1024:.0f} MiB"


def table(rows: list[dict]) -> str:
    lines = [
        "| N | cold build | bare engine | cold / engine | warm | warm / cold | files rewritten | add one action | add / cold | check | check per item | peak memory |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        peak = max(r["cold"]["rss_self"], r["cold"]["rss_children"])
        lines.append(
            f"| {r['n']:,} | {r['cold']['wall']:.1f} s | {r['bare']['wall']:.1f} s | {r['cold']['wall'] / r['bare']['wall']:.2f} "
            f"| {r['warm']['wall']:.1f} s | {r['warm']['wall'] / r['cold']['wall']:.2f} | {r['warm']['rewritten']} "
            f"| {r['add_one']['wall']:.1f} s | {r['add_one']['wall'] / r['cold']['wall']:.2f} "
            f"| {r['check']['wall']:.2f} s | {1000 * r['check']['wall'] / r['n']:.2f} ms | {_kib(peak)} |"
        )
    return "\n".join(lines)


def phases_table(rows: list[dict]) -> str:
    names = []
    for r in rows:
        names += [k for k in r["cold"]["phases"] if k not in names]
    lines = ["| phase | " + " | ".join(f"N={r['n']:,} cold" for r in rows) + " | " +
             " | ".join(f"N={r['n']:,} warm" for r in rows) + " |",
             "| --- |" + " --- |" * (2 * len(rows))]
    for name in names:
        cells = [f"{r['cold']['phases'].get(name, 0):.2f} s" for r in rows] + \
                [f"{r['warm']['phases'].get(name, 0):.2f} s" for r in rows]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def report(rows: list[dict]) -> str:
    first, last = rows[0], rows[-1]
    growth = last["cold"]["wall"] / first["cold"]["wall"]
    ok = lambda cond: "met" if cond else "NOT met"  # noqa: E731
    targets = [
        ("cold build ≤ 1.25 × bare engine", all(r["cold"]["wall"] <= 1.25 * r["bare"]["wall"] for r in rows)),
        (f"linear: time at {last['n']:,} ≤ 5.5 × time at {first['n']:,} (measured {growth:.2f})", growth <= 5.5 * last["n"] / first["n"] / 5),
        ("average page size does not grow with N "
         f"({first['avg_page_bytes']:,} → {last['avg_page_bytes']:,} bytes)", last["avg_page_bytes"] <= first["avg_page_bytes"] * 1.1),
        ("warm rebuild ≤ 0.5 × cold, no file rewritten", all(r["warm"]["wall"] <= 0.5 * r["cold"]["wall"] and r["warm"]["rewritten"] == 0 for r in rows)),
        ("one new action ≤ 0.5 × cold, page + search + sitemap", all(
            r["add_one"]["wall"] <= 0.5 * r["cold"]["wall"] and r["add_one"]["page"] and r["add_one"]["in_search"] and r["add_one"]["in_sitemap"] for r in rows)),
        ("check ≤ 1 ms per item", all(r["check"]["wall"] / r["n"] <= 0.001 for r in rows)),
        ("peak memory ≤ 1 GiB", all(max(r["cold"]["rss_self"], r["cold"]["rss_children"]) <= 1024 * 1024 for r in rows)),
    ]
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    return "\n".join([
        "# Benchmarks",
        "",
        f"Measured by `make bench` (bench/run.py) on {machine}; synthetic content from bench/synth.py",
        "(mostly closed actions, 20 open, defenders, tours with stops, campaigns, ~600-word bodies), built as of",
        f"{AS_OF}. Every figure is wall-clock time in a fresh process, measured side by side in one run of the",
        "script: compare ratios, not seconds (the machine is shared). Cold builds and bare engine runs alternate",
        f"({len(rows[0]['cold']['walls'])} of each per size) and the table gives the "
        "median of each; all runs are listed below it.",
        "",
        table(rows),
        "",
        "Every cold build and bare engine run, in the order they ran:",
        "",
        *[f"- N = {r['n']:,}: cold " + ", ".join(f"{w:.1f}" for w in r["cold"]["walls"]) + " s; bare engine "
          + ", ".join(f"{w:.1f}" for w in r["bare"]["walls"]) + " s" for r in rows],
        "",
        "Time per phase (seconds, from the build's own timings; the median cold build):",
        "",
        phases_table(rows),
        "",
        "Targets:",
        "",
        *[f"- {name}: **{ok(cond)}**" for name, cond in targets],
        "",
        "`check` per item includes interpreter start-up and imports "
        + ", ".join(f"({r['check']['import']:.2f} s of imports, {r['check']['load']:.2f} s of work at N={r['n']:,})" for r in rows)
        + ".",
        "",
    ])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--work", type=Path, default=HERE / ".work")
    parser.add_argument("--out", type=Path, default=HERE.parent / "BENCHMARKS.md")
    parser.add_argument("--repeat", type=int, default=3, help="cold builds and bare engine runs per size (medians)")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    rows = [measure(n, args.work, args.repeat) for n in args.sizes]
    (args.work / "results.json").write_text(json.dumps(rows, indent=2, default=str))
    sheets = HERE / "sheets.md"  # bench/sheets.py: WeasyPrint and Typst side by side
    languages = HERE / "languages.md"  # bench/languages.py: two languages against one
    text = (report(rows) + "\n" + (languages.read_text() + "\n" if languages.is_file() else "")
            + (sheets.read_text() + "\n" if sheets.is_file() else "") + (HERE / "notes.md").read_text())
    args.out.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
