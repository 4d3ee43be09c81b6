"""accompany: check, build, preview and start content from the command line.

"Now" is read here and only here: ``--as-of``, else ``SOURCE_DATE_EPOCH``,
else the clock. Everything below receives it as a value.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date, datetime, timezone
from pathlib import Path

from .core.problems import ProblemsFound, report

EXIT_PROBLEMS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3


def _as_of(text: str) -> date | datetime:
    try:
        if "T" in text or " " in text:
            return datetime.fromisoformat(text)
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date (2026-12-18) or date-time (2026-12-18T09:00:00+01:00)"
        ) from None


def resolve_as_of(arg: date | datetime | None, environ=os.environ) -> date | datetime:
    """The build's "now": ``--as-of``, else SOURCE_DATE_EPOCH, else the clock (UTC)."""
    if arg is not None:
        return arg
    epoch = environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
        except (ValueError, OverflowError, OSError):
            raise SystemExit(f"accompany: SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds") from None
    return datetime.now(timezone.utc).replace(microsecond=0)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="accompany", description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=Path("."), help="the project folder (default: here)")
    parser.add_argument("--debug", action="store_true", help="show a traceback on internal errors")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def with_as_of(p: argparse.ArgumentParser) -> None:
        p.add_argument("--as-of", type=_as_of, metavar="DATE",
                       help="build as of this date or date-time (default: SOURCE_DATE_EPOCH, else now)")

    check = commands.add_parser("check", help="validate everything, and say what is withheld and why")
    with_as_of(check)
    build = commands.add_parser("build", help="build the public site into site/")
    with_as_of(build)
    build.add_argument("--site-dir", type=Path, help="where to put the site (default: site/)")
    build.add_argument("--full", action="store_true", help="rebuild every page, not only what changed")
    serve = commands.add_parser("serve", help="preview the site on http://127.0.0.1:8000 while you edit")
    with_as_of(serve)
    serve.add_argument("--port", type=int, default=8000)
    schema = commands.add_parser("schema", help="write JSON Schemas of the front matter, for editors that check YAML")
    schema.add_argument("--out", type=Path, default=Path("schema"), help="folder to write them into (default: schema/)")
    new = commands.add_parser("new", help="start a new action, defender, tour, campaign or page from a template")
    new.add_argument("kind", choices=["action", "defender", "tour", "campaign", "page"])
    new.add_argument("slug", help="the file name without .md, e.g. river-guardians")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    root = args.project.resolve()
    try:
        if args.command == "check":
            return _check(root, resolve_as_of(args.as_of))
        if args.command == "build":
            return _build(root, args.site_dir, resolve_as_of(args.as_of), args.full)
        if args.command == "serve":
            from .serve import serve

            return serve(root, args.port, args.as_of)
        if args.command == "schema":
            return _schema(root, args.out)
        if args.command == "new":
            from .scaffold import new

            return new(root, args.kind, args.slug)
    except ProblemsFound as found:
        print(report(found.problems), file=sys.stderr)
        return EXIT_PROBLEMS
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug, not bad input: say so plainly
        if args.debug:
            raise
        print(f"accompany: internal error: {type(exc).__name__}: {exc}\n"
              "This is a bug in accompany, not in your files. Run again with --debug and report it.", file=sys.stderr)
        return EXIT_INTERNAL
    return EXIT_USAGE


def _schema(root: Path, out: Path) -> int:
    """One JSON Schema per content type, from the same models that validate the files."""
    import json

    from .core.model import MODELS

    folder = out if out.is_absolute() else root / out
    folder.mkdir(parents=True, exist_ok=True)
    for kind, model in MODELS.items():
        schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **model.model_json_schema()}
        (folder / f"{kind}.schema.json").write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {len(MODELS)} schemas into {folder}: point your editor's YAML support at them")
    return 0


def _check(root: Path, as_of) -> int:
    from .load import Timings, load

    started = time.perf_counter()
    loaded = load(root, as_of, Timings())
    publication, site = loaded.publication, loaded.site
    for warning in publication.warnings:
        print(f"warning: {warning}")
    for item in publication.withheld:
        print(f"withheld: {item.path}: {item.reason}")
    cat = publication.public
    print(f"ok as of {site.clock.now.isoformat()}: {len(cat.actions)} actions ({len(site.open_actions)} open), "
          f"{len(cat.defenders)} defenders, {len(cat.tours)} tours, {len(cat.campaigns)} campaigns, "
          f"{len(cat.pages)} pages published; {len(publication.withheld)} withheld "
          f"({time.perf_counter() - started:.2f} s)")
    return 0


def _build(root: Path, site_dir: Path | None, as_of, full: bool = False) -> int:
    from .build import build

    target = (site_dir or root / "site").absolute()
    report_ = build(root, target, as_of, full=full)
    phases = ", ".join(f"{k} {v:.2f}s" for k, v in report_.timings.phases.items())
    withheld = len(report_.loaded.publication.withheld)
    when = report_.loaded.site.clock.now.isoformat()
    plan = report_.plan
    if plan.kind == "none":
        what = f"{target} is up to date as of {when}: nothing changed"
    elif plan.kind == "partial":
        what = (f"updated {target} as of {when}: {len(plan.pages)} pages rendered, {len(plan.files)} files "
                f"written, {len(plan.removed)} removed ({report_.files} files in the site)")
    else:
        what = f"built {report_.files} files into {target} as of {when}"
    for warning in report_.warnings:
        print(f"warning: {warning}")
    print(f"{what} ({withheld} item{'s' if withheld != 1 else ''} withheld; run 'accompany check' to see why)\n{phases}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
