"""Addresses: where an item's page is, and a link from one page to another.

Site-relative, directory style (``actions/river-guardians/``): the engine's
``use_directory_urls`` layout, which every renderer and the engine share.
"""

from __future__ import annotations

import posixpath

from .kinds import KINDS


def entry_url(kind: str, slug: str) -> str:
    """The site-relative URL of an item: ``actions/river-guardians/``; the home page is ``""``."""
    section = KINDS[kind].section
    if section is None:  # pages: at the root, as their folders are
        if slug == "index":
            return ""
        if slug.endswith("/index"):
            slug = slug[: -len("/index")]
        return slug + "/"
    return f"{section}/{slug}/"


def relative_url(target: str, start: str) -> str:
    """``target`` (site-relative, directory style) as a link from the page at ``start``."""
    fragment = ""
    if "#" in target:
        target, fragment = target.split("#", 1)
        fragment = "#" + fragment
    base = start if start.endswith("/") or not start else posixpath.dirname(start) + "/"
    rel = _relative_path(target, base) if target != base else "."
    if target.endswith("/") and not rel.endswith("/"):
        rel += "/"
    if rel == "./":
        rel = "./"
    return rel + fragment


def _relative_path(target: str, base: str) -> str:
    """``posixpath.relpath("/" + target, "/" + base)``, without its normalising for plain paths.

    Every page links to a dozen others: this runs for each link of each page.
    """
    targets, bases = target.split("/"), base.split("/")
    if "." in targets or ".." in targets or "." in bases or ".." in bases:
        return posixpath.relpath("/" + target, "/" + base)
    targets, bases = [p for p in targets if p], [p for p in bases if p]
    common = 0
    for mine, theirs in zip(targets, bases):
        if mine != theirs:
            break
        common += 1
    return "/".join([".."] * (len(bases) - common) + targets[common:]) or "."
