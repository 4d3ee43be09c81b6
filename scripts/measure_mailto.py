"""How long a mailto: link Debian's Chromium hands whole to the system's mail handler (Linux).

    .venv/bin/python scripts/measure_mailto.py

Chromium on Linux opens a mailto: link by running ``xdg-open <link>``. This
puts a stand-in xdg-open first on the PATH (it writes down what it was given),
clicks links of growing length in headless Chromium, and bisects the longest
that arrives whole. Measured on Chromium 156 (Debian 12): 131,071 characters;
from 131,072 nothing opens at all, without a word (the kernel's limit on one
argument, MAX_ARG_STRLEN, 32 pages). Windows is far stricter (2,046: see
generator/outputs/mailto.py), which is why the links are at most 2,000.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from browser.harness import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

PREFIX = "mailto:a@b.example?body="


def handed_over(page, opened: Path, length: int) -> bool:
    """Whether a link of ``length`` characters reached xdg-open whole."""
    opened.unlink(missing_ok=True)
    href = PREFIX + "x" * (length - len(PREFIX))
    page.set_content(f'<a id="m" href="{href}">m</a>')
    page.click("#m")
    for _ in range(40):
        if opened.exists():
            return opened.read_text() == href
        time.sleep(0.05)
    return False


def main() -> int:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        opened = Path(tmp) / "opened.txt"
        handler = Path(tmp) / "xdg-open"
        handler.write_text(f"#!/bin/sh\nprintf '%s' \"$1\" > {opened}.part && mv {opened}.part {opened}\n")
        handler.chmod(0o755)
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, chromium_sandbox=False,
                                             args=CHROMIUM_ARGS, env={**os.environ, "PATH": f"{tmp}:{os.environ['PATH']}"})
        page = browser.new_page()
        print(browser.version)
        low, high = 100, 4_000_000  # handed over at low; not at high
        assert handed_over(page, opened, low) and not handed_over(page, opened, high)
        while high - low > 1:
            middle = (low + high) // 2
            low, high = (middle, high) if handed_over(page, opened, middle) else (low, middle)
        print(f"the longest mailto: link handed whole to xdg-open: {low:,} characters")
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
