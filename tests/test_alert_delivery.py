"""Delivery: a refused login, an unreachable server and a refused recipient leave nothing marked sent, and
a sender killed in the middle of a delivery never causes a duplicate.

Every case runs against a real SMTP server on 127.0.0.1 (aiosmtpd); the
crashes kill a real ``accompany alert --send`` process with SIGKILL at the
moment the server chooses (while it accepts a recipient, or once it has the
whole message and has not answered yet).
"""

from __future__ import annotations

import os
import signal
import ssl
import subprocess
import sys

import pytest

from alerting import alert_settings, publish, state, write_action
from conftest import REPO
from smtp_server import SmtpServer, free_port

PASSWORD = {"ACCOMPANY_TEST_SMTP": "s3cret-pass"}
LOGIN = "    username: alerts\n    password_env: ACCOMPANY_TEST_SMTP\n"


@pytest.fixture
def smtp():
    server = SmtpServer().start()
    yield server
    server.stop()


def _pending(project, port: int, extra: str = "", actions: int = 2, security: str = "none") -> None:
    """A project whose first run is recorded, with ``actions`` new open actions waiting to be alerted."""
    project.write("mkdocs.yml", alert_settings(port, extra, security))
    publish(project)
    project.cli("alert", "--send")  # the baseline: no action yet, nothing to send, no server needed
    for n in range(1, actions + 1):
        write_action(project, n)
    publish(project)


def _alert(project, *args, env=None):
    """``accompany alert`` in a process of its own, as a scheduled run would start it."""
    return subprocess.Popen([sys.executable, "-m", "generator", "--project", str(project.root), "alert", *args],
                            cwd=REPO, env={**os.environ, **(env or {})}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _finish(process) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=120)
    return process.returncode, out, err


def test_a_refused_login_sends_nothing_and_marks_nothing(project, monkeypatch):
    server = SmtpServer(login=("alerts", "s3cret-pass")).start()
    try:
        _pending(project, server.port, LOGIN)
        before = state(project)
        monkeypatch.setenv("ACCOMPANY_TEST_SMTP", "wrong")
        code, out, err = project.cli("alert", "--send")
        assert code == 1
        assert "the SMTP server 127.0.0.1:%d refused the login of 'alerts' (535" % server.port in err
        assert "Traceback" not in err and "wrong" not in err + out
        assert server.recorder.accepted == [] and state(project) == before
        monkeypatch.delenv("ACCOMPANY_TEST_SMTP")
        code, _, err = project.cli("alert", "--send")
        assert code == 1 and "password_env (mkdocs.yml:23) is not set or empty" in err
        monkeypatch.setenv("ACCOMPANY_TEST_SMTP", "s3cret-pass")
        code, out, err = project.cli("alert", "--send")
        assert code == 0, err
        assert len(server.recorder.accepted) == 2
    finally:
        server.stop()


def test_an_unreachable_server_sends_nothing_and_marks_nothing(project):
    _pending(project, free_port())  # nothing listens there
    before = state(project)
    code, out, err = project.cli("alert", "--send")
    assert code == 1
    assert f"cannot reach the SMTP server 127.0.0.1:" in err and "connection refused" in err
    assert "0 alert(s) sent and recorded before this" in err and "Traceback" not in err
    assert state(project) == before


def test_a_refused_recipient_sends_to_no_one(project, smtp):
    _pending(project, smtp.port)
    smtp.recorder.refuse.add("member@example.net")
    before = state(project)
    code, out, err = project.cli("alert", "--send")
    assert code == 1
    assert ("refused the recipient member@example.net (550 5.1.1 <member@example.net>: no such mailbox here): "
            "nothing was sent to anyone") in err
    assert smtp.recorder.data_received == 0 and smtp.recorder.accepted == []
    assert state(project) == before
    smtp.recorder.refuse.clear()
    code, out, err = project.cli("alert", "--send")
    assert code == 0 and len(smtp.recorder.accepted) == 2


def test_killed_before_the_message_was_complete_it_is_sent_again_once(project, smtp):
    _pending(project, smtp.port, actions=1)
    smtp.recorder.hang_in = "rcpt"
    process = _alert(project, "--send")
    assert smtp.recorder.arrived.wait(60)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert state(project)["inflight"]["stage"] == "started"
    smtp.recorder.hang_in = None
    smtp.recorder.release.set()
    code, out, err = project.cli("alert", "--send")
    assert code == 0, err
    assert "an alert interrupted before the server had it is sent again" in out
    assert smtp.recorder.data_received == 1 and len(smtp.recorder.accepted) == 1
    assert state(project)["inflight"] is None
    assert "0 alert(s) sent" in project.cli("alert", "--send")[1]


def _kill_while_the_server_accepts(project, smtp) -> str:
    """Two alerts due; the sender is killed once the server has the first whole message. Its Message-ID."""
    _pending(project, smtp.port)
    smtp.recorder.hang_in = "data"
    process = _alert(project, "--send")
    assert smtp.recorder.arrived.wait(60)
    process.send_signal(signal.SIGKILL)
    process.wait()
    inflight = state(project)["inflight"]
    assert inflight["stage"] == "committing"
    smtp.recorder.hang_in = None
    smtp.recorder.release.set()
    assert smtp.recorder.message_ids() == [inflight["message_id"]]  # the server has it; the sender never heard
    return inflight["message_id"]


def test_killed_while_the_server_accepted_it_is_held_never_sent_twice(project, smtp):
    held = _kill_while_the_server_accepts(project, smtp)
    for _ in range(2):
        code, out, err = project.cli("alert", "--send")
        assert code == 1  # held: someone must look
        assert f"held: {held} (UA-TEST-001) may have been delivered" in out
    # The other action's alert went; the held action's waits; the held one was not sent again.
    assert smtp.recorder.message_ids().count(held) == 1
    assert len(smtp.recorder.accepted) == 2
    code, out, err = project.cli("alert", "--send", "--forget-held")
    assert code == 0, err
    assert f"recorded as delivered, not sent again: {held}" in out
    assert smtp.recorder.message_ids().count(held) == 1 and state(project)["held"] == []
    write_action(project, 1, more="updates:\n  - date: 2026-12-01\n    title: News\n    text: News.\n")
    publish(project)
    assert project.cli("alert", "--send")[0] == 0  # the action's later events flow again
    assert smtp.recorder.accepted[-1][2]["References"] == held


def test_a_held_alert_resent_on_request_keeps_its_message_id(project, smtp):
    held = _kill_while_the_server_accepts(project, smtp)
    code, out, err = project.cli("alert", "--send", "--resend-held")
    assert code == 0, err
    ids = smtp.recorder.message_ids()
    assert ids.count(held) == 2 and len(ids) == 3  # the operator chose a second copy: the same Message-ID
    first, again = [m for _, _, m in smtp.recorder.accepted if m["Message-ID"] == held]
    assert first.as_bytes() == again.as_bytes()
    assert state(project)["held"] == [] and "0 alert(s) sent" in project.cli("alert", "--send")[1]


def test_two_runs_at_once_do_not_both_send(project, smtp):
    _pending(project, smtp.port, actions=1)
    smtp.recorder.hang_in = "rcpt"
    process = _alert(project, "--send")
    assert smtp.recorder.arrived.wait(60)
    code, out, err = project.cli("alert", "--send")
    assert code == 1 and "another accompany alert is running on this project" in err
    smtp.recorder.release.set()
    assert _finish(process)[0] == 0
    assert len(smtp.recorder.accepted) == 1


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1, made with openssl; clients trust it through SSL_CERT_FILE."""
    folder = tmp_path_factory.mktemp("tls")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem")],
                   check=True, capture_output=True)
    return folder / "cert.pem", folder / "key.pem"


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_the_login_goes_over_tls_and_the_alerts_with_it(project, certificate, monkeypatch, security):
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    server = SmtpServer(login=("alerts", "s3cret-pass"), tls_context=context, implicit_tls=security == "tls").start()
    try:
        _pending(project, server.port, LOGIN, security=security)
        monkeypatch.setenv("ACCOMPANY_TEST_SMTP", "s3cret-pass")
        code, out, err = project.cli("alert", "--send")
        assert code == 1 and "its certificate is not trusted (self-signed certificate)" in err  # nothing in the clear
        assert server.recorder.accepted == []
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))
        code, out, err = project.cli("alert", "--send")
        assert code == 0, err
        assert len(server.recorder.accepted) == 2 and server.recorder.encrypted == [True, True]
    finally:
        server.stop()


def test_starttls_is_required_when_asked_for(project, smtp):
    _pending(project, smtp.port, security="starttls")
    code, out, err = project.cli("alert", "--send")
    assert code == 1 and f"the SMTP server 127.0.0.1:{smtp.port} does not offer STARTTLS" in err
    assert smtp.recorder.accepted == []
