"""`make messages`: extract accompany's messages into the template (.pot) and update every catalog (.po).

    python scripts/messages.py           # extract, then update each language's catalog
    python scripts/messages.py add ne sw # extract, then start a catalog for each new language
    python scripts/messages.py check     # exit 1, naming them, when the .pot or a catalog misses a
                                         # message of the sources or keeps one they no longer have

Extraction is pybabel's: Babel's Python extractor for generator/ (``_``,
``gettext``, ``ngettext``, ``N_`` ...) and Jinja2's for the templates of
theme/accompany/ (.html and .typ), with the mapping generator/locale/babel.cfg.
Each catalog (every folder generator/locale/<lang>/LC_MESSAGES/) is then
updated with ``pybabel update``, which keeps its translations: a new message is
untranslated (or fuzzy, when it looks like one it replaces) until a translator
sees to it, and the update says how many each language leaves so. A new
language's catalog is started with ``pybabel init`` (``add``). The English
catalog is the source: its translations are the messages themselves, filled in
here.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

REPO = Path(__file__).resolve().parent.parent
LOCALE = Path("generator/locale")
DOMAIN = "accompany"
SOURCE = "en"
HEADER = """\
# accompany's own words for readers, from generator/ and theme/accompany/.
# The template is made by `make messages` (scripts/messages.py): translate
# a copy in <lang>/LC_MESSAGES/accompany.po, never the template itself.
# Content (titles, summaries, letters, names) is not here.
# Keep the fields, %(name)s or {name}: accompany fills them in.
# This file is distributed under the same license as the accompany project."""


def pybabel(root: Path, *args: str) -> None:
    """Run pybabel (the Babel of this environment) in ``root``; its complaints end the script."""
    done = subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], cwd=root,
                          capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"pybabel {args[0]} failed:\n{done.stderr}")


def extract(root: Path, output: Path) -> None:
    """Every message of the sources in ``root`` into the template ``output``."""
    pybabel(root, "extract", f"--mapping-file={LOCALE / 'babel.cfg'}", "--keywords=N_",
            "--add-comments=Translators:", f"--project={DOMAIN}", "--copyright-holder=the accompany authors",
            f"--header-comment={HEADER}", "--ignore-dirs=.* _* node_modules site build",
            f"--output-file={output}", ".")


def read(path: Path) -> Catalog:
    with path.open("rb") as f:
        return read_po(f)


def keys_of(message) -> tuple:
    """What identifies a message: its msgid (with its plural) and context."""
    return (message.id if isinstance(message.id, str) else tuple(message.id), message.context)


def keys(catalog: Catalog) -> set[tuple]:
    """What identifies each message of a catalog; the header is not one."""
    return {keys_of(m) for m in catalog if m.id}


def contents(catalog: Catalog) -> list[tuple]:
    """Everything the template says of its messages, without the date it was made."""
    return [(m.id, m.context, m.locations, sorted(m.flags), m.auto_comments) for m in catalog if m.id]


def catalogs(root: Path) -> list[Path]:
    return sorted((root / LOCALE).glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def fill_source(path: Path) -> None:
    """The English catalog translates each message as itself (unless someone chose other English words)."""
    catalog = read(path)
    for message in catalog:
        if message.id and (message.fuzzy or not message.string or not all(message.string)):
            message.string = message.id
            message.flags.discard("fuzzy")
    with path.open("wb") as f:
        write_po(f, catalog, ignore_obsolete=True)


def untranslated(catalog: Catalog) -> int:
    """How many messages a catalog leaves untranslated or fuzzy (what catalogs.untranslated lists)."""
    return sum(1 for m in catalog if m.id and (m.fuzzy or not all(m.string if isinstance(m.string, (tuple, list))
                                                                  else (m.string,))))


def update(root: Path, new: list[str] = ()) -> None:
    """Extract the template, start a catalog for each language of ``new``, and update every catalog."""
    template = root / LOCALE / f"{DOMAIN}.pot"
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / f"{DOMAIN}.pot"
        extract(root, fresh)
        # The template changes only when its messages do, not with every run's date.
        if not template.exists() or contents(read(fresh)) != contents(read(template)):
            template.write_bytes(fresh.read_bytes())
    for language in [SOURCE, *new]:
        if not (root / LOCALE / language / "LC_MESSAGES" / f"{DOMAIN}.po").exists():
            pybabel(root, "init", f"--input-file={template.relative_to(root)}", f"--output-dir={LOCALE}",
                    f"--domain={DOMAIN}", f"--locale={language}")
    # Without --locale, pybabel updates the catalog of every language folder there is.
    pybabel(root, "update", f"--input-file={template.relative_to(root)}", f"--output-dir={LOCALE}",
            f"--domain={DOMAIN}", "--ignore-obsolete")
    fill_source(root / LOCALE / SOURCE / "LC_MESSAGES" / f"{DOMAIN}.po")
    count = len(keys(read(template)))
    updated = []
    for path in catalogs(root):
        left = untranslated(read(path))
        updated.append(path.parent.parent.name + (f" ({left} to translate)" if left else ""))
    print(f"{count} messages in {template.relative_to(root)}; updated: " + ", ".join(updated))


def check(root: Path) -> list[str]:
    """What ``make messages`` would change in the messages of the template and the catalogs."""
    problems = []
    template = root / LOCALE / f"{DOMAIN}.pot"
    with tempfile.TemporaryDirectory() as tmp:
        fresh = Path(tmp) / f"{DOMAIN}.pot"
        extract(root, fresh)
        wanted = read(fresh)
    have = keys(read(template)) if template.exists() else set()
    for message in wanted:
        if message.id and keys_of(message) not in have:
            where = ", ".join(f"{path}:{line}" for path, line in message.locations)
            problems.append(f"{template.relative_to(root)}: missing {message.id!r} ({where})")
    gone = have - keys(wanted)
    problems += [f"{template.relative_to(root)}: no longer in the sources: {key[0]!r}" for key in sorted(gone, key=str)]
    for path in catalogs(root):
        differ = keys(read(path)) ^ keys(wanted)
        if differ:
            problems.append(f"{path.relative_to(root)}: {len(differ)} messages differ from the sources' "
                            f"(e.g. {sorted(differ, key=str)[0][0]!r})")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", nargs="?", choices=["update", "add", "check"], default="update")
    parser.add_argument("languages", nargs="*", help="add: the languages to start a catalog for (ne, pt_BR)")
    parser.add_argument("--root", type=Path, default=REPO, help="the repository (default: this one)")
    args = parser.parse_args()
    if args.mode == "add" and not args.languages:
        parser.error("add: name the languages to start a catalog for, e.g. `add ne sw`")
    if args.mode != "add" and args.languages:
        parser.error(f"{args.mode}: takes no languages (start a catalog with `add`)")
    if args.mode in ("update", "add"):
        update(args.root, args.languages)
        return 0
    problems = check(args.root)
    print("\n".join(problems) if problems else "the catalogs have every message of the sources, and no other")
    if problems:
        print("Run `make messages`, then translate what is new.")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
