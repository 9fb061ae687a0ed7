"""Screenshot pages of a running Coopilote as a given demo user (development aid).

    python scripts/screenshot.py http://127.0.0.1:5000 EMAIL PASSWORD out_dir /path1 /path2 ...

Each page is captured at 1366×768 and 390×844 (phone) into ``out_dir``.
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def main(base, email, password, out, *paths):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        for label, viewport in (
            ("desktop", {"width": 1366, "height": 768}),
            ("phone", {"width": 390, "height": 844}),
        ):
            page = browser.new_page(viewport=viewport)
            if email != "-":
                page.goto(base + "/login")
                page.fill("input[name=email]", email)
                page.fill("input[name=password]", password)
                page.click("button[type=submit]")
            for path in paths:
                page.goto(base + path)
                page.wait_for_timeout(400)
                skip = page.locator("[data-tour-skip]")
                if skip.count() and skip.first.is_visible():  # the first-visit tour
                    skip.first.click()
                    page.wait_for_timeout(200)
                name = path.strip("/").replace("/", "_").replace("?", "_") or "home"
                page.screenshot(path=str(out / f"{name}-{label}.png"), full_page=True)
                print(out / f"{name}-{label}.png")
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
