"""Every main portal page fits a phone (390 px), a tablet (768 px) and a small laptop (1366 px): the page
never scrolls sideways (a wide table scrolls inside its wrapper), the header menu collapses behind a button on
a phone, and no Chinese name, state badge, button, menu item or table cell is broken one character per
line (issue 18). Screenshots of every page at every width go to a temporary directory."""

import pytest

from accounts.roles import Role
from registry.services import applications as services
from tests.e2e.conftest import login
from tests.factories import (
    ApplicationFactory,
    BatchFactory,
    EmployerFactory,
    PersonFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)
WIDTHS = (390, 768, 1366)

# Measured in the page: what overflows, and which elements with two or more CJK characters show one
# character per line (each character's box on its own line: as many line boxes as characters).
MEASURE = """() => {
  const doc = document.documentElement;
  const problems = [];
  if (doc.scrollWidth > doc.clientWidth + 1) {
    problems.push(`page scrolls sideways: ${doc.scrollWidth} > ${doc.clientWidth}`);
  }
  for (const table of document.querySelectorAll("main table")) {
    const wrapper = table.closest(".table-scroll");
    const container = wrapper || table.parentElement;
    if (table.offsetWidth > container.clientWidth + 1) {
      const scrolls = wrapper && ["auto", "scroll"].includes(getComputedStyle(wrapper).overflowX);
      if (!scrolls) {
        problems.push(`table ${table.dataset.testid || ""} overflows its container without scrolling`);
      }
    }
    if (wrapper && wrapper.getBoundingClientRect().right > doc.clientWidth + 1) {
      problems.push(`table wrapper ${table.dataset.testid || ""} sticks out of the page`);
    }
  }
  const cjk = /[\\u3400-\\u9fff]/;
  const selector = "td, th, .badge, button:not([hidden]), .button, .site-nav a, .brand, h1, label";
  for (const element of document.querySelectorAll(selector)) {
    if (!element.offsetParent && getComputedStyle(element).position !== "fixed") continue;  // not shown
    const text = element.innerText.trim();
    const chars = [...text].filter((c) => cjk.test(c));
    if (chars.length < 2) continue;
    // The lines the element's text occupies: the boxes of its text nodes' fragments, a new line each time
    // a box starts below the middle of the previous one.
    const rects = [];
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.textContent.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const rect of range.getClientRects()) {
        if (rect.width > 0 && rect.height > 0) rects.push(rect);
      }
    }
    rects.sort((a, b) => a.top - b.top);
    let lines = 0;
    let middle = -Infinity;
    for (const rect of rects) {
      if (rect.top > middle) {
        lines += 1;
        middle = rect.top + rect.height / 2;
      }
    }
    const tops = { size: lines };
    const count = (run) => [...run].filter((c) => cjk.test(c)).length;
    // One word broken a character per line: at least as many lines as CJK characters of its longest run.
    const longest = Math.max(0, ...text.split(/[\\s、，,（）()·—-]+/).map(count));
    if (longest >= 2 && tops.size >= longest && tops.size >= chars.length / 1.5) {
      const what = `"${text.slice(0, 30)}" (${element.tagName})`;
      problems.push(`${what} wraps one character per line (${tops.size} lines)`);
    }
  }
  return problems;
}"""


@pytest.fixture
def portal(db, tmp_path_factory):
    """An employer like the demo's: a batch with long names, every state, an application with history."""
    employer = EmployerFactory(name="黑龙江省哈尔滨市北方精密计量检测仪器仪表有限责任公司")
    clerk = UserFactory(username="rs-clerk", role=Role.ENTERPRISE, employer=employer, first_name="王晓明")
    UserFactory(username="rs-colleague", role=Role.ENTERPRISE, employer=employer, first_name="欧阳慕容雪")
    batch = BatchFactory(employer=employer, title="2026年第一批企业注册计量师初始注册申请")
    names = ["欧阳慕容雪", "司马相如", "张伟", "诸葛孔明亮"]
    for name in names:
        ApplicationFactory(batch=batch, employer=employer, person=PersonFactory(name=name))
    ApplicationFactory(batch=batch, employer=employer, person=PersonFactory(name="上官婉儿"), submitted=True)
    ApplicationFactory(batch=batch, employer=employer, person=PersonFactory(name="令狐冲"), accepted=True)
    corrected = ApplicationFactory(
        batch=batch, employer=employer, person=PersonFactory(name="东方不败"), corrections_requested=True
    )
    withdrawn = ApplicationFactory(batch=batch, employer=employer, person=PersonFactory(name="慕容复"))
    services.application_withdraw(
        application=withdrawn, by=clerk, reason="申请人调离本单位，经本单位研究决定撤回本次注册申请。" * 2
    )
    return {
        "clerk": clerk,
        "batch": batch,
        "application": corrected,
        "withdrawn": withdrawn,
        "shots": tmp_path_factory.mktemp("portal-screens"),
    }


def _pages(portal):
    batch, application = portal["batch"], portal["application"]
    return {
        "home": "/portal/",
        "batches": "/portal/batches/",
        "batch": f"/portal/batches/{batch.pk}/",
        "applicant-add": f"/portal/batches/{batch.pk}/add/",
        "application": f"/portal/applications/{application.pk}/",
        "withdrawn": f"/portal/applications/{portal['withdrawn'].pk}/",
        "colleagues": "/portal/colleagues/",
        "colleague-add": "/portal/colleagues/add/",
        "holders": "/portal/holders/",
        "education": "/portal/continuing-education/",
        "visits": "/portal/supervision/visits/",
        "feedback": "/portal/supervision/feedback/new/",
    }


def test_every_portal_page_fits_a_phone_a_tablet_and_a_laptop(page, portal):
    login(page, "rs-clerk")
    failures = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 768 if width == 1366 else 900})
        for name, path in _pages(portal).items():
            response = page.goto(path)
            assert response is not None, path
            assert response.status == 200, (path, response.status)
            page.screenshot(path=str(portal["shots"] / f"{name}-{width}.png"), full_page=True)
            failures += [f"{width}px {path}: {problem}" for problem in page.evaluate(MEASURE)]
    assert not failures, "\n".join(failures)


def test_the_header_menu_collapses_behind_a_button_on_a_phone(page, portal):
    login(page, "rs-clerk")
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto("/portal/")
    menu = page.locator("[data-nav-toggle]")
    batches_link = page.locator(".site-nav").get_by_role("link", name="申请批次")
    assert menu.is_visible()
    assert not batches_link.is_visible()
    menu.click()
    assert menu.get_attribute("aria-expanded") == "true"
    assert batches_link.is_visible()
    box = batches_link.bounding_box()
    assert box["height"] < 50  # one line, not a character a line
    batches_link.click()
    page.wait_for_url("**/portal/batches/")
    page.set_viewport_size({"width": 768, "height": 900})  # a tablet: collapsed too
    assert page.locator("[data-nav-toggle]").is_visible()
    assert not page.locator(".site-nav").get_by_role("link", name="申请批次").is_visible()
    page.set_viewport_size({"width": 1366, "height": 768})
    assert not page.locator("[data-nav-toggle]").is_visible()
    assert page.locator(".site-nav").get_by_role("link", name="申请批次").is_visible()


def test_the_batch_table_scrolls_inside_its_card_on_a_phone(page, portal):
    login(page, "rs-clerk")
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"/portal/batches/{portal['batch'].pk}/")
    wrapper = page.get_by_test_id("batch-applications").locator("xpath=..")
    sizes = wrapper.evaluate("w => [w.scrollWidth, w.clientWidth, getComputedStyle(w).overflowX]")
    assert sizes[0] > sizes[1]  # the table is wider than a phone...
    assert sizes[2] == "auto"  # ...and scrolls inside its card
    name = page.get_by_test_id("row-欧阳慕容雪").locator("td").nth(1)
    lines = "td => { const r = new Range(); r.selectNodeContents(td); return r.getClientRects().length }"
    assert name.inner_text() == "欧阳慕容雪"
    assert name.evaluate(lines) == 1
    assert page.evaluate("document.documentElement.scrollHeight") < 3000  # was ~5,600 px tall


def test_the_sign_up_page_fits_every_width(page, portal):
    failures = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        response = page.goto("/portal/sign-up/")
        assert response is not None
        assert response.status == 200
        page.screenshot(path=str(portal["shots"] / f"sign-up-{width}.png"), full_page=True)
        failures += [f"{width}px: {problem}" for problem in page.evaluate(MEASURE)]
    assert not failures, "\n".join(failures)
