"""The review queue at 1400 px with the admin's sidebar open (issue 18, admin): employer names, person
names and dates stay on one line (no name broken a character a line), the page itself never widens, and
收到材料日期, the last column, is reached by scrolling the table inside its box rather than cut off."""

import pytest

from accounts.roles import Role
from tests.factories import ApplicationFactory, EmployerFactory, UserFactory
from tests.otp import verified_session_cookie

pytestmark = pytest.mark.django_db(transaction=True)

LONG_NAMES = ("黑龙江省哈尔滨市南岗区北方精密计量检测仪器仪表有限责任公司", "大庆油田计量检定测试研究院")

# For each cell of the named columns: how many lines its text takes (distinct tops of the text's boxes).
LINES_PER_CELL = """(columns) => {
  const out = [];
  for (const column of columns) {
    const selector = `#result_list td.field-${column}, #result_list th.field-${column}`;
    for (const cell of document.querySelectorAll(selector)) {
      const range = document.createRange();
      range.selectNodeContents(cell);
      const tops = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
      out.push([column, cell.innerText.trim(), tops.size]);
    }
  }
  return out;
}"""


def test_the_queue_at_1400_px_with_the_sidebar_open(page, live_server):
    user = UserFactory(username="queue-assoc", role=Role.ASSOCIATION)
    for name in LONG_NAMES:
        employer = EmployerFactory(name=name)
        ApplicationFactory.create_batch(2, submitted=True, employer=employer)
    cookie = verified_session_cookie(user)
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto("/admin/registry/application/")
    assert page.locator("#nav-sidebar").is_visible()  # the sidebar is open

    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    cells = page.evaluate(LINES_PER_CELL, ["employer_name", "person_name", "received_on", "current_due_on"])
    assert len(cells) >= 4 * 4
    wrapped = [(column, text, lines) for column, text, lines in cells if lines != 1]
    assert not wrapped, wrapped

    # The last column is there to read: scroll the table's own box to the end, and it is inside the box.
    box = page.locator("#changelist .results")
    box.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    header = page.locator("#result_list th.column-received_on").bounding_box()
    frame = box.bounding_box()
    assert header is not None
    assert frame["x"] - 1 <= header["x"]
    assert header["x"] + header["width"] <= frame["x"] + frame["width"] + 1
