"""Digests of every output file of the sample and of synthetic sites: proof that a refactor changed no byte.

    python scripts/digest.py write before.json      # on the old code
    python scripts/digest.py compare before.json    # on the new code: lists every file that differs

Each site is built from scratch (a full build, an empty cache) as of a fixed
moment: the bundled sample, and the benchmark's synthetic projects of
``--sizes`` items (bench/synth.py).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
AS_OF = date(2026, 12, 1)


def digests(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file()}


def build(project: Path, work: Path) -> dict[str, str]:
    sys.path.insert(0, str(REPO))
    from generator.build import build as run

    run(project, work / "site", AS_OF, cache_dir=work / "cache", full=True)
    return digests(work / "site")


def all_digests(sizes: list[int]) -> dict[str, dict[str, str]]:
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        out["sample"] = build(REPO, base / "sample")
        for n in sizes:
            project = base / f"synth-{n}"
            subprocess.run([sys.executable, str(REPO / "bench" / "synth.py"), str(n), str(project)], check=True)
            out[f"synth-{n}"] = build(project, base / f"synth-{n}-out")
    return out


def compare(old: dict, new: dict) -> list[str]:
    lines = []
    for site in sorted(set(old) | set(new)):
        a, b = old.get(site, {}), new.get(site, {})
        for path in sorted(set(a) | set(b)):
            if a.get(path) != b.get(path):
                what = "only before" if path not in b else "only after" if path not in a else "differs"
                lines.append(f"{site}: {path}: {what}")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["write", "compare"])
    parser.add_argument("file", type=Path)
    parser.add_argument("--sizes", type=int, nargs="*", default=[300])
    args = parser.parse_args()
    found = all_digests(args.sizes)
    if args.mode == "write":
        args.file.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n")
        print(f"wrote digests of {sum(len(v) for v in found.values())} files into {args.file}")
        return 0
    differences = compare(json.loads(args.file.read_text()), found)
    print("\n".join(differences) or "every file is the same, byte for byte")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
