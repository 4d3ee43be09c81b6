"""Bad input gets a clear error: the exact text volunteers read, one case per way to go wrong.

Each case writes files into a throwaway project, runs ``accompany check``, and
compares every problem line exactly: ``path:line: key: message``.
"""

from __future__ import annotations

import pytest

from conftest import VALID_ACTION as A
from conftest import VALID_DEFENDER as D

TARGETS = "targets:\n  - name: The Minister\n    address: |\n      1 Street\n      City\n    salutation: Dear Minister\n"

TOUR = """---
title: Tour
summary: S
stops:
  - starts: {starts}
    timezone: {tz}
    city: Oslo
    country: NO
{extra}---
"""


def tour(starts="2026-12-08T18:30", tz="Europe/Oslo", extra=""):
    return {"content/tours/t.md": TOUR.format(starts=starts, tz=tz, extra=extra)}


def action(old, new, **more):
    return {"content/actions/a.md": A.replace(old, new), **more}


P = "content/actions/a.md"

CASES = [
    # --- unknown, missing and mistyped keys
    ("typo in a key", action("deadline:", "deadlnie:"),
     [f"{P}:5: deadlnie: unknown key: did you mean 'deadline'?"]),
    ("missing required key", action("issued: 2026-11-01\n", ""),
     [f"{P}:2: issued: required key is missing"]),
    ("text where a list is expected", action(TARGETS, "targets: The Minister\n"),
     [f"{P}:9: targets: must be a list: write each item on its own line, starting with '- '"]),
    ("value not in the choices", action("status: open", "status: pending"),
     [f"{P}:6: status: must be one of: open, closed, resolved; not 'pending'"]),
    ("yes instead of true", action("status: open", "status: open\ndraft: yes"),
     [f"{P}:7: draft: must be true or false (write true, not yes)"]),
    ("markup in a title", action("title: A valid action", "title: <script>alert(1)</script>"),
     [f"{P}:2: title: must be plain text: remove '<' and '>' (markup belongs in the body)"]),
    # --- dates, times, codes, addresses
    ("impossible date", action("issued: 2026-11-01", "issued: 2026-13-01"),
     [f"{P}:4: issued: '2026-13-01' is not a real date"]),
    ("date in the wrong format", action("issued: 2026-11-01", "issued: 11/01/2026"),
     [f"{P}:4: issued: must be a date written YYYY-MM-DD, e.g. 2026-12-18, not '11/01/2026'"]),
    ("bad date-time", tour(starts="2026-12-08 7pm"),
     ["content/tours/t.md:5: stops[0].starts: must be a date and time written YYYY-MM-DDTHH:MM, "
      "e.g. 2026-12-18T18:30 or 2026-12-18T18:30:00+01:00, not '2026-12-08 7pm'"]),
    ("unknown IANA time zone", tour(tz="Europe/Osloo"),
     ["content/tours/t.md:6: stops[0].timezone: 'Europe/Osloo' is not an IANA time zone name "
      "such as Europe/London or America/Bogota"]),
    ("bad country code", action("country: CO", "country: XX"),
     [f"{P}:7: country: 'XX' is not an ISO 3166-1 alpha-2 country code (CO, GT, KE, NO ...)"]),
    ("bad language tag", action("country: CO", "country: CO\nlang: english"),
     [f"{P}:8: lang: 'english' is not a BCP 47 language tag (en, es, pt-BR, ne, sw ...)"]),
    ("language tag with underscore", action("country: CO", "country: CO\nlang: pt_BR"),
     [f"{P}:8: lang: 'pt_BR' is not a BCP 47 language tag: write 'pt-BR'"]),
    ("bad URL", tour(extra="    registration: www.example.org\n"),
     ["content/tours/t.md:9: stops[0].registration: 'www.example.org' is not a web address: "
      "write it in full, starting with https://"]),
    ("bad email", action("salutation: Dear Minister", "salutation: Dear Minister\n    email: not-an-email"),
     [f"{P}:15: targets[0].email: 'not-an-email' is not an email address"]),
    ("contact with nowhere to write", action("    address: |\n      1 Street\n      City\n", ""),
     [f"{P}:10: targets[0]: needs an address or an email to write to"]),
    ("stop ends before it starts", tour(extra="    ends: 2026-12-08T17:00\n"),
     ["content/tours/t.md:9: stops[0].ends: must be after starts"]),
    ("offset that contradicts the zone", tour(starts="2026-12-08T18:30:00+02:00"),
     ["content/tours/t.md:5: stops[0].starts: has offset +02:00 but Europe/Oslo is UTC+1 then: "
      "fix the offset, or leave it out and let timezone decide"]),
    ("time skipped by the clocks changing", tour(starts="2027-03-28T02:30"),
     ["content/tours/t.md:5: stops[0].starts: 2027-03-28T02:30 does not exist in Europe/Oslo "
      "(the clocks change that night)"]),
    ("tour without stops", {"content/tours/t.md": "---\ntitle: T\nsummary: S\nstops: []\n---\n"},
     ["content/tours/t.md:4: stops: needs at least one item"]),
    # --- every other sentence of the field types (see test_every_message_of_every_field_type_has_its_case)
    ("empty text", action("summary: A test action.", 'summary: ""'),
     [f"{P}:8: summary: must not be empty"]),
    ("a list where text is expected", action("summary: A test action.", "summary: [a, b]"),
     [f"{P}:8: summary: must be text, not a list"]),
    ("a number where text is expected", action("summary: A test action.", "summary: 12"),
     [f"{P}:8: summary: must be text: put 12 in quotes"]),
    ("a title on two lines", action("title: A valid action", "title: |\n  A valid\n  action"),
     [f"{P}:2: title: must be a single line"]),
    ("not a slug", action("country: CO", "country: CO\nthemes: [Land Rights]"),
     [f"{P}:8: themes[0]: 'Land Rights' is not a slug: use lowercase letters, digits, '-' and '_' (the file name without .md)"]),
    ("not an id", action("id: UA-TEST-001", "id: UA 2026 1"),
     [f"{P}:3: id: 'UA 2026 1' is not a valid id: use letters, digits, '.', '-' and '_', e.g. UA-2026-014"]),
    ("embargo that is neither date nor date-time", action("country: CO", "country: CO\npublish_on: soon"),
     [f"{P}:8: publish_on: must be a date (2026-12-18) or a date and time (2026-12-18T09:00:00+01:00), not 'soon'"]),
    ("neither a year nor a date", {"content/defenders/ana.md": D.replace("author: AB", "author: AB\naccompanied_since: long ago")},
     ["content/defenders/ana.md:7: accompanied_since: must be a year (2019) or a date (2019-03-01), not 'long ago'"]),
    ("neither true nor false", action("country: CO", "country: CO\ndraft: maybe"),
     [f"{P}:8: draft: must be true or false, not 'maybe'"]),
    ("country written as false", action("country: CO", "country: false"),
     [f"{P}:7: country: must be a two-letter country code such as NO, in quotes"]),
    ("not an image", action("country: CO", "country: CO\nimage: media/x.svg\nimage_alt: x"),
     [f"{P}:8: image: 'media/x.svg' is not an image: use .jpg, .jpeg, .png, .webp or .gif"]),
    ("impossible date and time", tour(starts="2027-02-30T19:00"),
     ["content/tours/t.md:5: stops[0].starts: '2027-02-30T19:00' is not a real date and time"]),
    ("a control character written as a YAML escape", action("summary: A test action.", 'summary: "A \\x1f test"'),
     [f"{P}:8: summary: contains the control character U+001F, which cannot be published: remove it"]),
    ("a control character in the body", action("Body.", "Bo\x1fdy."),
     [f"{P}:19: body: contains the control character U+001F, which cannot be published: remove it"]),
    # --- YAML 1.1 traps
    ("time read as a base-60 number", action("id: UA-TEST-001", "id: 19:30"),
     [f"{P}:3: id: 19:30 is read by YAML 1.1 as the number 1170 (base 60): put it in quotes, '19:30', "
      "and write a date and time as 2026-12-18T19:30"]),
    ("leading zero read as octal", action("id: UA-TEST-001", "id: 01234"),
     [f"{P}:3: id: 01234 is read by YAML 1.1 as the octal number 668: put it in quotes, '01234'"]),
    # --- rules between keys
    ("open action without deadline, targets or letter",
     {P: "---\ntitle: T\nid: UA-1\nissued: 2026-11-01\ncountry: CO\nsummary: S\n---\n"},
     [f"{P}:2: deadline: required while status is open",
      f"{P}:2: letter: required while status is open: the model letter",
      f"{P}:2: targets: at least one target is required while status is open"]),
    ("resolved action without outcome", action("status: open", "status: resolved"),
     [f"{P}:6: outcome: required when status is resolved: say what happened"]),
    ("approved profile without vetter", {"content/defenders/ana.md": D.replace("  by: CD\n", "")},
     ["content/defenders/ana.md:8: vetting.by: required when vetting.status is approved"]),
    ("image without alt text", action("country: CO", "country: CO\nimage: media/x.jpg", **{"content/media/x.jpg": b"x"}),
     [f"{P}:8: image_alt: required when image is set: describe what the image shows"]),
    ("missing image", action("country: CO", "country: CO\nimage: media/nope.jpg\nimage_alt: x"),
     [f"{P}:8: image: 'media/nope.jpg': no such file in content/media/"]),
    ("image path leaving media", action("country: CO", "country: CO\nimage: ../secret.jpg\nimage_alt: x"),
     [f"{P}:8: image: '../secret.jpg' must be a path inside content/media/, written like media/river.jpg"]),
    # --- references between files
    ("unknown theme", action("country: CO", "country: CO\nthemes: [land-rigths]"),
     [f"{P}:8: themes[0]: unknown theme 'land-rigths'; the site's themes are: land-rights, press-freedom"]),
    ("unknown campaign", action("country: CO", "country: CO\ncampaigns: [nope]"),
     [f"{P}:8: campaigns[0]: unknown campaign 'nope': no file campaigns/nope.md"]),
    ("unknown defender", action("country: CO", "country: CO\ndefenders: [nobody]"),
     [f"{P}:8: defenders[0]: unknown defender 'nobody': no file content/defenders/nobody.md"]),
    ("unknown action id on a stop", tour(extra="    actions: [UA-NOPE]\n"),
     ["content/tours/t.md:9: stops[0].actions[0]: unknown action id 'UA-NOPE'"]),
    ("duplicate action id", {P: A, "content/actions/b.md": A},
     ["content/actions/b.md:3: id: 'UA-TEST-001' is already the id of content/actions/a.md"]),
    ("duplicate stop id",
     {"content/tours/t.md": TOUR.format(starts="2026-12-08T18:30", tz="Europe/Oslo", extra="    id: s1\n"),
      "content/tours/u.md": TOUR.format(starts="2026-12-09T18:30", tz="Europe/Oslo", extra="    id: s1\n")},
     ["content/tours/u.md:9: stops[0].id: 's1' is already the id of a stop in content/tours/t.md"]),
    ("link to a file that does not exist", action("Body.", "See [her](../defenders/ghost.md)."),
     [f"{P}:19: body: link '../defenders/ghost.md': not a content file; link to another file's .md path, "
      "or to an image in content/media/"]),
    ("javascript link", action("Body.", "Click [me](javascript:alert(1))."),
     [f"{P}:19: body: link 'javascript:alert(1)': links with javascript: are not allowed"]),
    ("unclosed HTML comment", action("Body.", "Text\n<!-- secret"),
     [f"{P}:20: body: an HTML comment '<!--' is never closed: add '-->'"]),
    # --- policy: what a published file may point at
    ("published action naming an unpublished defender",
     action("country: CO", "country: CO\ndefenders: [ana]",
            **{"content/defenders/ana.md": D.replace("status: approved", "status: pending")}),
     [f"{P}:8: defenders[0]: defender 'ana' is not published (not vetted, consented and current): "
      "remove it here until the profile is public"]),
    ("private real name in public text",
     {P: A.replace("Body.", "Ana Maria Lopez was threatened."),
      "content/defenders/ana.md": D.replace("author: AB", "author: AB\nprivate:\n  real_name: Ana Maria Lopez")},
     [f"{P}:19: body: contains the private real name from content/defenders/ana.md:8: remove it"]),
    # --- YAML itself
    ("duplicate key", action("country: CO", "country: CO\ncountry: GT"),
     [f"{P}:8: country: duplicate key: 'country' is already on line 7"]),
    ("YAML tag", action("country: CO", "country: !!python/object:os.system CO"),
     [f"{P}:7: country: YAML tags such as !!python/object:os.system are not allowed"]),
    ("anchors and aliases", action("country: CO", "country: &c CO\nsummary2: *c"),
     [f"{P}:8: summary2: anchors and aliases (& and *) are not supported: write the value out"]),
    ("invalid YAML", action("title: A valid action", 'title: "unclosed'),
     [f"{P}:17: front matter: invalid YAML: found unexpected end of stream "
      "(while scanning a quoted scalar that starts on line 2)"]),
    # --- the file itself
    ("no front matter", {P: "Just text\n"},
     [f"{P}:1: front matter: the file must start with a front matter block: a line '---', the keys, then '---'"]),
    ("front matter never closed", {P: "---\ntitle: x\n"},
     [f"{P}:1: front matter: the front matter block is never closed: add a line '---' after the keys"]),
    ("not UTF-8", {P: A.replace("Body.", "Caf\xe9").encode("latin-1")},
     [f"{P}:19: encoding: the file is not UTF-8 (byte 0xe9): save it as UTF-8"]),
    ("binary file", {P: b"\x89PNG\r\n\x1a\n\x00\x00"},
     [f"{P}:1: encoding: this is a binary file, not Markdown text"]),
    ("file name with spaces and capitals", {"content/actions/My Action.md": A},
     ["content/actions/My Action.md:1: file name: use lowercase letters, digits, '-' and '_' in file names: "
      "rename it to my-action.md"]),
    ("not a Markdown file", {"content/actions/notes.txt": "x"},
     ["content/actions/notes.txt:1: file: not a Markdown file (.md): move it out of content/actions/"]),
    ("unknown folder", {"content/stuff/x.md": "x"},
     ["content/stuff:1: file: accompany reads only content/actions, defenders, tours, pages and media: move or remove this"]),
]


@pytest.mark.parametrize("files, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_bad_input_is_reported_exactly(project, files, expected):
    for path, text in files.items():
        project.write(path, text)
    assert project.problems() == expected


def _field_messages() -> list[str]:
    """The fixed words of every message a field type can give (fields.py), from its source."""
    import ast
    import inspect

    from generator.core import fields

    out = []
    for node in ast.walk(ast.parse(inspect.getsource(fields))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "fail" and node.args:
            arg = node.args[0]
            parts = [arg] if isinstance(arg, ast.Constant) else [v for v in getattr(arg, "values", []) if isinstance(v, ast.Constant)]
            words = max((str(p.value) for p in parts), key=len, default="")
            if words.strip():
                out.append(words.strip())
    return out


def test_every_message_of_every_field_type_has_its_case():
    """Instead of counting cases: each sentence a volunteer can read from a field type is checked above."""
    messages = _field_messages()
    assert len(messages) > 20 and "must be a single line" in messages  # the source is read as expected
    expected = [line for case in CASES for line in case[2]] + [line for case in SETTINGS_CASES for line in case[2]]
    assert [m for m in messages if not any(m in line for line in expected)] == []


def test_country_no_is_norway_not_false(project):
    project.write(*tour().popitem())
    code, out, err = project.cli("check", "--as-of", "2026-12-01")
    assert (code, err) == (0, "")
    from generator.read import load_yaml

    data, *_ = load_yaml("country: NO\nflag: no\non: yes\ndraft: true\n", "x", 1)
    assert data == {"country": "NO", "flag": "no", "on": "yes", "draft": True}


SETTINGS_CASES = [
    ("fonts from Google", ("  font: false\n", "  font:\n    text: Roboto\n"),
     ["mkdocs.yml:5: theme.font: must be false: web fonts would be loaded from Google, leaking readers' addresses"]),
    ("third-party plugin", ("  - search\n", "  - search\n  - social\n"),
     ["mkdocs.yml:8: plugins[1]: 'social' is not supported: accompany uses only Material's built-in search"]),
    ("no accompany block", ("accompany:", "other:"),
     ["mkdocs.yml:1: accompany: required: the accompany settings (organisation, language, timezone, themes)"]),
    ("bad site timezone", ("timezone: Europe/London", "timezone: London"),
     ["mkdocs.yml:11: accompany.timezone: 'London' is not an IANA time zone name such as Europe/London or America/Bogota"]),
    ("unknown setting", ("  language: en\n", "  language: en\n  langauge: es\n"),
     ["mkdocs.yml:11: accompany.langauge: unknown key: did you mean 'language'?"]),
    ("tag authority that is not a domain", ("  timezone: Europe/London\n", "  timezone: Europe/London\n  tag_authority: Example.org\n"),
     ["mkdocs.yml:12: accompany.tag_authority: 'Example.org' is not a tag authority: write a domain name you control, "
      "a comma and a date it was yours, in lowercase, such as example.org,2026"]),
    ("tag authority with an impossible date", ("  timezone: Europe/London\n", "  timezone: Europe/London\n  tag_authority: example.org,2026-13\n"),
     ["mkdocs.yml:12: accompany.tag_authority: '2026-13' is not a real date: write a year (2026) or a date (2026-05-01)"]),
    ("nav set by hand", ("plugins:", "nav:\n  - index.md\nplugins:"),
     ["mkdocs.yml:6: nav: remove it: accompany builds the navigation: top-level pages appear by their order key"]),
    ("alerts to a web address", ("  timezone: Europe/London\n", "  timezone: Europe/London\n  alerts:\n"
                                 "    host: https://smtp.example.org\n    from: a@example.org\n    to: [b@example.org]\n"),
     ["mkdocs.yml:13: accompany.alerts.host: 'https://smtp.example.org' is not a host name: write the server's name "
      "(smtp.example.org) or address (127.0.0.1), without https:// or a port"]),
    ("a password where its variable's name goes", ("  timezone: Europe/London\n", "  timezone: Europe/London\n  alerts:\n"
     "    host: smtp.example.org\n    from: a@example.org\n    to: [b@example.org]\n    username: me\n"
     "    password_env: hunter2\n"),
     ["mkdocs.yml:17: accompany.alerts.password_env: must be the name of an environment variable, in capital letters, "
      "digits and _ (ACCOMPANY_SMTP_PASSWORD), never the password itself"]),
]


@pytest.mark.parametrize("change, expected", [c[1:] for c in SETTINGS_CASES], ids=[c[0] for c in SETTINGS_CASES])
def test_settings_problems(project, change, expected):
    text = (project.root / "mkdocs.yml").read_text()
    assert change[0] in text
    project.write("mkdocs.yml", text.replace(change[0], change[1]))
    assert project.problems() == expected


def test_every_problem_in_one_run_sorted_with_a_count_and_exit_1(project):
    project.write("content/actions/b.md", A.replace("country: CO", "country: XX"))
    project.write("content/actions/a.md", A.replace("issued: 2026-11-01", "issued: soon").replace("deadline:", "deadlnie:"))
    project.write("content/tours/t.md", TOUR.format(starts="19:30", tz="Europe/Oslo", extra=""))
    code, out, err = project.cli("check", "--as-of", "2026-12-01")
    assert code == 1
    assert "Traceback" not in err and out == ""
    assert err.splitlines() == [
        "content/actions/a.md:4: issued: must be a date written YYYY-MM-DD, e.g. 2026-12-18, not 'soon'",
        "content/actions/a.md:5: deadlnie: unknown key: did you mean 'deadline'?",
        # Both files failed their schema, and their ids can still be read: the clash is reported too.
        "content/actions/b.md:3: id: 'UA-TEST-001' is already the id of content/actions/a.md",
        "content/actions/b.md:7: country: 'XX' is not an ISO 3166-1 alpha-2 country code (CO, GT, KE, NO ...)",
        "content/tours/t.md:5: stops[0].starts: 19:30 is read by YAML 1.1 as the number 1170 (base 60): "
        "put it in quotes, '19:30', and write a date and time as 2026-12-18T19:30",
        "5 problems found; nothing was built or changed.",
    ]


def test_build_reports_the_same_problems_and_writes_nothing(project, tmp_path):
    project.write("content/actions/a.md", A.replace("country: CO", "country: XX"))
    site = tmp_path / "out"
    code, out, err = project.cli("build", "--as-of", "2026-12-01", "--site-dir", str(site))
    assert code == 1
    assert err.splitlines()[0].startswith("content/actions/a.md:7: country:")
    assert not site.exists()
    assert [p.name for p in site.parent.iterdir() if p.name.startswith(".out-build")] == []


def test_bad_as_of_is_a_usage_error(project, capsys):
    with pytest.raises(SystemExit) as exit_:
        project.cli("check", "--as-of", "tomorrow")
    assert exit_.value.code == 2


def test_one_mistake_is_reported_once_not_at_every_reference(project):
    project.write("content/actions/a.md", A.replace("country: CO", "country: XX"))
    project.write("content/tours/t.md", TOUR.format(starts="2026-12-08T18:30", tz="Europe/Oslo",
                                                     extra="    actions: [UA-TEST-001]\n"))
    project.write("content/pages/p.md", "---\ntitle: P\n---\n\nSee [the action](../actions/a.md).\n")
    assert project.problems() == [
        "content/actions/a.md:7: country: 'XX' is not an ISO 3166-1 alpha-2 country code (CO, GT, KE, NO ...)"
    ]


def test_an_unreadable_action_is_reported_once(project):
    project.write("content/actions/a.md", A.replace("title: A valid action", "title: Bad: value"))
    project.write("content/tours/t.md", TOUR.format(starts="2026-12-08T18:30", tz="Europe/Oslo",
                                                     extra="    actions: [UA-TEST-001]\n"))
    assert project.problems() == [
        "content/actions/a.md:2: front matter: invalid YAML: mapping values are not allowed in this context; "
        "a value that contains ': ' must be in quotes"
    ]


@pytest.mark.parametrize("kind", ["action", "defender", "tour", "campaign", "page"])
def test_new_files_from_templates_pass_check(project, kind, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1796083200")  # 2026-12-01
    code, out, _ = project.cli("new", kind, f"my-{kind}")
    assert code == 0 and out.startswith("created ")
    code, out, err = project.cli("check", "--as-of", "2026-12-01")
    assert (code, err) == (0, ""), err
    assert project.cli("new", kind, f"my-{kind}")[0] == 2  # never overwrites


def test_check_warns_when_future_stops_have_no_announcement_date(project):
    project.write(*tour().popitem())
    code, out, err = project.cli("check", "--as-of", "2026-12-01")
    assert (code, err) == (0, "")
    assert ("warning: content/tours/t.md:4: announced: add announced: YYYY-MM-DD (when the tour was made public): "
            "without it, feed entries of future stops are dated in the future, which feed readers distrust") in out
    project.write("content/tours/t.md", TOUR.format(starts="2026-12-08T18:30", tz="Europe/Oslo", extra="")
                  .replace("summary: S\n", "summary: S\nannounced: 2026-11-20\n"))
    assert "warning: content/" not in project.cli("check", "--as-of", "2026-12-01")[1]
