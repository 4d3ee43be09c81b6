"""``accompany status``: what is live, what time will change and when, and whether the last build is fresh.

For people and for monitors: the exit code is 0 only when the last build
succeeded, is younger than ``--max-age``, and a build now would succeed too.
The systemd recipe runs it every morning and mails what it says when it
fails (recipes/systemd.py); any monitor can do the same.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from . import buildrecord
from .core.problems import ProblemsFound
from .core.schedule import changes
from .load import load, resolve_now, validated

OK, STALE = 0, 1


def status(root: Path, as_of, wall_now: datetime, days: int = 14, max_age_hours: float = 26.0,
           site_url: str | None = None) -> int:
    """Print the status of the site in ``root``; the exit code says whether it needs attention."""
    try:
        project, config, catalogue = validated(root, site_url=site_url)
    except ProblemsFound as found:
        print(f"accompany status: the files have {len(found.problems)} problem(s): no build can succeed "
              "until they are fixed (run 'accompany check').")
        for problem in found.problems[:10]:
            print(f"  {problem}")
        _print_last(buildrecord.read(root, site_url or buildrecord.DEFAULT), None, wall_now)
        return STALE
    zone = ZoneInfo(config.settings.timezone)
    now = resolve_now(as_of, zone)
    record = buildrecord.read(root, site_url or buildrecord.DEFAULT)

    def local(moment: datetime) -> str:
        return moment.astimezone(zone).strftime("%a %Y-%m-%d %H:%M")

    print(f"{config.settings.organisation}, {config.site_url}, as of {local(now)} ({config.settings.timezone})")
    failures = _print_last(record, zone, wall_now)

    success = record.last_success
    if success is not None:
        live = ", ".join(f"{what}: {n}" for what, n in success.live.items())
        print(f"Live (built as of {local(datetime.fromisoformat(success.as_of))}): {live}")
        built_as_of = datetime.fromisoformat(success.as_of)
        due = changes(catalogue, config.settings.timezone, built_as_of, now)
        if due:
            print("\nDue since that build, not on the site until the next one:")
            print("\n".join(f"  {local(c.when)}  {c.path}: {c.message}" for c in due))
        age = wall_now - datetime.fromisoformat(success.finished)
        if age > timedelta(hours=max_age_hours):
            failures.append(f"the last good build is {_age(age)} old (the limit is {_age(timedelta(hours=max_age_hours))})")
    else:
        failures.append("no build has succeeded here yet")

    coming = changes(catalogue, config.settings.timezone, now, now + timedelta(days=days))
    print(f"\nIn the next {days} days:")
    print("\n".join(f"  {local(c.when)}  {c.path}: {c.message}" for c in coming) or "  nothing changes by itself")

    try:
        load(root, now, site_url=site_url)
    except ProblemsFound as found:
        failures.append(f"a build now would fail with {len(found.problems)} problem(s): "
                        f"{found.problems[0]}{' ...' if len(found.problems) > 1 else ''}")
    if failures:
        print("\nNEEDS ATTENTION: " + "; ".join(failures))
        return STALE
    print(f"\nok: the last build succeeded {_age(wall_now - datetime.fromisoformat(success.finished))} ago")
    return OK


def _print_last(record: buildrecord.Record, zone: ZoneInfo | None, wall_now: datetime) -> list[str]:
    """The last build, good or failed; returns what needs attention."""
    last = record.last_attempt
    if last is None:
        print("Last build: none recorded here (.accompany/builds.json)")
        return []
    finished = datetime.fromisoformat(last.finished)
    shown = finished.astimezone(zone) if zone else finished
    when = f"{shown.strftime('%Y-%m-%d %H:%M')} ({_age(wall_now - finished)} ago)"
    if last.ok:
        print(f"Last build: ok, {when}, {last.files} files in {last.site_dir}")
        return []
    print(f"Last build: FAILED, {when}; the site still shows the build before it")
    print("\n".join(f"  {line}" for line in last.problems))
    return ["the last build failed"]


def _age(delta: timedelta) -> str:
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 3600:
        return f"{seconds // 60} min"
    if seconds < 3 * 86400:
        return f"{seconds / 3600:.0f} h"
    return f"{seconds / 86400:.0f} days"
