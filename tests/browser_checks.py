"""Checks the browser tests share: axe-core (0 critical/serious), no sideways scrolling, and every
table cell, total and error inside the screen's width; and locators more than one test needs."""

from conftest import ARTIFACTS

BLOCKING = {"critical", "serious"}

# Cells of data tables in <main> that stick out of the viewport on either side (the header row of a
# stacked table is visually hidden, so it does not count). Layout boxes, not the scroll position:
# a cell inside a sideways-scrolling box counts as off the screen, as the buyer would see it.
_OFF_SCREEN_CELLS = """() => [...document.querySelectorAll('main td, main th')]
    .filter(e => !e.closest('thead') && e.getClientRects().length)
    .filter(e => { const r = e.getBoundingClientRect();
                   return r.width > 0 && (r.left < -1 || r.right > innerWidth + 1); })
    .slice(0, 5)
    .map(e => { const r = e.getBoundingClientRect();
                const text = e.textContent.trim().slice(0, 40);
                return `${e.tagName} "${text}" ${Math.round(r.left)}..${Math.round(r.right)}`; })"""

_WIDE_ELEMENTS = """() => [...document.querySelectorAll('body *')]
    .filter(e => !e.closest('thead, .sr-only') && e.getBoundingClientRect().right > innerWidth + 1)
    .slice(-3)
    .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"""


def shipping_method_button(page, name):
    """The "Vælg" button of the checkout's shipping method with this name.

    Every method has the same button text, so it is found in the method's block by the method's heading.
    """
    return (
        page.locator(".basket-items")
        .filter(has=page.get_by_role("heading", name=name, exact=True))
        .get_by_role("button", name="Vælg")
    )


def axe_blocking(page):
    """axe-core (bundled by axe-playwright-python, no download) on the page: critical/serious only."""
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> "
        + "; ".join(f"{n['target']} {n['any'][0]['message'] if n['any'] else ''}" for n in v["nodes"][:6])
        for v in result.response["violations"]
        if v["impact"] in BLOCKING
    ]


def sideways_problems(page):
    """What makes the page wider than the phone: the page itself, or table cells off the screen."""
    found = []
    scroll_width, inner = page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]")
    if scroll_width > inner:
        found.append(f"scrolls sideways: {scroll_width}px wide at {inner}px: {page.evaluate(_WIDE_ELEMENTS)}")
    cells = page.evaluate(_OFF_SCREEN_CELLS)
    if cells:
        found.append(f"table cells off the {inner}px screen: {cells}")
    return found


class Sweep:
    """Screenshot, axe and (on a phone) the sideways checks of each page; problems collected by page."""

    def __init__(self, page, width_name, prefix="shop"):
        self.page = page
        self.width_name = width_name
        self.prefix = prefix
        self.problems = {}
        self.checked = []

    def check(self, name):
        page = self.page
        page.wait_for_load_state("load")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{self.prefix}-{name}-{self.width_name}.png"), full_page=True)
        found = axe_blocking(page)
        if self.width_name == "phone":
            found += sideways_problems(page)
        self.checked.append(name)
        if found:
            self.problems[f"{name} {page.url}"] = found
            (ARTIFACTS / f"{self.prefix}-{name}-{self.width_name}-axe.txt").write_text("\n".join(found))

    def report(self):
        return "\n".join(f"{where}:\n  " + "\n  ".join(found) for where, found in self.problems.items())
