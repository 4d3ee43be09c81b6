"""The benchmark of a site in two languages: the synthetic site of N items in English alone, and the
same site with every item translated into Spanish, side by side.

For each size N it generates the project (bench/synth.py), then a copy with
``languages: [en, es]`` and an ``x.es.md`` beside every file (its text keys and
body translated, the same length), and measures, each build in a fresh process:

- cold builds (no site, no cache) of one language and of two, alternately,
  ``--repeat`` times each: the medians of wall time, CPU time and peak memory,
  and their ratios (the targets of issue 13: two languages at most 2.1 x the
  time of one, memory at most 2 x);
- a partial build of the two-language site after one new urgent action in one
  language (English, not translated): the pages each language renders
  (BuildReport.plans), against the pages that show the new action in the built
  site (a link to it, its title or id), and the time.

``python bench/languages.py --sizes 300 1000`` writes bench/languages.md and puts it in
BENCHMARKS.md (``make bench`` runs it before bench/run.py, which includes it).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
import synth  # noqa: E402

AS_OF = "2026-12-01"
NEW = "action-new-99999"
PALABRAS = ("río comunidad defensora amenaza consejo autoridades protección carta tierra agua tribunal "
            "audiencia testigo periodista sindicato huelga cosecha bosque minería aldea líder familia abogada "
            "informe embajada solidaridad marcha reunión campesinos pesca escuela camino noche teléfono "
            "mensaje investigación fiscal policía ejército empresa licencia permiso territorio pacífica").split()

BUILD = """
import json, resource, sys
from datetime import date
from pathlib import Path
from generator.build import build
root = Path(sys.argv[1])
report = build(root, root / "site", date.fromisoformat(sys.argv[2]))
plans = {lang: {"kind": p.kind, "pages": list(p.pages), "files": list(p.files), "reason": p.reason}
         for lang, p in (report.plans or {"en": report.plan}).items()}
print(json.dumps({"phases": report.timings.phases, "files": report.files, "plans": plans,
                  "rss_self": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  "rss_children": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""


NAV = """
import json, sys
from datetime import date
from pathlib import Path
from generator.build import Renderers, load
print(json.dumps({"nav": sorted(Renderers(load(Path(sys.argv[1]), date.fromisoformat(sys.argv[2]))).staged().nav_pages),
                  "rss_self": 0, "rss_children": 0}))
"""


def _child(code: str, *args: str) -> dict:
    """Run ``code`` in a fresh interpreter; it prints a JSON dict. Adds wall time and CPU time (its children's too)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=HERE.parent)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"benchmark step failed:\n{done.stderr[-3000:]}")
    out = json.loads(done.stdout.strip().splitlines()[-1])
    out["wall"] = wall
    out["cpu"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    out["peak"] = max(out["rss_self"], out["rss_children"])  # KiB: the build, or its largest child
    return out


# ---------------------------------------------------------------- the translations


def _spanish(rng: random.Random, text: str) -> str:
    """Spanish words in place of the English ones: the same shape and about the same length."""
    return re.sub(r"[A-Za-z]{3,}", lambda m: rng.choice(PALABRAS), text)


def _translate(rng: random.Random, value):
    return _spanish(rng, value) if isinstance(value, str) else value


def translation(path: Path, text_keys: frozenset[str], rng: random.Random) -> str:
    """``x.es.md`` for the file at ``path``: every text key and the body, in 'Spanish'; no fact."""
    _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
    meta = yaml.safe_load(front)
    out: dict = {}
    for key in sorted(text_keys & set(meta)):
        value = meta[key]
        if key in ("targets", "copies"):  # matched by position: role and salutation
            out[key] = [{k: _translate(rng, v) for k, v in item.items() if k in ("role", "salutation")}
                        for item in value]
        elif key == "updates":  # matched by date
            out[key] = [{"date": u["date"], "title": _translate(rng, u["title"]), "text": _translate(rng, u["text"])}
                        for u in value]
        elif key == "stops":  # matched by id
            out[key] = [{"id": s["id"], **{k: _translate(rng, s[k]) for k in ("venue", "accessibility") if k in s}}
                        for s in value]
        elif isinstance(value, list):
            out[key] = [_translate(rng, v) for v in value]
        else:
            out[key] = _translate(rng, value)
    dumped = yaml.safe_dump(out, allow_unicode=True, sort_keys=False, width=100)
    return f"---\n{dumped}---\n{_spanish(rng, body)}"


def two_languages(one: Path, two: Path) -> int:
    """A copy of the project at ``one`` in English and Spanish, every file translated. Returns the translations."""
    from generator.core.kinds import KINDS

    if two.exists():
        shutil.rmtree(two)
    shutil.copytree(one, two, ignore=shutil.ignore_patterns("site", ".accompany"))
    settings = two / "mkdocs.yml"
    settings.write_text(settings.read_text().replace("  language: en\n", "  languages: [en, es]\n"))
    rng, count = random.Random(2), 0
    for kind in KINDS.values():
        for path in sorted((two / kind.folder).glob("*.md")):
            path.with_suffix(".es.md").write_text(translation(path, kind.model.TEXT, rng), encoding="utf-8")
            count += 1
    return count


# ---------------------------------------------------------------- the measures


def _median(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def _showing(site: Path) -> set[str]:
    """The pages (doc paths, ``x/index.md``) of every language that show the new action: a link, its title or id."""
    needles = [f"actions/{NEW}/", "Urgent action 99999", "UA-B-99999"]
    out = set()
    for page in site.rglob("index.html"):
        text = page.read_text(encoding="utf-8", errors="replace")
        if any(n in text for n in needles):
            out.add(page.relative_to(site).as_posix()[: -len(".html")] + ".md")
    return out


def measure(n: int, work: Path, repeat: int) -> dict:
    one, two = work / f"one-{n}", work / f"two-{n}"
    print(f"== N = {n}: generating", flush=True)
    counts = synth.generate(n, one)
    translations = two_languages(one, two)
    row: dict = {"n": n, "counts": counts, "translations": translations, "one": [], "two": []}
    for i in range(repeat):  # alternating, so that a machine growing busier weighs on both alike
        for name, root in (("one", one), ("two", two)) if i % 2 == 0 else (("two", two), ("one", one)):
            shutil.rmtree(root / "site", ignore_errors=True)
            shutil.rmtree(root / ".accompany", ignore_errors=True)
            row[name].append(_child(BUILD, str(root), AS_OF))
            print(f"   cold, {name} language{'s' if name == 'two' else ''} ({i + 1} of {repeat}): "
                  f"{row[name][-1]['wall']:.1f} s, {row[name][-1]['peak'] / 1024:.0f} MiB", flush=True)
    print("   one new action, in English only, on the two-language site", flush=True)
    synth.new_action(two)
    partial = _child(BUILD, str(two), AS_OF)
    nav = set(_child(NAV, str(two), AS_OF)["nav"])  # rendered on every partial build: the menu is on them
    (two / f"content/actions/{NEW}.md").unlink()
    showing = _showing(two / "site")
    prefix = lambda lang: "" if lang == "en" else f"{lang}/"  # noqa: E731
    every = {prefix(lang) + page for lang, plan in partial["plans"].items() for page in plan["pages"]}
    rendered = {prefix(lang) + page for lang, plan in partial["plans"].items() for page in plan["pages"]
                if page not in nav}
    written = {prefix(lang) + f[: -len(".html")] + ".md" for lang, plan in partial["plans"].items()
               for f in plan["files"] if f.endswith("/index.html")}  # print pages: made by accompany, not the engine
    row["partial"] = {
        "wall": partial["wall"], "cpu": partial["cpu"],
        "kinds": {lang: plan["kind"] for lang, plan in partial["plans"].items()},
        "rendered": {lang: len([p for p in plan["pages"] if p not in nav]) for lang, plan in partial["plans"].items()},
        "nav": {lang: len([p for p in plan["pages"] if p in nav]) for lang, plan in partial["plans"].items()},
        "written": len(written),
        "showing": len(showing),
        "rendered_not_showing": sorted(rendered - showing),
        "showing_not_rendered": sorted(showing - every - written),
        "pages": sum(1 for _ in (two / "site").rglob("index.html")),
    }
    return row


# ---------------------------------------------------------------- the report


def report(rows: list[dict], repeat: int) -> str:
    lines = [
        "## Two languages against one (issue 13)",
        "",
        f"Measured by `bench/languages.py` (`make bench` runs it) on {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}: the synthetic site of N items (bench/synth.py) in English, and the "
        "same site with `languages: [en, es]` and every file translated into Spanish (`x.es.md`: every text key "
        "and the body, the same length). Cold builds of the two alternate, "
        f"{repeat} of each per size, each in a fresh process; the table gives medians. Peak memory is the "
        "largest resident set of the build's process or of any one process it started (the engine runs), as "
        "`getrusage` reports it. **The machine is shared with other engineers' builds and tests, and was busy "
        "while this ran: wall times swing by tens of percent between runs (all runs are listed); CPU time "
        "swings less.**",
        "",
        "| N | pages (en + es) | one language | two languages | time, two / one | CPU, two / one | peak memory, one → two | memory, two / one |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    targets = []
    for r in rows:
        t1, t2 = _median(r["one"], "wall"), _median(r["two"], "wall")
        c1, c2 = _median(r["one"], "cpu"), _median(r["two"], "cpu")
        m1, m2 = _median(r["one"], "peak"), _median(r["two"], "peak")
        lines.append(f"| {r['n']:,} | {r['partial']['pages']:,} | {t1:.1f} s | {t2:.1f} s | {t2 / t1:.2f} | {c2 / c1:.2f} "
                     f"| {m1 / 1024:.0f} → {m2 / 1024:.0f} MiB | {m2 / m1:.2f} |")
        targets.append((r["n"], t2 / t1, m2 / m1))
    lines += ["", "Every cold build, in the order they ran (wall time, CPU time, peak memory):", ""]
    for r in rows:
        for name in ("one", "two"):
            lines.append(f"- N = {r['n']:,}, {name} language{'s' if name == 'two' else ''}: " + "; ".join(
                f"{x['wall']:.1f} s, CPU {x['cpu']:.1f} s, {x['peak'] / 1024:.0f} MiB" for x in r[name]))
    lines += ["", "One new urgent action, in English only (so each language shows it: Spanish in the original's "
              "words), on the two-language site: the pages each language's engine rendered (BuildReport.plans) "
              "against the pages of the built site that show the new action (a link to it, its title or its id):",
              "",
              "| N | partial build | pages rendered that changed, en + es | and the navigation's, en + es | print pages written | pages that show it | rendered, not showing it | showing it, not made again |",
              "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        p = r["partial"]
        extra = ", ".join(f"`{x}`" for x in p["rendered_not_showing"]) or "none"
        missed = ", ".join(f"`{x}`" for x in p["showing_not_rendered"]) or "none"
        lines.append(f"| {r['n']:,} | {p['wall']:.1f} s ({', '.join(f'{k} {v}' for k, v in p['kinds'].items())}) "
                     f"| {' + '.join(str(v) for v in p['rendered'].values())} | {' + '.join(str(v) for v in p['nav'].values())} "
                     f"| {p['written']} | {p['showing']} | {extra} | {missed} |")
    ok = lambda cond: "met" if cond else "NOT met"  # noqa: E731
    lines += ["", "Targets (issue 13):", "",
              *[f"- N = {n:,}: two languages ≤ 2.1 × the time of one (measured {t:.2f}): **{ok(t <= 2.1)}**; "
                f"memory ≤ 2 × (measured {m:.2f}): **{ok(m <= 2.0)}**" for n, t, m in targets],
              *[f"- N = {r['n']:,}: one new action re-renders only what shows it: **"
                f"{ok(not r['partial']['showing_not_rendered'] and not r['partial']['rendered_not_showing'])}** (besides "
                "the navigation's pages, which every partial build renders again: they carry the menu)"
                for r in rows],
              ""]
    return "\n".join(lines)


def splice(text: str, path: Path) -> None:
    """Put the section in BENCHMARKS.md, in place of the one there (before the sheets' section), or append it."""
    old = path.read_text() if path.is_file() else ""
    start = old.find("## Two languages against one")
    if start != -1:
        end = old.find("\n## ", start + 1)
        new = old[:start] + text + (old[end + 1:] if end != -1 else "")
    else:
        at = old.find("## Sheets:")
        new = old[:at] + text + "\n" + old[at:] if at != -1 else old + "\n" + text
    path.write_text(new)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[300, 1000])
    parser.add_argument("--repeat", type=int, default=3, help="cold builds of each per size (medians)")
    parser.add_argument("--work", type=Path, default=HERE / ".work")
    parser.add_argument("--out", type=Path, default=HERE.parent / "BENCHMARKS.md")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    rows = []
    for n in args.sizes:
        rows.append(measure(n, args.work, args.repeat))
        (args.work / "languages.json").write_text(json.dumps(rows, indent=2, default=str))
    text = report(rows, args.repeat)
    (HERE / "languages.md").write_text(text)
    splice(text, args.out)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
