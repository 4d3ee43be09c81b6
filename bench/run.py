"""The benchmark: time accompany against the bare engine, side by side, and write BENCHMARKS.md.

For each size N it generates synthetic content (bench/synth.py), then measures,
each in a fresh process so that peak memory is the run's own:

- a cold ``accompany build`` (no site, no cache) and the bare engine
  (``mkdocs build``) on the same staged project, alternately, three times
  each: the table gives the medians;
- a warm rebuild with nothing changed (and counts files whose bytes or mtime changed);
- a rebuild after adding one urgent action, three times (and checks its page, search entry, sitemap
  entry, feeds, its PDF and the pack; and, once, that the site is byte for byte a full build's);
- ``accompany check``;
- Hugo's and Pelican's full builds of the same texts (bench/others.py);
- the preview: how soon an edit saved shows in ``accompany serve`` (bench/preview.py).

Run it with ``make bench`` (not part of ``make test``: timings are not assertions).
"""

from __future__ import annotations

import argparse
import compileall
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
import others  # noqa: E402
import preview  # noqa: E402
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


#: The process's own peak resident memory, in KiB (VmHWM): its ``ru_maxrss`` would start at the size of the
#: bench process that forked it, which holds the last size's sites by then.
PEAK = """
def peak():
    with open("/proc/self/status") as status:
        return int(next(line.split()[1] for line in status if line.startswith("VmHWM:")))
"""

#: How the snippets end: as the ``accompany`` command does (generator.cli.entry), not freeing every object.
END = """
import os
sys.stdout.flush()
os._exit(0)
"""

BUILD = PEAK + """
import json, resource, sys, time
started = time.perf_counter()
from datetime import date
from pathlib import Path
from generator.build import build
imported = time.perf_counter()
root = Path(sys.argv[1])
report = build(root, root / "site", date.fromisoformat(sys.argv[2]), collect=False)  # as the accompany command does
print(json.dumps({"phases": report.timings.phases, "files": report.files, "kind": report.plan.kind,
                  "import": imported - started, "build": time.perf_counter() - imported,
                  "rss_self": peak(), "rss_children": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
""" + END

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

FULL = """
import json, sys
from datetime import date
from pathlib import Path
from generator.build import build
root, target, cache = Path(sys.argv[1]), Path(sys.argv[3]), Path(sys.argv[4])
report = build(root, target / "site", date.fromisoformat(sys.argv[2]), cache_dir=cache, full=True)
print(json.dumps({"files": report.files}))
"""

CHECK = PEAK + """
import json, resource, sys, time
from datetime import date
from pathlib import Path
started = time.perf_counter()
from generator.load import load
imported = time.perf_counter()
loaded = load(Path(sys.argv[1]), date.fromisoformat(sys.argv[2]))
print(json.dumps({"import": imported - started, "load": time.perf_counter() - imported,
                  "rss_self": peak()}))
""" + END


def _tree_state(site: Path) -> dict[str, tuple[int, int, bytes]]:
    return {p.relative_to(site).as_posix(): (p.stat().st_mtime_ns, p.stat().st_size, p.read_bytes())
            for p in site.rglob("*") if p.is_file()}


def _page_sizes(site: Path) -> tuple[int, int]:
    pages = [p for p in site.rglob("index.html")]
    return len(pages), sum(p.stat().st_size for p in pages) // max(1, len(pages))


def _median(runs: list[dict]) -> dict:
    """The run with the median wall time (the lower middle one of an even number)."""
    return dict(sorted(runs, key=lambda r: r["wall"])[(len(runs) - 1) // 2])


def measure(n: int, work: Path, repeat: int = 3, pelican: bool = True, preview_edits: int = 5) -> dict:
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

    # One new urgent action, a new one each time (issued the day before), taken out again between runs.
    adds, removes = [], []
    for i in range(repeat):
        print(f"   one new urgent action ({i + 1} of {repeat})", flush=True)
        path = synth.new_action(root, 99990 + i)
        adds.append(_child(BUILD, str(root), AS_OF))
        adds[-1].update(new_action_shows(root / "site", path.stem, f"UA-B-{99990 + i:05d}"))
        if i == 0:  # the same bytes as a full build of the same content (not timed)
            shutil.rmtree(work / f"full{n}", ignore_errors=True)
            _child(FULL, str(root), AS_OF, str(work / f"full{n}"), str(work / f"full{n}-cache"))
            adds[-1]["as_full"] = _same_files(root / "site", work / f"full{n}" / "site")
        path.unlink()
        removes.append(_child(BUILD, str(root), AS_OF))  # back to the site without it: one action taken out
        removes[-1].update(new_action_shows(root / "site", path.stem, f"UA-B-{99990 + i:05d}"))
    row["add_one"] = _median(adds)
    row["remove_one"] = _median(removes)
    row["remove_one"]["walls"] = [r["wall"] for r in removes]
    row["remove_one"]["gone"] = all(not any(r[k] for k in SHOWS) for r in removes)
    row["add_one"]["walls"] = [r["wall"] for r in adds]
    row["add_one"]["shows"] = all(all(r[k] for k in SHOWS) for r in adds)
    row["add_one"]["as_full"] = adds[0]["as_full"]

    print("   check", flush=True)
    row["check"] = _child(CHECK, str(root), AS_OF)

    print("   Hugo and Pelican, full builds of the same texts", flush=True)
    others.hugo_project(root, work / f"hugo{n}")
    hugos = [others.hugo_build(work / f"hugo{n}") for _ in range(repeat)]
    row["hugo"] = {"walls": hugos, "wall": sorted(hugos)[(len(hugos) - 1) // 2],
                   "pages": others.pages(work / f"hugo{n}" / "public")}
    if pelican:
        others.pelican_project(root, work / f"pelican{n}")
        wall = others.pelican_build(work / f"pelican{n}", others.pelican_python(work))
        row["pelican"] = {"wall": wall, "pages": others.pages(work / f"pelican{n}" / "output")}

    if preview_edits:
        print("   the preview: edits saved, until the page shows them", flush=True)
        copy = work / f"preview{n}"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(root, copy, ignore=shutil.ignore_patterns("site", ".accompany"))
        row["preview"] = preview.measure(copy, preview_edits)
    return row


#: What the build after one new action must show of it.
SHOWS = ("page", "in_search", "in_sitemap", "in_feeds", "pdf", "in_pack")


def new_action_shows(site: Path, slug: str, action_id: str) -> dict:
    """Whether the new action is on its page, in the search index, the sitemap, the open actions' feeds,
    its own PDF and the pack of every open action (read back with pypdf); after it is taken out, none should say so."""
    from pypdf import PdfReader

    def pdf_text(path: Path) -> str:
        return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages) if path.is_file() else ""

    def text(path: Path) -> str:  # "" where there is none (the action taken out again: its page is gone)
        return path.read_text() if path.is_file() else ""

    index = json.loads((site / "search" / "search_index.json").read_text())
    feeds = [site / "feeds" / f"actions-open.{suffix}" for suffix in ("rss.xml", "atom.xml", "json")]
    return {
        "page": action_id in text(site / f"actions/{slug}/index.html"),
        "in_search": any(d["location"].startswith(f"actions/{slug}/") for d in index["docs"]),
        "in_sitemap": f"actions/{slug}/" in (site / "sitemap.xml").read_text(),
        "in_feeds": all(f"action/{action_id}" in feed.read_text() for feed in feeds),
        "pdf": action_id in pdf_text(site / f"actions/{slug}/{slug}.pdf"),
        "in_pack": action_id in pdf_text(site / "actions/letter-writing-pack.pdf"),
    }


def _same_files(one: Path, two: Path) -> bool:
    a, b = _tree_state(one), _tree_state(two)
    return sorted(a) == sorted(b) and all(a[p][2] == b[p][2] for p in a)


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


#: Issue 16's targets: one new action live (seconds), and an edit shown in the preview (seconds), by N.
ADD_ONE_TARGET = {1000: 2.0, 5000: 4.0}
PREVIEW_TARGET = {1000: 1.0, 5000: 2.0}


def new_action_table(rows: list[dict]) -> str:
    lines = ["| N | one new action | every run | shown everywhere | = full build | Hugo, full | Pelican, full "
             "| new action / Hugo | taken out again | preview, edit shown | preview, first stage |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        add, hugo = r["add_one"], r.get("hugo")
        pelican, view = r.get("pelican"), r.get("preview")
        cells = [f"{r['n']:,}", f"{add['wall']:.2f} s", ", ".join(f"{w:.2f}" for w in add["walls"]) + " s",
                 "yes" if add["shows"] else "NO", "yes" if add["as_full"] else "NO",
                 f"{hugo['wall']:.2f} s ({hugo['pages']:,} pages)",
                 f"{pelican['wall']:.2f} s ({pelican['pages']:,} pages)" if pelican else "-",
                 f"{add['wall'] / hugo['wall']:.2f}",
                 (f"{gone['wall']:.2f} s (" + ", ".join(f"{w:.2f}" for w in gone["walls"]) + ")"
                  + ("" if gone["gone"] else ", NOT gone everywhere")) if (gone := r.get("remove_one")) else "-",
                 f"{view['median']:.2f} s (" + ", ".join(f"{w:.2f}" for w in view["latencies"]) + ")" if view else "-",
                 f"{view['start']:.1f} s" if view else "-"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def add_one_phases(rows: list[dict]) -> str:
    names = ["import"]
    for r in rows:
        names += [k for k in r["add_one"]["phases"] if k not in names]
    lines = ["| phase | " + " | ".join(f"N={r['n']:,}" for r in rows) + " |", "| --- |" + " --- |" * len(rows)]
    for name in names:
        cells = [f"{(r['add_one'].get(name) if name == 'import' else r['add_one']['phases'].get(name, 0)) or 0:.2f} s"
                 for r in rows]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines.append("| whole process (wall) | " + " | ".join(f"{r['add_one']['wall']:.2f} s" for r in rows) + " |")
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
        ("one new action shown everywhere (page, search, sitemap, feeds, its PDF, the pack) and the same bytes "
         "as a full build", all(r["add_one"]["shows"] and r["add_one"]["as_full"] for r in rows)),
        *([("the new action taken out again is gone everywhere (page, search, sitemap, feeds, its PDF, the pack)",
            all(r["remove_one"]["gone"] for r in rows))] if all("remove_one" in r for r in rows) else []),
        *[(f"one new action at N = {r['n']:,} ≤ {ADD_ONE_TARGET[r['n']]:.1f} s (measured {r['add_one']['wall']:.2f} s)",
           r["add_one"]["wall"] <= ADD_ONE_TARGET[r["n"]]) for r in rows if r["n"] in ADD_ONE_TARGET],
        *[(f"one new action at N = {r['n']:,} below Hugo's full build ({r['add_one']['wall']:.2f} s against "
           f"{r['hugo']['wall']:.2f} s)", r["add_one"]["wall"] < r["hugo"]["wall"]) for r in rows if "hugo" in r],
        *[(f"preview at N = {r['n']:,} ≤ {PREVIEW_TARGET[r['n']]:.0f} s (median {r['preview']['median']:.2f} s)",
           r["preview"]["median"] <= PREVIEW_TARGET[r["n"]]) for r in rows if "preview" in r and r["n"] in PREVIEW_TARGET],
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
        "One new urgent action (a fresh `accompany build` after one open action file is added, issued the day",
        "before; a new one each run, taken out again between runs), beside full builds of the same texts by",
        "Hugo and Pelican (bench/others.py says how the texts were given to them), the build that takes it out",
        "again (a fresh `accompany build` after its file is deleted: gone from its page, search, sitemap, feeds and",
        "the pack, or the table says NOT), and the preview (how soon an edit saved in a file shows in the page",
        "`accompany serve` serves: bench/preview.py):",
        "",
        new_action_table(rows),
        "",
        "The new action's build, phase by phase (seconds, the build's own timings; the median run; phases",
        "overlap: the engine runs while the files are made):",
        "",
        add_one_phases(rows),
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
    parser.add_argument("--no-pelican", action="store_true", help="leave Pelican out (its environment takes a while)")
    parser.add_argument("--edits", type=int, default=5, help="edits timed in the preview per size (0: none)")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    # accompany's modules byte-compiled, as installing the package does (pip compiles what it installs): where
    # the environment says not to write bytecode (PYTHONDONTWRITEBYTECODE), a checkout would compile them again
    # in every process the bench times.
    compileall.compile_dir(HERE.parent / "generator", quiet=1)
    rows = [measure(n, args.work, args.repeat, not args.no_pelican, args.edits) for n in args.sizes]
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
