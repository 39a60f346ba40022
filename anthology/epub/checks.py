"""The checks `check --epub` and `build --check-epub` run on an EPUB: EPUBCheck, then Ace by DAISY when it is
installed (`ANTHOLOGY_ACE=off` leaves Ace out), with what ran and what did not, for the command to say."""

from __future__ import annotations

from anthology import settings
from dataclasses import dataclass, field
from pathlib import Path

from anthology.epub import ace
from anthology.epub import epubcheck as epubcheck_module
from anthology.errors import Problem

ACE_MISSING = ("Ace by DAISY is not installed, so accessibility was not checked "
               "(README: \"Checking accessibility\" says how to get it)")


@dataclass
class EpubChecks:
    problems: list[Problem] = field(default_factory=list)
    ran: list[str] = field(default_factory=list)   # the checkers that ran, e.g. "Ace by DAISY 1.4.6"
    notes: list[str] = field(default_factory=list)  # what could not run, said once

    @property
    def failed(self) -> bool:
        return any(p.level == "error" for p in self.problems)


def check_epub(epub: Path, book_root: Path | None = None) -> EpubChecks:
    """EPUBCheck's findings, then Ace's violations (every violation, of any impact, is an error)."""
    result = EpubChecks(problems=list(epubcheck_module.epubcheck(epub)), ran=["EPUBCheck"])
    if (settings.current().ace or "").lower() == "off":
        return result
    program = ace.find(book_root)
    if program is None:
        result.notes.append(ACE_MISSING)
        return result
    report, trouble = ace.run(epub, program)
    if report is None:
        result.problems += trouble
        return result
    result.problems += ace.violations(report, epub)
    result.ran.append(f"Ace by DAISY {ace.version(report)}".strip())
    return result
