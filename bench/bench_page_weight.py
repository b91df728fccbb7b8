"""Page weight of the parent's journey, as transferred (compressed): the first question page on a
cold cache (HTML, CSS, JavaScript modules and what the CSS loads), and each next question on a
warm cache (fingerprinted assets are cached for a year, so only the HTML moves).
Goals: cold first page <= 150 KB, warm next page <= 20 KB."""

from __future__ import annotations

import re

from bench.common import fresh_app, parent_link, table

ACCEPT = {"Accept-Encoding": "br, gzip"}
COLD_GOAL, WARM_GOAL = 150 * 1024, 20 * 1024


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def transferred(response) -> int:
    head = sum(len(k) + len(v) + 4 for k, v in response.headers.items())
    return len(response.get_data()) + head


def main() -> dict[str, float]:
    app, _uri = fresh_app()
    client = app.test_client()
    client.get(parent_link(app))
    token = csrf(client.get("/p/").get_data(as_text=True))
    first = client.post("/p/", data={"csrf_token": token, "agree": "y"}).headers["Location"]

    cold = client.get(first, headers=ACCEPT)
    assets = re.findall(r'(?:href|src)="(/assets/[^"]+)"', client.get(first).get_data(as_text=True))
    total, rows = transferred(cold), [["first question page (HTML)", transferred(cold)]]
    seen = set()
    while assets:
        url = assets.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url, headers=ACCEPT)
        total += transferred(response)
        rows.append([url.split("/")[-1], transferred(response)])
        if url.endswith(".js"):  # modules it imports
            body = client.get(url).get_data(as_text=True)
            assets += [
                "/assets/" + ("govuk/" if "govuk/" in m else "") + m.split("/")[-1]
                for m in re.findall(r'from\s*"\./([^"]+)"', body)
            ]
    token = csrf(client.get(first).get_data(as_text=True))
    second = client.post(first, data={"csrf_token": token, "answer": "often"}).headers["Location"]
    warm = transferred(client.get(second, headers=ACCEPT))
    rows += [["cold first page, total", total], ["warm next page (HTML only)", warm]]
    table("Page weight, bytes transferred (compressed)", ["what", "bytes"], rows)
    print(f"cold first page: {total / 1024:.1f} KB = {total / COLD_GOAL:.2f} of the 150 KB goal")
    print(f"warm next page: {warm / 1024:.1f} KB = {warm / WARM_GOAL:.2f} of the 20 KB goal")
    return {"cold_kb": total / 1024, "warm_kb": warm / 1024}


if __name__ == "__main__":
    main()
