"""Accessibility checks with axe-core (installed by `make node-deps`)."""

import functools
import json
from pathlib import Path

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules/axe-core/axe.min.js"

# WCAG 2.x A and AA rules up to 2.2, which is what the spec promises.
WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@functools.cache
def _axe_source():
    if not AXE_JS.exists():
        raise RuntimeError(f"{AXE_JS} missing; run `make node-deps` (npm ci)")
    # Wrapped so that evaluate() runs it as a statement list, not an expression.
    return "() => {\n" + AXE_JS.read_text() + "\n}"


def axe_violations(page, tags=WCAG_AA_TAGS, context=None):
    """Run axe-core in ``page`` and return its list of violations (dicts)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Not add_script_tag(): that inserts an inline <script>, which the app's
        # Content-Security-Policy (no 'unsafe-inline') blocks. Evaluating through
        # the DevTools protocol is not subject to the page's CSP.
        page.evaluate(_axe_source())
    options = {"runOnly": {"type": "tag", "values": list(tags)}}
    result = page.evaluate(
        "([context, options]) => axe.run(context || document, options)",
        [context, options],
    )
    return result["violations"]


def format_violations(violations):
    """A readable summary for an assertion message."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {json.dumps(node['target'])}: {node['failureSummary']}")
    return "\n".join(lines)


def assert_no_axe_violations(page, **kwargs):
    violations = axe_violations(page, **kwargs)
    assert not violations, "axe-core violations:\n" + format_violations(violations)
