"""accompany alert: settings, the first run, what an alert says, and one alert per event, through a real SMTP server.

Messages are read back with the standard library's ``email`` package from the
.eml files of a dry run and from what the local aiosmtpd server accepted.
"""

from __future__ import annotations

import re

import pytest

from alerting import Html, alert_settings, everything, outbox, parts, publish, state, write_action
from conftest import MINIMAL_SETTINGS
from smtp_server import SmtpServer


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def network(project, smtp):
    project.write("mkdocs.yml", alert_settings(smtp.port))
    write_action(project, 1)
    return project


def test_settings_problems_name_the_key_and_never_repeat_a_password(project):
    project.write("mkdocs.yml", MINIMAL_SETTINGS + """\
  websub_hub: hub.example
  alerts:
    host: https://smtp.example.org
    port: 70000
    security: ssl
    from: not-an-address
    to: []
    username: alerts
    password_env: hunter2
""")
    problems = project.problems()
    assert problems == [
        "mkdocs.yml:15: accompany.websub_hub: 'hub.example' is not a web address: write it in full, starting with https://",
        "mkdocs.yml:17: accompany.alerts.host: 'https://smtp.example.org' is not a host name: write the server's "
        "name (smtp.example.org) or address (127.0.0.1), without https:// or a port",
        "mkdocs.yml:18: accompany.alerts.port: must be less than or equal to 65535, not 70000",
        "mkdocs.yml:19: accompany.alerts.security: must be one of: starttls, tls, none; not 'ssl'",
        "mkdocs.yml:20: accompany.alerts.from: 'not-an-address' is not an email address",
        "mkdocs.yml:21: accompany.alerts.to: needs at least one item",
        "mkdocs.yml:23: accompany.alerts.password_env: must be the name of an environment variable, in capital "
        "letters, digits and _ (ACCOMPANY_SMTP_PASSWORD), never the password itself",
    ]
    project.write("mkdocs.yml", MINIMAL_SETTINGS + """\
  alerts:
    host: smtp.example.org
    security: none
    from: a@example.org
    to: [b@example.org]
    username: alerts
    languages: [en, es]
""")
    assert project.problems() == [
        "mkdocs.yml:17: accompany.alerts.security: is none, which would send the password unencrypted to "
        "smtp.example.org: use starttls or tls",
        "mkdocs.yml:20: accompany.alerts.password_env: required with username: the name of the environment "
        "variable that holds the password",
        "mkdocs.yml:21: accompany.alerts.languages[1]: 'es' is not a language of this site (en): alerts are "
        "composed from the built site, in its languages",
    ]
    project.write("mkdocs.yml", MINIMAL_SETTINGS + "  alerts:\n    host: smtp.example.org\n    from: a@example.org\n"
                  "    to: [b@example.org]\n    password: hunter2\n")
    assert project.problems() == [
        "mkdocs.yml:15: accompany.alerts: password: never write the SMTP password in mkdocs.yml: put it in an "
        "environment variable and write that variable's name as password_env"]


def test_alert_needs_settings_and_a_built_site(project, smtp):
    code, _, err = project.cli("alert")
    assert code == 1 and "accompany.alerts: not set: add the SMTP settings" in err
    project.write("mkdocs.yml", alert_settings(smtp.port))
    code, _, err = project.cli("alert")
    assert code == 1 and "no built site in 'en' is recorded: run accompany build first" in err
    assert "Traceback" not in err


def test_the_build_records_what_it_published_and_only_that(network):
    import json

    from conftest import VALID_ACTION

    network.write("content/actions/draft.md", VALID_ACTION.replace("UA-TEST-001", "UA-DRAFT-9")
                  .replace("status: open", "status: open\ndraft: true"))
    network.write("content/actions/later.md", VALID_ACTION.replace("UA-TEST-001", "UA-EMBARGO-9")
                  .replace("status: open", "status: open\npublish_on: 2026-12-05"))
    code, _, err = network.cli("build", "--as-of", "2026-12-01")
    assert code == 0, err
    recorded = network.root / ".accompany/alerts/published-en.json"
    data = json.loads(recorded.read_text())
    assert list(data["actions"]) == ["UA-TEST-001"]
    assert data["site_dir"] == str(network.root / "site") and data["as_of"] == "2026-12-01T00:00:00+00:00"
    assert data["actions"]["UA-TEST-001"]["steps"][0] == {
        "html": "Write to the <strong>Minister</strong> before the deadline.",
        "text": "Write to the Minister before the deadline."}
    first = recorded.read_bytes()
    recorded.unlink()
    code, out, _ = network.cli("build", "--as-of", "2026-12-01")
    assert code == 0 and "nothing changed" in out
    assert recorded.read_bytes() == first  # an unchanged site is recorded too (a first build after an upgrade)
    code, out, _ = network.cli("alert", "--all-open")
    assert code == 0 and "would send 001-en-new-" in out


def test_alerts_come_only_from_a_build_of_the_site_itself(network, tmp_path):
    publish(network, "2027-02-01", site_dir=tmp_path / "preview")  # a look at the future, built elsewhere
    code, _, err = network.cli("alert", "--send")
    assert code == 1 and f"the last build went to {tmp_path / 'preview'}, not to the site {network.root / 'site'}" in err
    assert not (network.root / ".accompany/alerts/alerted-en.json").exists()
    code, _, err = network.cli("alert", "--site-dir", str(tmp_path / "preview"))
    assert code == 0, err


def test_first_run_records_a_baseline_and_sends_nothing_unless_asked(network, smtp):
    publish(network)
    code, out, _ = network.cli("alert")
    assert code == 0 and "first run: 1 published action(s) recorded as known" in out
    assert outbox(network) == {}
    assert not (network.root / ".accompany/alerts/alerted-en.json").exists()  # a dry run records nothing
    code, out, _ = network.cli("alert", "--send")
    assert code == 0 and "0 alert(s) sent" in out
    assert smtp.recorder.accepted == []
    assert state(network)["baseline"]["UA-TEST-001"]["status"] == "open"
    code, out, _ = network.cli("alert", "--send")
    assert code == 0 and "first run" not in out and smtp.recorder.accepted == []
    code, _, err = network.cli("alert", "--all-open")
    assert code == 1 and "--all-open is for the first run only" in err


def test_an_alert_carries_summary_steps_letter_addresses_and_link_in_text_and_html(network):
    publish(network)
    code, out, _ = network.cli("alert", "--all-open")
    assert code == 0
    (name, message), = outbox(network).items()
    assert re.fullmatch(r"001-en-new-[0-9a-f]{8}\.eml", name)
    assert message["From"] == "Test Network <alerts@example.org>"
    assert message["To"] == "network@example.org"
    assert message["Cc"] is None and message["Bcc"] is None  # bcc goes on the envelope only
    assert "member@example.net" not in everything(message)
    assert message["Subject"] == "Urgent action UA-TEST-001: Protect the Delta 1 singers"
    assert re.fullmatch(r"<[0-9a-f]{32}@accompany\.invalid>", message["Message-ID"])
    assert message["Date"] == "Tue, 01 Dec 2026 00:00:00 +0000"
    assert message["Content-Language"] == "en"
    text, html = parts(message)
    for part in (text, Html(html).text):
        assert "Please act by December 20, 2026" in part
        assert "Singers of the Delta were threatened" in part
        assert "Please protect the singers. 1 < 2 & \"quotes\"." in part
        assert "Minister of the Interior" in part and "Bogotá" in part and "Dear Minister" in part
        assert "Embassy of Colombia" in part and "3 Example Street" in part
        assert "https://example.org/actions/action-1/" in part
    assert "1. Write to the Minister before the deadline.\n2. Tell us you wrote <https://example.org/wrote>." in text
    assert "E-mail: minister@gov.example" in text
    page = Html(html)
    assert page.tags.count("li") == 2 and "ol" in page.tags and "strong" in page.tags and "address" in page.tags
    assert {"https://example.org/wrote", "mailto:minister@gov.example",
            "https://example.org/actions/action-1/", "https://example.org/actions/"} <= set(page.links)
    assert "<script" not in html and "http" not in html.split("<body>")[0]  # nothing loaded from anywhere
    first = (network.root / ".accompany/alerts/outbox" / name).read_bytes()
    network.cli("alert", "--all-open")
    assert (network.root / ".accompany/alerts/outbox" / name).read_bytes() == first  # the same bytes every time


def _send(project, *args):
    code, out, err = project.cli("alert", "--send", *args)
    assert code == 0, err
    return out


def test_each_event_is_one_alert_and_a_rerun_sends_nothing_new(network, smtp):
    publish(network)
    _send(network)  # the baseline
    write_action(network, 2)
    write_action(network, 1, more="updates:\n  - date: 2026-12-02\n    title: Raid on the studio\n"
                                  "    text: Police raided the **studio**.\n")
    publish(network, "2026-12-02")
    out = _send(network)
    assert "2 alert(s) sent" in out
    subjects = [m["Subject"] for _, _, m in smtp.recorder.accepted]
    assert subjects == ["Update, UA-TEST-001: Raid on the studio", "Urgent action UA-TEST-002: Protect the Delta 2 singers"]
    for sender, recipients, message in smtp.recorder.accepted:
        assert sender == "alerts@example.org" and recipients == ["network@example.org", "member@example.net"]
    update = smtp.recorder.accepted[0][2]
    text, html = parts(update)
    assert "Police raided the studio." in text and "<strong>studio</strong>" in html
    assert "The action is open: please act by December 20, 2026." in text and "Dear Minister" in text
    for _ in range(2):  # nothing new: nothing sent
        assert "0 alert(s) sent" in _send(network)
    assert len(smtp.recorder.accepted) == 2

    write_action(network, 1, deadline="2026-12-30", more="updates:\n  - date: 2026-12-02\n    title: Raid on the "
                                                        "studio\n    text: Police raided the **studio**.\n")
    publish(network, "2026-12-03")
    _send(network)
    deadline = smtp.recorder.accepted[-1][2]
    assert deadline["Subject"] == "New deadline, UA-TEST-001: act by December 30, 2026"
    assert deadline["In-Reply-To"] == deadline["References"] == update["Message-ID"]  # threaded under the update

    publish(network, "2026-12-31")  # both deadlines have passed: both closed
    recorded = (network.root / ".accompany/alerts/published-en.json").read_text()
    assert "Dear Minister" not in recorded and "minister@gov.example" not in recorded  # as the closed page shows it
    _send(network)
    closed = [m for _, _, m in smtp.recorder.accepted[-2:]]
    assert [m["Subject"] for m in closed] == ["Stop writing: UA-TEST-001 is closed (Protect the Delta 1 singers)",
                                               "Stop writing: UA-TEST-002 is closed (Protect the Delta 2 singers)"]
    for message in closed:
        text, html = parts(message)
        assert "Please stop writing now: late letters can do harm." in text
        for gone in ("Dear Minister", "Please protect the singers", "1 Street", "minister@gov.example", "Embassy"):
            assert gone not in text and gone not in html
    ids = smtp.recorder.message_ids()
    assert len(ids) == len(set(ids)) == 5


def test_an_action_closed_early_says_stop_without_a_date_that_has_not_come(network, smtp):
    publish(network)
    _send(network, "--all-open")
    write_action(network, 1, status="closed")
    publish(network)
    _send(network)
    text, _ = parts(smtp.recorder.accepted[-1][2])
    assert "This urgent action is closed. Please stop writing now: late letters can do harm." in text
    assert "December 20" not in text


def test_good_news_and_an_action_that_leaves_the_site(network, smtp):
    publish(network)
    _send(network, "--all-open")
    write_action(network, 1, status="resolved", more="outcome: The singers are **safe**.\n")
    publish(network)
    _send(network)
    good = smtp.recorder.accepted[-1][2]
    assert good["Subject"] == "Good news, stop writing: UA-TEST-001 (Protect the Delta 1 singers)"
    text, html = parts(good)
    assert "The singers are safe." in text and "<strong>safe</strong>" in html
    assert "Please stop writing" in text and "Dear Minister" not in text

    (network.root / "content/actions/action-1.md").unlink()
    publish(network)
    _send(network)
    gone = smtp.recorder.accepted[-1][2]
    assert gone["Subject"] == "Stop writing: an urgent action we sent you is withdrawn"
    assert gone["References"].split() == [m["Message-ID"] for _, _, m in smtp.recorder.accepted[:2]]
    for secret in ("UA-TEST-001", "Delta", "action-1", "Minister"):
        assert secret not in everything(gone)
    assert "0 alert(s) sent" in _send(network)
