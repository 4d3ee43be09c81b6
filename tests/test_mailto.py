"""E-mail and share links composed from plain texts (outputs/mailto.py, outputs/share.py), read back as a
mail program and the networks read them: urllib's parser, RFC 6068's rules."""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from generator.catalogs import formatter
from generator.outputs.mailto import BUDGET, appeal, mailto, tell_us, with_salutation
from generator.outputs.mobilise import og_locale
from generator.outputs.share import default_lead, hashtag, share, share_text

EN = formatter("en")


def read(href: str) -> dict:
    split = urlsplit(href)
    fields = {k: v[0] for k, v in parse_qs(split.query, keep_blank_values=True).items()}
    return {"to": [unquote(a) for a in split.path.split(",") if a], **fields}


LETTER = "Dear Minister,\n\nPlease protect Ana & the river = life.\n\n- one\n- two\n\nYours sincerely,"


def test_a_mailto_link_encodes_every_reserved_character_and_breaks_lines_as_crlf():
    href = mailto(["minister@gov.example"], "Ana: 50% + more?", LETTER, cc=("a@x.example", "b@y.example"))
    assert href.isascii() and " " not in href and "\n" not in href
    assert "%0D%0A" in href and "%0A" not in href.replace("%0D%0A", "")  # RFC 6068: CRLF only
    assert "=life" not in href and "&the" not in href and "+" not in href  # Android's Gmail stops at a raw "="
    mail = read(href)
    assert mail == {"to": ["minister@gov.example"], "cc": "a@x.example,b@y.example", "subject": "Ana: 50% + more?",
                    "body": LETTER.replace("\n", "\r\n")}


def test_non_latin_text_survives_percent_encoded():
    body = "Señor Ministro:\n\nनमस्ते, Лучия — 😀"
    assert read(mailto(["x@y.example"], "Acción", body))["body"] == body.replace("\n", "\r\n")


@pytest.mark.parametrize("letter, salutation, expected", [
    (LETTER, "Dear Minister", LETTER),  # the letter's own opening, kept once
    (LETTER, "Your Excellency", "Your Excellency,\n\n" + LETTER.split("\n\n", 1)[1]),  # replaced, comma kept
    ("Señor Ministro:\n\nLe escribo.", "Señora Ministra", "Señora Ministra:\n\nLe escribo."),  # colon kept
    ("I write about the river.\n\nPlease act.", "Dear Minister", "Dear Minister,\n\nI write about the river.\n\nPlease act."),
    (LETTER, None, LETTER),
    ("To whom it may concern. I write.", "Dear Sir", "Dear Sir,\n\nTo whom it may concern. I write."),
])
def test_the_letter_opens_with_the_targets_salutation(letter, salutation, expected):
    assert with_salutation(letter, salutation, EN, ("Dear Minister", "Your Excellency")) == expected


def test_a_letter_that_fits_goes_whole():
    link = appeal(("m@gov.example",), (), "Subject (UA-1)", LETTER, "https://site.example/a/#letter", EN)
    assert not link.cut and read(link.href)["body"] == LETTER.replace("\n", "\r\n")


def test_a_long_letter_keeps_its_start_within_the_budget_and_points_to_the_page():
    paragraphs = [f"Paragraph {i}: " + " ".join(f"word{i}x{j}" for j in range(40)) for i in range(12)]
    letter = "Dear Minister,\n\n" + "\n\n".join(paragraphs) + "\n\nYours sincerely,"
    url = "https://site.example/actions/a/#letter"
    link = appeal(("m@gov.example",), ("cc@embassy.example",), "A title (UA-1)", letter, url, EN)
    assert link.cut and len(link.href) <= BUDGET
    body = read(link.href)["body"].replace("\r\n", "\n")
    assert body.startswith("Dear Minister,\n\nParagraph 0: word0x0")
    assert body.endswith(f"[The letter is longer than an e-mail link can carry: paste the rest from {url}]")
    kept = body[: body.index("\n\n[")]
    assert letter.startswith(kept.removesuffix(" …"))  # the letter's own start, cut between words
    assert len(link.href) > BUDGET - 200  # as much of the letter as fits, not one paragraph less
    assert read(link.href)["cc"] == "cc@embassy.example"


def test_the_budget_counts_the_encoded_link_so_other_scripts_get_less_text():
    letter = "नमस्ते मंत्री जी,\n\n" + "कृपया नदी के रक्षकों की रक्षा करें। " * 40
    link = appeal(("m@gov.example",), (), "विषय", letter, "https://site.example/a/#letter", EN)
    assert link.cut and len(link.href) <= BUDGET


def test_tell_us_names_the_action_or_asks_which():
    one = read(tell_us("hello@org.example", EN, "UA-2026-031", "Protect the river"))
    assert one["to"] == ["hello@org.example"] and one["subject"] == "I wrote: UA-2026-031"
    assert "UA-2026-031, Protect the river" in one["body"]
    any_ = read(tell_us("hello@org.example", EN))
    assert any_["subject"] == "I wrote" and "title or id" in any_["body"]


def test_the_share_text_is_the_lead_the_address_and_new_hashtags():
    url = "https://site.example/actions/a/"
    assert default_lead("Protect the river", EN, "Act by 22 December 2026") == "Protect the river. Act by 22 December 2026."
    assert default_lead("Free them!", EN, "Act by 1 May") == "Free them! Act by 1 May."
    assert default_lead(" Free\nthem ", EN) == "Free them"
    assert hashtag(" #Rivers Not Bullets ") == "#RiversNotBullets" and hashtag(None) == ""
    text = share_text("Write today\nfor #RiversNotBullets.", url, ["RiversNotBullets", "#FreeToReport", "FreeToReport", None])
    assert text == f"Write today for #RiversNotBullets. {url} #FreeToReport"


def test_every_share_link_carries_the_text_or_the_address():
    url = "https://site.example/actions/a/"
    text = f"Protect Ana & the river = life. {url} #Rivers"
    shared = share("Protect Ana", text, url, "share-text", EN)
    links = {link.network: link for link in shared.links}
    assert list(links) == ["email", "whatsapp", "telegram", "bluesky", "mastodon", "x", "facebook"]
    q = lambda href: {k: v[0] for k, v in parse_qs(urlsplit(href).query).items()}  # noqa: E731
    assert q(links["whatsapp"].href) == {"text": text}
    assert q(links["telegram"].href) == {"url": url, "text": "Protect Ana & the river = life. #Rivers"}
    assert q(links["bluesky"].href) == {"text": text} and q(links["x"].href) == {"text": text}
    assert q(links["facebook"].href) == {"u": url}
    assert read(links["email"].href) == {"to": [], "subject": "Protect Ana", "body": text}
    assert links["mastodon"].href == "#share-text" and not links["mastodon"].external
    assert all(link.external for n, link in links.items() if n not in ("email", "mastodon"))
    assert shared.bare == "Protect Ana & the river = life. #Rivers"


@pytest.mark.parametrize("tag, locale", [("en", "en_US"), ("es", "es_ES"), ("pt-BR", "pt_BR"), ("en-GB", "en_GB"),
                                         ("sw", "sw_TZ"), ("hi", "hi_IN")])
def test_open_graph_locales(tag, locale):
    assert og_locale(tag) == locale
