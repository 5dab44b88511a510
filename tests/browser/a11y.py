"""Accessibility checked in the browser: axe-core (serious and critical violations fail)
and our own basics (alt text, labels, heading order, one h1, lang)."""

from axe_playwright_python.sync_playwright import Axe

AXE = Axe()
FAILING_IMPACTS = ("serious", "critical")

CHECK = """
() => {
  const problems = [];
  for (const img of document.querySelectorAll('img')) {
    if (!img.hasAttribute('alt')) problems.push('image without alt: ' + img.src);
  }
  const controls = document.querySelectorAll('input:not([type=hidden]):not([type=submit]):not([type=button]), select, textarea');
  for (const control of controls) {
    const labelled = (control.id && document.querySelector('label[for="' + CSS.escape(control.id) + '"]'))
      || control.closest('label') || control.getAttribute('aria-label') || control.getAttribute('aria-labelledby');
    if (!labelled) problems.push('control without label: ' + (control.name || control.id || control.outerHTML.slice(0, 80)));
  }
  let previous = 0;
  for (const heading of document.querySelectorAll('h1, h2, h3, h4, h5, h6')) {
    const level = Number(heading.tagName[1]);
    if (previous === 0 && level !== 1) problems.push('first heading is not h1: ' + heading.textContent.trim());
    if (previous && level > previous + 1) problems.push('heading jumps from h' + previous + ' to h' + level + ': ' + heading.textContent.trim());
    previous = level;
  }
  if (document.querySelectorAll('h1').length !== 1) problems.push('pages need exactly one h1');
  if (!document.documentElement.lang) problems.push('html without lang');
  return problems;
}
"""


def axe_problems(page):
    """axe-core's serious and critical violations on the current page, as readable lines.

    axe-core (about 500 kB of script) is sent to the page only when it is not there yet: a
    context that checks many pages loads it with ``preload_axe`` instead of once per page."""
    if not page.evaluate("() => typeof window.axe === 'object' && typeof window.axe.run === 'function'"):
        page.evaluate(AXE.axe_script)
    violations = page.evaluate("options => axe.run(document, options)", {"resultTypes": ["violations"]})["violations"]
    return [
        f"{v['impact']} {v['id']}: {v['help']} ({', '.join(n['target'][0] for n in v['nodes'][:3])})"
        for v in violations
        if v["impact"] in FAILING_IMPACTS
    ]


def preload_axe(context):
    """Every page of ``context`` starts with axe-core loaded (Chromium keeps the script
    compiled), instead of ``axe_problems`` sending it to each page again."""
    context.add_init_script(script=AXE.axe_script)


def assert_accessible(page):
    """Fail with the list of problems on the current page (once it has loaded: a click may
    have started a navigation that a busy machine has not finished)."""
    page.wait_for_load_state()
    problems = page.evaluate(CHECK) + axe_problems(page)
    checked = getattr(page, "_suar_checked", None)
    if checked is not None:
        checked.add(page.url)
    assert not problems, f"{page.url}: {problems}"
