"""No inline script or style anywhere (issue 11, item 8): the Content-Security-Policy has no
'unsafe-inline', so an inline <script>, <style>, style="" or on...="" would simply not work in a browser.

Two nets: our template and Python sources are scanned as text, and every page of every role is rendered
and parsed (tests/csp_pages.py), which also catches what third-party templates (the admin, django-import-
export) and widgets put on our pages. tests/e2e/test_content_security_policy.py loads the same pages in
Chromium and fails on any violation the browser reports, including what scripts add at run time.
"""

import io
import re
import tokenize
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings

from tests.csp_pages import demo_visitors

ROOT = Path(settings.BASE_DIR)
APPS = ("accounts", "audit", "registry", "exams", "training", "supervision", "config")
# <script> elements whose content the browser never runs: data blocks.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json", "text/plain"}

INLINE_IN_SOURCE = [
    (re.compile(r"<style\b", re.IGNORECASE), "a <style> element"),
    (
        re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")", re.IGNORECASE),
        "an inline <script>",
    ),
    (re.compile(r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE), 'a style="" attribute'),
    (re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE), 'an on...="" event-handler attribute'),
    (re.compile(r"javascript:", re.IGNORECASE), "a javascript: URL"),
]


class InlineCodeFinder(HTMLParser):
    """Collects what a strict Content-Security-Policy refuses in a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_inline_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "style":
            self.found.append("<style> element")
        script_type = (attributes.get("type") or "").lower()
        if tag == "script" and "src" not in attributes and script_type not in DATA_SCRIPT_TYPES:
            self.found.append("inline <script>")
        for name, value in attrs:
            is_url = name in {"href", "src", "action", "formaction"}
            if (
                name == "style"
                or name.startswith("on")
                or (is_url and (value or "").strip().lower().startswith("javascript:"))
            ):
                self.found.append(f'<{tag} {name}="{value}">')


def inline_code_in(html: str) -> list[str]:
    finder = InlineCodeFinder()
    finder.feed(html)
    return finder.found


def _our_sources() -> list[Path]:
    files = list((ROOT / "templates").rglob("*.html"))
    for app in APPS:
        files += (ROOT / app).rglob("templates/**/*.html")
        files += [p for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts]
    return sorted(files)


def _markup_in(path: Path) -> list[tuple[int, str]]:
    """(first line, text) of what may reach a page: a template without its comments, a module's strings."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".html":
        return [(1, re.sub(r"{% comment %}.*?{% endcomment %}|{#.*?#}", _blank_lines, text, flags=re.DOTALL))]
    tokens = tokenize.generate_tokens(io.StringIO(text).readline)
    return [(token.start[0], token.string) for token in tokens if token.type == tokenize.STRING]


def _blank_lines(match: re.Match) -> str:
    return "\n" * match.group(0).count("\n")


def test_our_templates_and_code_hold_no_inline_script_or_style():
    problems = []
    for path in _our_sources():
        for first_line, text in _markup_in(path):
            for pattern, what in INLINE_IN_SOURCE:
                for match in pattern.finditer(text):
                    line = first_line + text.count("\n", 0, match.start())
                    problems.append(f"{path.relative_to(ROOT)}:{line}: {what}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    "html",
    [
        '<p style="color:red">x</p>',
        "<style>p{}</style>",
        "<script>alert(1)</script>",
        '<select onchange="this.form.submit()"></select>',
        '<a href=" javascript:alert(1)">x</a>',
    ],
)
def test_the_page_scan_finds_each_kind_of_inline_code(html):
    assert inline_code_in(html)


def test_the_page_scan_lets_files_and_data_blocks_through():
    assert not inline_code_in(
        '<script src="/static/js/site.js" defer></script>'
        '<script id="x" type="application/json">{"a": 1}</script>'
        '<link rel="stylesheet" href="/static/css/site.css"><p class="overdue" data-x="on">on</p>'
    )


@pytest.mark.django_db
def test_every_page_of_every_role_renders_without_inline_script_or_style(client):
    problems = []
    pages = 0
    for visitor in demo_visitors():
        client.logout()
        if visitor.user is not None:
            client.force_login(visitor.user)
        for path in visitor.paths:
            response = client.get(path)
            assert response.status_code in (200, 302, 403), (visitor.label, path, response.status_code)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            pages += 1
            problems += [
                f"{visitor.label} {path}: {found}" for found in inline_code_in(response.content.decode())
            ]
    assert pages > 100, pages  # the walk really reached the pages (every admin model's list, add, change...)
    assert not problems, "\n".join(problems)
