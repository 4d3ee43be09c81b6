"""Typst source for the PDFs: text that can only ever be text, and sanitised HTML turned into Typst.

Volunteers' words reach a Typst document in one form only: a Typst *string
literal* (``"..."``), where nothing but ``\\`` and ``"`` has a meaning, and
both are escaped. In markup a string is embedded as ``#"...";``: Typst shows
it as it is, whatever it holds (``#import``, ``$``, ``]``, ``@ref``,
``<label>``, ``*``, URLs). Nothing a volunteer writes is ever parsed as
Typst markup or code.

* :func:`string` is a string literal, for code (``title: "..."``);
* :func:`text` is the same text embedded in markup;
* :func:`typst_environment` is a Jinja environment whose every ``{{ value }}``
  is :func:`text` unless it is already Typst source (:class:`Typst`, or a
  macro's output);
* :func:`from_html` turns the HTML of the shared Markdown renderer (already
  sanitised, links absolute) into Typst: paragraphs, emphasis, strong, lists,
  links, line breaks, headings, block quotes, tables; images are dropped.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import jinja2
from babel.support import NullTranslations
from markupsafe import Markup


_ESCAPES = {"\\": "\\\\", '"': '\\"'}
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")
_SPACE = re.compile(r"[ \t\n\r\f]+")  # HTML's white space: not the non-breaking space


class Typst(str):
    """Typst source we wrote: printed as it is by :func:`typst_environment`, never escaped again."""

    __slots__ = ()

    def __html__(self) -> str:  # Jinja's autoescaping takes it as it is
        return self


def string(value: object) -> Typst:
    """``value`` as a Typst string literal, for code: ``"..."`` with ``\\``, ``"`` and control characters escaped."""
    escaped = "".join(_ESCAPES.get(ch, ch) for ch in str(value))
    return Typst('"' + _CONTROL.sub(lambda m: "\\u{%x}" % ord(m[0]), escaped) + '"')


def number(value: int) -> Typst:
    """An integer, for code."""
    return Typst(str(int(value)))


def text(value: object) -> Typst:
    """``value`` as text in Typst markup: white space collapsed as in HTML, nothing interpreted."""
    return Typst("#" + string(_SPACE.sub(" ", str(value))) + ";")


def _finalize(value: object) -> object:
    # Markup: a macro's output (Typst written by a template), as autoescaping makes it.
    return value if isinstance(value, (Typst, Markup)) else text(value)


def typst_environment(loader: jinja2.BaseLoader, translations: NullTranslations) -> jinja2.Environment:
    """Jinja for ``*.typ`` templates: every value printed is text unless it is Typst source already.

    Typst source is a :class:`Typst` (the ``string`` and ``number`` filters,
    for values in code, and :func:`from_html`) or a macro's output.
    ``translations`` are its words: ``_()``,
    ``ngettext()`` and ``{% trans %}`` give text, never markup, as a
    volunteer's words are (:func:`_gettext`).
    """
    env = jinja2.Environment(
        loader=loader,
        autoescape=True,  # macros then return Markup, which finalize lets through; values are never HTML-escaped
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    messages = translations
    env.newstyle_gettext = True  # {% trans %} calls gettext(msgid, **fields), like the page templates
    gettext = _gettext(messages.gettext)
    env.globals.update(gettext=gettext, ngettext=_ngettext(messages.ngettext), _=gettext)
    env.filters["string"] = string
    env.filters["typst"] = Typst  # a template's own Typst source for a message's field: "#counter(page).display()"
    env.filters["number"] = number
    env.filters["lang"] = lambda tag: Typst(_lang_args(tag or ""))
    return env


_FIELD = re.compile(r"%\((\w+)\)[sd]|%%")


def _fill(message: str, fields: dict) -> str | Typst:
    """A translated message with its ``%(name)s`` fields: a plain string (text wherever it is printed,
    a literal with ``| string``), or Typst when a field is Typst source (a page number)."""
    if not any(isinstance(v, (Typst, Markup)) for v in fields.values()):
        return message % fields
    out, end = [], 0
    for match in _FIELD.finditer(message):
        out.append(message[end:match.start()])
        value = "%" if match[0] == "%%" else fields[match[1]]
        out.append(value if isinstance(value, (Typst, Markup)) else str(value))
        end = match.end()
    out.append(message[end:])
    return Typst("".join(str(part) if isinstance(part, (Typst, Markup)) else (text(part) if part else "")
                         for part in out))


def _gettext(gettext):
    def translate(message: str, **fields: object) -> str | Typst:
        return _fill(gettext(message), fields)
    return translate


def _ngettext(ngettext):
    def translate(singular: str, plural: str, n: int, **fields: object) -> str | Typst:
        return _fill(ngettext(singular, plural, n), {"num": n, **fields})
    return translate


# ---------------------------------------------------------------- HTML to Typst

_VOID = {"br", "hr", "img", "wbr"}
_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre", "table", "thead",
           "tbody", "tfoot", "tr", "td", "th", "caption", "dl", "dt", "dd", "figure", "figcaption", "div", "hr"}
_LANG = re.compile(r"^([a-zA-Z]{2,3})(?:-([a-zA-Z]{4}))?(?:-([a-zA-Z]{2}|[0-9]{3}))?(?:-.*)?$")
#: Inline elements and the Typst function that shows them.
_INLINE = {"strong": "strong", "b": "strong", "em": "emph", "i": "emph", "cite": "emph", "u": "underline",
           "ins": "underline", "s": "strike", "del": "strike", "sub": "sub", "sup": "super", "mark": "highlight",
           "q": "quote"}


class _Node:
    __slots__ = ("tag", "attrs", "children")

    def __init__(self, tag: str, attrs: dict[str, str]):
        self.tag, self.attrs, self.children = tag, attrs, []


class _Tree(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = _Node("div", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = _Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(_Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def from_html(html: str, show_urls: bool = False, heading: int = 3) -> Typst:
    """Typst markup for an HTML fragment.

    ``show_urls``: follow each web link with its address, for paper.
    ``heading``: the level its top headings get in the document (a text under
    a section's heading starts one below it); levels never skip, as PDF/UA-1
    requires (a volunteer's ``####`` after ``##`` comes one level down).
    """
    parser = _Tree()
    parser.feed(html)
    parser.close()
    return Typst(_Writer(show_urls, heading).blocks(parser.root.children))


class _Writer:
    def __init__(self, show_urls: bool, heading: int):
        self.show_urls = show_urls
        self.top = heading
        self.last = heading - 1  # the level of the heading before: the next may be at most one below

    def blocks(self, children: list) -> str:
        """Block content: runs of inline children become paragraphs; blocks are separated by paragraph breaks."""
        out, run = [], []
        for child in children:
            if isinstance(child, _Node) and child.tag in _BLOCKS:
                out.append(self.inline(run))
                run = []
                out.append(self.block(child))
            else:
                run.append(child)
        out.append(self.inline(run))
        return "\n\n".join(part for part in out if part)

    def inline(self, children: list) -> str:
        """Inline content with HTML's white-space collapsing: no space at the start or end, none doubled."""
        pieces: list[tuple[str, str]] = []  # ("text", value) or ("code", typst)
        self._flatten(children, pieces)
        out, space = [], True  # a space at the very start is dropped
        for i, (kind, value) in enumerate(pieces):
            if kind != "text":
                out.append(value)
                space = space or kind == "code"  # after a line break, as at the start; tags change nothing
                continue
            value = _SPACE.sub(" ", value)
            if space:
                value = value.lstrip(" ")
            if value and not any(k == "text" and v.strip() for k, v in pieces[i + 1:]):
                value = value.rstrip(" ")  # the last words of the run
            if value:
                out.append(text(value))
                space = value.endswith(" ")
        return "".join(out).strip()

    def _flatten(self, children: list, pieces: list) -> None:
        for child in children:
            if isinstance(child, str):
                pieces.append(("text", child))
                continue
            tag = child.tag
            if tag == "img" or tag in _BLOCKS:  # images are dropped; a block inside inline text is unusual
                if tag in _BLOCKS and tag != "hr":
                    self._flatten(child.children, pieces)
                continue
            if tag == "br":
                pieces.append(("code", "#linebreak();"))
                continue
            opening, closing = self._wrap(child)
            pieces.append(("open", opening))
            self._flatten(child.children, pieces)
            pieces.append(("close", closing))
            if tag == "a" and self.show_urls and child.attrs.get("href", "").startswith(("http://", "https://")):
                pieces.append(("text", f" ({child.attrs['href']})"))

    def _wrap(self, node: _Node) -> tuple[str, str]:
        """Typst that opens and closes an inline element (lang first, then the element itself)."""
        opening, closing = "", ""
        lang = _lang_args(node.attrs.get("lang", ""))
        if lang:
            opening, closing = f"#text({lang})[", "];"
        function = _INLINE.get(node.tag)
        if node.tag == "a" and node.attrs.get("href"):
            opening += f"#link({string(node.attrs['href'])})["
            closing = "];" + closing
        elif node.tag == "small":
            opening += "#text(size: 0.85em)["
            closing = "];" + closing
        elif function:
            opening += f"#{function}["
            closing = "];" + closing
        return opening, closing

    def block(self, node: _Node) -> str:
        body = self._block_body(node)
        lang = _lang_args(node.attrs.get("lang", ""))
        return f"#text({lang})[{body}];" if lang and body else body

    def _block_body(self, node: _Node) -> str:
        tag, kids = node.tag, node.children
        if tag in ("p", "dt", "caption", "figcaption"):
            inner = self.inline(kids)
            if not inner:
                return ""
            return f"#strong[{inner}];" if tag == "dt" else (f"#emph[{inner}];" if tag == "figcaption" else inner)
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            inner = self.inline(kids)
            if not inner:
                return ""
            self.last = min(self.top + max(int(tag[1]) - 2, 0), self.last + 1)
            return f"#heading(level: {self.last})[{inner}];"
        if tag in ("ul", "ol"):
            items = [f"[{self.blocks(li.children)}]" for li in kids if isinstance(li, _Node) and li.tag == "li"]
            if not items:
                return ""
            if tag == "ul":
                return f"#list({', '.join(items)});"
            start = node.attrs.get("start", "1")
            start = int(start) if start.isdigit() else 1
            return f"#enum(start: {start}, {', '.join(items)});"
        if tag == "blockquote":
            inner = self.blocks(kids)
            return f"#quote(block: true)[{inner}];" if inner else ""
        if tag == "pre":
            lines = "".join(_all_text(node)).strip("\n").split("\n")
            return "#block[" + "#linebreak();".join(text(line.replace(" ", "\u00a0")) for line in lines) + "];"
        if tag == "dd":
            inner = self.blocks(kids)
            return f"#pad(left: 5mm)[{inner}];" if inner else ""
        if tag == "hr":
            return "#line(length: 100%, stroke: 0.5pt);"
        if tag == "table":
            return self._table(node)
        return self.blocks(kids)  # div, li, figure, dl, and table parts met outside a table

    def _table(self, node: _Node) -> str:
        rows: list[tuple[bool, list[_Node]]] = []  # (in the header, cells)
        caption = ""
        for part in node.children:
            if not isinstance(part, _Node):
                continue
            if part.tag == "caption":
                caption = self._block_body(part)
            trs = [part] if part.tag == "tr" else [r for r in part.children if isinstance(r, _Node) and r.tag == "tr"]
            for tr in trs:
                cells = [c for c in tr.children if isinstance(c, _Node) and c.tag in ("td", "th")]
                rows.append((part.tag == "thead", cells))
        if not rows:
            return caption
        columns = max(sum(_span(c, "colspan") for c in cells) for _, cells in rows) or 1

        def cell(c: _Node) -> str:
            body = self.blocks(c.children)
            body = f"#strong[{body}];" if c.tag == "th" and body else body
            spans = "".join(f"{name}: {_span(c, name)}, " for name in ("colspan", "rowspan") if _span(c, name) > 1)
            return f"table.cell({spans}[{body}])"

        head = [cell(c) for is_head, cells in rows if is_head for c in cells]
        body = [cell(c) for is_head, cells in rows if not is_head for c in cells]
        header = f"table.header({', '.join(head)}), " if head else ""
        table = f"#table(columns: {columns}, stroke: 0.5pt + luma(136), {header}{', '.join(body)});"
        return caption + "\n\n" + table if caption else table


def _span(cell: _Node, name: str) -> int:
    value = cell.attrs.get(name, "1")
    return min(int(value), 50) if value.isdigit() and int(value) > 0 else 1


def _all_text(node: _Node) -> list[str]:
    out = []
    for child in node.children:
        if isinstance(child, str):
            out.append(child)
        elif child.tag == "br":
            out.append("\n")
        elif child.tag != "img":
            out += _all_text(child)
    return out


def _lang_args(tag: str) -> str:
    """``lang: "es", region: "CO"`` for a BCP 47 tag Typst can take, else ""."""
    match = _LANG.match(tag)
    if not match:
        return ""
    args = f"lang: {string(match[1].lower())}"
    if match[3] and match[3].isalpha():
        args += f", region: {string(match[3].upper())}"
    return args
