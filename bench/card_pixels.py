"""The decoded pixels of every preview card: proof that a change to the cards' drawing or writing kept them.

    python bench/card_pixels.py write REPO OUT.json [--sizes 300]   # with REPO's code (a worktree, main)
    python bench/card_pixels.py compare BEFORE.json AFTER.json      # lists every card whose pixels differ

``write`` builds, from scratch and with REPO's code, the bundled sample (every
language) and the benchmark's synthetic projects of ``--sizes`` items, and
records for each ``card.png`` the digest of its mode, size, palette and
pixels as Pillow decodes them (``Image.tobytes()``), after Pillow's verify.
The PNG bytes may differ where the pixels do not: scripts/digest.py compares
bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import subprocess
import sys
import tempfile
from pathlib import Path

BUILD = """
import sys
from datetime import date
from pathlib import Path
repo, root, target, as_of = sys.argv[1:5]
sys.path.insert(0, repo)
import generator
assert generator.__file__.startswith(repo), generator.__file__
from generator.build import build
build(Path(root), Path(target) / "site", date.fromisoformat(as_of), cache_dir=Path(target) / "cache", full=True)
"""


def pixels(site: Path) -> dict[str, str]:
    from PIL import Image
    out = {}
    for path in sorted(site.rglob("card.png")):
        data = path.read_bytes()
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            head = repr((image.mode, image.size, image.getpalette())).encode()
            out[path.relative_to(site).as_posix()] = hashlib.sha256(head + image.tobytes()).hexdigest()
    return out


def write(repo: Path, out: Path, sizes: list[int]) -> None:
    sys.path.insert(0, str(repo / "bench"))
    sys.path.insert(0, str(repo / "tests"))
    import synth
    from conftest import SAMPLE_AS_OF
    result = {}
    with tempfile.TemporaryDirectory() as tmp:
        projects = [("sample", repo, SAMPLE_AS_OF.isoformat())]
        for n in sizes:
            synth.generate(n, Path(tmp) / f"synth-{n}")
            projects.append((f"synth-{n}", Path(tmp) / f"synth-{n}", "2026-12-01"))
        for name, root, as_of in projects:
            target = Path(tmp) / f"built-{name}"
            subprocess.run([sys.executable, "-c", BUILD, str(repo), str(root), str(target), as_of], check=True)
            result[name] = pixels(target / "site")
            print(f"{name}: {len(result[name])} cards", flush=True)
    out.write_text(json.dumps(result, indent=1, sort_keys=True))


def compare(before: dict, after: dict) -> int:
    bad = 0
    for name in sorted(set(before) | set(after)):
        a, b = before.get(name, {}), after.get(name, {})
        differ = sorted(p for p in set(a) | set(b) if a.get(p) != b.get(p))
        for path in differ:
            print(f"{name}: {path}: " + ("differs" if path in a and path in b else "only in one"))
        print(f"{name}: {len(a)} cards before, {len(b)} after, {len(differ)} with other pixels")
        bad += len(differ) + (not a)
    return 1 if bad else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    w = sub.add_parser("write")
    w.add_argument("repo", type=Path)
    w.add_argument("out", type=Path)
    w.add_argument("--sizes", type=int, nargs="*", default=[300])
    c = sub.add_parser("compare")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.command == "write":
        write(args.repo.resolve(), args.out, args.sizes)
        return 0
    return compare(json.loads(args.before.read_text()), json.loads(args.after.read_text()))


if __name__ == "__main__":
    sys.exit(main())
