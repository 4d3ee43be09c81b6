"""``accompany new --translation es actions/river-guardians``: start a translation, or mark one up to date.

The new file (``river-guardians.es.md``) holds the original's text to
translate (title, summary, steps, letter, updates, targets' role and
salutation, stops' venue and accessibility, the body), as a draft, and
``translated_from``: what the original said, so that ``check`` can say when it
changes. ``--refresh`` records that an existing translation follows the
original's current text.
"""

from __future__ import annotations

import re
import sys
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from .core.kinds import KINDS
from .core.model import Record
from .core.translations import MATCHED_BY, text_hash


class _Block(str):
    """A text written as a YAML block (``|``), one line per line."""


yaml.SafeDumper.add_representer(_Block, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", v, style="|"))


def _text(value: Any) -> Any:
    return _Block(value) if isinstance(value, str) and "\n" in value else value


def _texts(record: Record, within: str = "") -> dict:
    out: dict[str, Any] = {}
    match = MATCHED_BY.get(within)
    if match:
        out[match] = getattr(record, match)
    for name in sorted(type(record).TEXT):
        value = getattr(record, name)
        if isinstance(value, tuple) and value and isinstance(value[0], Record):
            items = [_texts(item, name) for item in value if not MATCHED_BY.get(name) or getattr(item, MATCHED_BY[name])]
            if any(len(item) > (1 if MATCHED_BY.get(name) else 0) for item in items):
                out[name] = items
        elif isinstance(value, tuple) and value:
            out[name] = [_text(v) for v in value]
        elif value:
            out[name] = _text(value)
    return out


def _original(root: Path, target: str):
    """``(kind, slug)`` of ``actions/river-guardians``, ``content/actions/river-guardians.md`` and the like."""
    rel = re.sub(r"\.md\Z", "", target.strip("/"))
    for kind in KINDS.values():
        for prefix in (kind.folder + "/", kind.folder.removeprefix("content/") + "/"):
            if rel.startswith(prefix):
                return kind, rel[len(prefix):]
    return None, rel


def translate(root: Path, lang: str, target: str, refresh: bool = False) -> int:
    from .load import validated

    kind, slug = _original(root, target)
    if kind is None:
        print(f"accompany: {target!r} is not a content file: write it as actions/river-guardians", file=sys.stderr)
        return 2
    _, config, catalogue = validated(root)
    original = catalogue.of(kind.name).get(slug)
    if original is None:
        print(f"accompany: there is no {kind.folder}/{slug}.md to translate", file=sys.stderr)
        return 2
    if lang not in config.settings.site_languages:
        print(f"accompany: {lang!r} is not a language of this site ({', '.join(config.settings.site_languages)}): "
              "add it to accompany.languages first", file=sys.stderr)
        return 2
    path = root / kind.folder / f"{slug}.{lang}.md"
    digest = text_hash(original)
    if refresh:
        if not path.exists():
            print(f"accompany: {path.relative_to(root)} does not exist: leave out --refresh to start it", file=sys.stderr)
            return 2
        text = path.read_text(encoding="utf-8")
        text, n = re.subn(r"(?m)^translated_from:.*$", f"translated_from: {digest}", text, count=1)
        if not n:
            text = text.replace("---\n", f"---\ntranslated_from: {digest}\n", 1)
        path.write_text(text, encoding="utf-8")
        print(f"updated {path.relative_to(root)}: it follows {original.path} as it is now")
        return 0
    if path.exists():
        print(f"accompany: {path.relative_to(root)} already exists (--refresh marks it up to date)", file=sys.stderr)
        return 2
    data = {"draft": True, "translated_from": digest, **_texts(original.meta)}
    front = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000, default_flow_style=False)
    front = front.replace("draft: true\n", "draft: true            # remove this line when the translation is done\n", 1)
    front = re.sub(r"(?m)^(\s*)date: (\d{4}-\d{2}-\d{2})$", r"\1date: \2", front)
    path.write_text(f"---\n{front}---\n\n{original.body.strip()}\n", encoding="utf-8")
    print(f"created {path.relative_to(root)}: translate the text into {lang} (facts stay in {original.path}), "
          "then run 'accompany check'")
    return 0
