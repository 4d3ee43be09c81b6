"""A mirror (``accompany build --site-url URL``) differs from the main site only in its base URL."""

from __future__ import annotations

import gzip
import io
import re
from urllib.parse import quote, urlsplit

import pytest

from pypdf import PdfReader

from conftest import ONION, REPO, SAMPLE_AS_OF, Project, VALID_ACTION, site_files
from generator.build import build
from generator.outputs.sheets import _qr_data_uri

MAIN = "https://accompany.example.org/"
_QR = re.compile(rb'src="(data:image/svg\+xml[^"]*)" alt="[^"]*?(https?://[^" ]+)[^"]*"')  # "QR code of", "Codigo QR de", after it in Nepali


def _without_qr(data: bytes) -> tuple[bytes, list[bytes]]:
    """The HTML with each QR code replaced by the URL it must encode, after checking that it does."""
    urls = []

    def check(match: re.Match) -> bytes:
        url = match[2].decode()
        assert match[1].decode() == _qr_data_uri(url).replace('"', "&#34;") or \
            match[1].decode() == _qr_data_uri(url), f"the QR code does not encode {url}"
        urls.append(match[2])
        return b'src="QR" alt="QR code of ' + match[2] + b'"'

    return _QR.sub(check, data), urls


def _substituted(data: bytes, main: str, mirror: str) -> bytes:
    """``data`` with the main site's base URL, in every form it takes, replaced by the mirror's."""
    pairs = [(main, mirror), (main.split(":", 1)[1], mirror.split(":", 1)[1]),  # then //host/path/ (webcal:)
             (quote(main, safe=""), quote(mirror, safe=""))]  # inside e-mail and share links
    old_path, new_path = urlsplit(main).path, urlsplit(mirror).path
    if old_path != "/":  # then /path/, root-relative (the 404 page)
        pairs.append(('"' + old_path, '"' + new_path))
    for old, new in pairs:
        data = data.replace(old.encode(), new.encode())
    return data


def _pdf_parts(data: bytes) -> list:
    reader = PdfReader(io.BytesIO(data))
    parts = []
    for page in reader.pages:
        links = [a.get_object().get("/A", {}).get("/URI") for a in page.get("/Annots", []) or []]
        parts.append((page.extract_text(), sorted({str(link) for link in links if link})))  # a wrapped link: two boxes
    return parts


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def compare(main_site, mirror_site, main: str, mirror: str) -> dict[str, int]:
    """Assert the sites are the same but for the base URL; returns how many of each kind were compared."""
    one, two = site_files(main_site), site_files(mirror_site)
    assert sorted(one) == sorted(two)
    counts = {"identical": 0, "substituted": 0, "pdf": 0, "qr": 0}
    for path, data in one.items():
        other = two[path]
        if path.endswith(".pdf"):
            main_parts, mirror_parts = _pdf_parts(data), _pdf_parts(other)
            assert len(main_parts) == len(mirror_parts), path
            for (text, links), (text2, links2) in zip(main_parts, mirror_parts):
                # A longer address wraps lines elsewhere: compare the text, not where its lines break.
                assert _flat(text).replace(_flat(main), _flat(mirror)) == _flat(text2), path
                assert [link.replace(main, mirror) for link in links] == links2, path
            counts["pdf"] += 1
            continue
        if path.endswith(".gz"):
            data, other = gzip.decompress(data), gzip.decompress(other)
        if path.endswith(".ics"):  # lines fold at 75 octets: a longer address folds them elsewhere
            data, other = data.replace(b"\r\n ", b""), other.replace(b"\r\n ", b"")
        if data == other:
            counts["identical"] += 1
            continue
        data, urls = _without_qr(data)
        other, urls2 = _without_qr(other)
        assert [u.decode().replace(main, mirror) for u in urls] == [u.decode() for u in urls2], path
        assert _substituted(data, main, mirror) == other, path
        assert main.encode() not in other and main.split(":", 1)[1].encode() not in other, path
        counts["substituted"] += 1
        counts["qr"] += len(urls)
    return counts


def test_an_onion_mirror_of_the_sample_differs_only_in_its_base_url(sample_site, onion_site):
    counts = compare(sample_site, onion_site, MAIN, f"http://{ONION}/")
    # Pages, feeds, calendars and the sitemap carry the URL; print pages their QR codes; PDFs in their text.
    assert counts["substituted"] > 30 and counts["pdf"] >= 3 and counts["qr"] >= 2 and counts["identical"] > 30
    canonical = (onion_site / "actions/river-guardians/index.html").read_text()
    assert f'<link rel="canonical" href="http://{ONION}/actions/river-guardians/">' in canonical


def test_a_mirror_under_a_path_on_a_cloud_domain(tmp_path):
    project = Project(tmp_path / "project")
    project.write("mkdocs.yml", (project.root / "mkdocs.yml").read_text().replace(
        "site_url: https://example.org/", "site_url: https://example.org/accompany/"))
    project.write("content/actions/a.md", VALID_ACTION)
    main, mirror = tmp_path / "main", tmp_path / "mirror"
    cloud = "https://storage.cloud.example.net/accompany-mirror/"
    code, out, err = project.cli("build", "--as-of", "2026-12-01", "--site-dir", str(main))
    assert (code, err) == (0, "")
    code, out, err = project.cli("build", "--as-of", "2026-12-01", "--site-dir", str(mirror), "--site-url", cloud)
    assert (code, err) == (0, "") and str(mirror) in out
    # The 404 page links from the site's root path (it is served at any depth): the path changes too.
    counts = compare(main, mirror, "https://example.org/accompany/", cloud)
    assert counts["substituted"] > 5 and counts["pdf"] >= 1
    # Each site keeps its own cache: building the main site again changes nothing.
    code, out, _ = project.cli("build", "--as-of", "2026-12-01", "--site-dir", str(main))
    assert code == 0 and "nothing changed" in out
    assert (project.root / ".accompany" / "mirrors").is_dir()


def test_site_url_must_be_an_address(project, capsys):
    with pytest.raises(SystemExit) as exit_:
        project.cli("build", "--site-url", "ftp://x.example.net/")
    assert exit_.value.code == 2
