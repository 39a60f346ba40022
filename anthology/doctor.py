"""`anthology doctor`: what this machine has and lacks for each output and check, and the command
that installs each missing piece. It opens libraries and runs programs' version flags only; it
imports neither WeasyPrint nor a browser, so it answers where those would fail.

Required (exit 1 when missing): Pango and its companions, without which WeasyPrint cannot lay out a
PDF. Everything else is optional and said so: HarfBuzz's subsetter (PDFs written faster and smaller),
Java (EPUBCheck: `check --epub`, `build --check-epub`), Node, Ace by DAISY and Chromium (the
accessibility check), and a font for each script a book may be written in.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Finding:
    what: str  # the piece, e.g. "Pango"
    needed_for: str  # the outputs or checks it serves
    found: str | None  # what was found (a path, a version), None when missing
    install: str  # the command (or step) that installs it
    required: bool = False


APT = "apt-get install"  # Debian and Ubuntu; the same packages exist under other names elsewhere

# A font for each script: (script, a language fontconfig knows it by, a word in it, the package)
SCRIPTS = (
    ("Latin", "en", "anthology", "shipped with the tool (Charis SIL)"),
    ("Cyrillic", "ru", "антология", "shipped with the tool (Charis SIL)"),
    ("Kazakh Cyrillic", "kk", "антология", "shipped with the tool (Charis SIL)"),
    ("Greek", "el", "ανθολογία", "shipped with the tool (Charis SIL)"),
    ("Hebrew", "he", "אנתולוגיה", f"{APT} fonts-noto-core"),
    ("Arabic", "ar", "مختارات", f"{APT} fonts-noto-core (or fonts-hosny-amiri)"),
    ("Armenian", "hy", "ժողովածու", f"{APT} fonts-noto-core"),
    ("Georgian", "ka", "ანთოლოგია", f"{APT} fonts-noto-core"),
    ("Devanagari", "hi", "संकलन", f"{APT} fonts-noto-core"),
    ("Thai", "th", "รวมเรื่อง", f"{APT} fonts-noto-core"),
    ("Chinese, Japanese, Korean", "zh-cn", "文集", f"{APT} fonts-noto-cjk"),
)
SHIPPED = {"en", "ru", "kk", "el"}  # covered by styles/fonts/ whatever the machine has


def _library(*names: str) -> str | None:
    """The first of these shared libraries that opens, by its file name."""
    for name in names:
        try:
            ctypes.CDLL(name)
            return name
        except OSError:
            continue
    return None


def _program(*names: str) -> str | None:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    return None


def _version(program: str, flag: str = "--version") -> str:
    try:
        run = subprocess.run([program, flag], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return program
    lines = (run.stdout or run.stderr).strip().splitlines()
    return f"{program} ({lines[0].strip()})" if lines else program


def _fonts(language: str) -> list[str]:
    """Font families fontconfig has for a language (empty without fontconfig)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return []
    try:
        run = subprocess.run([fc_list, f":lang={language}", "family"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return []
    return sorted({line.split(",")[0].strip() for line in run.stdout.splitlines() if line.strip()})


def examine() -> list[Finding]:
    """Everything doctor reports, in the order it is printed."""
    from anthology import settings

    found = []
    pango = _library("libpango-1.0.so.0", "libpango-1.0.dylib", "libpango-1.0-0.dll")
    pango_ft = _library("libpangoft2-1.0.so.0", "libpangoft2-1.0.dylib", "libpangoft2-1.0-0.dll")
    found.append(Finding("Pango (with HarfBuzz and fontconfig), for WeasyPrint", "the PDF, the zine, the cover, the EPUB's page list",
                         pango if pango and pango_ft else None,
                         f"{APT} libpango-1.0-0 libpangoft2-1.0-0 (macOS: brew install pango)", required=True))
    subset = _library("libharfbuzz-subset.so.0", "libharfbuzz-subset.0.dylib", "libharfbuzz-subset-0.dll")
    found.append(Finding("HarfBuzz's subsetter", "PDFs written about a second faster and smaller (else fontTools)",
                         subset, f"{APT} libharfbuzz-subset0"))
    java = _program("java")
    found.append(Finding("Java", "EPUBCheck (check --epub, build --check-epub)",
                         _version(java, "-version") if java else None, f"{APT} default-jre-headless"))
    node = _program("node", "nodejs")
    found.append(Finding("Node.js", "Ace by DAISY (the EPUB's accessibility check)",
                         _version(node) if node else None, f"{APT} nodejs npm"))
    if (settings.current().ace or "").lower() == "off":
        found.append(Finding("Ace by DAISY", "the EPUB's accessibility check", "turned off (ANTHOLOGY_ACE=off)", ""))
    else:
        from anthology.epub import ace

        program = ace.find(Path.cwd())
        found.append(Finding("Ace by DAISY", "the EPUB's accessibility check (after EPUBCheck)",
                             str(program) if program else None,
                             "npm install --ignore-scripts @daisy/ace-cli (in the book's folder; "
                             "PUPPETEER_EXECUTABLE_PATH=$(command -v chromium))"))
    browser = os.environ.get("PUPPETEER_EXECUTABLE_PATH") or _program("chromium", "chromium-browser", "google-chrome")
    found.append(Finding("Chromium", "Ace by DAISY, and the browser tests (Playwright, axe-core)", browser,
                         f"{APT} chromium"))
    if shutil.which("fc-list") is None:
        found.append(Finding("fontconfig's fc-list", "knowing which scripts this machine has fonts for", None,
                             f"{APT} fontconfig"))
    for script, language, _sample, package in SCRIPTS:
        families = _fonts(language)
        shown = ", ".join(families[:3]) + (f" and {len(families) - 3} more" if len(families) > 3 else "")
        if language in SHIPPED:
            shown = "Charis SIL (shipped)" + (f"; the machine has {shown}" if shown else "")
        found.append(Finding(f"a font for {script} ({language})", "books and pieces in that script",
                             shown or None, package))
    return found


def report(findings: list[Finding], stream) -> int:
    """Print the findings; 1 when a required piece is missing, else 0."""
    print(f"anthology doctor: Python {sys.version.split()[0]} on {sys.platform}", file=stream)
    for finding in findings:
        mark = "ok  " if finding.found else ("MISS" if finding.required else "--  ")
        print(f"{mark} {finding.what}: {finding.found or 'not found'}", file=stream)
        print(f"     for {finding.needed_for}", file=stream)
        if not finding.found and finding.install:
            print(f"     install: {finding.install}", file=stream)
    missing = [f for f in findings if not f.found and f.required]
    optional = [f for f in findings if not f.found and not f.required]
    if missing:
        print(f"{len(missing)} required piece{'s' if len(missing) != 1 else ''} missing: "
              "the PDF cannot be made until installed.", file=stream)
        return 1
    print("Everything the EPUB, the PDF, the zine and the site need is here"
          + (f"; {len(optional)} optional piece{'s' if len(optional) != 1 else ''} missing (see above)."
             if optional else "."), file=stream)
    return 0


def run(stdout) -> int:
    return report(examine(), stdout)
