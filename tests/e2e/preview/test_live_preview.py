"""`anthology serve` end to end: the real command in its own process, a real browser (Debian's chromium
through Playwright) on a copy of the minimal fixture book; edits are made to the files on disk.

Every wait is bounded; the bounds are generous (the machine is shared) and say nothing about speed:
the save-to-reload time is measured apart (scripts/preview-latency).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from book_helpers import FIXTURES, run_cli
from web_helpers import launched_chromium

WAIT = 60  # seconds: the longest any one step may take before the test fails


class Served:
    """`anthology serve` running in a child process; its output collected line by line."""

    def __init__(self, manifest: Path, out: Path, *extra: str):
        self.out = out
        self.lines: list[str] = []
        self.errors: list[str] = []
        self.process = subprocess.Popen(
            [sys.executable, "-m", "anthology", "serve", str(manifest), "--out", str(out), "--port", "0", *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        self._readers = [threading.Thread(target=self._read, args=(s, into), daemon=True)
                         for s, into in ((self.process.stdout, self.lines), (self.process.stderr, self.errors))]
        for reader in self._readers:
            reader.start()
        found = self.wait_for(lambda: next((m for line in self.lines
                                            if (m := re.search(r"at (http://\S+/) ", line))), None), "the URL")
        self.url = found.group(1)
        self.port = int(self.url.rsplit(":", 1)[1].strip("/"))

    @staticmethod
    def _read(stream, into: list[str]) -> None:
        for line in stream:
            into.append(line.rstrip("\n"))

    def wait_for(self, condition, what: str, timeout: float = WAIT):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = condition()
            if value:
                return value
            if self.process.poll() is not None:
                pytest.fail(f"anthology serve ended ({self.process.returncode}) while waiting for {what}:\n"
                            + "\n".join(self.lines + self.errors))
            time.sleep(0.1)
        pytest.fail(f"waited {timeout} s for {what}; the server said:\n" + "\n".join(self.lines + self.errors))

    def interrupt(self) -> int:
        """Ctrl-C, as a terminal sends it; the exit code."""
        self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=WAIT)
        finally:
            for reader in self._readers:
                reader.join(timeout=5)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=WAIT)


@pytest.fixture
def book(tmp_path) -> Path:
    shutil.copytree(FIXTURES / "minimal", tmp_path / "book")
    return tmp_path / "book" / "book.yaml"


@pytest.fixture
def served(book, tmp_path):
    server = Served(book, tmp_path / "out")
    try:
        server.wait_for(lambda: any("pages built" in line for line in server.lines), "the first pages")
        yield server
        assert server.interrupt() == 0
        assert "Preview stopped." in server.lines
        assert not any("Traceback" in line for line in server.errors), "\n".join(server.errors)
        assert not list(server.out.glob(".*.tmp")), "a build left temporary files behind"
    finally:
        server.kill()


@pytest.fixture
def browser():
    with launched_chromium(timeout_ms=WAIT * 1000) as launched:
        yield launched


def piece_page(site: Path, text: str) -> str:
    """The site path of the page that shows this text."""
    pages = [p for p in site.rglob("*.html") if text in p.read_text(encoding="utf-8") and p.name != "search.html"]
    pages = [p for p in pages if "index.html" != p.name] or pages
    assert pages, f"no page of {site} shows {text!r}"
    return pages[0].relative_to(site).as_posix()


def open_page(browser, url: str):
    page = browser.new_page()
    origin = url[:url.index("/", len("http://"))]
    outside: list[str] = []
    page.on("request", lambda r: None if r.url.startswith((origin + "/", "data:")) else outside.append(r.url))
    page.goto(url, timeout=WAIT * 1000)
    return page, outside


def test_an_edit_shows_in_the_open_page_without_a_manual_reload(served, book, browser):
    site = served.out / "site"
    name = piece_page(site, "Tobruk-Minor")
    page, outside = open_page(browser, served.url + name)
    assert "Tobruk-Minor" in page.inner_text("main")
    piece = book.parent / "only-piece.md"
    piece.write_text(piece.read_text(encoding="utf-8").replace("Tobruk-Minor", "Tobruk-Major"), encoding="utf-8")
    page.wait_for_function("document.body.innerText.includes('Tobruk-Major')", timeout=WAIT * 1000)
    assert "Tobruk-Minor" not in page.inner_text("main")
    assert outside == [], "the preview made requests to other hosts"
    # the script is the server's: never in the files written
    for html in site.rglob("*.html"):
        assert "__anthology" not in html.read_text(encoding="utf-8"), html
    # the EPUB and the PDF follow in the background and the home page offers them, with their sizes
    served.wait_for(lambda: (site / "a-minimal-book.epub").is_file() and (site / "a-minimal-book.pdf").is_file(),
                    "the EPUB and PDF in the site")
    home = browser.new_page()
    home.goto(served.url, timeout=WAIT * 1000)
    home.wait_for_function("/EPUB[^\\n]*kB/.test(document.body.innerText)", timeout=WAIT * 1000)


def test_a_broken_edit_shows_its_problem_and_keeps_the_last_good_page(served, book, browser):
    site = served.out / "site"
    name = piece_page(site, "Tobruk-Minor")
    page, _ = open_page(browser, served.url + name)
    piece = book.parent / "only-piece.md"
    good = piece.read_text(encoding="utf-8")
    piece.write_text(good.replace("title: The Only Piece", "title: The Only Piece\ncolour: blue"), encoding="utf-8")
    overlay = page.locator("#anthology-problems")
    overlay.wait_for(state="visible", timeout=WAIT * 1000)
    page.wait_for_function("document.getElementById('anthology-problems').innerText.includes('only-piece.md:3')",
                           timeout=WAIT * 1000)
    assert "colour" in overlay.inner_text()
    assert "Tobruk-Minor" in page.inner_text("main")  # the last good page is still there
    served.wait_for(lambda: any(line.startswith("only-piece.md:3:") for line in served.errors), "the problem in the terminal")
    assert (site / name).is_file()
    # mended: the overlay goes and the page shows the new text
    piece.write_text(good.replace("Tobruk-Minor", "Tobruk-Mended"), encoding="utf-8")
    page.wait_for_function("document.body.innerText.includes('Tobruk-Mended')", timeout=WAIT * 1000)
    assert page.locator("#anthology-problems").count() == 0


def test_serve_answers_on_loopback_only_unless_told_and_names_a_port_in_use(served, book, tmp_path):
    with urllib.request.urlopen(served.url, timeout=WAIT) as response:
        assert response.status == 200
    assert served.url.startswith("http://127.0.0.1:")
    with pytest.raises(ConnectionRefusedError):  # another address of this machine's loopback
        socket.create_connection(("127.0.0.2", served.port), timeout=5).close()
    run = run_cli("serve", book, "--port", str(served.port), "--out", tmp_path / "out-in-use")
    assert run.code == 2
    assert f"port {served.port}" in run.err and "Traceback" not in run.err
    everywhere = Served(book, tmp_path / "out-everywhere", "--host", "0.0.0.0")
    try:
        socket.create_connection(("127.0.0.2", everywhere.port), timeout=5).close()
        assert everywhere.interrupt() == 0
        assert not any("Traceback" in line for line in everywhere.errors), "\n".join(everywhere.errors)
    finally:
        everywhere.kill()
