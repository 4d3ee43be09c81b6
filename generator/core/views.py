"""What a reader may see of an action or a tour stop today: decided here, once, for every output.

Pages, sheets, feeds, calendars and e-mails all ask these views; none decides
for itself whether the letter is shown, when an action closed, when a stop
ends or whether it is still to come.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from .model import Action, Entry, Stop

#: A stop written without ``ends`` lasts this long: an evening talk with questions.
DEFAULT_STOP_LENGTH = timedelta(hours=2)


@dataclass(frozen=True)
class ActionView:
    """An action as shown today."""

    entry: Entry
    url: str
    status: str
    """As shown today: open, closed or resolved (an open action past its deadline is closed)."""
    days_left: int | None
    updated: date
    """The newest of issued and the updates' dates."""
    updates: tuple
    """Newest first."""

    @property
    def meta(self) -> Action:
        return self.entry.meta

    @property
    def shows_letter(self) -> bool:
        """What to do, the letter and the addresses: only while open. Late letters can do harm."""
        return self.status == "open"

    @property
    def closed_on(self) -> date | None:
        """The day it was closed or resolved, from its content alone; None while it is open.

        An open action past its deadline closed on the deadline's day. An action
        marked closed closed on its deadline, or on its newest update when that is
        earlier (it was closed early) or when it has no deadline. A resolved action
        was resolved on its newest update (the news), else on the day it was issued.
        """
        meta = self.meta
        if self.status == "open":
            return None
        if self.status == "resolved" or meta.deadline is None:
            return self.updated
        if meta.status == "open":
            return meta.deadline
        return min(meta.deadline, self.updated)


@dataclass(frozen=True)
class StopView:
    """A tour stop: its times in its own zone, its address on the site, and whether it is still to come."""

    tour: Entry
    index: int
    stop: Stop
    starts: datetime
    """Aware, in the stop's own time zone."""
    ends: datetime | None
    """As written (aware), or None."""
    zone: str
    uid: str
    """Stable calendar UID (without domain): the stop id, else tour slug, city and date."""
    anchor: str
    url: str
    actions: tuple[ActionView, ...]
    past: bool = False
    """It has ended (:attr:`end`) before the build's "now"."""

    @property
    def end(self) -> datetime:
        """``ends``, or the start plus :data:`DEFAULT_STOP_LENGTH` of elapsed time (across a clock change)."""
        if self.ends is not None:
            return self.ends
        return (self.starts.astimezone(timezone.utc) + DEFAULT_STOP_LENGTH).astimezone(self.starts.tzinfo)

    @property
    def upcoming(self) -> bool:
        return not self.past

    @property
    def status(self) -> str:
        return self.stop.status

    @property
    def mode(self) -> str:
        """in person, online or hybrid, from venue/city and online."""
        physical = bool(self.stop.venue or self.stop.address or self.stop.city)
        if self.stop.online and physical:
            return "hybrid"
        return "online" if self.stop.online else "in person"
