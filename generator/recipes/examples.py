"""The recipes as rendered for the bundled sample, kept in ``deploy/`` to read and copy.

``python -m generator.recipes.examples`` rewrites them; a test fails when they
differ from what the recipes make (``tests/test_recipes.py``).
"""

from __future__ import annotations

from pathlib import Path

from . import SYSTEMS, Deployment, recipe

SAMPLE = Deployment(site_url="https://accompany.example.org/", timezone="Europe/London",
                    organisation="Accompany Sample Network", maintainers="maintainers@example.org",
                    onion="accompanyexampleonionaddressxxxxxxxxxxxxxxxxxxxxxxxxxxxx.onion")
YEAR = 2026

#: Where each recipe file goes in deploy/: the workflow and pipeline would run if kept at their real paths.
RENAMED = {".github/workflows/accompany.yml": "deploy/github-workflow.yml", ".gitlab-ci.yml": "deploy/gitlab-ci.yml"}


def examples() -> dict[str, str]:
    """Every recipe file for the sample, by path in this repository."""
    out = {}
    for system in SYSTEMS:
        for path, text in recipe(system, SAMPLE, YEAR).items():
            out[RENAMED.get(path, path)] = text
    return out


def main() -> None:
    root = Path(__file__).resolve().parents[2]
    for path, text in examples().items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
