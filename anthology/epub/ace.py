"""Run Ace by DAISY (the EPUB accessibility checker) and turn its violations into the tool's messages.

Ace is a Node program (npm `@daisy/ace-cli`, installed with `--ignore-scripts`) that drives a Chromium
browser through puppeteer. It is optional: `find()` returns None when it is not installed, and the
commands then run EPUBCheck alone. Where it is looked for, in order: `$ANTHOLOGY_ACE` (the path of
`ace-cli`), `node_modules/.bin/ace-cli` in the working folder, the book's folder or the tool's own
checkout, then `ace-cli` on PATH. The browser: `$PUPPETEER_EXECUTABLE_PATH`, else `chromium`,
`chromium-browser` or `google-chrome` on PATH.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from lxml import etree

from anthology.errors import Problem

#: The Ace release the tool's own output is tested with (package-lock.json pins it; the tests check it).
TESTED_VERSION = "1.4.6"
_TOOL_CHECKOUT = Path(__file__).resolve().parent.parent.parent
_BROWSERS = ("chromium", "chromium-browser", "google-chrome")
_TIMEOUT = 600  # seconds for one EPUB; the sample book takes about 20


def find(book_root: Path | None = None) -> Path | None:
    """The ace-cli program, or None when Ace is not installed."""
    from anthology import settings

    override = settings.current().ace
    if override:
        return Path(override)
    for folder in (Path.cwd(), book_root, _TOOL_CHECKOUT):
        if folder is not None and (folder / "node_modules" / ".bin" / "ace-cli").exists():
            return folder / "node_modules" / ".bin" / "ace-cli"
    found = shutil.which("ace-cli")
    return Path(found) if found else None


def browser() -> str | None:
    """The Chromium that puppeteer is to drive, or None."""
    given = os.environ.get("PUPPETEER_EXECUTABLE_PATH")
    if given:
        return given
    return next((path for path in map(shutil.which, _BROWSERS) if path), None)


def run(epub: Path, program: Path) -> tuple[dict | None, list[Problem]]:
    """Ace's report (report.json as a dict) for epub, or None and the problem that stopped it."""
    chrome = browser()
    if chrome is None:
        return None, [Problem(epub.name, None, "Ace by DAISY needs a Chromium browser: install Debian's chromium "
                                               "or set PUPPETEER_EXECUTABLE_PATH", "ACE")]
    env = dict(os.environ, PUPPETEER_EXECUTABLE_PATH=chrome)
    env.setdefault("ACE_TIMEOUT_INITIAL", "60000")  # Ace gives the browser 5 s to start: too short on a busy machine
    with tempfile.TemporaryDirectory(prefix="anthology-ace-") as out:
        try:
            done = subprocess.run([str(program), "--silent", "--force", "--outdir", out, str(epub)], env=env,
                                  capture_output=True, text=True, timeout=_TIMEOUT)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return None, [Problem(epub.name, None, f"Ace by DAISY did not run: {exc}", "ACE")]
        report = Path(out) / "report.json"
        if not report.exists():
            said = (done.stderr or done.stdout).strip().splitlines()
            return None, [Problem(epub.name, None, "Ace by DAISY did not run: "
                                  + (said[-1] if said else f"exit status {done.returncode}"), "ACE")]
        return json.loads(report.read_text(encoding="utf-8")), []


def version(report: dict) -> str:
    """The Ace release that wrote the report."""
    return str(report.get("earl:assertedBy", {}).get("doap:release", {}).get("doap:revision", ""))


def violations(report: dict, epub: Path) -> list[Problem]:
    """Every failed assertion of the report as `<book>.epub!<path>:<line>: message (impact) [rule]`;
    the line is that of the element Ace points at (found through its CFI), when it points at one."""
    with zipfile.ZipFile(epub) as archive:
        names = set(archive.namelist())
        opf_dir = _opf_dir(archive)
        documents: dict[str, object] = {}
        problems = []
        for document in report.get("assertions", []):
            path = _path_in_zip(document.get("earl:testSubject", {}).get("url", ""), names, opf_dir)
            for assertion in document.get("assertions", []):
                result = assertion.get("earl:result", {})
                if result.get("earl:outcome") != "fail":
                    continue
                test = assertion.get("earl:test", {})
                cfis = (result.get("earl:pointer") or {}).get("cfi") or []
                line = None
                if cfis and path in names:
                    if path not in documents:
                        documents[path] = _parse(archive.read(path))
                    line = _line_of(documents[path], cfis[0])
                said = (result.get("dct:description") or test.get("dct:description", "")).splitlines()
                message = "; ".join(" ".join(part.split()) for part in said if part.strip())
                impact = test.get("earl:impact", "")
                problems.append(Problem(f"{epub.name}!{path}", line, f"{message} ({impact})" if impact else message,
                                        test.get("dct:title", "ACE")))
    return problems


def check(epub: Path, program: Path) -> list[Problem]:
    """Run Ace on epub: its violations, or the problem that kept it from running."""
    report, trouble = run(epub, program)
    return trouble if report is None else violations(report, epub)


def _opf_dir(archive: zipfile.ZipFile) -> str:
    container = etree.fromstring(archive.read("META-INF/container.xml"))
    rootfile = container.find(".//{*}rootfile")
    return str(PurePosixPath(rootfile.get("full-path")).parent) if rootfile is not None else ""


def _path_in_zip(url: str, names: set[str], opf_dir: str) -> str:
    """Ace names the package document from the zip root and content documents from the package's folder."""
    url = url.lstrip("/")
    if url in names or not opf_dir or opf_dir == ".":
        return url
    return f"{opf_dir}/{url}"


def _parse(data: bytes):
    try:
        return etree.fromstring(data)
    except etree.XMLSyntaxError:
        return None


def _line_of(root, cfi: str) -> int | None:
    """The source line of the element an EPUB CFI path (`/4/2[id]/6`, from the root element) names."""
    if root is None:
        return None
    element = root
    for step in re.findall(r"/(\d+)(?:\[([^\]]*)\])?", cfi):
        number = int(step[0])
        if number % 2:  # odd steps point between elements, at text
            break
        children = [child for child in element if isinstance(child.tag, str)]
        if number // 2 > len(children):
            break
        element = children[number // 2 - 1]
    return element.sourceline
