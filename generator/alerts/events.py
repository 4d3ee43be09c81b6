"""What happened since the last alert: the published snapshot compared with what the network was told.

The network's knowledge is kept per language as a *baseline*: for each action
alerted or noted, its status, deadline and update keys as last told, how many
alerts were sent about it (``n``) and their Message-IDs. :func:`diff` turns
baseline and snapshot into events; :func:`apply` moves the baseline on by one
event, once that event's e-mail has been accepted by the server.

Events of one action are numbered from its ``n``: the ``k``-th alert ever sent
about UA-2026-031 has the key ``UA-2026-031/k/kind[/detail]``, and its
Message-ID is derived from that key. The same baseline and the same snapshot
always give the same events with the same keys, so a run that stopped half way
is continued, never repeated; and a deadline moved back and forth gets a new
Message-ID each time.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

#: Kinds that carry an e-mail, in the order one action's events are sent: news first, the end last.
KINDS = ("new", "update", "deadline", "reopened", "closed", "resolved", "withdrawn")
#: Kinds that tell the network to stop writing.
STOP = frozenset({"closed", "resolved", "withdrawn"})


@dataclass(frozen=True)
class Event:
    """One thing to tell the network about one action (``kind`` "noted": recorded, no e-mail)."""

    action: str
    seq: int
    """The how-manieth alert about this action this is (0 for a noted event, which sends nothing)."""
    kind: str
    detail: str = ""
    """The update's key, or the new deadline."""

    @property
    def key(self) -> str:
        return f"{self.action}/{self.seq}/{self.kind}" + (f"/{self.detail}" if self.detail else "")

    @property
    def mails(self) -> bool:
        return self.kind != "noted"

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Event":
        return cls(data["action"], int(data["seq"]), data["kind"], data.get("detail", ""))


def diff(baseline: dict | None, actions: dict[str, dict], all_open: bool = False) -> list[Event]:
    """Every event from ``baseline`` (None on the first run) to the snapshot's ``actions``, in sending order.

    On the first run every published action is noted as known, without an
    e-mail, unless ``all_open``: then each open action is alerted as new.
    """
    events: list[Event] = []
    known = {} if baseline is None else baseline
    for action_id in sorted(set(known) | set(actions)):
        told, now = known.get(action_id), actions.get(action_id)
        if baseline is None:
            events.append(Event(action_id, 1, "new") if all_open and now["status"] == "open"
                          else Event(action_id, 0, "noted"))
        else:
            events += _action_events(action_id, told, now)
    return events


def _action_events(action_id: str, told: dict | None, now: dict | None) -> list[Event]:
    n = told["n"] if told else 0
    out: list[tuple[str, str]] = []
    if now is None:
        if told and told.get("published", True):
            # Gone from the site: withdrawn, a draft again, or deleted. Only a network that was told about
            # it needs telling to stop, and then without a word of what it was (the text may be why it went).
            out.append(("withdrawn", "") if told.get("messages") else ("noted", ""))
    elif told is None or not told.get("published", True):
        out.append(("new", "") if now["status"] == "open" else ("noted", ""))
    else:
        seen = set(told["updates"])
        out += [("update", u["key"]) for u in sorted(now["updates"], key=lambda u: (u["date"], u["key"]))
                if u["key"] not in seen]
        was, is_ = told["status"], now["status"]
        if is_ == "open" and was != "open":
            out.append(("reopened", now["deadline"] or ""))
        elif is_ == "open" and now["deadline"] != told["deadline"]:
            out.append(("deadline", now["deadline"] or ""))
        if is_ == "closed" and was != "closed":
            out.append(("closed", ""))
        elif is_ == "resolved" and was != "resolved":
            out.append(("resolved", ""))
    events = []
    for kind, detail in out:
        if kind == "noted":
            events.append(Event(action_id, 0, kind, detail))
        else:
            n += 1
            events.append(Event(action_id, n, kind, detail))
    return events


def apply(baseline: dict, event: Event, now: dict | None, message_id: str | None = None) -> None:
    """Move ``baseline`` on by ``event`` (its e-mail accepted, or nothing to send).

    ``now`` is the action as published (None once it left the site).
    """
    told = baseline.get(event.action)
    if now is not None and (told is None or not told.get("published", True) or event.kind == "noted"):
        told = baseline[event.action] = {
            "n": told["n"] if told else 0, "messages": told["messages"] if told else [],
            "status": now["status"], "deadline": now["deadline"], "published": True,
            "updates": sorted(u["key"] for u in now["updates"]),
        }
    elif told is None:
        return
    if event.kind == "update":
        told["updates"] = sorted(set(told["updates"]) | {event.detail})
    elif event.kind in ("deadline", "reopened"):
        told["status"], told["deadline"] = "open", event.detail or None
    elif event.kind in ("closed", "resolved"):
        told["status"] = event.kind
    if event.kind == "withdrawn" or (event.kind == "noted" and now is None):
        told["published"] = False
    if event.mails:
        told["n"] = max(told["n"], event.seq)
        if message_id:
            told["messages"].append(message_id)
