"""Screenshots of the pages a test walks through, for a person to look at: written only when
BROWSER_SCREENSHOTS names a folder (e.g. BROWSER_SCREENSHOTS=var/screenshots)."""

import os
from pathlib import Path

from playwright.sync_api import Page

WIDTHS = {"desktop": (1366, 768), "phone": (390, 844)}


def shoot(page: Page, name: str) -> None:
    folder = os.environ.get("BROWSER_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        width = page.viewport_size["width"] if page.viewport_size else 0
        page.screenshot(path=str(Path(folder) / f"{name}-{width}.png"), full_page=True)
