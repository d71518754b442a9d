"""``meshtui demo --serve`` in Debian's headless Chromium: the dashboard appears, ``/authors`` and
Enter filter its split list, a screenshot is taken, and without the token the page is refused.

What the page shows is read from the bytes the browser's websocket received (Chromium's network
log), replayed on a terminal emulator: the same screen the page's terminal draws.
Set MESHTUI_UPDATE_SCREENSHOTS=1 to write README's screenshots/browser.png.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyte
import pytest

from tests.cli.helpers import ROOT
from tests.serve.helpers import serving
from tests.waiting import wait_for

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None or CHROMEDRIVER is None,
                       reason="Debian's chromium and chromium-driver are not installed "
                              "(apt-get install chromium chromium-driver)"),
]
SCREENSHOT = ROOT / "screenshots" / "browser.png"
DASHBOARD_TIMEOUT = 90.0
"""A session starts its own simulated mesh (and Prometheus) before the dashboard draws."""


class Page:
    """A Chromium tab on the served dashboard and the terminal screen its websocket drew."""

    def __init__(self, driver: Any) -> None:
        self.driver = driver
        self._received = bytearray()
        self._size = (80, 24)

    def _drain(self) -> None:
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            params = message.get("params", {})
            if message["method"] == "Network.webSocketFrameReceived":
                frame = params["response"]
                if frame["opcode"] == 2:  # binary: what the app wrote to its terminal
                    self._received += base64.b64decode(frame["payloadData"])
            elif message["method"] == "Network.webSocketFrameSent":
                sent = json.loads(params["response"]["payloadData"])
                if sent[0] == "resize":
                    self._size = (sent[1]["width"], sent[1]["height"])

    def screen(self) -> list[str]:
        """The terminal's lines as drawn so far."""
        self._drain()
        screen = pyte.Screen(*self._size)
        pyte.ByteStream(screen).feed(bytes(self._received))
        return list(screen.display)

    def text(self) -> str:
        return "\n".join(self.screen())

    def split_list(self) -> str:
        """The left third of the screen: the split navigator."""
        return "\n".join(line[: self._size[0] // 3] for line in self.screen())

    def type(self, keys: str) -> None:
        from selenium.webdriver.common.action_chains import ActionChains

        self.driver.execute_script("document.querySelector('.xterm-helper-textarea').focus()")
        ActionChains(self.driver).send_keys(keys).perform()


@pytest.fixture
def browser() -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1400,900", "--no-first-run", "--disable-extensions"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def _dashboard_drawn(page: Page) -> bool:
    text = page.text()
    return "splits (4)" in text and "READ-ONLY" in text


def test_the_demo_in_a_browser_filters_on_typed_keys(browser: Any, tmp_path: Path) -> None:
    with serving("demo", "--serve", "--seed", "1") as served:
        browser.get(served.url)
        page = Page(browser)
        wait_for(lambda: _dashboard_drawn(page), timeout=DASHBOARD_TIMEOUT, interval=0.5,
                 message="the dashboard in the browser")
        before = page.split_list()
        assert "voting-split" in before and "podinfo" in before, before
        page.type("/authors\n")
        after = wait_for(lambda: (lambda s: s if "voting-split" not in s else "")(page.split_list()),
                         timeout=30, interval=0.3, message="the filter to hide other splits")
        assert "authors-split" in after and "podinfo" not in after, after
        shot = tmp_path / "browser.png"
        assert browser.save_screenshot(str(shot))
        assert shot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n") and shot.stat().st_size > 10_000
        if os.environ.get("MESHTUI_UPDATE_SCREENSHOTS"):
            page.type("\x1b")  # the whole list again, for README's picture
            wait_for(lambda: "no data yet" not in page.text(), timeout=90, interval=1,
                     message="metrics on screen")
            browser.save_screenshot(str(SCREENSHOT))


def test_without_the_token_the_page_is_refused(browser: Any) -> None:
    with serving("demo", "--serve", "--require-token") as served:
        assert "token=" in served.url
        origin = served.url.split("?", 1)[0]
        browser.get(origin)
        assert "access token" in browser.find_element("tag name", "body").text
        page = Page(browser)
        assert page.screen() and not page.text().strip(), "no session may start without the token"
        browser.get(served.url)
        assert browser.current_url == origin, "the token leaves the address bar"
        wait_for(lambda: _dashboard_drawn(page), timeout=DASHBOARD_TIMEOUT, interval=0.5,
                 message="the dashboard once the token was given")
