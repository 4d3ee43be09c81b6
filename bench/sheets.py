"""Sheets side by side: WeasyPrint (the sheets as they were) against Typst (as they are), on our own sheets.

``make bench-sheets`` (or ``python bench/sheets.py``). For each project (the
bundled sample, and synthetic content from bench/synth.py) it renders every
open action's sheet and every letter-writing pack with both typesetters, each
in a fresh process, in one run:

- WeasyPrint: the code of commit ``BASELINE`` (the last with WeasyPrint
  sheets), taken from git into a folder of its own, with its own templates;
  WeasyPrint comes from the ``bench`` extra (it is no longer a dependency);
- Typst: the code of this work tree.

It reports the import time; the time of each sheet and pack, each made once
per process in the build's order (the first with fresh state, the others
warm); every PDF as the build makes them; pages and bytes; and what starting a
process pool costs here. Both sides alternate, ``--repeat`` processes each;
the figures are medians. The section "Sheets: WeasyPrint vs Typst" of
BENCHMARKS.md is rewritten with the results (and kept in bench/sheets.md,
which ``make bench`` puts back).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
import synth  # noqa: E402

#: The last commit whose sheets were made by WeasyPrint.
BASELINE = "eb44489"
AS_OF = "2026-12-01"
SECTION = "## Sheets: WeasyPrint vs Typst"

# Each child prints one JSON line. Mode "parts": each sheet, then each pack, made once, one after the other,
# as a build makes them (the first with fresh state, the others warm; Typst remembers what it laid out
# within a process, so no document is timed twice in one). Mode "all": the sheets output as the build makes it.
COMMON = r"""
import io, json, sys, time
from datetime import date
from pathlib import Path
import jinja2
from pypdf import PdfReader
from generator.build import TEMPLATES
from generator.load import load
from generator.outputs import Context
from generator.catalogs import SOURCE, formatter, translations
from generator.outputs.markup import MarkupRenderer
from generator.outputs.pages import template_environment
from generator.outputs.sheets import Sheets, PACK

root, mode = Path(sys.argv[1]), sys.argv[2]
loaded = load(root, date.fromisoformat(sys.argv[3]))
site = loaded.site
env = template_environment(jinja2.FileSystemLoader(root / "theme" / TEMPLATES), translations(SOURCE))
try:  # this tree: the build reads the fonts and hands them over (the older tree's sheets read them)
    from generator.render import FONTS, read_fonts
    fonts = (read_fonts(root / "theme" / FONTS),)
except ImportError:
    fonts = ()
s = Sheets(Context(site, MarkupRenderer(site, loaded.project.media), env, formatter(site.config.settings.language), None,
                   *fonts))
packs = [(PACK, None, site.open_actions)] + list(s.stop_packs.values())
result = {"import": imported, "sheets": [], "packs": []}

def timed(function, *args):
    started = time.perf_counter()
    out = function(*args)
    return time.perf_counter() - started, out

def pages(data):
    return len(PdfReader(io.BytesIO(data)).pages)

def finish():
    if mode == "all":  # print pages, then every PDF (no cache, one process, no pool)
        result["print_pages"], _ = timed(s.begin)
        result["all"], files = timed(s.render)
        result["documents"] = sum(1 for p in files if p.endswith(".pdf"))
    print(json.dumps(result))
"""

WEASYPRINT = r"""
import time
started = time.perf_counter()
import weasyprint
imported = time.perf_counter() - started  # the typesetter alone: both sides import the rest alike
from generator.outputs import pdf
""" + COMMON + r"""
pdf._cpus = lambda: 1  # no process pool: one core, as the Typst side
if mode == "parts":
    assets = {url: str(path) for url, path in s.assets().items()}
    made = {}
    for a in site.open_actions:
        html = s.document("sheet.html", s.print_url(a) + "index.html", action=a)
        elapsed, (data, _) = timed(pdf.render_counted, html, site.absolute(s.print_url(a)), assets)
        made[a.meta.id] = data
        result["sheets"].append({"id": a.meta.id, "time": elapsed, "pages": pages(data), "bytes": len(data)})
    for url, stop, actions in packs:
        job = s._cover_job(url, actions, stop, {a.meta.id: 0 for a in actions})
        def pack():  # what the build did: a cover, joined to the sheets' own PDFs
            cover = pdf.render_counted(job.html, job.base_url, assets)[0]
            return pdf.join_pdfs([cover] + [made[a.meta.id] for a in actions], s._pack_title(stop),
                                 site.config.settings.organisation, site.config.settings.language,
                                 "D:" + site.today.strftime("%Y%m%d"))
        elapsed, data = timed(pack)
        result["packs"].append({"path": url, "sheets": len(actions), "time": elapsed, "pages": pages(data),
                                "bytes": len(data)})
finish()
"""

TYPST = r"""
import time
started = time.perf_counter()
import typst
imported = time.perf_counter() - started  # the typesetter alone: both sides import the rest alike
from generator.outputs import pdf
""" + COMMON + r"""
if mode == "parts":
    setter = None
    def compile(source):
        global setter
        setter = setter or pdf.Typesetter(s.fonts())  # the first document loads the fonts
        return setter.compile(source, site.today)[0]
    for a in site.open_actions:
        source = s.typst_document("sheet.typ", action=a)
        elapsed, data = timed(compile, source)
        result["sheets"].append({"id": a.meta.id, "time": elapsed, "pages": pages(data), "bytes": len(data)})
    for url, stop, actions in packs:
        elapsed, data = timed(compile, s._pack_job(url, stop, actions).source)
        result["packs"].append({"path": url, "sheets": len(actions), "time": elapsed, "pages": pages(data),
                                "bytes": len(data)})
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=2, mp_context=multiprocessing.get_context("fork")) as pool:
        list(pool.map(len, ["x", "y"]))
    result["pool"] = time.perf_counter() - started
finish()
"""


BUILD = r"""
import json, sys
from datetime import date
from pathlib import Path
from generator.build import build
root = Path(sys.argv[1])
report = build(root, root / "site", date.fromisoformat(sys.argv[2]), cache_dir=root / ".accompany" / "cache")
print(json.dumps({"phases": report.timings.phases}))
"""


def cold_builds(n: int, work: Path, repeat: int) -> dict:
    """Whole cold builds of the same synthetic content with each side's code, alternating: wall and CPU time."""
    import resource

    print(f"== cold builds, N = {n:,}", flush=True)
    old = baseline_tree(work)
    sides = {"weasyprint": (old, project_for(work / f"synth{n}", old, work / f"build{n}-weasyprint")),
             "typst": (REPO, project_for(work / f"synth{n}", REPO, work / f"build{n}-typst"))}
    runs: dict[str, list] = {side: [] for side in sides}
    for i in range(repeat):
        print(f"   run {i + 1} of {repeat}", flush=True)
        for side, (tree, project) in sides.items():
            shutil.rmtree(project / "site", ignore_errors=True)
            shutil.rmtree(project / ".accompany", ignore_errors=True)
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            out = run_build(tree, project)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            out["wall"] = time.perf_counter() - started
            out["cpu"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            runs[side].append(out)
    return {"n": n, **{side: sorted(r, key=lambda x: x["wall"])[(len(r) - 1) // 2] | {"walls": [x["wall"] for x in r],
                                                                                       "cpus": [x["cpu"] for x in r]}
                       for side, r in runs.items()}}


def run_build(tree: Path, project: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(tree), "PYTHONHASHSEED": "0"}
    out = subprocess.run([sys.executable, "-c", BUILD, str(project), AS_OF], capture_output=True, text=True,
                         env=env, cwd=tree)
    if out.returncode != 0:
        raise SystemExit(f"build failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def builds_table(builds: list[dict]) -> list[str]:
    lines = ["", "Whole cold builds of the same synthetic content (all PDFs, print pages, pages and the engine runs), "
             "each side with its own code, alternating; the median by wall time, and every run's wall and CPU "
             "time (all processes: the build, its PDF workers, its engine runs):", "",
             "| N | typesetter | cold build | CPU, all processes | sheets phase | engine phase | every run: wall (CPU) |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for b in builds:
        for side, label in (("weasyprint", "WeasyPrint"), ("typst", "Typst")):
            r = b[side]
            runs = ", ".join(f"{w:.1f} ({c:.1f})" for w, c in zip(r["walls"], r["cpus"]))
            lines.append(f"| {b['n']:,} | {label} | {r['wall']:.1f} s | {r['cpu']:.1f} s | "
                         f"{r['phases'].get('sheets', 0):.2f} s | {r['phases'].get('engine', 0):.2f} s | {runs} s |")
    return lines


def baseline_tree(work: Path) -> Path:
    """The code and theme of ``BASELINE``, from git, in a folder of their own."""
    target = work / f"baseline-{BASELINE}"
    if not (target / "generator").is_dir():
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        archive = subprocess.run(["git", "-C", str(REPO), "archive", "--format=tar", BASELINE, "generator", "theme"],
                                 capture_output=True, check=True).stdout
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(target, filter="data")
    return target


def project_for(source: Path, code: Path, target: Path) -> Path:
    """``source``'s content with the theme (templates) of ``code``: each side renders with its own templates."""
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for name in ("content", "campaigns"):
        if (source / name).is_dir():
            shutil.copytree(source / name, target / name)
    shutil.copy(source / "mkdocs.yml", target / "mkdocs.yml")
    shutil.copytree(code / "theme", target / "theme")
    return target


def run(code: str, tree: Path, project: Path, mode: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(tree), "PYTHONHASHSEED": "0"}
    out = subprocess.run([sys.executable, "-c", code, str(project), mode, AS_OF], capture_output=True,
                         text=True, env=env, cwd=tree)
    if out.returncode != 0:
        raise SystemExit(f"benchmark step failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _medians(runs: list[dict]) -> dict:
    """One run's figures, each the median over the runs (the runs make the same documents in the same order)."""
    out = dict(runs[0])
    for key in ("import", "pool", "print_pages", "all"):
        if key in runs[0]:
            out[key] = _median([r[key] for r in runs])
    for kind in ("sheets", "packs"):
        out[kind] = [{**doc, "time": _median([r[kind][i]["time"] for r in runs])} for i, doc in enumerate(runs[0][kind])]
    return out


def measure(name: str, source: Path, work: Path, repeat: int) -> dict:
    """Both typesetters, alternating, ``repeat`` processes each for the parts and for the whole."""
    print(f"== {name}", flush=True)
    old = baseline_tree(work)
    sides = {"weasyprint": (WEASYPRINT, old, project_for(source, old, work / f"{name}-weasyprint")),
             "typst": (TYPST, REPO, project_for(source, REPO, work / f"{name}-typst"))}
    runs: dict[str, dict[str, list]] = {side: {"parts": [], "all": []} for side in sides}
    for i in range(repeat):
        print(f"   run {i + 1} of {repeat}", flush=True)
        for side, (code, tree, project) in sides.items():
            for mode in ("parts", "all"):
                runs[side][mode].append(run(code, tree, project, mode))
    row = {"name": name}
    for side in sides:
        parts, whole = _medians(runs[side]["parts"]), _medians(runs[side]["all"])
        row[side] = {**parts, "import": _median([r["import"] for r in runs[side]["parts"] + runs[side]["all"]]),
                     "print_pages": whole["print_pages"], "all": whole["all"], "documents": whole["documents"]}
    return row


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds >= 0.01 else f"{seconds * 1000:.1f} ms"


def _largest(packs: list[dict]) -> str:
    pack = max(packs, key=lambda p: p["sheets"])
    return f"{_ms(pack['time'])} ({pack['sheets']} sheets, {pack['pages']} pages)"


def _pages(sheets: list[dict]) -> str:
    counts = [s["pages"] for s in sheets]
    return ", ".join(f"{counts.count(n)} × {n}" for n in sorted(set(counts)))


def _median(values: list[float]) -> float:
    values = sorted(values)
    return values[(len(values) - 1) // 2] if values else 0.0


def report(rows: list[dict], builds: list[dict] = ()) -> str:
    lines = [
        SECTION,
        "",
        f"Measured by `make bench-sheets` (bench/sheets.py) on {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}: every open action's sheet and every letter-writing pack, with both "
        "typesetters in one run, alternating, each in fresh processes; medians of the runs. WeasyPrint: the code "
        f"of {BASELINE} (its templates; a pack is a cover joined to the sheets' own PDFs with pypdf). Typst: this "
        "tree (a pack is one document). Each document is made once per process, in the build's order: sheet, "
        "fresh is the first document of a process (stylesheet and fonts, or the Typst compiler and its fonts, "
        "loaded for it); sheet, warm is the median of the other sheets; pack, of the packs (made after the "
        "sheets, as in a build). Every PDF: the sheets output as the build makes it, in a process of its own (no "
        "cache, no pool), after its print pages (HTML, the same for both, where the Markdown is rendered).",
        "",
        "| content | typesetter | import | sheet, fresh | sheet, warm | pack | largest pack | every PDF, one core "
        "| print pages | PDFs | pages of the sheets | bytes per sheet |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        for name, label in (("weasyprint", "WeasyPrint"), ("typst", "Typst")):
            r = row[name]
            sheets, packs = r["sheets"], r["packs"]
            lines.append(
                f"| {row['name']} | {label} | {_ms(r['import'])} | {_ms(sheets[0]['time'])} "
                f"| {_ms(_median([s['time'] for s in sheets[1:]]))} | {_ms(_median([p['time'] for p in packs]))} "
                f"| {_largest(packs)} "
                f"| {r['all']:.2f} s | {r['print_pages']:.2f} s | {r['documents']} | {_pages(sheets)} "
                f"| {_median([s['bytes'] for s in sheets]):,.0f} |")
    lines += ["", "Per document (sample; the first sheet is fresh, the rest warm):", "",
              "| document | WeasyPrint | Typst | pages (W / T) | bytes (W / T) |", "| --- | --- | --- | --- | --- |"]
    sample = rows[0]
    for w, t in zip(sample["weasyprint"]["sheets"], sample["typst"]["sheets"]):
        lines.append(f"| sheet {w['id']} | {_ms(w['time'])} | {_ms(t['time'])} | {w['pages']} / {t['pages']} "
                     f"| {w['bytes']:,} / {t['bytes']:,} |")
    for w, t in zip(sample["weasyprint"]["packs"], sample["typst"]["packs"]):
        lines.append(f"| pack {t['path'].rsplit('/', 1)[-1]} ({t['sheets']} sheets) | {_ms(w['time'])} "
                     f"| {_ms(t['time'])} | {w['pages']} / {t['pages']} | {w['bytes']:,} / {t['bytes']:,} |")
    lines += builds_table(builds) if builds else []
    pool = _median([row["typst"]["pool"] for row in rows])
    every = max(row["typst"]["all"] for row in rows)
    lines += ["", f"Starting a pool of two forked worker processes and running one trivial job on each took "
              f"{_ms(pool)} here; every Typst PDF of the largest content above took {every:.2f} s in one process.", ""]
    return "\n".join(lines)


def splice(benchmarks: Path, section: str) -> None:
    """Put ``section`` in BENCHMARKS.md in place of the last one (before the notes), or before the notes."""
    text = benchmarks.read_text() if benchmarks.is_file() else ""
    if SECTION in text:
        start = text.index(SECTION)
        end = text.find("\n## ", start + len(SECTION))
        text = text[:start] + section + (text[end + 1:] if end != -1 else "")
    else:
        notes = text.find("\n## What the profiles showed")
        text = (text[:notes + 1] + section + "\n" + text[notes + 1:]) if notes != -1 else text + "\n" + section
    benchmarks.write_text(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synth", type=int, nargs="*", default=[1000], help="synthetic content sizes besides the sample")
    parser.add_argument("--repeat", type=int, default=3, help="processes per side, content and mode (medians)")
    parser.add_argument("--builds", type=int, nargs="*", default=[1000], help="sizes of whole cold builds, each side")
    parser.add_argument("--work", type=Path, default=HERE / ".work")
    parser.add_argument("--out", type=Path, default=REPO / "BENCHMARKS.md")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    rows = [measure("sample", REPO, args.work, args.repeat)]
    for n in args.synth:
        synth.generate(n, args.work / f"synth{n}")
        rows.append(measure(f"N = {n:,}", args.work / f"synth{n}", args.work, args.repeat))
    builds = []
    for n in args.builds:
        if not (args.work / f"synth{n}").is_dir():
            synth.generate(n, args.work / f"synth{n}")
        builds.append(cold_builds(n, args.work, args.repeat))
    (args.work / "sheets.json").write_text(json.dumps({"rows": rows, "builds": builds}, indent=2))
    section = report(rows, builds)
    (HERE / "sheets.md").write_text(section)
    splice(args.out, section)
    print(section)
    return 0


if __name__ == "__main__":
    started = time.perf_counter()
    code = main()
    print(f"({time.perf_counter() - started:.0f} s)")
    sys.exit(code)
