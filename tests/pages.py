"""Fetch pages and check their hygiene on every fetch (after GOV.UK Notify's practice):
one <h1>, a <title> that starts with it ("Error: " first when the form has errors), no
duplicate ids, and every form has an action."""

from __future__ import annotations

from collections import Counter

from bs4 import BeautifulSoup


class PageProblem(AssertionError):
    pass


def heading_text(h1) -> str:
    h1 = BeautifulSoup(str(h1), "html.parser").h1
    for caption in h1.select("[class*='govuk-caption']"):
        caption.decompose()
    return " ".join(h1.get_text(" ").split())


def check_page(html: str) -> BeautifulSoup:
    page = BeautifulSoup(html, "html.parser")
    h1s = page.find_all("h1")
    if len(h1s) != 1:
        raise PageProblem(f"expected exactly one <h1>, found {len(h1s)}")
    title = " ".join(page.title.get_text().split()) if page.title else ""
    heading = heading_text(h1s[0])
    has_errors = page.select_one(".govuk-error-summary") is not None
    expected_start = ("Error: " if has_errors else "") + heading
    if not title.startswith(expected_start):
        raise PageProblem(f"title {title!r} does not start with {expected_start!r}")
    ids = Counter(tag["id"] for tag in page.find_all(id=True))
    duplicates = [i for i, n in ids.items() if n > 1]
    if duplicates:
        raise PageProblem(f"duplicate ids: {duplicates}")
    for form in page.find_all("form"):
        if not form.get("action"):
            raise PageProblem("a <form> has no action")
    if not page.html or not page.html.get("lang"):
        raise PageProblem("<html> has no lang")
    return page


def get_page(client, url: str, *, status: int = 200, follow: bool = False) -> BeautifulSoup:
    response = client.get(url, follow_redirects=follow)
    assert response.status_code == status, f"GET {url}: {response.status_code}, wanted {status}"
    return check_page(response.get_data(as_text=True))


def post_page(
    client, url: str, data: dict, *, status: int = 200, follow: bool = True
) -> BeautifulSoup:
    response = client.post(url, data=data, follow_redirects=follow)
    assert response.status_code == status, f"POST {url}: {response.status_code}, wanted {status}"
    return check_page(response.get_data(as_text=True))


def csrf_token(page: BeautifulSoup) -> str:
    field = page.select_one("input[name=csrf_token]")
    assert field is not None, "the page has no CSRF token"
    return field["value"]
