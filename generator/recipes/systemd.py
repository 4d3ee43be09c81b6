"""Your own server: systemd units that build daily and on demand, and tell the maintainers on failure.

- ``accompany-build.service``: one build (``systemctl start accompany-build`` builds now);
- ``accompany-build.timer``: every day just after midnight in the site's time zone;
- ``accompany-status.service`` and ``.timer``: ``accompany status`` every morning, which
  fails when the last good build is too old or the last build failed (a timer that
  stopped, a full disk): the same notice then goes out;
- ``accompany-failed@.service``: the notice, mailed with ``accompany status`` and the log.
"""

from __future__ import annotations

from .deployment import BUILD_MINUTE, Deployment

FOLDER = "deploy/systemd"


def units(d: Deployment) -> dict[str, str]:
    """The unit files, by path in the project."""
    accompany = f"{d.venv}/bin/accompany --project {d.project_dir}"
    builds = [f"ExecStart={accompany} build --site-dir {d.www_root}/site"]
    if d.onion:
        builds.append(f"ExecStart={accompany} build --site-url {d.onion_url} --site-dir {d.www_root}/onion")
    values = dict(org=d.organisation, tz=d.timezone, user=d.user, project=d.project_dir, www=d.www_root,
                  accompany=accompany, builds="\n".join(builds), minute=f"{BUILD_MINUTE:02d}", to=d.maintainers)
    return {f"{FOLDER}/{name}": text.format(**values) for name, text in _UNITS.items()}


_HARDENING = """\
NoNewPrivileges=yes
PrivateTmp=yes
PrivateDevices=yes
ProtectSystem=strict
ProtectHome=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectControlGroups=yes
RestrictSUIDSGID=yes
LockPersonality=yes"""

_UNITS = {
    "accompany-build.service": """\
# Builds the site of {org}. Install: README, "Put it online", your own server.
[Unit]
Description=Build the {org} site with accompany
Wants=network-online.target
After=network-online.target
OnFailure=accompany-failed@%n.service

[Service]
Type=oneshot
User={user}
Group={user}
WorkingDirectory={project}
Environment=PYTHONUNBUFFERED=1
# The site is built from the main branch as it is on the Git host, never from drafts on a laptop.
ExecStartPre=/usr/bin/git -C {project} pull --ff-only --quiet
{builds}
TimeoutStartSec=30min
Nice=10
ReadWritePaths={project} {www}
""" + _HARDENING + "\n",
    "accompany-build.timer": """\
[Unit]
Description=Rebuild the {org} site every day just after midnight ({tz})

[Timer]
OnCalendar=*-*-* 00:{minute}:00 {tz}
Persistent=true
AccuracySec=1min

[Install]
WantedBy=timers.target
""",
    "accompany-status.service": """\
# Fails (and so sends the notice) when the last good build is over a day old or the last build failed.
[Unit]
Description=Check that the {org} site was rebuilt
OnFailure=accompany-failed@%n.service

[Service]
Type=oneshot
User={user}
Group={user}
ExecStart={accompany} status --max-age 26h
ReadWritePaths={project}
""" + _HARDENING + "\n",
    "accompany-status.timer": """\
[Unit]
Description=Check every morning that the {org} site was rebuilt

[Timer]
OnCalendar=*-*-* 08:00:00 {tz}
Persistent=true

[Install]
WantedBy=timers.target
""",
    "accompany-failed@.service": """\
# Mails the maintainers what `accompany status` says and the end of the failed unit's log.
# Needs a mail command that can send (Debian: apt install bsd-mailx, and an MTA such as msmtp-mta).
[Unit]
Description=Tell the maintainers of the {org} site that %i failed

[Service]
Type=oneshot
User={user}
Group={user}
SupplementaryGroups=systemd-journal
ExecStart=/bin/sh -c '{{ {accompany} status; echo; journalctl --unit=%i --lines=60 --no-pager; }} 2>&1 | mail -s "{org}: the site was not rebuilt (%i on %H)" {to}'
""",
}
