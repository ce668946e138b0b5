"""Screenshots of the pages a test walks through, for a person to look at: written only when
BROWSER_SCREENSHOTS names a folder (e.g. BROWSER_SCREENSHOTS=var/screenshots)."""

import os
from pathlib import Path

from playwright.sync_api import Page

WIDTHS = {"desktop": (1366, 768), "phone": (390, 844)}


def shoot(page: Page, name: str, *, full_page: bool = True) -> None:
    folder = os.environ.get("BROWSER_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        width = page.viewport_size["width"] if page.viewport_size else 0
        # caret="initial": hiding the caret would add a <style> element, which the page's CSP
        # refuses (and the next accessibility check reports).
        page.screenshot(path=str(Path(folder) / f"{name}-{width}.png"), full_page=full_page,
                        caret="initial")
