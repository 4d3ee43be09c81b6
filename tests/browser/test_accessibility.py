"""axe-core in every page under test, WCAG 2.2 A and AA: no violation, the theme's included."""

from __future__ import annotations

import pytest

from .harness import AXE_TAGS, PAGE_NAMES, VIEWPORTS

RUN_AXE = """tags => axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations", "incomplete"]})"""


def describe(results: list[dict]) -> str:
    lines = []
    for rule in results:
        lines.append(f"{rule['id']} ({rule['impact']}): {rule['help']} [{len(rule['nodes'])} elements]")
        for node in rule["nodes"][:5]:
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    {' '.join(map(str, node['target']))}: {summary[:240]}")
    return "\n".join(lines)


@pytest.mark.parametrize("viewport", VIEWPORTS.values(), ids=VIEWPORTS.keys())
@pytest.mark.parametrize("name", PAGE_NAMES)
def test_no_wcag_violation(pages, paths, name, viewport):
    page, _ = pages.open(paths[name], viewport, axe=True)
    assert page.evaluate("typeof axe") == "object", "axe-core was not injected"
    results = page.evaluate(RUN_AXE, AXE_TAGS)
    if results["incomplete"]:  # what axe cannot decide alone: shown for a human to review
        print(f"\n{name} at {viewport['width']}px, for review:\n{describe(results['incomplete'])}")
    assert not results["violations"], f"{name} at {viewport['width']}px:\n{describe(results['violations'])}"
