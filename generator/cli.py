"""accompany: check, build, preview and start content from the command line.

"Now" is read here, through :mod:`.clock`: ``--as-of``, else
``SOURCE_DATE_EPOCH``, else the clock. Everything below receives it as a value.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date, datetime
from pathlib import Path

from .alerts.arguments import alerts_arguments, alerts_command
from .clock import resolve_as_of, wall_clock
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


def _site_url(text: str) -> str:
    from .build_command import site_url_argument

    try:
        return site_url_argument(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _hours(text: str) -> float:
    try:
        value = float(text[:-1]) * 24 if text.endswith("d") else float(text.removesuffix("h"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an age such as 26h or 2d") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r}: an age must be more than zero")
    return value


def _or(words: list[str]) -> str:
    return ", ".join(words[:-1]) + " or " + words[-1]


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
    build.add_argument("--site-url", type=_site_url, metavar="URL",
                       help="build a mirror: every absolute link points to URL (use with --site-dir)")
    build.add_argument("--verbose", "-v", action="store_true", help="also print how long each phase took")
    status = commands.add_parser("status", help="say what is live, what will change when, and whether the last build is fresh")
    with_as_of(status)
    status.add_argument("--days", type=int, default=14, help="how far ahead to look (default: 14 days)")
    status.add_argument("--max-age", type=_hours, default=26.0, metavar="AGE",
                        help="fail when the last good build is older than this (default: 26h; 2d is two days)")
    status.add_argument("--site-url", type=_site_url, metavar="URL", help="the mirror built with this --site-url")
    init = commands.add_parser("init", help="start a new site: settings, empty content folders, deploy files")
    from .project_init import add_arguments

    add_arguments(init)
    serve = commands.add_parser("serve", help="preview the site on http://127.0.0.1:8000 while you edit")
    with_as_of(serve)
    serve.add_argument("--port", type=int, default=8000)
    schema = commands.add_parser("schema", help="write JSON Schemas of the front matter, for tools (a CMS, a form)")
    schema.add_argument("--out", type=Path, default=Path("schema"), help="folder to write them into (default: schema/)")
    cms = commands.add_parser("cms", help="write the editing page for the browser (admin/); --edit: edit on this computer")
    with_as_of(cms)
    cms.add_argument("--out", type=Path, default=Path("admin"), help="folder to write it into (default: admin/)")
    cms.add_argument("--local", action="store_true", help="save through the local backend on 127.0.0.1 (decap-server)")
    cms.add_argument("--edit", action="store_true", help="start the local backend, the editing page and the preview")
    cms.add_argument("--port", type=int, default=8000, help="the preview's port; the editing page uses the next one")
    alerts_arguments(commands)  # alert, websub
    from .core.kinds import KINDS

    new = commands.add_parser("new", help=f"start a new {_or(list(KINDS))} from a template")
    new.add_argument("kind", help=f"{_or(list(KINDS))}; with --translation, the file to translate: "
                     "actions/river-guardians")
    new.add_argument("slug", nargs="?", help="the file name without .md, e.g. river-guardians")
    new.add_argument("--translation", metavar="LANG", help="start a translation of a file into LANG (es, fr ...)")
    new.add_argument("--refresh", action="store_true", help="with --translation: the translation follows the "
                     "original as it is now")
    return parser


def entry() -> None:
    """The ``accompany`` command (and ``python -m generator``): :func:`main`, then the process ends at once.

    When main returns, everything the command made is written and closed, its threads joined and its
    processes waited for; what is left is the interpreter freeing its objects one by one, which after a
    build of a large site takes half a second for nothing. (An exception, Ctrl-C or the preview stopped
    ends the process as Python does.) For the same reason, a build here leaves what it made to no later
    walk of the cycle collector (``ending``)."""
    code = main(ending=True)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(code)


def main(argv: list[str] | None = None, ending: bool = False) -> int:
    """Run one command; its exit status. ``ending``: the process ends when it returns (:func:`entry`)."""
    args = _parser().parse_args(argv)
    root = args.project.resolve()
    try:
        if args.command == "check":
            return _check(root, resolve_as_of(args.as_of))
        if args.command == "build":
            from .build_command import run

            return run(root, args.site_dir, resolve_as_of(args.as_of), wall_clock, args.full, args.site_url,
                       args.verbose, collect=not ending)
        if args.command == "status":
            from .status import status

            return status(root, resolve_as_of(args.as_of), wall_clock(), args.days, args.max_age, args.site_url)
        if args.command == "init":
            from .project_init import init

            return init(args, wall_clock())
        if args.command == "serve":
            from .serve import serve

            return serve(root, args.port, args.as_of)
        if args.command == "schema":
            return _schema(root, args.out)
        if args.command == "cms":
            from .cms.command import run

            return run(root, args.out, args.local, args.edit, args.port, args.as_of)
        if args.command in ("alert", "websub"):
            return alerts_command(root, args)
        if args.command == "new" and args.translation:
            from .translate import translate

            return translate(root, args.translation, args.kind, args.refresh)
        if args.command == "new":
            from .core.kinds import KINDS
            from .scaffold import new

            if args.kind not in KINDS or not args.slug:
                _parser().error(f"new: write a type ({_or(list(KINDS))}) and a file name, or --translation LANG FILE")
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

    from .core.kinds import KINDS

    folder = out if out.is_absolute() else root / out
    folder.mkdir(parents=True, exist_ok=True)
    for kind in KINDS.values():
        schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **kind.model.model_json_schema()}
        (folder / f"{kind.name}.schema.json").write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {len(KINDS)} schemas into {folder} (for tools; 'accompany check' is what checks your files)")
    return 0


def _check(root: Path, as_of) -> int:
    from .load import Timings, load

    started = time.perf_counter()
    loaded = load(root, as_of, Timings())
    publication, site = loaded.publication, loaded.site
    _print_warnings(loaded)
    for item in publication.withheld:
        print(f"withheld: {item.path}: {item.reason}")
    languages = publication.languages
    for lang, paths in sorted((languages.missing if languages else {}).items()):
        if len(paths) > 1 and len(paths) == sum(1 for _ in publication.public.entries()):
            print(f"not translated into {lang}: any file yet ({len(paths)}): its pages show the original's words")
            continue
        for path in paths:
            print(f"not translated into {lang}: {path} (its pages in {lang} show the original's words)")
    from .core.readiness import settings_warnings

    for warning in settings_warnings(loaded.config):
        print(f"warning: {warning}")
    from .core.kinds import KINDS

    counts = ", ".join(f"{len(publication.public.of(k.name))} {k.plural}"
                       + (f" ({len(site.open_actions)} open)" if k.name == "action" else "") for k in KINDS.values())
    print(f"ok as of {site.clock.now.isoformat()}: {counts} published; {len(publication.withheld)} withheld "
          f"({time.perf_counter() - started:.2f} s)")
    return 0


def _print_warnings(loaded) -> None:
    for warning in loaded.warnings:
        print(f"warning: {warning}")


if __name__ == "__main__":
    sys.exit(main())
