"""Hostile and broken input: each file is refused with a clear ``path:line: key: message``,
no traceback, and nothing is written anywhere but (on success) the output folder."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest

from conftest import VALID_ACTION as A
from conftest import VALID_DEFENDER as D

P = "content/actions/a.md"
LINE = re.compile(r"^(?P<path>[^:\n]+):(?P<line>\d+): (?P<key>[^:\n]+): (?P<message>.+)$")


def _billion_laughs() -> str:
    """Nine levels of nine aliases each, under one key of an otherwise valid action."""
    lines = ['  lol0: "lol"'] + [f"  lol{i}: &l{i} [" + ", ".join([f"*l{i-1}" if i > 1 else '"lol"'] * 9) + "]" for i in range(1, 10)]
    return A.replace("country: CO", "country: CO\nx:\n" + "\n".join(lines))


def _png_bomb() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("1", (20000, 20000)).save(out, "PNG")  # 400 megapixels: Pillow refuses it as a bomb
    return out.getvalue()


def a(old: str, new: str) -> str:
    assert old in A
    return A.replace(old, new)


# (name, {path: content or ("symlink", target)}, the exact problem line, or lines)
CASES = [
    ("billion laughs", {P: _billion_laughs()},
     [f"{P}:8: x: unknown key", f"{P}:11: x.lol2[0]: anchors and aliases (& and *) are not supported: write the value out"]),
    ("alias to a mapping", {P: a("country: CO", "country: CO\nx: &m {a: 1}\ny: *m")}, [f"{P}:8: x: unknown key", f"{P}:9: y: anchors and aliases (& and *) are not supported: write the value out"]),
    ("merge key", {P: a("country: CO", "country: CO\n<<: {summary: x}")}, f"{P}:8: front matter: merge keys (<<) are not supported: write the keys out"),
    ("python object tag", {P: a("country: CO", "country: !!python/object/apply:os.system ['id']")}, f"{P}:7: country: YAML tags such as !!python/object/apply:os.system are not allowed"),
    ("python name tag", {P: a("country: CO", "country: !!python/name:os.system")}, f"{P}:7: country: YAML tags such as !!python/name:os.system are not allowed"),
    ("env tag", {P: a("country: CO", "country: !ENV HOME")}, f"{P}:7: country: YAML tags such as !ENV are not allowed"),
    ("binary tag", {P: a("country: CO", "country: !!binary aGVsbG8=")}, f"{P}:7: country: YAML tags such as !!binary are not allowed"),
    ("set tag", {P: a("country: CO", "country: !!set {a, b}")}, f"{P}:7: country: YAML tags such as !!set are not allowed"),
    ("duplicate key", {P: a("title: A valid action", "title: A valid action\ntitle: Another")}, f"{P}:3: title: duplicate key: 'title' is already on line 2"),
    ("duplicate nested key", {P: a("    salutation: Dear Minister", "    salutation: Dear Minister\n    salutation: Hi")}, f"{P}:15: targets[0].salutation: duplicate key: 'salutation' is already on line 14"),
    ("deep flow nesting", {P: a("country: CO", "country: CO\nx: " + "[" * 5000 + "]" * 5000)}, f"{P}:8: front matter: invalid YAML: exceeded maximum nesting depth (while increasing flow level)"),
    ("deep block nesting", {P: a("country: CO", "country: CO\nx:\n  " + "- " * 3000 + "a")},
     f"{P}:9: front matter: invalid YAML: exceeded maximum nesting depth (while increasing block level)"),
    ("nesting too deep to build, within the parser's limit", {P: a("country: CO", "country: CO\nx: " + "[" * 999 + "]" * 999)},
     f"{P}:8: x: nested more than 32 levels deep: front matter needs a few"),
    ("huge file", {P: a("Body.", "x" * 1_100_000)}, f"{P}:1: file: the file is 1,100,279 bytes; the limit is 1,000,000"),
    ("binary file", {P: os.urandom(64) + b"\x00" * 16}, f"{P}:1: encoding: this is a binary file, not Markdown text"),
    ("UTF-16 file", {P: A.encode("utf-16")}, f"{P}:1: encoding: this is a binary file, not Markdown text"),
    ("latin-1 file", {P: A.replace("Body.", "Educaci\xf3n").encode("latin-1")}, f"{P}:19: encoding: the file is not UTF-8 (byte 0xf3): save it as UTF-8"),
    ("empty file", {P: ""}, f"{P}:1: front matter: the file must start with a front matter block: a line '---', the keys, then '---'"),
    ("only a fence", {P: "---\n"}, f"{P}:1: front matter: the front matter block is never closed: add a line '---' after the keys"),
    ("empty front matter", {P: "---\n---\nBody\n"},
     [f"{P}:2: {key}: required key is missing" for key in ("country", "id", "issued", "summary", "title")]),
    ("front matter is a list", {P: "---\n- a\n- b\n---\n"}, f"{P}:2: front matter: must be keys and values (key: value), not a list or a single value"),
    ("front matter is a scalar", {P: "---\njust words\n---\n"}, f"{P}:2: front matter: must be keys and values (key: value), not a list or a single value"),
    ("front matter is null", {P: "---\nNull\n---"}, f"{P}:2: front matter: must be keys and values (key: value), not a list or a single value"),
    ("number as a key", {P: a("country: CO", "country: CO\n2026: x")}, f"{P}:8: 2026: unknown key"),
    ("complex key", {P: a("country: CO", "country: CO\n? [a, b]\n: x")}, f"{P}:8: front matter: keys must be plain words"),
    ("tab indentation", {P: a("    salutation: Dear Minister", "\tsalutation: Dear Minister")},
     f"{P}:14: front matter: invalid YAML: found a tab character where an indentation space is expected (while scanning a block scalar that starts on line 11); indent with spaces, not tabs"),
    ("null byte in text", {P: a("Body.", "Bo\x00dy.")}, f"{P}:1: encoding: this is a binary file, not Markdown text"),
    ("huge integer where text is expected", {P: a("id: UA-TEST-001", "id: 99999999999999999999999999")}, f"{P}:3: id: must be text: put 99999999999999999999999999 in quotes"),
    ("impossible date", {P: a("issued: 2026-11-01", "issued: 9999-99-99")}, f"{P}:4: issued: '9999-99-99' is not a real date"),
    ("time zone path traversal", {"content/tours/t.md": "---\ntitle: T\nsummary: S\nstops:\n  - starts: 2026-12-01T19:00\n    timezone: ../../../etc/passwd\n    city: X\n---\n"},
     "content/tours/t.md:6: stops[0].timezone: '../../../etc/passwd' is not an IANA time zone name such as Europe/London or America/Bogota"),
    ("image path traversal", {P: a("country: CO", "country: CO\nimage: media/../../mkdocs.yml\nimage_alt: x")}, f"{P}:8: image: 'media/../../mkdocs.yml' must be a path inside content/media/, written like media/river.jpg"),
    ("absolute image path", {P: a("country: CO", "country: CO\nimage: /etc/passwd\nimage_alt: x")}, f"{P}:8: image: '/etc/passwd' must be a path inside content/media/, written like media/river.jpg"),
    ("link leaving the project", {P: a("Body.", "[x](../../../../etc/passwd)")}, f"{P}:19: body: link '../../../../etc/passwd': points outside the project"),
    ("data URL image", {P: a("Body.", "![x](data:image/png;base64,AAAA)")}, f"{P}:19: body: link 'data:image/png;base64,AAAA': links with data: are not allowed"),
    ("javascript link in raw HTML", {P: a("Body.", '<a href="javascript:alert(1)">x</a>')}, f"{P}:19: body: link 'javascript:alert(1)': links with javascript: are not allowed"),
    ("protocol-relative image", {P: a("Body.", "![x](//evil.example/p.png)")}, f"{P}:19: body: link '//evil.example/p.png': write web links in full, starting with https://"),
    ("script in a title", {P: a("title: A valid action", "title: <script>alert(1)</script>")}, f"{P}:2: title: must be plain text: remove '<' and '>' (markup belongs in the body)"),
    ("javascript URL as registration", {"content/tours/t.md": "---\ntitle: T\nsummary: S\nstops:\n  - starts: 2026-12-01T19:00\n    city: X\n    registration: javascript:alert(1)\n---\n"},
     "content/tours/t.md:7: stops[0].registration: 'javascript:alert(1)' is not a web address: write it in full, starting with https://"),
    ("email header injection", {P: a("    salutation: Dear Minister", "    salutation: Dear Minister\n    email: \"a@b.org\\nBcc: all@x.org\"")}, f"{P}:15: targets[0].email: 'a@b.org\\nBcc: all@x.org' is not an email address"),
    ("slug with dots", {"content/actions/a..b.md": A}, "content/actions/a..b.md:1: file name: use lowercase letters, digits, '-' and '_' in file names: rename it to a-b.md"),
    ("slug with unicode", {"content/actions/acción.md": A}, "content/actions/acción.md:1: file name: use lowercase letters, digits, '-' and '_' in file names: rename it to accion.md"),
    ("symlink to a file outside content", {P: ("symlink", "/etc/passwd")}, f"{P}:1: file: a symbolic link to outside its folder: copy the file in instead"),
    ("symlinked folder", {"content/pages/linked": ("symlink", "/etc")}, "content/pages/linked:1: file: a symbolic link to outside its folder: copy the file in instead"),
    ("symlinked media outside", {"content/media/x.jpg": ("symlink", "/etc/passwd"), P: a("country: CO", "country: CO\nimage: media/x.jpg\nimage_alt: x")},
     [f"{P}:8: image: 'media/x.jpg': no such file in content/media/",
      "content/media/x.jpg:1: file: a symbolic link to outside content/media/: copy the file in instead"]),
    ("text pretending to be an image", {"content/media/x.jpg": b"<?php system($_GET['c']); ?>", P: a("country: CO", "country: CO\nimage: media/x.jpg\nimage_alt: x")},
     "content/media/x.jpg:1: image: cannot be read as an image (UnidentifiedImageError): replace the file"),
    ("decompression bomb", {"content/media/x.png": _png_bomb(), P: a("country: CO", "country: CO\nimage: media/x.png\nimage_alt: x")},
     "content/media/x.png:1: image: cannot be read as an image (DecompressionBombError): replace the file"),
    ("SVG image", {"content/media/x.svg": b"<svg onload='alert(1)'/>", P: a("country: CO", "country: CO\nimage: media/x.svg\nimage_alt: x")},
     f"{P}:8: image: 'media/x.svg' is not an image: use .jpg, .jpeg, .png, .webp or .gif"),
    ("a file where a folder is expected", {"content/stuff": "x"}, "content/stuff:1: file: accompany reads only content/actions, defenders, tours, pages and media: move or remove this"),
    ("defender vetting by its author with odd spaces", {"content/defenders/ana.md": D.replace("by: CD", "by: '  ab '"), P: a("country: CO", "country: CO\ndefenders: [ana]")},
     f"{P}:8: defenders[0]: defender 'ana' is not published (not vetted, consented and current): remove it here until the profile is public"),
]


def _write(project, files):
    for path, content in files.items():
        target = project.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, tuple):
            if target.exists():
                target.unlink()
            target.symlink_to(content[1])
        elif isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")


def _listing(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


@pytest.mark.parametrize("files, expected", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_hostile_input_is_refused_cleanly(project, tmp_path, files, expected):
    _write(project, files)
    before = _listing(tmp_path)
    site = tmp_path / "out" / "site"
    code, out, err = project.cli("build", "--as-of", "2026-12-01", "--site-dir", str(site))
    lines = err.splitlines()
    assert code == 1, err
    assert "Traceback" not in err and "internal error" not in err
    assert lines[-1].endswith("nothing was built or changed.")
    assert all(LINE.match(line) for line in lines[:-1]), lines
    assert lines[:-1] == ([expected] if isinstance(expected, str) else expected)
    # Only the build record (.accompany/builds.json, for accompany status) says that it failed.
    record = "project/.accompany/builds.json"
    assert _listing(tmp_path) - before <= {"out", "project/.accompany", record}, "a file was written outside the output folder"
    assert '"ok": false' in (tmp_path / record).read_text()
    assert not site.exists()


def test_each_case_names_whole_problem_lines():
    """Instead of counting cases: each expects whole ``path:line: key: message`` lines; a prefix such as
    ``content/actions/a.md:`` would accept any problem in the file."""
    expected = [(name, [e] if isinstance(e, str) else e) for name, _, e in CASES]
    assert [name for name, lines in expected if not lines or not all(LINE.match(line) for line in lines)] == []
    assert [name for name, lines in expected if any(line.rstrip().endswith(":") for line in lines)] == []


def test_crlf_and_bom_are_accepted(project):
    project.write(P, ("\ufeff" + A).replace("\n", "\r\n").encode("utf-8"))
    code, out, err = project.cli("check", "--as-of", "2026-12-01")
    assert (code, err) == (0, "")


@pytest.mark.parametrize("inside", [".git", "content", "mkdocs.yml"])
def test_site_dir_that_holds_a_repository_or_sources_is_refused(project, tmp_path, inside):
    site = tmp_path / "target"
    (site / inside).mkdir(parents=True) if "." not in inside or inside == ".git" else None
    if inside == "mkdocs.yml":
        site.mkdir(exist_ok=True)
        (site / inside).write_text("x")
    project.write(P, A)
    code, _, err = project.cli("build", "--as-of", "2026-12-01", "--site-dir", str(site))
    assert code == 1
    assert err.splitlines()[0] == f"{site}:1: site_dir: contains {inside}: it does not look like a built site, and would be replaced"
    assert (site / inside).exists()
