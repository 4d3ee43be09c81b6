"""Sanitised HTML as the plain text of an e-mail: paragraphs, numbered steps, links written out.

The text part of an alert (generator/alerts/) and the letter an "E-mail this
appeal" link carries (:mod:`.mobilise`) are made from the same sanitised HTML
as the page (never from the Markdown source, which may hold markup the
sanitiser removed), so both say the same and neither carries what a page would not.
"""

from __future__ import annotations

from html.parser import HTMLParser

#: Tags that start and end a block of text (a paragraph of their own).
_BLOCKS = {"p", "div", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "tr", "ul", "ol", "dl",
           "dt", "dd", "figure", "figcaption", "hr", "address"}
BREAK = "\x00"


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, bool]] = []  # (text, is a list item)
        self.item = False
        self.line: list[str] = []
        self.lists: list[list] = []  # one [kind, next number] per open list
        self.links: list[str | None] = []
        self.pre = 0

    def flush(self) -> None:
        text = "".join(self.line)
        if not self.pre:  # source line breaks are spaces; <br> (BREAK) is a line break
            text = "\n".join(" ".join(part.split()) for part in text.split(BREAK))
        if text.strip("\n "):
            self.blocks.append((text.strip("\n") if self.pre else text.strip(), self.item))
        self.line = []
        self.item = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in _BLOCKS or tag == "li":
            self.flush()
        if tag == "pre":
            self.pre += 1
        elif tag in ("ul", "ol"):
            start = attrs.get("start") or "1"
            self.lists.append([tag, int(start) if start.isdigit() else 1])
        elif tag == "li":
            self.item = True
            if self.lists and self.lists[-1][0] == "ol":
                self.line.append(f"{self.lists[-1][1]}. ")
                self.lists[-1][1] += 1
            else:
                self.line.append("- ")
        elif tag == "br":
            self.line.append("\n" if self.pre else BREAK)
        elif tag == "a":
            self.links.append(attrs.get("href"))
            self._link_start = len("".join(self.line))
        elif tag == "img" and attrs.get("alt"):
            self.line.append(f"[{attrs['alt']}]")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "a" and self.links:
            href = self.links.pop()
            shown = "".join(self.line)[getattr(self, "_link_start", 0):].strip()
            target = href[len("mailto:"):] if href and href.startswith("mailto:") else href
            if target and target != shown:
                self.line.append(f" <{target}>")
        elif tag == "pre":
            self.flush()
            self.pre = max(0, self.pre - 1)
        elif tag in ("ul", "ol") and self.lists:
            self.flush()
            self.lists.pop()
        elif tag in _BLOCKS or tag == "li":
            self.flush()

    def handle_data(self, data):
        self.line.append(data)


def html_to_text(html: str) -> str:
    """The text of a sanitised HTML fragment, as a mail program shows plain text: blocks apart by a blank line.

    List items stay together (numbered for ``<ol>``), ``<br>`` breaks a line,
    and a link is followed by its address in angle brackets, unless its text
    is the address already.
    """
    parser = _Text()
    parser.feed(html)
    parser.close()
    parser.flush()
    out: list[str] = []
    after_item = False
    for block, item in parser.blocks:
        if item and after_item:  # items of one list are lines of one block, not paragraphs
            out[-1] += "\n" + block
        else:
            out.append(block)
        after_item = item
    return "\n\n".join(out)
