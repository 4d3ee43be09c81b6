"""The leak suite for the one-tap channels: e-mail links, share links and texts, preview meta, card images.

The leak fixture (tests/fixtures/leaks: drafts, embargoes, private data,
comments, withheld profiles, each with a canary; here with a consented photo
on the public tour) is built; every channel is read back with the extractors
of this file (RFC 6068 and query-string decoding, HTML unescaping, accents
and case folded; for the cards, their PNG chunks and the strings the drawing
hook reports), never with generator.leakscan, and searched for every canary.
Then two defenders withdraw consent: the fixture's Rosa and Tomasa (her
photo is on the tour's card), and, in the bundled sample, the river community
of San Ignacio (its photo is on two cards): nothing of them is left.
"""

from __future__ import annotations

import html
import io
import re
import shutil
import struct
import unicodedata
import zlib
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from PIL import Image

from conftest import REPO, Project, site_files
from marks import without_marks
from generator.build import Renderers, build
from generator.load import load
from generator.outputs.cardimage import PHOTO_WIDTH, WIDTH, _photo
from test_leaks import CANARIES, FIXTURE, HOSTILE

AS_OF = date(2026, 12, 1)
ROSA = ["Rosa", "Leakreal Nameson Canary", "public-defender", "public-action", "Public action", "UA-LEAK-001"]
TOMASA = ["Tomasa", "consented-photo"]
_HREF = re.compile(r'\s(?:href|content|data-ac-share-(?:title|text|url))="([^"]*)"')
_SHARE_TEXT = re.compile(r'<p class="ac-share__text" id="[^"]*">(.*?)</p>', re.S)


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join(without_marks(decomposed).casefold().split())


def link_texts(href: str) -> list[str]:
    """What a mail program or a network reads from a link: every address and field, decoded."""
    split = urlsplit(href)
    out = [href, unquote(split.path)]
    for key, values in parse_qs(split.query, keep_blank_values=True).items():
        out += [key] + values
    return out


def channels(site: dict[str, bytes]) -> dict[str, list[str]]:
    """Page path to everything its links, meta, share attributes and share text carry, decoded."""
    out = {}
    for path, data in site.items():
        if not path.endswith(".html"):
            continue
        text = data.decode("utf-8")
        found = [t for value in _HREF.findall(text) for t in link_texts(html.unescape(value))]
        found += [html.unescape(m) for m in _SHARE_TEXT.findall(text)]
        out[path] = found
    return out


def png_chunks(data: bytes) -> list[str]:
    """The PNG's chunk types, in order; each chunk's CRC checked, and not a byte after IEND (cards are written
    by a writer of our own, rowpng.py: nothing may ride along outside the chunks a reader shows)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, i = [], 8
    while i < len(data):
        (length,) = struct.unpack(">I", data[i:i + 4])
        kind, body = data[i + 4:i + 8], data[i + 8:i + 8 + length]
        assert struct.unpack(">I", data[i + 8 + length:i + 12 + length]) == (zlib.crc32(kind + body),), kind
        chunks.append(kind.decode("ascii"))
        i += 12 + length
        if kind == b"IEND":
            assert i == len(data), "bytes after IEND"
    return chunks


def _chunk_bodies(data: bytes, kind: bytes) -> list[bytes]:
    bodies, i = [], 8
    while i < len(data):
        (length,) = struct.unpack(">I", data[i:i + 4])
        bodies += [data[i + 8:i + 8 + length]] if data[i + 4:i + 8] == kind else []
        i += 12 + length
    return bodies


def cards_of(root: Path) -> tuple[dict[str, bytes], dict[str, list[str]]]:
    """Every card of the project, drawn afresh (no cache), and the strings drawn on each: the drawing's test hook."""
    renderers = Renderers(load(root, AS_OF))
    cards = next(output for output in renderers.outputs if output.name == "cards")
    return cards.render(), cards.drawn


def withdraw(profile: Path) -> None:
    text = profile.read_text()
    assert "  given_on: " in text
    profile.write_text(re.sub(r"(  given_on: .*\n)", r"\1  withdrawn_on: 2026-12-01\n", text, count=1))


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("share-leaks")
    root = base / "project"
    shutil.copytree(FIXTURE, root)
    shutil.copytree(REPO / "theme", root / "theme")
    tour = root / "content/tours/public-tour.md"
    tour.write_text(tour.read_text().replace("defenders: [public-defender]", "defenders: [consented-photo, public-defender]"))
    out = {}
    build(root, base / "site", AS_OF, cache_dir=base / "cache")
    out["before"] = site_files(base / "site")
    out["cards-before"] = cards_of(root)
    withdraw(root / "content/defenders/public-defender.md")
    withdraw(root / "content/defenders/consented-photo.md")
    build(root, base / "site", AS_OF, cache_dir=base / "cache")
    out["after"] = site_files(base / "site")
    out["cards-after"] = cards_of(root)
    return out


def test_the_channels_carry_what_is_public(built):
    """A positive control: the extractors find the public texts in every channel."""
    site = built["before"]
    page = " ".join(channels(site)["actions/public-action/index.html"])
    assert "minister@leaks.example.org" in page and "embassy@leaks.example.org" in page
    assert "Dear Minister,\r\n\r\nProtect Rosa." in page  # the letter, in the appeal's body
    assert "Write for Rosa today. https://leaks.example.org/actions/public-action/ #LeakPublicTag" in page
    assert "I wrote: UA-LEAK-001" in page and "hello@leaks.example.org" in page
    assert "https://leaks.example.org/actions/public-action/card.png" in page
    assert "Join the public campaign." in " ".join(channels(site)["campaigns/public-campaign/index.html"])
    assert "Come and listen." in " ".join(channels(site)["tours/public-tour/index.html"])
    cards, drawn = built["cards-before"]
    assert {"actions/public-action/card.png", "actions/public-resolved/card.png", "tours/public-tour/card.png",
            "campaigns/public-campaign/card.png", "card.png"} == set(cards)


@pytest.mark.parametrize("canary", CANARIES + HOSTILE)
def test_no_canary_in_any_link_share_text_meta_or_card(built, canary):
    needle = fold(canary)
    found = [path for path, texts in channels(built["before"]).items() if needle in fold(" ".join(texts))]
    _, drawn = built["cards-before"]
    found += [path for path, strings in drawn.items() if needle in fold(" ".join(strings))]
    assert found == []


def test_cards_say_only_their_public_fields_and_carry_no_metadata(built):
    cards, drawn = built["cards-before"]
    site = built["before"]
    assert drawn == {
        "card.png": ["Leak Test Network", "Leak Test Network"],
        "actions/public-action/card.png": ["URGENT ACTION · UA-LEAK-001", "Public action", "Act by December 20, 2026",
                                           "Leak Test Network"],
        "actions/public-resolved/card.png": ["URGENT ACTION · UA-LEAK-002", "Public resolved action",
                                             "Resolved: good news", "Leak Test Network"],
        "tours/public-tour/card.png": ["SPEAKER TOUR", "Public tour", "Dec 10\u2009–\u200912, 2026", "Leak Test Network"],
        "campaigns/public-campaign/card.png": ["CAMPAIGN", "Public campaign", "Since January 1, 2026",
                                               "Leak Test Network"],
    }
    for path, data in cards.items():
        assert site[path] == data, f"{path}: the built card is not the one drawn from the same input"
        chunks = png_chunks(data)
        assert chunks[0] == "IHDR" and chunks[-1] == "IEND" and set(chunks) <= {"IHDR", "PLTE", "IDAT", "IEND"}, path
        with Image.open(io.BytesIO(data)) as image:
            assert image.size == (1200, 630) and not image.info, path
            assert image.mode == ("RGB" if path == "tours/public-tour/card.png" else "P"), path  # a photo: full colour
        # The pixels' stream holds the rows and nothing after them.
        stream = zlib.decompressobj()
        rows = stream.decompress(b"".join(_chunk_bodies(data, b"IDAT")))
        assert stream.eof and stream.unused_data == b"" and len(rows) == 630 * (1 + 1200 * len(image.mode)), path


def _photo_area(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as image:
        return image.crop((WIDTH - PHOTO_WIDTH, 0, WIDTH, 630)).tobytes()


def test_the_consented_photo_is_on_the_tour_card_until_consent_is_withdrawn(built):
    photo = _photo((FIXTURE / "content/media/consented.jpg").read_bytes()).tobytes()
    assert _photo_area(built["before"]["tours/public-tour/card.png"]) == photo
    assert not any(_photo_area(data) == photo for path, data in built["after"].items() if path.endswith("card.png"))
    no_consent = _photo((FIXTURE / "content/media/zz-photo-no-consent.jpg").read_bytes()).tobytes()
    assert not any(_photo_area(data) == no_consent for path, data in built["before"].items() if path.endswith("card.png"))


@pytest.mark.parametrize("name", ROSA + TOMASA)
def test_after_the_withdrawal_no_link_text_or_card_names_them(built, name):
    pattern = re.compile(r"(?<!\w)" + re.escape(fold(name)) + r"(?!\w)")
    found = [path for path, texts in channels(built["after"]).items() if pattern.search(fold(" ".join(texts)))]
    _, drawn = built["cards-after"]
    found += [path for path, strings in drawn.items() if pattern.search(fold(" ".join(strings)))]
    assert found == []
    assert "actions/public-action/card.png" not in built["after"]  # the action about Rosa is withheld, card and all


def test_a_sample_defender_who_withdraws_leaves_no_card_with_her_photo(tmp_path):
    """The bundled sample: the river community of San Ignacio, whose photo is on two cards, withdraws."""
    project = Project(tmp_path / "sample")
    shutil.rmtree(project.root / "content")
    project.copy_sample("content", "campaigns", "mkdocs.yml")
    photo = _photo((REPO / "content/media/river.jpg").read_bytes()).tobytes()
    cards_before, _ = cards_of(project.root)
    with_photo = sorted(p for p, data in cards_before.items() if _photo_area(data) == photo)
    assert with_photo == ["actions/river-guardians/card.png", "tours/voices-of-the-river/card.png"]
    withdraw(project.root / "content/defenders/san-ignacio-river-community.md")
    build(project.root, tmp_path / "site", AS_OF, cache_dir=tmp_path / "cache")
    site = site_files(tmp_path / "site")
    cards = {p: d for p, d in site.items() if p.endswith("card.png")}
    assert cards and not any(_photo_area(data) == photo for data in cards.values())
    name = re.compile(r"(?<!\w)river community of san ignacio(?!\w)")
    assert [p for p, texts in channels(site).items() if name.search(fold(" ".join(texts)))] == []
