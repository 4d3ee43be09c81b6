"""Images out: re-encoded so that no metadata (EXIF, GPS, XMP, IPTC, text chunks) survives.

A photo straight from a phone carries the place it was taken and the device
that took it. Every image is decoded to pixels, turned upright as its EXIF
orientation says, and encoded again with nothing but the pixels.
"""

from __future__ import annotations

import io

from PIL import Image, ImageOps

from ..core.problems import Problem

_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WEBP", "GIF": "GIF"}


def clean_image(data: bytes, path: str) -> tuple[bytes | None, Problem | None]:
    """The image re-encoded without metadata, or the problem that prevents it."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format
            if kind not in _FORMATS:
                return None, Problem(path, 1, "image", f"{kind or 'unknown'} images are not supported: use JPEG, PNG, WebP or GIF")
            image.load()
            upright = ImageOps.exif_transpose(image)
            mode = upright.mode
            if kind == "JPEG" and mode not in ("RGB", "L", "CMYK"):
                upright = upright.convert("RGB")
            elif mode not in ("RGB", "RGBA", "L", "LA", "P", "CMYK"):
                upright = upright.convert("RGBA")
            # A fresh image holds pixels only: no info, no EXIF, no ICC, no text chunks.
            bare = Image.frombytes(upright.mode, upright.size, upright.tobytes())
            if upright.mode == "P":
                bare.putpalette(upright.getpalette() or [])
                if "transparency" in upright.info:
                    bare.info["transparency"] = upright.info["transparency"]
            out = io.BytesIO()
            options = {"JPEG": {"quality": 88, "optimize": True}, "PNG": {"optimize": True},
                       "WEBP": {"quality": 88, "method": 4}, "GIF": {}}[kind]
            bare.save(out, _FORMATS[kind], **options)
            return out.getvalue(), None
    except Exception as exc:  # Pillow raises many types for broken files
        return None, Problem(path, 1, "image", f"cannot be read as an image ({type(exc).__name__}): replace the file")


def clean_media(files: dict[str, bytes]) -> tuple[dict[str, bytes], list[Problem]]:
    """``{content/media/x.jpg: bytes}`` to ``{media/x.jpg: cleaned bytes}``, with problems."""
    out: dict[str, bytes] = {}
    problems: list[Problem] = []
    for path in sorted(files):
        cleaned, problem = clean_image(files[path], path)
        if problem:
            problems.append(problem)
        else:
            out[path[len("content/"):]] = cleaned
    return out, problems
