"""Deterministic synthetic content in the contract's format, for the benchmark.

``python bench/synth.py N DIR`` writes a project with N items: mostly closed
actions with a few open ones, defenders, tours with stops, and campaigns, each
with a body of about 600 words. The same N gives the same bytes.
"""

from __future__ import annotations

import random
import shutil
import sys
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
AS_OF = date(2026, 12, 1)
COUNTRIES = ["CO", "GT", "HN", "MX", "KE", "UG", "NP", "PH", "ID", "BR", "PE", "BO", "EC", "SV", "NI",
             "CD", "ZW", "TZ", "IN", "LK", "MM", "KH", "TH", "TR", "EG", "TN", "CM", "NG", "SN", "NO"]
THEMES = ["land-rights", "environment", "press-freedom", "labour-rights", "women-defenders",
          "indigenous-peoples", "lgbti-rights", "justice"]
ZONES = ["Europe/London", "Europe/Oslo", "Europe/Madrid", "America/New_York", "America/Bogota",
         "Africa/Nairobi", "Asia/Kathmandu", "UTC"]
WORDS = ("river community defender threat council authorities protection letter land water court "
         "hearing witness journalist union strike harvest forest mining village leader family lawyer "
         "report embassy solidarity march meeting farmers fishing school road night phone message "
         "investigation prosecutor police military company license permit territory peaceful").split()

SETTINGS = """\
site_name: Benchmark Network
site_url: https://bench.example.org/
theme:
  name: material
  font: false
plugins:
  - search
accompany:
  organisation: Benchmark Network
  language: en
  timezone: Europe/London
  themes:
{themes}
"""


def prose(rng: random.Random, words: int) -> str:
    paragraphs, written = [], 0
    while written < words:
        n = rng.randint(40, 90)
        sentence_words = [rng.choice(WORDS) for _ in range(n)]
        text = " ".join(sentence_words).capitalize() + "."
        paragraphs.append(text)
        written += n
    return "\n\n".join(paragraphs) + "\n"


def action(rng: random.Random, i: int, open_: bool, defenders: list[str], campaigns: list[str]) -> str:
    issued = AS_OF - timedelta(days=rng.randint(5, 3000))
    deadline = AS_OF + timedelta(days=rng.randint(2, 40)) if open_ else issued + timedelta(days=30)
    status = "open" if open_ else rng.choice(["closed", "resolved", "open"])  # some open ones are past deadline
    refs = rng.sample(defenders, k=min(2, len(defenders))) if defenders else []
    camp = [rng.choice(campaigns)] if campaigns and rng.random() < 0.5 else []
    updates = "".join(
        f"  - date: {(issued + timedelta(days=3 * (u + 1))).isoformat()}\n    title: Update {u + 1}\n"
        f"    text: {' '.join(rng.choice(WORDS) for _ in range(30))}.\n"
        for u in range(rng.randint(0, 3))
    )
    return f"""---
title: "Urgent action {i}: protect the {rng.choice(WORDS)} defenders"
id: UA-B-{i:05d}
issued: {issued.isoformat()}
deadline: {deadline.isoformat()}
status: {status}
country: {rng.choice(COUNTRIES)}
summary: Defenders of the {rng.choice(WORDS)} have been threatened. Ask the authorities to protect them.
themes: [{rng.choice(THEMES)}]
defenders: [{", ".join(refs)}]
campaigns: [{", ".join(camp)}]
{"outcome: The defenders are safe; charges were dropped." if status == "resolved" else ""}
appeal_languages: [en, es]
steps:
  - Write a polite letter.
  - Send it before the deadline.
targets:
  - name: The Minister {i}
    role: Minister of the Interior
    address: |
      {i} Government Street
      Capital City
    salutation: Dear Minister
letter: |
  Dear Minister,

  {" ".join(rng.choice(WORDS) for _ in range(80))}.

  Yours sincerely,
{"updates:" + chr(10) + updates if updates else ""}---

{prose(rng, 600)}"""


def defender(rng: random.Random, i: int) -> str:
    return f"""---
title: Defender {i}
name: Defender {i}
summary: A {rng.choice(WORDS)} defender accompanied since {2010 + i % 15}.
country: {rng.choice(COUNTRIES)}
kind: {rng.choice(["person", "community", "organisation"])}
themes: [{rng.choice(THEMES)}]
author: A{i % 7}
vetting:
  status: approved
  by: V{i % 5}
  on: 2026-10-01
  review_by: 2027-06-01
consent:
  name: first
  location: {rng.choice(["country", "region"])}
  given_on: 2026-09-01
region: Region {i % 40}
---

{prose(rng, 600)}"""


def tour(rng: random.Random, i: int, defenders: list[str], action_ids: list[str]) -> str:
    stops = []
    start = AS_OF + timedelta(days=rng.randint(-200, 200))
    for s in range(rng.randint(2, 6)):
        day = start + timedelta(days=2 * s)
        featured = rng.sample(action_ids, k=1) if action_ids and rng.random() < 0.3 else []
        stops.append(
            f"  - id: b-{i}-{s}\n    starts: {day.isoformat()}T19:00\n    timezone: {rng.choice(ZONES)}\n"
            f"    city: City {rng.randint(1, 300)}\n    country: {rng.choice(COUNTRIES)}\n    venue: Hall {s}\n"
            f"    status: {rng.choice(['scheduled'] * 8 + ['cancelled', 'postponed'])}\n"
            f"    actions: [{', '.join(featured)}]\n"
        )
    return f"""---
title: Speaker tour {i}
summary: Defenders on tour, telling their story.
defenders: [{rng.choice(defenders) if defenders else ""}]
stops:
{"".join(stops)}---

{prose(rng, 600)}"""


def campaign(rng: random.Random, i: int) -> str:
    return f"""---
title: Campaign {i}
summary: A campaign for {rng.choice(WORDS)} defenders.
starts: {(AS_OF - timedelta(days=rng.randint(30, 2000))).isoformat()}
countries: [{rng.choice(COUNTRIES)}]
---

{prose(rng, 600)}"""


def generate(n: int, root: Path, open_actions: int = 20) -> dict[str, int]:
    """Write a project of ``n`` items under ``root`` (replacing it). Returns counts per type."""
    rng = random.Random(n)
    if root.exists():
        shutil.rmtree(root)
    for folder in ("content/actions", "content/defenders", "content/tours", "content/pages", "content/media", "campaigns"):
        (root / folder).mkdir(parents=True)
    shutil.copytree(REPO / "theme", root / "theme")
    themes = "".join(f"    {t}: {t.replace('-', ' ').capitalize()}\n" for t in THEMES)
    (root / "mkdocs.yml").write_text(SETTINGS.format(themes=themes))
    counts = {"campaign": max(1, n // 100), "defender": n // 5, "tour": n // 20}
    counts["action"] = n - sum(counts.values())
    campaigns = [f"campaign-{i}" for i in range(counts["campaign"])]
    defenders = [f"defender-{i}" for i in range(counts["defender"])]
    for i, slug in enumerate(campaigns):
        (root / "campaigns" / f"{slug}.md").write_text(campaign(rng, i))
    for i, slug in enumerate(defenders):
        (root / "content/defenders" / f"{slug}.md").write_text(defender(rng, i))
    open_ids = []
    for i in range(counts["action"]):
        is_open = i < open_actions
        (root / "content/actions" / f"action-{i:05d}.md").write_text(action(rng, i, is_open, defenders, campaigns))
        if is_open:
            open_ids.append(f"UA-B-{i:05d}")
    for i in range(counts["tour"]):
        (root / "content/tours" / f"tour-{i}.md").write_text(tour(rng, i, defenders, open_ids))
    (root / "content/pages/index.md").write_text("---\ntitle: Benchmark home\n---\n\nSynthetic content for the benchmark.\n")
    return counts


def new_action(root: Path, i: int = 99999) -> Path:
    """Add one open urgent action, issued the day before (the "new action live in seconds" case)."""
    rng = random.Random(-i)
    path = root / "content/actions" / f"action-new-{i}.md"
    text = action(rng, i, True, [], [])
    issued = (AS_OF - timedelta(days=1)).isoformat()
    text = "\n".join(f"issued: {issued}" if line.startswith("issued: ") else line for line in text.split("\n"))
    if "\nupdates:\n" in text:  # a new action has no updates yet
        head, _, rest = text.partition("\nupdates:\n")
        text = head + "\n---" + rest.split("\n---", 1)[1]
    path.write_text(text)
    return path


if __name__ == "__main__":
    n, target = int(sys.argv[1]), Path(sys.argv[2])
    print(generate(n, target))
