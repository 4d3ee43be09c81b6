"""PNG writing for palette images that share most of their rows: a build's preview cards, fast.

A PNG's pixels are one zlib stream of its rows. Compressing a card's 630
rows took four fifths of drawing it (Pillow's writer), yet most of them are
the blank row of every card (the red stripe on white), and some of the others
repeat from card to card (the organisation's line, a badge that says
"Closed"). :class:`RowPNG` cuts an image into runs of rows at the bands it is
told were drawn on, compresses each run on its own (from an empty window and
ending on a byte, so that runs can be joined: the same bytes for the same run
wherever it is), and keeps what it compressed for the next image with the
same run: a run of n blank rows is compressed once per build, and a band only
for its first card. The stream's checksum is combined from the runs'.

The pixels are the image's; the bytes are not Pillow's, but its header is
(signature, IHDR and PLTE, as Pillow writes them for the blank image): no
text, time or other metadata chunk. The same image and bands give the same
bytes, whatever was written before.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections import OrderedDict
from functools import cached_property

from PIL import Image

#: zlib's level for a run (3: as Pillow wrote the cards before; the fastest levels differ little on text rows).
LEVEL = 3
#: Bytes of runs with ink kept (each with its compressed form), the last used: a band of text is 30 to 100 KB.
KEPT = 16 * 1024 * 1024
_ADLER = 65521
_NONE = b"\0"  # each row's filter: none (as Pillow writes palette images)


class RowPNG:
    """The PNG writer of a build's palette images: all of ``blank``'s size, mode and palette.

    ``blank``: the image every one starts from (mode "P"); each of its rows must be the same.
    """

    def __init__(self, blank: Image.Image):
        if blank.mode != "P":
            raise ValueError("RowPNG writes palette images only")
        self.width, self.height = blank.size
        self._rows = raw = blank.tobytes()
        self.row = raw[:self.width]
        if raw != self.row * self.height:
            raise ValueError("RowPNG takes a blank image whose rows are all the same")
        self.palette = blank.getpalette()
        self._image = blank
        self._blank: dict[int, tuple[bytes, int]] = {}
        self._inked: OrderedDict[bytes, tuple[bytes, int]] = OrderedDict()
        self._kept = 0

    @cached_property
    def header(self) -> bytes:
        """The signature, IHDR and PLTE chunks, as Pillow writes them for the blank image."""
        out = io.BytesIO()
        self._image.save(out, "PNG")
        data = out.getvalue()
        if data[24:26] != b"\x08\x03":  # IHDR: depth 8, colour type 3 (palette)
            raise ValueError("RowPNG writes 8-bit palette images only")
        return data[:data.index(b"IDAT") - 4]

    def png(self, image: Image.Image, bands: list[tuple[int, int]]) -> bytes:
        """``image`` as PNG bytes; ``bands``: the rows ``(start, end)`` drawn on, ends excluded.

        A row outside the bands that is not blank is written all the same (as a run with ink): the bands
        only say where runs start and end, never what a row holds."""
        if image.mode != "P" or image.size != (self.width, self.height) or image.getpalette() != self.palette:
            raise ValueError("RowPNG writes images of its blank's size, mode and palette only")
        raw, width = image.tobytes(), self.width
        parts, adler = [], 1
        for start, end in _runs(bands, self.height):
            rows = raw[start * width:end * width]
            deflated, checksum = self._run(rows, end - start)
            parts.append(deflated)
            adler = _adler_combine(adler, checksum, (end - start) * (width + 1))
        # zlib's header (level: fast), the runs, an empty last block, the checksum of every row and its filter byte.
        stream = b"\x78\x5e" + b"".join(parts) + b"\x03\x00" + struct.pack(">I", adler)
        return self.header + _chunk(b"IDAT", stream) + _chunk(b"IEND", b"")

    def _run(self, rows: bytes, n: int) -> tuple[bytes, int]:
        """A run of ``n`` rows compressed, and its Adler-32: from those kept, or compressed now and kept."""
        if self._rows.startswith(rows):  # n blank rows (compared where they are: no copy)
            if n not in self._blank:
                self._blank[n] = _deflate(self._filtered(rows))
            return self._blank[n]
        found = self._inked.get(rows)
        if found is None:
            found = self._inked[rows] = _deflate(self._filtered(rows))
            self._kept += len(rows) + len(found[0])
            while self._kept > KEPT:
                old, (deflated, _) = self._inked.popitem(last=False)
                self._kept -= len(old) + len(deflated)
        else:
            self._inked.move_to_end(rows)
        return found

    def _filtered(self, rows: bytes) -> bytes:
        width = self.width
        return _NONE + _NONE.join(rows[k:k + width] for k in range(0, len(rows), width))


def _runs(bands: list[tuple[int, int]], height: int) -> list[tuple[int, int]]:
    """Rows 0 to ``height`` cut into runs: each band (overlapping or touching ones joined) and the rows between."""
    joined: list[list[int]] = []
    for start, end in sorted((max(0, a), min(height, b)) for a, b in bands):
        if end <= start:
            continue
        if joined and start <= joined[-1][1]:
            joined[-1][1] = max(joined[-1][1], end)
        else:
            joined.append([start, end])
    runs, at = [], 0
    for start, end in joined:
        if start > at:
            runs.append((at, start))
        runs.append((start, end))
        at = end
    if at < height:
        runs.append((at, height))
    return runs


def _deflate(raw: bytes) -> tuple[bytes, int]:
    """``raw`` as deflate blocks that need nothing before them and end on a byte; and its Adler-32."""
    compressor = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
    return compressor.compress(raw) + compressor.flush(zlib.Z_SYNC_FLUSH), zlib.adler32(raw)


def _adler_combine(first: int, second: int, second_length: int) -> int:
    """The Adler-32 of two byte strings joined, from each one's and the second's length (zlib's adler32_combine)."""
    a = ((first & 0xFFFF) + (second & 0xFFFF) - 1) % _ADLER
    b = ((first >> 16) + (second >> 16) + second_length * (first & 0xFFFF) - second_length) % _ADLER
    return (b << 16) | a


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
