# SPDX-License-Identifier: GPL-3.0-or-later
# Copyright: (c) 2026, University of Toronto
"""Plain-Python contenders of the listing benchmark, each run as its own process by run.py.

    python clients.py floor URL TOKEN NAME PAGE_SIZE
    python clients.py pyvss URL TOKEN NAME PAGE_SIZE

Each prints one JSON line: the seconds spent listing (after imports), how many records came back,
how many of them are image records (dicts) and how many match NAME (case-insensitive substring).
"""

import json
import sys
import time

STARTED = time.monotonic()


def floor(url, token, name, page_size):
    """One requests.Session walking the pages the module asks for: same query, same page size."""
    import requests

    imported = time.monotonic()
    session = requests.Session()
    session.headers.update({"Authorization": f"Bearer {token}", "Accept": "application/json"})
    records, page = [], 1
    while True:
        params = {"sort": "path,asc", "expand": 1, "per_page": page_size, "page": page}
        reply = session.get(f"{url}/v2/image", params=params, timeout=30)
        reply.raise_for_status()
        body = reply.json()
        records.extend(body["data"])
        pages = body.get("meta", {}).get("pages") or {}
        if not body["data"] or page >= pages.get("pages", page):
            break
        page += 1
    return imported, records


def pyvss(url, token, name, page_size):
    """pyvss's own paging: get_images(show_all=True) follows meta.pages.next_url."""
    from pyvss.manager import VssManager

    imported = time.monotonic()
    manager = VssManager(tk=token, api_endpoint=url)
    return imported, manager.get_images(show_all=True, per_page=page_size, sort="path,asc")


def main(argv):
    kind, url, token, name, page_size = argv[1], argv[2], argv[3], argv[4], int(argv[5])
    imported, records = {"floor": floor, "pyvss": pyvss}[kind](url, token, name, page_size)
    images = [record for record in records if isinstance(record, dict)]
    wanted = name.casefold()
    matches = [image for image in images if wanted in str(image.get("name", "")).casefold()]
    done = time.monotonic()
    print(
        json.dumps(
            {
                "import_seconds": imported - STARTED,
                "list_seconds": done - imported,
                "records": len(records),
                "image_records": len(images),
                "matches": len(matches),
                "first_non_record": next((r for r in records if not isinstance(r, dict)), None),
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv)
