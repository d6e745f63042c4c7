"""Nothing a user reads in the Chinese interface is English, a raw code or JSON (issue 18, admin).

Every page of every role over the demo data (tests/csp_pages.py: every admin model's list, add, change,
history and delete page as the superuser, the association's, the training centre's and the portal's main
pages) is rendered in Chinese; its visible text (no tags, scripts or styles, but the screen-reader-only
captions too) must hold none of the leaks the issue found: "None" for an empty value, Django's "Choose all"
and "After you've created a user…", audit captions such as "accept:" or "create:", JSON, permission names
such as "Can add user", the admin index's "MODEL NAME" / "ADD LINK" captions, raw group names, and
notification keys such as `application:6:57484:employer`.
"""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.csp_pages import demo_visitors

LEAKS = [
    (re.compile(r"\bNone\b"), "None"),
    (re.compile(r"\bChoose\b"), "Choose"),
    (re.compile(r"After you"), "After you've created a user"),
    (
        re.compile(r"(?<![\w.-])(accept|create|submit|approve|issue|request_corrections):"),
        "a transition slug",
    ),
    (re.compile(r"\{\s*\""), "JSON"),
    (re.compile(r"\bCan (add|change|delete|view)\b"), "a permission's English name"),
    (re.compile(r"MODEL NAME|ADD LINK", re.IGNORECASE), "the admin index's English captions"),
    (
        re.compile(
            r"(?<![\w@.-])(association|bureau|training_centre|inspector|auditor|enterprise)(?![\w@.-])"
        ),
        "a raw group name",
    ),
    (re.compile(r"\b[a-z_]+:\d+:\d+:[a-z_]+\b"), "a notification key"),
    (re.compile(r"某些行验数据证失败"), "django-import-export's garbled banner"),
]


class VisibleText(HTMLParser):
    """The text of a page as read on screen or by a screen reader: no script, style or template content."""

    HIDDEN = {"script", "style", "template", "noscript"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self._hidden += 1

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts)


def leaks_in(html: str) -> list[str]:
    text = visible_text(html)
    found = []
    for pattern, what in LEAKS:
        for match in pattern.finditer(text):
            start = max(0, match.start() - 30)
            found.append(f"{what}: …{text[start : match.end() + 30]!r}…")
    return found


@pytest.mark.parametrize(
    "html",
    [
        "<td>None</td>",
        '<span class="visually-hidden">Model name</span>',
        "<p>接受 accept: submitted → accepted</p>",
        '<td>{"items": ["photo"]}</td>',
        "<label>Can add user</label>",
        "<li>association</li>",
        "<td>application:6:57484:employer</td>",
        '<a title="x">Choose all 组</a>',
        "<h2>某些行验数据证失败</h2>",
    ],
)
def test_the_scan_finds_each_known_leak(html):
    assert leaks_in(html)


def test_the_scan_reads_only_what_is_shown():
    assert not leaks_in(
        '<script>var x = {"None": 1}</script><style>p{}</style>'
        '<p class="x" data-role="association">受理：已提交 → 已受理</p><p>csp-association 欢迎</p>'
    )


@pytest.mark.django_db
def test_no_page_of_any_role_shows_english_or_raw_data(client):
    problems = []
    pages = 0
    visitors = demo_visitors()
    superuser = next(v for v in visitors if v.label == "superuser")
    staff = next(v for v in visitors if v.label == "association").user
    # A registration-office account as the superuser edits it: roles, flags and direct permissions.
    superuser.paths += [
        reverse("admin:accounts_user_change", args=[staff.pk]),
        reverse("admin:accounts_user_add"),
    ]
    for visitor in visitors:
        client.logout()
        if visitor.user is not None:
            client.force_login(visitor.user)
        for path in visitor.paths:
            response = client.get(path, HTTP_ACCEPT_LANGUAGE="zh-hans")
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            pages += 1
            problems += [f"{visitor.label} {path}: {leak}" for leak in leaks_in(response.content.decode())]
    assert pages > 100, pages
    assert not problems, "\n".join(problems)
