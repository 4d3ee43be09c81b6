"""One preview card as a PNG: 1200 x 630 pixels, the texts it is given and nothing else.

Pure but for the fonts it reads (``theme/assets/fonts/``, as the PDFs do):
:func:`draw` takes the texts of a card and, optionally, a photo already
cleared for publication, and returns the PNG and the list of every string it
drew (the test hook the leak suite reads: what a card shows can be checked
without OCR). The PNG holds the pixels (and, without a photo, their palette)
only: no text, time, EXIF or colour profile chunk; the same texts, photo,
fonts and Pillow give the same bytes. A card without a photo is written by
the build's :class:`~.rowpng.RowPNG` (:func:`writer`), which compresses the
rows every card shares once per build.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps

from .rowpng import RowPNG

WIDTH, HEIGHT = 1200, 630
PHOTO_WIDTH = 400
MARGIN = 72
RED, INK, WHITE = (138, 28, 21), (17, 17, 17), (255, 255, 255)
BADGES = {"open": RED, "closed": (68, 68, 68), "resolved": (27, 94, 32), "neutral": (51, 51, 51)}
#: Title sizes tried in turn: the largest that fits in three lines wins; the last may take four, cut with an ellipsis.
TITLE_SIZES = (68, 60, 52, 44)
#: Words kept drawn per build, the last used (about 15 KB each: at most about 15 MB).
WORDS_KEPT = 1024

#: A word's figures are drawn one by one, so that ids, numbers and dates come from the words kept: the fonts
#: kern no pair with a figure in it, so a word's figures sit where the word drawn whole has them.
_FIGURES = re.compile("([0-9])")
_DEVANAGARI = re.compile("([\u0900-\u097f\u1cd0-\u1cff\ua8e0-\ua8ff]+(?:[ \u200c\u200d]+[\u0900-\u097f\u1cd0-\u1cff\ua8e0-\ua8ff]+)*)")


@dataclass(frozen=True)
class CardText:
    """What one card says, every string already public (cards.py takes them from the public site)."""

    kicker: str
    """Above the title: "URGENT ACTION · UA-2026-031"."""
    title: str
    badge: str = ""
    """The date line in a coloured box: "Act by 22 December 2026"; "" for none."""
    badge_style: str = "neutral"
    """open, closed, resolved or neutral: the box's colour."""
    organisation: str = ""


@dataclass
class Drawn:
    """A card: the PNG and every string drawn on it, in order."""

    png: bytes
    strings: list[str] = field(default_factory=list)


class Fonts:
    """Noto Sans (Latin, Greek, Cyrillic) and Noto Sans Devanagari from the theme's fonts folder, by size.

    One per build: it keeps each word it drew, as a mask, for the next card that says it (the words of a
    site's titles repeat, and FreeType's drawing of a glyph costs more than pasting it).
    """

    def __init__(self, folder: Path):
        self.folder = folder
        self._cache: dict[tuple[str, int], ImageFont.FreeTypeFont] = {}
        self._widths: dict[tuple[str, bool, int], float] = {}
        self.word = lru_cache(maxsize=WORDS_KEPT)(self._word)

    def get(self, name: str, size: int) -> ImageFont.FreeTypeFont:
        key = (name, size)
        if key not in self._cache:
            self._cache[key] = ImageFont.truetype(str(self.folder / f"{name}.ttf"), size)
        return self._cache[key]

    def runs(self, text: str, bold: bool, size: int) -> list[tuple[str, ImageFont.FreeTypeFont]]:
        """``text`` cut into runs, each with the font that has its script."""
        weight = "Bold" if bold else "Regular"
        out = []
        for i, part in enumerate(_DEVANAGARI.split(text)):
            if part:
                out.append((part, self.get(("NotoSansDevanagari-" if i % 2 else "NotoSans-") + weight, size)))
        return out

    def width(self, text: str, bold: bool, size: int) -> float:
        key = (text, bold, size)
        if key not in self._widths:
            self._widths[key] = sum(font.getlength(part) for part, font in self.runs(text, bold, size))
        return self._widths[key]

    def line_width(self, words: list[str], bold: bool, size: int) -> float:
        """The width of words set with one space between each (kerning across a space ignored)."""
        return sum(self.width(w, bold, size) for w in words) + self.width(" ", bold, size) * (len(words) - 1)

    def _word(self, word: str, bold: bool, size: int) -> tuple[Image.Image, int, int] | None:
        """``word`` (no space in it) drawn once as a mask: ``(mask, left, top)``, its offsets from the point where
        its baseline starts; None for a word that shows nothing."""
        runs = self.runs(word, bold, size)
        pad = size // 2  # a glyph may reach out of its advance, and a mark above the ascent
        ascent = max(font.getmetrics()[0] for _, font in runs) + pad
        descent = max(font.getmetrics()[1] for _, font in runs) + pad
        mask = Image.new("L", (int(self.width(word, bold, size)) + 2 * pad, ascent + descent))
        pen, x = ImageDraw.Draw(mask), pad
        for part, font in runs:
            pen.text((x, ascent), part, font=font, fill=255, anchor="ls")
            x += font.getlength(part)
        box = mask.getbbox()
        return (mask.crop(box), box[0] - pad, box[1] - ascent) if box else None


def _wrap(fonts: Fonts, text: str, bold: bool, size: int, width: float) -> list[str]:
    """Greedy line breaking at spaces; a word wider than a line is broken between characters."""
    lines: list[str] = []
    line: list[str] = []
    for word in text.split():
        if fonts.line_width(line + [word], bold, size) <= width:
            line.append(word)
            continue
        if line:
            lines.append(" ".join(line))
        while len(word) > 1 and fonts.width(word, bold, size) > width:
            cut = next((n for n in range(len(word) - 1, 0, -1) if fonts.width(word[:n], bold, size) <= width), 1)
            lines.append(word[:cut])
            word = word[cut:]
        line = [word]
    if line:
        lines.append(" ".join(line))
    return lines


def _fit_title(fonts: Fonts, title: str, width: float) -> tuple[int, list[str]]:
    for size in TITLE_SIZES[:-1]:
        lines = _wrap(fonts, title, True, size, width)
        if len(lines) <= 3:
            return size, lines
    size = TITLE_SIZES[-1]
    lines = _wrap(fonts, title, True, size, width)
    if len(lines) > 4:
        last = lines[3]
        while last and fonts.width(last + " …", True, size) > width:
            last = last[:-1].rstrip()
        lines = lines[:3] + [last + " …"]
    return size, lines


@lru_cache(maxsize=16)
def _photo(data: bytes) -> Image.Image:
    """The photo upright, in RGB, cut to fill the card's right side (its middle kept); kept for the next card of
    the same defender (never changed: cards paste it)."""
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        upright = ImageOps.exif_transpose(image).convert("RGB")
    return ImageOps.fit(upright, (PHOTO_WIDTH, HEIGHT), Image.Resampling.LANCZOS, centering=(0.5, 0.4))


def writer() -> RowPNG:
    """A PNG writer for one build's cards without a photo (it keeps the rows they share, compressed)."""
    return _Palette().writer()


def draw(card: CardText, fonts: Fonts, photo: bytes | None = None, png: RowPNG | None = None) -> Drawn:
    """The card as PNG bytes, with every string drawn; ``png``: the build's :func:`writer` (else one of its own)."""
    # Without a photo, a card is flat colours and the anti-aliased edges between them: it is drawn straight
    # in a palette of exactly those (each text colour on its background, in 17 steps: half the bytes of full
    # colour); with a photo, in full colour.
    paint = _Palette() if photo is None else _FullColour()
    image = paint.new()
    pen = ImageDraw.Draw(image)
    drawn: list[str] = []
    bands: list[tuple[int, int]] = []  # the rows drawn on but for the stripe: where the PNG's runs of rows start

    def text(x: float, y: int, value: str, bold: bool, size: int, fore, back=WHITE) -> None:
        """Draws ``value`` in ``fore`` on ``back`` with its baseline at ``y``, word by word."""
        drawn.append(value)
        ink, space = paint.ink(back, fore), fonts.width(" ", bold, size)
        for word in value.split(" "):
            for piece in _FIGURES.split(word):
                found = fonts.word(piece, bold, size) if piece else None
                if found:
                    mask, left, top = found
                    image.paste(ink, (round(x) + left, y + top), mask)
                    bands.append((y + top, y + top + mask.height))
                x += fonts.width(piece, bold, size)
            x += space

    right = WIDTH - MARGIN
    if photo is not None:
        image.paste(_photo(photo), (WIDTH - PHOTO_WIDTH, 0))
        right = WIDTH - PHOTO_WIDTH - 56
    paint.stripe(pen)
    width = right - MARGIN

    y = 64 + 28
    if card.kicker:
        kicker = card.kicker.upper()
        while len(kicker) > 1 and fonts.width(kicker, True, 28) > width:
            kicker = kicker[:-1]
        text(MARGIN, y, kicker, True, 28, RED)
        y += 36
    size, lines = _fit_title(fonts, card.title, width)
    step = round(size * 1.18)
    y += step - 8
    for line in lines:
        text(MARGIN, y, line, True, size, INK)
        y += step
    if card.badge:
        badge_size = next((n for n in (36, 32, 28, 24) if fonts.width(card.badge, True, n) + 48 <= width), 24)
        badge = card.badge
        while len(badge) > 1 and fonts.width(badge + "…", True, badge_size) + 48 > width:
            badge = badge[:-1].rstrip()
        badge += "…" if badge != card.badge else ""
        top = y - step + 40
        box_width = fonts.width(badge, True, badge_size) + 48
        colour = BADGES.get(card.badge_style, BADGES["neutral"])
        pen.rounded_rectangle((MARGIN, top, MARGIN + box_width, top + 64), radius=10, fill=paint.ink(colour, colour))
        bands.append((top, top + 65))
        text(MARGIN + 24, top + 45, badge, True, badge_size, WHITE, colour)
    if card.organisation:
        organisation = card.organisation
        while len(organisation) > 1 and fonts.width(organisation, True, 28) > width:
            organisation = organisation[:-1]
        text(MARGIN, HEIGHT - 56, organisation, True, 28, INK)
    return Drawn(paint.png(image, bands, png), drawn)


class _Paint:
    """How a card is painted: in full colour or in a palette's indices."""

    def ink(self, back, fore):
        raise NotImplementedError

    def stripe(self, pen: ImageDraw.ImageDraw) -> None:
        """The red stripe down the card's left edge."""
        pen.rectangle((0, 0, 15, HEIGHT), fill=self.ink(WHITE, RED))


class _FullColour(_Paint):
    """Drawing in RGB: a text's ink is its colour, blended with what is under it by its mask."""

    def new(self) -> Image.Image:
        return Image.new("RGB", (WIDTH, HEIGHT), WHITE)

    def ink(self, back, fore):
        return fore

    def png(self, image: Image.Image, bands, writer) -> bytes:
        out = io.BytesIO()
        image.save(out, "PNG", compress_level=6)
        return out.getvalue()


class _Palette(_Paint):
    """Drawing in the palette's indices. Each text colour on its background is a ramp of 17 indices, from the
    background's to the text's, so that a text's mask blending its ink's index with its background's (what
    Pillow does on a palette image) gives the index of the right shade. White on the page is one index,
    between the red ramp (below it) and the ink ramp (above it); each badge colour starts a ramp to white."""

    def new(self) -> Image.Image:
        image = Image.new("P", (WIDTH, HEIGHT), _WHITE)
        image.putpalette(_palette())
        return image

    def ink(self, back, fore) -> int:
        return _INDEX[back, fore]

    def writer(self) -> RowPNG:
        """The writer of cards drawn in this palette: its blank rows are those of a card with nothing on it."""
        blank = self.new()
        self.stripe(ImageDraw.Draw(blank))
        return RowPNG(blank)

    def png(self, image: Image.Image, bands: list[tuple[int, int]], writer: RowPNG | None) -> bytes:
        return (writer or self.writer()).png(image, bands)


def _ramp(back, fore) -> list[tuple[int, ...]]:
    return [tuple(round(b + (f - b) * step / 16) for b, f in zip(back, fore)) for step in range(17)]


#: Page white's index, the red ramp's (down to red at 0) and the ink ramp's (up to ink) background.
_WHITE = 16


def _indices() -> dict:
    """(background, text colour) to the text colour's index; (colour, colour) to that of a plain area of it."""
    out = {(WHITE, RED): 0, (WHITE, INK): 2 * _WHITE, (WHITE, WHITE): _WHITE}
    for n, badge in enumerate(dict.fromkeys(BADGES.values())):
        out[badge, badge] = 2 * _WHITE + 1 + 17 * n
        out[badge, WHITE] = out[badge, badge] + 16
    return out


_INDEX = _indices()


@lru_cache(maxsize=1)
def _palette() -> list[int]:
    colours = _ramp(WHITE, RED)[::-1] + _ramp(WHITE, INK)[1:]
    for badge in dict.fromkeys(BADGES.values()):
        colours += _ramp(badge, WHITE)
    return [value for colour in colours for value in colour]
