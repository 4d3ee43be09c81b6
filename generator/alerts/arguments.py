"""The command line of ``accompany alert`` and ``accompany websub``, for generator/cli.py to include."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def alerts_arguments(commands) -> None:
    """Add the two commands to the ``accompany`` parser's subcommands."""
    alert = commands.add_parser("alert",
                                help="e-mail the emergency network what changed on the site since the last alert")
    how = alert.add_mutually_exclusive_group()
    how.add_argument("--dry-run", action="store_true",
                     help="write the alerts as .eml files, send nothing (the default)")
    how.add_argument("--send", action="store_true", help="send them through the SMTP server of accompany.alerts")
    alert.add_argument("--out", type=Path,
                       help="with --dry-run: the folder for the .eml files (default: .accompany/alerts/outbox/)")
    alert.add_argument("--all-open", action="store_true",
                       help="first run only: alert every open action now, instead of recording them as known")
    alert.add_argument("--site-dir", type=Path, help="the published site, as built (default: site/)")
    held = alert.add_mutually_exclusive_group()
    held.add_argument("--resend-held", action="store_true", help="send held alerts again, with the same Message-ID")
    held.add_argument("--forget-held", action="store_true",
                      help="record held alerts as delivered, without sending them")
    websub = commands.add_parser("websub", help="tell the WebSub hub which feeds of the built site changed")
    websub.add_argument("--site-dir", type=Path, help="the built site (default: site/)")


def alerts_command(root: Path, args: argparse.Namespace) -> int:
    """Run ``accompany alert`` or ``accompany websub``; returns the exit code."""
    if args.command == "websub":
        from .websub import run

        return run(root, (args.site_dir or root / "site").absolute())
    from .command import run

    if args.out is not None and args.send:
        print("accompany alert: --out is for --dry-run: sent alerts are not written to files", file=sys.stderr)
        return 2
    site_dir = args.site_dir.absolute() if args.site_dir else None
    return run(root, args.send, args.out, args.all_open, args.resend_held, args.forget_held, site_dir)
