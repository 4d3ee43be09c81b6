"""``accompany alert``: compose the alerts due since the last one, write them as .eml files or send them.

Read top to bottom: settings, then per language the snapshot of the built
site and what the network was told (its state), the events between them, every
message composed and checked before any is sent, then each sent and recorded
one at a time (see :mod:`.state` for what a crash leaves behind).
"""

from __future__ import annotations

import copy
import hashlib
import os
import sys
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path

from ..core.settings import AlertSettings, SiteConfig
from ..core.problems import Problem, ProblemsFound
from ..load import validate_settings
from ..read import parse_settings
from . import events as ev
from . import snapshot
from .compose import compose, recipients
from .guard import Guard
from .send import DeliveryError, MaybeDelivered, Smtp
from .state import AlertState, StateError, locked


def alerts_folder(root: Path) -> Path:
    return root / ".accompany" / "alerts"


@dataclass
class Outgoing:
    """One event of a run, with its message (None for an event that is only recorded)."""

    event: ev.Event
    message: EmailMessage | None
    name: str = ""
    held: dict | None = None
    """The held entry this resends, if it is one."""


@dataclass
class Plan:
    language: str
    snapshot: dict
    state: AlertState
    outgoing: list[Outgoing] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def run(root: Path, send: bool = False, out: Path | None = None, all_open: bool = False,
        resend_held: bool = False, forget_held: bool = False, site_dir: Path | None = None,
        environ=os.environ) -> int:
    """The command; returns its exit code. Problems in the files raise :class:`ProblemsFound`."""
    config = read_config(root)
    settings = config.settings.alerts
    folder = alerts_folder(root)
    try:
        if forget_held and not send:
            raise StateError("--forget-held records held alerts as delivered: it needs --send")
        with locked(folder):
            site = (site_dir or root / "site").absolute()
            plans = [_plan(folder, config, language, site, all_open, resend_held, forget_held)
                     for language in config.settings.alert_languages]
            _name_and_check(root, plans, config.source.line(("accompany", "alerts")))
            for plan in plans:
                for note in plan.notes:
                    print(note)
            if not send:
                return _dry_run(plans, out or folder / "outbox", default_out=out is None)
            return _send(plans, settings, lambda: _password(config, environ))
    except (StateError, DeliveryError) as exc:
        print(f"accompany alert: {exc}", file=sys.stderr)
        return 1


def read_config(root: Path, needs: str = "alerts") -> SiteConfig:
    """mkdocs.yml, validated, with ``accompany.<needs>`` set."""
    path = root / "mkdocs.yml"
    try:
        raw = path.read_bytes()
    except OSError:
        raise ProblemsFound([Problem("mkdocs.yml", 1, "file", "not found: run this in the project folder")]) from None
    source, problems = parse_settings(raw)
    config, more = validate_settings(source) if source else (None, [])
    if problems or more:
        raise ProblemsFound(problems + more)
    if getattr(config.settings, needs) is None:
        what = {"alerts": "the SMTP settings of the emergency network's alerts (host, from, to)",
                "websub_hub": "the address of the WebSub hub"}[needs]
        raise ProblemsFound([Problem("mkdocs.yml", source.line(("accompany",)), f"accompany.{needs}",
                                     f"not set: add {what} (see VOLUNTEERS.md)")])
    return config


def _plan(folder: Path, config: SiteConfig, language: str, site: Path, all_open: bool, resend_held: bool,
          forget_held: bool) -> Plan:
    published = snapshot.read(folder, language)
    line = config.source.line(("accompany", "alerts"))
    if published is None:
        raise ProblemsFound([Problem("mkdocs.yml", line, "accompany.alerts", f"no built site in {language!r} is "
                                     "recorded: run accompany build first (alerts come from the site as built)")])
    if Path(published["site_dir"]) != site:
        raise ProblemsFound([Problem("mkdocs.yml", line, "accompany.alerts", f"the last build went to "
                                     f"{published['site_dir']}, not to the site {site}: build the site again "
                                     "(accompany build), then alert (a preview or a mirror is not the "
                                     "published site)")])
    state = AlertState.load(folder, language)
    plan = Plan(language, published, state)
    if all_open and not state.first_run:
        raise StateError("--all-open is for the first run only: later runs alert what changed since the last one")
    if state.inflight:
        entry = state.data["inflight"]
        state.data["inflight"] = None
        if entry["stage"] == "committing":
            state.held.append(entry)
        else:
            plan.notes.append(f"{language}: an alert interrupted before the server had it is sent again "
                              f"({entry['message_id']})")
    actions = published["actions"]
    baseline = copy.deepcopy(state.baseline) if not state.first_run else {}
    if forget_held:
        for entry in state.held:
            event = ev.Event.from_dict(entry["event"])
            ev.apply(state.data["baseline"], event, actions.get(event.action), entry["message_id"])
            ev.apply(baseline, event, actions.get(event.action), entry["message_id"])
            plan.notes.append(f"{language}: recorded as delivered, not sent again: {entry['message_id']}")
        state.data["held"] = []
    for entry in state.held if resend_held else []:
        event = ev.Event.from_dict(entry["event"])
        refs = baseline.get(event.action, {}).get("messages", [])
        message = compose(event, published, config.settings.alerts, refs, entry["message_id"])
        if message is None:
            plan.notes.append(f"{language}: held alert {entry['message_id']} cannot be sent again: what it was "
                              "about is no longer published (use --forget-held to drop it)")
            continue
        ev.apply(baseline, event, actions.get(event.action), entry["message_id"])
        plan.outgoing.append(Outgoing(event, message, held=entry))
    blocked = state.held_actions() - {o.event.action for o in plan.outgoing}
    for event in ev.diff(None if state.first_run else baseline, actions, all_open):
        if event.action in blocked:
            continue
        message = None
        if event.mails:
            refs = baseline.get(event.action, {}).get("messages", [])
            message = compose(event, published, config.settings.alerts, refs)
        ev.apply(baseline, event, actions.get(event.action), message["Message-ID"] if message else None)
        plan.outgoing.append(Outgoing(event, message))
    for entry in state.held:
        if not resend_held:
            plan.notes.append(f"{language}: held: {_held_note(entry)}")
    if state.first_run:
        known = sum(1 for o in plan.outgoing if not o.event.mails)
        plan.notes.append(f"{language}: first run: {known} published action(s) recorded as known, without an alert"
                          + (f", {len(plan.outgoing) - known} open one(s) alerted as new" if all_open
                             else "; later runs alert what changes (--all-open alerts the open ones now)"))
    return plan


def _held_note(entry: dict) -> str:
    return (f"{entry['message_id']} ({entry['event']['action']}) may have been delivered: the run stopped while "
            "the server was accepting it. Check whether the network received it, then run accompany alert "
            "--send --forget-held (it arrived) or --send --resend-held (it did not; the same Message-ID lets "
            "mail stores drop a second copy). Alerts about that action wait until then.")


def _name_and_check(root: Path, plans: list[Plan], line: int) -> None:
    """Name every message, and refuse the run if any says what the content now withholds."""
    problems = []
    for plan in plans:
        guard = None
        for i, item in enumerate(o for o in plan.outgoing if o.message is not None):
            mid = item.message["Message-ID"]
            digest = hashlib.sha256(mid.encode()).hexdigest()[:8]  # no action id: it may be what is withheld later
            item.name = f"{i + 1:03d}-{plan.language}-{item.event.kind}-{digest}.eml"
            guard = guard or Guard(root, datetime.fromisoformat(plan.snapshot["as_of"]), line)
            problems += guard.problems(item.name, item.message)
    if problems:
        raise ProblemsFound(problems + [Problem("mkdocs.yml", line, "accompany.alerts",
                                                "no alert was sent: build the site again, then run accompany alert")])


def _dry_run(plans: list[Plan], out: Path, default_out: bool) -> int:
    out.mkdir(parents=True, exist_ok=True)
    if default_out:  # the outbox shows this run only
        for old in out.glob("*.eml"):
            old.unlink()
    count = 0
    for plan in plans:
        for item in plan.outgoing:
            if item.message is not None:
                (out / item.name).write_bytes(item.message.as_bytes())
                print(f"would send {item.name}: {item.message['Subject']}")
                count += 1
    print(f"dry run: {count} alert(s) written to {out}; nothing was sent or recorded "
          "(accompany alert --send sends them)")
    return 0


def _password(config: SiteConfig, environ) -> str | None:
    settings: AlertSettings = config.settings.alerts
    if not settings.username:
        return None
    password = environ.get(settings.password_env or "")
    if not password:
        line = config.source.line(("accompany", "alerts", "password_env"))
        raise DeliveryError(f"the environment variable named by accompany.alerts.password_env (mkdocs.yml:{line}) "
                            "is not set or empty: set it to the SMTP password; nothing was sent")
    return password


def _send(plans: list[Plan], settings: AlertSettings, password) -> int:
    """Send each message and record it, one at a time; ``password()`` is asked for only if one must go."""
    sent, session = 0, None
    try:
        for plan in plans:
            state = plan.state
            if state.first_run:
                state.data["baseline"] = {}
            state.save()  # an interrupted alert found at the start is held, or forgotten, from now on
            for item in plan.outgoing:
                action = plan.snapshot["actions"].get(item.event.action)
                if item.message is None:  # recorded with the next message, or at the end
                    ev.apply(state.baseline, item.event, action)
                    continue
                session = session or Smtp(settings, password()).open()
                mid = item.message["Message-ID"]
                if item.held:
                    state.held.remove(item.held)
                state.data["inflight"] = {"stage": "started", "message_id": mid, "event": item.event.as_dict()}
                state.save()

                def committing():
                    state.data["inflight"]["stage"] = "committing"
                    state.save()

                try:
                    session.send(settings.sender, recipients(settings), item.message.as_bytes(), committing)
                except MaybeDelivered as exc:
                    state.held.append(state.data["inflight"])
                    state.data["inflight"] = None
                    state.save()
                    raise DeliveryError(f"{exc}. {_held_note(state.held[-1])}") from None
                except DeliveryError:
                    if item.held:
                        state.held.append(item.held)
                    state.data["inflight"] = None
                    state.save()
                    raise
                ev.apply(state.baseline, item.event, action, mid)
                state.data["inflight"] = None
                state.save()
                sent += 1
                print(f"sent {mid}: {item.message['Subject']}")
            state.save()
    except DeliveryError as exc:
        if session is not None:
            session.close()  # no polite QUIT to a server that may not answer
        print(f"accompany alert: {exc}", file=sys.stderr)
        print(f"{sent} alert(s) sent and recorded before this; the others were not sent and will be at the next run",
              file=sys.stderr)
        return 1
    if session is not None:
        session.__exit__(None, None, None)
    held = sum(len(plan.state.held) for plan in plans)
    print(f"{sent} alert(s) sent" + (f"; {held} held (see above)" if held else ""))
    return 1 if held else 0
