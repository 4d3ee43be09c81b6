"""The leak suite for the new channels: alert e-mails (.eml files and what the SMTP server received) and hub pings.

The leak fixture (tests/fixtures/leaks: drafts, embargoes, private data,
comments, a withdrawn defender, each with a canary) is built, alerted and
pinged; then a published defender withdraws consent, first before the site is
rebuilt, then after. Every message and ping is read back with an extractor of
this file (the ``email`` package, HTML and URL decoding, accents and case
folded), not with generator.leakscan, and searched for every canary.
"""

from __future__ import annotations

import contextlib
import html
import io
import re
import shutil
import unicodedata
from email import policy
from email.parser import BytesParser
from pathlib import Path
from urllib.parse import unquote_plus

import pytest

from alerting import Hub
from conftest import REPO
from marks import without_marks
from generator.cli import main
from smtp_server import SmtpServer
from test_leaks import CANARIES, FIXTURE, HOSTILE

AS_OF = "2026-12-01"
#: Every form of the defender who withdraws here: shown name, real name, file names, the action about her.
ROSA = ["Rosa", "Leakreal Nameson Canary", "public-defender", "public-action", "Public action", "UA-LEAK-001"]


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join(without_marks(decomposed).casefold().split())


def readable_message(name: str, data: bytes) -> str:
    """What anyone could read in one e-mail: file name, every header decoded, every part decoded, HTML unescaped."""
    message = BytesParser(policy=policy.default).parsebytes(data)
    texts = [name, data.decode("utf-8", "replace")]
    for part in message.walk():
        texts += [f"{key}: {value}" for key, value in part.items()]
        if part.get_content_maintype() == "text":
            content = part.get_content()
            texts += [content, html.unescape(re.sub(r"<[^>]+>", " ", content))]
    return fold("\n".join(texts))


def readable_ping(body: bytes) -> str:
    return fold(body.decode("utf-8", "replace") + "\n" + unquote_plus(body.decode("utf-8", "replace")))


def cli(root: Path, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["--project", str(root), *args])
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def channels(tmp_path_factory) -> dict:
    """Everything the alert and WebSub channels carried, stage by stage, and the runs' results."""
    root = tmp_path_factory.mktemp("alert-leaks") / "project"
    shutil.copytree(FIXTURE, root)
    shutil.copytree(REPO / "theme", root / "theme")
    smtp, hub = SmtpServer().start(), Hub()
    try:
        settings = root / "mkdocs.yml"
        settings.write_text(settings.read_text() + f"  websub_hub: {hub.url}\n  alerts:\n    host: 127.0.0.1\n"
                            f"    port: {smtp.port}\n    security: none\n    from: alerts@leaks.example.org\n"
                            "    to: [network@leaks.example.org]\n")
        out: dict = {"eml": {}, "pings": [], "runs": {}}

        def step(name: str, *args: str) -> None:
            out["runs"][name] = cli(root, *args)

        def collect_outbox(stage: str) -> None:
            for path in sorted((root / ".accompany/alerts/outbox").glob("*.eml")):
                out["eml"][f"{stage}/{path.name}"] = path.read_bytes()

        step("build-1", "build", "--as-of", AS_OF)
        step("dry-1", "alert", "--all-open")
        collect_outbox("dry-1")
        step("send-1", "alert", "--send", "--all-open")
        step("websub-1", "websub")
        out["sent-before-withdrawal"] = len(smtp.recorder.accepted)

        action = root / "content/actions/public-action.md"
        action.write_text(action.read_text().replace(
            "updates:\n", "updates:\n  - date: 2026-11-30\n    title: Moved\n    text: Rosa was moved to a safe house.\n"))
        step("build-2", "build", "--as-of", AS_OF)
        profile = root / "content/defenders/public-defender.md"
        profile.write_text(profile.read_text().replace("  given_on: 2026-09-01\n",
                                                       "  given_on: 2026-09-01\n  withdrawn_on: 2026-12-01\n"))
        step("send-unbuilt", "alert", "--send")  # the site still names her: refused
        out["sent-after-refusal"] = len(smtp.recorder.accepted)
        step("build-3", "build", "--as-of", AS_OF)
        step("dry-3", "alert")
        collect_outbox("dry-3")
        step("send-3", "alert", "--send")
        step("websub-3", "websub")
        for i, (_, _, message) in enumerate(smtp.recorder.accepted):
            out["eml"][f"smtp/{i:02d}.eml"] = message.as_bytes()
        out["pings"] = list(hub.bodies)
        out["after-withdrawal"] = {k: v for k, v in out["eml"].items()
                                   if k.startswith("dry-3/") or k.startswith("smtp/") and
                                   int(k[5:7]) >= out["sent-before-withdrawal"]}
        out["working-files"] = {p.name: p.read_text() for p in (root / ".accompany/alerts").glob("*.json")}
        return out
    finally:
        smtp.stop()
        hub.stop()


def test_every_run_went_as_expected(channels):
    runs = channels["runs"]
    for name in ("build-1", "dry-1", "send-1", "websub-1", "build-2", "build-3", "dry-3", "send-3", "websub-3"):
        assert runs[name][0] == 0, (name, runs[name][2])
    assert channels["sent-before-withdrawal"] == 1 and len(channels["after-withdrawal"]) == 2


def test_the_search_reads_every_channel(channels):
    """A positive control: the extractor finds what is public, in the messages and the pings."""
    first = readable_message("x", channels["eml"]["smtp/00.eml"])
    assert "public action" in first and "protect rosa" in first and "1 public street" in first
    assert any("https://leaks.example.org/feeds/all.atom.xml" in readable_ping(b) for b in channels["pings"])
    assert len(channels["pings"]) > 12


@pytest.mark.parametrize("canary", CANARIES + HOSTILE)
def test_no_canary_in_any_alert_or_ping(channels, canary):
    needle = fold(canary)
    found = [name for name, data in channels["eml"].items() if needle in readable_message(name, data)]
    found += [f"ping {i}" for i, body in enumerate(channels["pings"]) if needle in readable_ping(body)]
    assert found == []


def test_an_alert_naming_a_withdrawn_defender_is_not_sent_before_the_site_is_rebuilt(channels):
    code, out, err = channels["runs"]["send-unbuilt"]
    assert code == 1
    assert "'Rosa', of a defender whose consent was withdrawn on 2026-12-01, would be published in 001-en-update-" in err
    assert "no alert was sent: build the site again, then run accompany alert" in err
    assert channels["sent-after-refusal"] == channels["sent-before-withdrawal"]


@pytest.mark.parametrize("name", ROSA)
def test_after_the_withdrawal_the_network_is_told_to_stop_without_a_word_of_whom(channels, name):
    pattern = re.compile(r"(?<!\w)" + re.escape(fold(name)) + r"(?!\w)")
    found = [key for key, data in channels["after-withdrawal"].items() if pattern.search(readable_message(key, data))]
    assert found == []
    for key, data in channels["after-withdrawal"].items():
        assert "stop writing" in readable_message(key, data)
    assert not any(pattern.search(readable_ping(body)) for body in channels["pings"])
    # The working files keep no text of hers: the snapshot is the site as now built, and what the
    # network was told is kept as ids, dates and hashes (the action's id is how it is known there).
    working = {name_: text for name_, text in channels["working-files"].items()
               if not (name == "UA-LEAK-001" and name_ == "alerted-en.json")}
    assert sorted(channels["working-files"]) == ["alerted-en.json", "published-en.json", "websub.json"]
    assert [n for n, text in working.items() if pattern.search(fold(text))] == []
