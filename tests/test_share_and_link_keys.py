"""The shortcuts that make a partial build's page keys and replayed questions cheap miss no change.

* A share (outputs/share.py) is fingerprinted by its fields: its links are made from them when a page
  shows them. Every field and every link must follow what it is made of.
* Each feed's links are made once per build (the same objects on every page that shows them), each page's
  calendars looked up by page: a new campaign title (its feed's name) or hashtag renders every page that
  shows them again, and the site is byte for byte a full build's.
* A range of days is formatted once per language (mobilise.date_range): as Babel writes it, in each
  language, and never for a time of day, which may be another day.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import date, datetime, timedelta, timezone

from babel.dates import format_interval
from babel.support import NullTranslations

from conftest import SAMPLE_AS_OF, site_files
from generator import build as pipeline
from generator.outputs.l10n import Formatter
from generator.outputs.mobilise import date_range
from generator.outputs.share import Share, share
from generator.outputs.trace import Fingerprints
from test_incremental import _same_as_full, built, rendered  # noqa: F401 - fixtures

EN = Formatter("en", NullTranslations())


class _Words(NullTranslations):
    def gettext(self, message):
        return "Envoyer par e-mail" if message == "E-mail a friend" else message


def _shown(shared: Share) -> tuple:
    """Everything share.html reads of a share."""
    return (shared.title, shared.text, shared.url, shared.bare, shared.text_id,
            tuple((link.network, link.label, link.href, link.external) for link in shared.links))


def test_a_share_is_fingerprinted_by_everything_a_page_shows_of_it():
    base = dict(title="Protect the river", text="Protect the river. https://example.org/a/ #Rivers",
                url="https://example.org/a/", text_id="share-text")
    variants = [share(**base, fmt=EN), share(**base, fmt=Formatter("fr", _Words()))]
    for name, other in (("title", "Protect the rivers"), ("text", "Protect the river! https://example.org/a/"),
                        ("url", "https://example.org/b/"), ("text_id", "share-text-2")):
        variants.append(share(**{**base, name: other}, fmt=EN))
    prints = [Fingerprints().of(s) for s in variants]
    shown = [_shown(s) for s in variants]
    assert len(set(shown)) == len(variants)  # each variant shows something else...
    assert len(set(prints)) == len(variants)  # ...and is fingerprinted otherwise
    for made in variants:
        # Its links are made from its fields alone: a share made again from them shows the same.
        again = Share(**{f.name: getattr(made, f.name) for f in fields(Share)})
        assert _shown(again) == _shown(made) and Fingerprints().of(again) == Fingerprints().of(made)
    assert "Envoyer par e-mail" in [link.label for link in variants[1].links]


def test_a_range_of_days_is_written_as_babel_writes_it_in_each_language():
    first, last = date(2026, 12, 5), date(2026, 12, 14)
    for lang in ("en", "es", "de", "en", "es"):  # asked again: the same words
        fmt = Formatter(lang, NullTranslations())
        assert date_range(first, last, fmt) == format_interval(first, last, "yMMMMd", locale=fmt.locale)
    assert date_range(first, first, EN) == EN.date(first)
    # Two times that are the same instant may be other days where each is: never taken one for the other.
    late = datetime(2026, 12, 5, 23, 30, tzinfo=timezone.utc)
    early = late.astimezone(timezone(timedelta(hours=3)))  # 02:30 on the 6th
    assert late == early
    end = datetime(2026, 12, 20, 12, tzinfo=timezone.utc)
    assert date_range(late, end, EN) == format_interval(late, end, "yMMMMd", locale=EN.locale)
    assert date_range(early, end, EN) == format_interval(early, end, "yMMMMd", locale=EN.locale)


def test_a_campaign_s_new_title_and_hashtag_render_again_the_pages_that_show_them(built, tmp_path, rendered):
    """A campaign's title names its feed (linked from the pages of its actions) and its hashtag ends their
    share texts: each page that shows either is rendered again, and the site is what a full build makes."""
    project, site, cache = built
    path = project.root / "campaigns/rivers-not-bullets.md"
    path.write_text(path.read_text().replace("title: Rivers, not bullets", "title: Rivers, never bullets")
                    .replace("hashtag: RiversNotBullets", "hashtag: RiversNeverBullets"))
    report = pipeline.build(project.root, site, SAMPLE_AS_OF, cache_dir=cache)
    assert report.plan.kind == "partial"
    assert {"actions/river-guardians/", "tours/voices-of-the-river/", "campaigns/rivers-not-bullets/"} <= set(rendered)
    assert "defenders/wanjiru/" not in rendered
    page = (site / "actions/river-guardians/index.html").read_text()
    assert "#RiversNeverBullets" in page and "#RiversNotBullets" not in page
    assert "Rivers, never bullets" in page
    _same_as_full(project, site, tmp_path)
    assert "#RiversNeverBullets" in site_files(site)["actions/river-guardians/index.html"].decode()
