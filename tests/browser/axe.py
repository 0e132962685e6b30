"""axe-core in the browser tests: inject it (from vendor/, no network), run its WCAG 2 A/AA and 2.1 A/AA rules on
a notebook panel in JupyterLab, and report what fails. Used by test_widgets_a11y_browser.py (notebook 02, the
widget demo) and test_playground_browser.py (notebook 10)."""
import json

import pytest

from .jupyterlab import REPO_ROOT

AXE = REPO_ROOT / "vendor" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")

# axe.run on an element (or on the document with an `exclude`); one row per failing element.
_RUN_AXE = """async ([context, tags]) => {
  const result = await axe.run(context, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'],
                                         elementRef: true});
  const rows = [];
  for (const rule of result.violations) {
    for (const node of rule.nodes) {
      const element = node.element;
      const output = element && element.closest ? element.closest('.jp-OutputArea-output') : null;
      rows.push({rule: rule.id, impact: node.impact || rule.impact, target: node.target.join(' '),
                 html: node.html.slice(0, 160), summary: (node.failureSummary || '').slice(0, 300),
                 in_output: output !== null});
    }
  }
  return rows;
}"""


def inject_axe(page):
    if not AXE.is_file():
        pytest.fail(f"axe-core is missing at {AXE}: run `make install` (it vendors the npm packages)")
    page.add_script_tag(path=str(AXE))
    page.wait_for_function("() => window.axe !== undefined")


def axe_violations(page, panel_id, where):
    """Violations `where` = "panel" (inside the notebook panel) or "chrome" (the rest of JupyterLab)."""
    selector = f"[id='{panel_id}']"
    context = {"include": [[selector]]} if where == "panel" else {"exclude": [[selector]]}
    return page.evaluate(_RUN_AXE, [context, WCAG_TAGS])


def counts_by_rule(rows):
    counts = {}
    for row in rows:
        key = f"{row['rule']} ({row['impact']})"
        counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items()))


def report(title, rows):
    lines = [f"{title}: {len(rows)} failing element(s); by rule (impact): {json.dumps(counts_by_rule(rows))}"]
    lines += [f"  {row['rule']} [{row['impact']}] {row['target']}\n      {row['html']}" for row in rows]
    return "\n".join(lines)


def split_panel(rows):
    """(ours, jupyterlab): violations in the outputs (the widgets, their controls, the figures, text outputs), and
    JupyterLab's own notebook interface inside the panel (toolbar, cell editors, prompts, the cell list)."""
    ours = [row for row in rows if row["in_output"]]
    jupyterlab = [row for row in rows if not row["in_output"]]
    return ours, jupyterlab


def check_notebook_panel(page, notebook):
    """axe on the open notebook's panel and on the rest of JupyterLab: prints everything, and returns the serious
    or critical violations in the notebook's outputs (what the course owns), which must be none."""
    inject_axe(page)
    panel_id = page.evaluate(f"() => window.courseHarness.panel({json.dumps(notebook)}).id")
    ours, jupyterlab = split_panel(axe_violations(page, panel_id, "panel"))
    chrome = axe_violations(page, panel_id, "chrome")
    print(report(f"{notebook}: outputs (widgets, their controls, figures, text)", ours))
    print(report("JupyterLab's notebook interface inside the panel (not ours, reported only)", jupyterlab))
    print(report("JupyterLab's interface outside the panel (not ours, reported only)", chrome))
    return [row for row in ours if row["impact"] in BLOCKING]
