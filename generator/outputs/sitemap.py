"""sitemap.xml and sitemap.xml.gz for every public page, written after the engine.

The engine's own sitemap dates every page with the build date; this one lists
the same pages in the same order, without dates (optional in the protocol),
so that it changes only when pages come or go, and a partial rebuild gives the
same bytes as a full one.
"""

from __future__ import annotations

import gzip
from xml.sax.saxutils import escape


def sitemap(urls: list[str], site_url: str, languages: dict[str, str] | None = None,
            only: str | None = None) -> dict[str, bytes]:
    """``{sitemap.xml, sitemap.xml.gz}`` for site-relative page ``urls``, in the given order.

    ``languages`` (a site in several: each language to where its pages are, ``""`` or ``es/``, the
    default first) lists every page in every language, each with its alternates (``xhtml:link``,
    as search engines read them), the default language's first; ``only``: one language's pages.
    """
    if not languages:
        lines = ['<?xml version="1.0" encoding="UTF-8"?>',
                 '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
        lines += [f"  <url><loc>{escape(site_url + url)}</loc></url>" for url in urls]
    else:
        lines = ['<?xml version="1.0" encoding="UTF-8"?>',
                 '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
                 'xmlns:xhtml="http://www.w3.org/1999/xhtml">']
        default = next(iter(languages.values()))
        for prefix in ([languages[only]] if only else languages.values()):
            for url in urls:
                lines.append(f"  <url><loc>{escape(site_url + prefix + url)}</loc>")
                lines += [f'    <xhtml:link rel="alternate" hreflang="{escape(lang)}" href="{escape(site_url + other + url)}"/>'
                          for lang, other in languages.items()]
                lines.append(f'    <xhtml:link rel="alternate" hreflang="x-default" href="{escape(site_url + default + url)}"/>')
                lines.append("  </url>")
    lines.append("</urlset>")
    xml = ("\n".join(lines) + "\n").encode()
    # mtime=0 and no file name: the same pages give the same bytes.
    return {"sitemap.xml": xml, "sitemap.xml.gz": gzip.compress(xml, compresslevel=9, mtime=0)}
