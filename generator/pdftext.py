"""The text of a PDF page as a reader would copy it, /ActualText included.

pypdf's ``extract_text`` maps each glyph back to characters through its
font's ToUnicode table, and ignores ``/ActualText``. That is not enough for
scripts where one glyph stands for several characters or where characters
are reordered (Devanagari, and most Indic scripts): Typst, like other
typesetters, gives the true text of such clusters as ``/ActualText`` on a
marked-content span, and a glyph's own ToUnicode entry may say something
else. This reads the page's content stream itself: glyphs through ToUnicode,
and inside a span that has ``/ActualText``, that text instead. Lines are
told apart by where text is drawn, and runs of text by a space, so that words
on two lines or in two boxes stay apart.
"""

from __future__ import annotations

import re

from pypdf.generic import ContentStream, DictionaryObject, FloatObject, NumberObject

_HEX = re.compile(rb"<([0-9A-Fa-f]+)>")
_SECTION = re.compile(rb"begin(bfchar|bfrange)(.*?)end\1", re.S)


def page_text(page) -> str:
    """The text of ``page``: see the module."""
    contents = page.get_contents()
    if contents is None:
        return ""
    fonts = _fonts(page)
    out: list[str] = []
    font: _Font | None = None
    spans: list[bool] = []  # for each open marked-content span: does it (or one around it) give /ActualText?
    ctm, stack = [1.0, 0, 0, 1, 0, 0], []
    tm = tlm = [1.0, 0, 0, 1, 0, 0]
    leading, last_y = 0.0, None

    def show(data: bytes) -> None:
        nonlocal last_y
        y = _multiply(tm, ctm)[5]
        if last_y is not None and abs(y - last_y) > 1:
            out.append("\n")
        last_y = y
        if not (spans and spans[-1]) and font is not None:
            out.append(font.decode(data))

    for operands, operator in ContentStream(contents, page.pdf).operations:
        if operator == b"q":
            stack.append(ctm)
        elif operator == b"Q":
            ctm = stack.pop() if stack else ctm
        elif operator == b"cm":
            ctm = _multiply([float(x) for x in operands], ctm)
        elif operator == b"BT":  # a new run of text: not the same word as the last (a new box, a new column)
            tm = tlm = [1.0, 0, 0, 1, 0, 0]
            if out and not out[-1].endswith((" ", "\n")):
                out.append(" ")
        elif operator == b"Tm":
            tm = tlm = [float(x) for x in operands]
        elif operator in (b"Td", b"TD"):
            if operator == b"TD":
                leading = -float(operands[1])
            tm = tlm = _multiply([1, 0, 0, 1, float(operands[0]), float(operands[1])], tlm)
        elif operator in (b"T*", b"'", b'"'):
            tm = tlm = _multiply([1, 0, 0, 1, 0, -leading], tlm)
        elif operator == b"TL":
            leading = float(operands[0])
        elif operator == b"Tf":
            font = fonts.get(operands[0])
        if operator in (b"Tj", b"'", b'"'):
            show(_raw(operands[-1]))
        elif operator == b"TJ":
            for item in operands[0]:
                if isinstance(item, (NumberObject, FloatObject, int, float)):
                    continue
                show(_raw(item))
        elif operator == b"BDC":
            properties = operands[1] if len(operands) > 1 else None
            actual = properties.get("/ActualText") if isinstance(properties, DictionaryObject) else None
            inside = bool(spans and spans[-1])
            if actual is not None and not inside:
                out.append(str(actual))
            spans.append(inside or actual is not None)
        elif operator == b"BMC":
            spans.append(bool(spans and spans[-1]))
        elif operator == b"EMC" and spans:
            spans.pop()
    return "".join(out)


def _raw(string) -> bytes:
    """The bytes of a string operand (pypdf may have decoded it as text)."""
    if isinstance(string, bytes):
        return bytes(string)
    original = getattr(string, "original_bytes", None)
    return original if original is not None else str(string).encode("latin-1", errors="ignore")


def _multiply(m: list, n: list) -> list:
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return [a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F]


def _fonts(page) -> dict:
    resources = page.get("/Resources")
    resources = resources.get_object() if resources is not None else DictionaryObject()
    fonts = resources.get("/Font")
    fonts = fonts.get_object() if fonts is not None else DictionaryObject()
    return {name: _Font(ref.get_object()) for name, ref in fonts.items()}


class _Font:
    """A font's codes and the characters they stand for (its ToUnicode table)."""

    def __init__(self, font: DictionaryObject):
        self.width = 2 if font.get("/Subtype") == "/Type0" else 1
        self.map: dict[bytes, str] = {}
        table = font.get("/ToUnicode")
        if table is not None:
            self._read(table.get_object().get_data())

    def _read(self, cmap: bytes) -> None:
        for kind, body in _SECTION.findall(cmap):
            if kind == b"bfchar":
                values = _HEX.findall(body)
                for source, target in zip(values[::2], values[1::2]):
                    self.map[bytes.fromhex(source.decode())] = _utf16(target)
                continue
            for line in body.splitlines():
                values = _HEX.findall(line)
                if len(values) < 3:
                    continue
                low, high = int(values[0], 16), int(values[1], 16)
                width = len(values[0]) // 2
                if b"[" in line:  # one target per code
                    targets = [_utf16(v) for v in values[2:]]
                else:
                    start = _utf16(values[2])
                    targets = [start[:-1] + chr(ord(start[-1]) + i) for i in range(high - low + 1)] if start else []
                for i, target in enumerate(targets[: high - low + 1]):
                    self.map[(low + i).to_bytes(width, "big")] = target

    def decode(self, data: bytes) -> str:
        w = self.width
        if not self.map:
            return data.decode("latin-1") if w == 1 else ""
        return "".join(self.map.get(data[i:i + w], "") for i in range(0, len(data) - w + 1, w))


def _utf16(value: bytes) -> str:
    raw = bytes.fromhex(value.decode())
    return raw.decode("utf-16-be", errors="ignore")
