"""GitHub Pages: a GitHub Actions workflow that builds on push, daily and on demand, and fails loudly."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .deployment import BUILD_MINUTE, Deployment

PATH = ".github/workflows/accompany.yml"


def utc_schedules(zone: str, year: int, minute: int = BUILD_MINUTE) -> list[tuple[int, int]]:
    """``(hour, minute)`` in UTC at which local time in ``zone`` is 00:``minute``, for every offset of ``year``.

    GitHub runs schedules in UTC. A zone with summer time has two offsets, so
    two schedules: each day one of them falls just after local midnight (the
    other, an hour away, rebuilds the same site again, which changes nothing).
    """
    tz = ZoneInfo(zone)
    offsets = set()
    day = date(year, 1, 1)
    while day.year == year:
        offsets.add(datetime.combine(day, time(0, minute), tzinfo=tz).utcoffset())
        day += timedelta(days=1)
    out = set()
    for offset in offsets:
        utc = datetime.combine(date(year, 1, 1), time(0, minute)) - offset
        out.add((utc.hour, utc.minute))
    return sorted(out)


def _cron_lines(d: Deployment, year: int) -> str:
    lines = []
    for hour, minute in utc_schedules(d.timezone, year):
        lines.append(f'    - cron: "{minute} {hour} * * *"')
    return "\n".join(lines)


def workflow(d: Deployment, year: int) -> str:
    """The workflow file (``.github/workflows/accompany.yml``)."""
    return _WORKFLOW.format(tz=d.timezone, minute=f"{BUILD_MINUTE:02d}", crons=_cron_lines(d, year),
                            url=d.site_url)


_WORKFLOW = """\
# Build the site with accompany and publish it on GitHub Pages ({url}):
# on every push to main, every day just after midnight in {tz} (deadlines,
# embargoes and review dates take effect only when the site is built), and on
# demand (Actions > accompany > Run workflow).
#
# Once: Settings > Pages > Build and deployment > Source: GitHub Actions.
# Keep the repository PRIVATE (drafts, private notes and real names are in it):
# Pages from a private repository needs a paid GitHub plan.
#
# A failed build keeps the last site online and opens an issue ("The site was
# not rebuilt") that every maintainer watching the repository is told about.
name: accompany

on:
  push:
    branches: [main]
  schedule:
    # GitHub's schedules are in UTC: these are 00:{minute} in {tz}, in winter and in summer time.
{crons}
  workflow_dispatch:

permissions:
  contents: read

concurrency:
  group: pages
  cancel-in-progress: false

jobs:
  build:
    runs-on: ubuntu-24.04
    timeout-minutes: 30
    steps:
      - uses: actions/checkout@v5
      - uses: actions/setup-python@v6
        with:
          python-version: "3.12"
      - name: Install accompany (and the libraries its PDFs need)
        run: |
          sudo apt-get update -qq
          sudo apt-get install -y -qq --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0
          python -m pip install --quiet -r requirements.txt
      - name: Check the content
        run: accompany check
      - name: Build the site
        run: accompany build --site-dir _site
      - uses: actions/upload-pages-artifact@v4
        with:
          path: _site

  deploy:
    needs: build
    runs-on: ubuntu-24.04
    permissions:
      pages: write
      id-token: write
    environment:
      name: github-pages
      url: ${{{{ steps.deployment.outputs.page_url }}}}
    steps:
      - id: deployment
        uses: actions/deploy-pages@v5

  tell-the-maintainers:
    needs: [build, deploy]
    if: failure()
    runs-on: ubuntu-24.04
    permissions:
      issues: write
    steps:
      - name: Open an issue, or add to the open one
        env:
          GH_TOKEN: ${{{{ github.token }}}}
          GH_REPO: ${{{{ github.repository }}}}
          RUN: ${{{{ github.server_url }}}}/${{{{ github.repository }}}}/actions/runs/${{{{ github.run_id }}}}
        run: |
          title="The site was not rebuilt"
          open=$(gh issue list --state open --search "in:title \\"$title\\"" --json number --jq '.[0].number // empty')
          if [ -n "$open" ]; then
            gh issue comment "$open" --body "It failed again: $RUN"
          else
            gh issue create --title "$title" --body "The build failed, so the site still shows the last good build: actions past their deadline may still show as open, and profiles due for review may still be online. Read the log, fix the file it names, push: $RUN"
          fi
"""
