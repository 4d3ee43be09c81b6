"""Entries as the CMS writes them, from the generated configuration: for tests that run check on them.

:func:`entry` fills a collection's fields as a volunteer would through the form (every key, or
only the required ones and what the form fills itself), value by value in the format each widget
writes. :func:`front_matter` writes them as Decap CMS does: its YAML library follows YAML 1.2, so a
date, ``NO`` or ``yes`` is written without quotes, lists one item per line, several lines as ``|-``.
"""

from __future__ import annotations

import re
import yaml

#: Values of keys whose format a generic value does not meet, or whose value decides what else holds.
BY_NAME = {
    "id": "UA-2026-950", "lang": "es", "appeal_language": "es", "email": "office@example.org", "online": "https://meet.example.org/x",
    "registration": "https://tickets.example.org/x", "accompanied_since": "2019", "hashtag": "#RiversNotBullets",
    "author": "AB", "by": "CD", "address": "1 Street\nBogotá\nColombia",
}
#: Dates and times of a complete entry, consistent with each other (ends after starts, review after vetting).
DATES = {
    "issued": "2026-11-20", "deadline": "2026-12-20", "date": "2026-11-25", "publish_on": "2026-11-01T09:00",
    "starts": "2026-12-15T19:00", "ends": "2026-12-15T21:00", "on": "2026-10-01", "review_by": "2027-04-01",
    "given_on": "2026-09-01", "announced": "2026-11-12",
}
#: Choices of a complete entry where the first option or the default would not publish all of it.
CHOICES = {"vetting.status": "approved", "consent.name": "first", "consent.photo": True,
           "consent.organisation": True, "consent.location": "region", "draft": False}
#: Keys a complete entry leaves out: a withdrawal is tested elsewhere, not as "every key filled".
LEFT_OUT = {"withdrawn_on", "real_name"}


def entry(collection: dict, references: dict[str, str], complete: bool) -> dict:
    """A collection's front matter as the form produces it: every key, or the required ones and defaults."""
    return _fields(collection["fields"], references, complete, "")


def _fields(fields: list[dict], references: dict, complete: bool, where: str) -> dict:
    out = {}
    for spec in fields:
        if spec["name"] == "body":
            continue
        value = _value(spec, references, complete, f"{where}{spec['name']}")
        if value is not None:
            out[spec["name"]] = value
    return out


def _value(spec: dict, references: dict, complete: bool, path: str):
    name, widget = spec["name"], spec["widget"]
    if name in LEFT_OUT or not (complete or spec["required"] or "default" in spec):
        return None
    if complete and path in CHOICES:
        return CHOICES[path]
    if "default" in spec:
        return spec["default"]
    if widget == "object":
        return _fields(spec["fields"], references, complete, path + ".") or None
    if widget == "list":
        if "fields" in spec:
            return [_fields(spec["fields"], references, complete, path + ".")]
        return [_value({**spec["field"], "required": True}, references, complete, path)] if "field" in spec else None
    if widget == "relation":
        return [references[spec["collection"]]]
    if widget == "select":
        options = [o["value"] if isinstance(o, dict) else o for o in spec["options"]]
        return [options[0]] if spec.get("multiple") else options[0]
    if widget == "datetime":
        written = DATES.get(name, "2026-11-20")
        if spec["time_format"] is False:
            return written[:10]
        return written if "T" in written else written + "T10:00"
    if widget == "boolean":
        return False
    if widget == "number":
        return spec.get("min", 1)
    if widget == "image":
        return "media/river.jpg"
    if widget == "markdown":
        return "Some **Markdown**, written in the CMS.\n\nA second paragraph."
    text = BY_NAME.get(name) or f"{spec['label']} (sample)"
    if widget == "string" and "\n" in text:
        text = text.replace("\n", ", ")
    if "pattern" in spec:
        assert re.search(spec["pattern"][0], text), f"{path}: {text!r} does not match the CMS's own pattern"
    return text


class DecapStyle(yaml.SafeDumper):
    """YAML as Decap CMS writes it: YAML 1.2 core (only true/false, null and numbers need quotes),
    block lists indented under their key, text of several lines as a literal block."""

    yaml_implicit_resolvers: dict = {}

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)


for tag, pattern, first in [
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    ("float", r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$",
     "-+0123456789."),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
]:
    DecapStyle.add_implicit_resolver(f"tag:yaml.org,2002:{tag}", re.compile(pattern), list(first))
DecapStyle.add_representer(str, lambda dumper, text: dumper.represent_scalar(
    "tag:yaml.org,2002:str", text, style="|" if "\n" in text else None))


def front_matter(data: dict, body: str = "") -> str:
    """A file as the CMS saves it."""
    text = yaml.dump(data, Dumper=DecapStyle, allow_unicode=True, sort_keys=False, width=80)
    return f"---\n{text}---\n{body}"
