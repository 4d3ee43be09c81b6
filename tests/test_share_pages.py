"""The one-tap parts of the built pages, parsed back: who gets an appeal link, when the page says the letter
is cut, the share texts, the preview tags and cards of every page, the footer's contact address."""

from __future__ import annotations

import html
import io
import re
import struct
import zlib
from html.parser import HTMLParser
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from PIL import Image

from conftest import REPO, SAMPLE_AS_OF, VALID_ACTION, site_files
from generator.build import Renderers, build
from generator.load import load
from generator.outputs.mailto import BUDGET


class Page(HTMLParser):
    """The links, meta tags and text of one page."""

    def __init__(self, data: bytes):
        super().__init__(convert_charrefs=True)
        self.links: list[dict] = []
        self.meta: dict[str, str] = {}
        self.icons: list[str] = []
        self.text: list[str] = []
        self.feed(data.decode("utf-8"))

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and "href" in attrs:
            self.links.append(attrs)
        elif tag == "meta" and ("property" in attrs or "name" in attrs):
            self.meta[attrs.get("property") or attrs["name"]] = attrs.get("content", "")
        elif tag == "link" and attrs.get("rel") == "icon":
            self.icons.append(attrs["href"])

    def handle_data(self, data):
        self.text.append(data)

    def mailtos(self, contains: str = "") -> list[str]:
        return [a["href"] for a in self.links if a["href"].startswith("mailto:") and contains in a["href"]]

    def appeals(self) -> list[str]:
        """The "E-mail this appeal" links."""
        return [a["href"] for a in self.links if "ac-appeal" in a.get("class", "").split()]

    @property
    def words(self) -> str:
        return " ".join(" ".join(self.text).split())


def query(href: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(href).query, keep_blank_values=True).items()}


@pytest.fixture(scope="module")
def site(sample_site) -> dict[str, bytes]:
    return site_files(sample_site)


def page(site, path) -> Page:
    return Page(site[path])


def test_appeals_go_only_to_targets_with_an_address_of_open_actions(site):
    river = page(site, "actions/river-guardians/index.html")
    assert [urlsplit(h).path for h in river.appeals()] == ["despacho@fiscalia.example.org"]
    union = page(site, "actions/union-leader-guatemala/index.html")  # its only target has no e-mail address
    assert union.appeals() == [] and union.mailtos("UA-2026-034") == union.mailtos("I%20wrote%3A%20UA-2026-034")
    assert len(union.mailtos("UA-2026-034")) == 1 and "Tell us you wrote" in union.words
    for closed in ("journalist-detained", "land-defenders-released"):  # closed; resolved
        found = page(site, f"actions/{closed}/index.html")
        assert found.appeals() == [] and found.mailtos("I%20wrote") == []


def test_the_share_text_comes_from_the_share_key_while_open_else_from_title_deadline_and_address(site):
    union = page(site, "actions/union-leader-guatemala/index.html")
    whatsapp = next(a["href"] for a in union.links if a["href"].startswith("https://wa.me/"))
    assert query(whatsapp)["text"] == ("A union leader in Guatemala was threatened with death after a strike for "
                                      "unpaid wages. Write to the Minister of Labour before 3 December. "
                                      "https://accompany.example.org/actions/union-leader-guatemala/ #RiversNotBullets")
    resolved = page(site, "actions/land-defenders-released/index.html")
    bluesky = next(a["href"] for a in resolved.links if a["href"].startswith("https://bsky.app/"))
    assert query(bluesky)["text"].startswith("Good news: Two land defenders released https://")
    assert not any("wa.me" in a["href"] for a in page(site, "actions/journalist-detained/index.html").links)
    tour = page(site, "tours/voices-of-the-river/index.html")
    x = next(a["href"] for a in tour.links if a["href"].startswith("https://x.com/"))
    assert re.fullmatch(r"Voices of the River: a European speaker tour\. Dec \d+ – \d+, 2026\. "
                        r"https://accompany\.example\.org/tours/voices-of-the-river/ #RiversNotBullets",
                        query(x)["text"]), query(x)["text"]
    for page_ in (union, resolved, tour):
        for link in page_.links:
            if urlsplit(link["href"]).hostname in ("wa.me", "t.me", "bsky.app", "x.com", "www.facebook.com"):
                assert link.get("rel") == "noopener noreferrer" and "target" not in link


def test_every_page_has_preview_tags_a_card_and_the_contact_address(site):
    pages = [p for p in site if p.endswith(".html") and "/print/" not in p and not p.startswith("admin/")]
    assert len(pages) > 30
    for path in pages:
        found = page(site, path)
        meta = found.meta
        for key in ("og:type", "og:title", "og:site_name", "og:locale", "og:image", "og:image:alt",
                    "twitter:card", "twitter:image"):
            assert meta.get(key), (path, key)
        if not path.endswith("404.html"):  # each language has one
            assert meta["og:url"] == "https://accompany.example.org/" + path.removesuffix("index.html"), path
            assert meta.get("og:description"), path
        card = meta["og:image"].removeprefix("https://accompany.example.org/")
        assert site[card][:8] == b"\x89PNG\r\n\x1a\n", (path, card)
        assert "mailto:hello@example.org" in [a["href"] for a in found.links], path  # the footer
    river = page(site, "actions/river-guardians/index.html").meta
    assert river["og:type"] == "article" and river["og:image"].endswith("/actions/river-guardians/card.png")
    assert html.unescape(river["og:image:alt"]) == ("Urgent action · UA-2026-031: Protect the river guardians of "
                                                    "San Ignacio. Act by December 22, 2026.")
    assert page(site, "index.html").meta["og:type"] == "website"


def test_the_print_page_names_an_existing_favicon_and_links_back(site):
    found = page(site, "actions/river-guardians/print/index.html")
    assert [icon.removeprefix("../../../") for icon in found.icons] == ["assets/images/favicon.png"]
    assert "assets/images/favicon.png" in site
    assert {"href": "../../../actions/river-guardians/", "class": "sheet-tools__back"} in found.links


def test_cards_are_the_same_bytes_every_time_and_from_the_cache(sample_site, tmp_path):
    loaded = load(REPO, SAMPLE_AS_OF)
    first = next(o for o in Renderers(loaded).outputs if o.name == "cards").render()
    second = next(o for o in Renderers(load(REPO, SAMPLE_AS_OF)).outputs if o.name == "cards").render()
    assert first == second and len(first) == 9
    built = site_files(sample_site)  # built with a cache, from an empty one
    assert {p: built[p] for p in first} == first


def _png_rows(data: bytes) -> bytes:
    """A PNG's pixel rows, decompressed by a parser of our own (zlib checks the stream's Adler-32 as it ends)."""
    at, idat = 8, b""
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        (crc,) = struct.unpack(">I", data[at + 8 + length:at + 12 + length])
        assert crc == zlib.crc32(data[at + 4:at + 8 + length]), kind
        idat += data[at + 8:at + 8 + length] if kind == b"IDAT" else b""
        at += 12 + length
    return zlib.decompress(idat)


def _rows(image: Image.Image) -> bytes:
    """The rows of a palette image as a PNG holds them, each after its filter byte (0: none)."""
    pixels, width = image.tobytes(), image.width
    return b"".join(b"\0" + pixels[i:i + width] for i in range(0, len(pixels), width))


#: Cards that test the writer: long titles in four lines, another script, lines that touch, a badge cut short.
HARD_CARDS = [("", "Only a title", "", "neutral", ""),
              ("Urgent action · UA-1", "Defenders of the río San Ignacio, Ñuñoa and Åland " * 6,
               "Act by 1 December 2026", "open", "Org"),
              ("अभियान", "नदी के रक्षकों की रक्षा करें and the river", "Closed", "closed", "संगठन"),
              ("Campaign", "Resolved", "Resolved: good news " * 8, "resolved", "Network " * 20),
              ("K", "gjpqy ÅÅÅÅ ǺǺǺ " * 8, "Since 2020", "neutral", "Org"),
              ("Urgent action · UA-2", "Closed", "Closed", "closed", "Org")]


def test_a_card_without_a_photo_is_written_with_exactly_the_pixels_drawn(monkeypatch):
    """Cards without a photo are written by rowpng.py (runs of rows compressed once per build and joined): the
    PNG must decode, in Pillow and in zlib, to the very image drawn, with its palette, whatever was written
    before it; and a fresh writer gives the same bytes as the build's, which has kept runs of other cards."""
    from generator.outputs import cardimage, rowpng
    cards = next(o for o in Renderers(load(REPO, SAMPLE_AS_OF)).outputs if o.name == "cards")
    texts = [card for _, card, photo in cards.cards.values() if photo is None]
    texts += [cardimage.CardText(*fields) for fields in HARD_CARDS]
    texts += texts  # again: now from the runs kept
    assert len(texts) >= 2 * 12
    drawn: list[Image.Image] = []
    write = rowpng.RowPNG.png
    monkeypatch.setattr(rowpng.RowPNG, "png", lambda self, image, bands: drawn.append(image.copy()) or
                        write(self, image, bands))
    fonts, png = cardimage.Fonts(REPO / "theme/assets/fonts"), cardimage.writer()
    for card in texts:
        data = cardimage.draw(card, fonts, None, png).png
        image = drawn[-1]
        assert image.mode == "P" and image.size == (1200, 630)
        with Image.open(io.BytesIO(data)) as written:
            written.verify()
        with Image.open(io.BytesIO(data)) as written:
            assert written.mode == "P" and written.size == (1200, 630) and not written.info, card
            assert written.tobytes() == image.tobytes() and written.getpalette() == image.getpalette(), card
        assert _png_rows(data) == _rows(image), card
        assert cardimage.draw(card, cardimage.Fonts(REPO / "theme/assets/fonts")).png == data, card
    assert any(png._inked.values()) and len(png._blank) > 1  # the runs kept were used, and written right


def test_the_writer_writes_every_row_whatever_bands_it_is_told():
    """The bands only say where a run of rows starts: a row drawn on outside them is written all the same, and
    a run that looks like one kept but is not (one pixel off) is not taken for it."""
    from generator.outputs import cardimage
    png = cardimage.writer()
    blank = cardimage._Palette().new()
    cardimage._Palette().stripe(cardimage.ImageDraw.Draw(blank))
    first, second = blank.copy(), blank.copy()
    first.putpixel((600, 300), 40)
    second.putpixel((601, 300), 40)
    for image, bands in [(first, []), (second, [(290, 310)]), (first, [(290, 310)]), (blank, [(0, 630)]),
                         (second, [(0, 1), (629, 630), (300, 301)]), (first, [(-5, 700)])]:
        data = png.png(image, bands)
        with Image.open(io.BytesIO(data)) as written:
            assert written.tobytes() == image.tobytes() and written.getpalette() == image.getpalette(), bands
        assert _png_rows(data) == _rows(image), bands
    with pytest.raises(ValueError):
        png.png(blank.convert("RGB"), [])


def test_a_long_letter_is_cut_and_the_page_says_so_and_without_a_contact_there_is_no_tell_us(project, tmp_path):
    paragraphs = "\n\n".join(f"  Paragraph {i}: " + "please protect the river community " * 8 for i in range(10))
    action = VALID_ACTION.replace("    salutation: Dear Minister\n",
                                  "    salutation: Dear Minister\n    email: minister@gov.example\n")
    action = action.replace("letter: |\n  Dear Minister, please act.\n",
                            "letter: |\n  Dear Minister,\n\n" + paragraphs + "\n\n  Yours sincerely,\n")
    project.write("content/actions/long.md", action)
    build(project.root, tmp_path / "site", SAMPLE_AS_OF, cache_dir=tmp_path / "cache")
    found = Page((tmp_path / "site/actions/long/index.html").read_bytes())
    [href] = found.appeals()
    assert len(href) <= BUDGET
    body = unquote(query(href)["body"])
    assert body.startswith("Dear Minister,\r\n\r\nParagraph 0:") and "Paragraph 9" not in body
    assert body.endswith("paste the rest from https://example.org/actions/long/#letter]")
    assert "This letter is too long for an e-mail link" in found.words
    assert found.mailtos("I%20wrote") == [] and "Tell us you wrote" not in found.words  # no contact_email
    assert "Write to us" not in found.words
