"""Problems in a book's sources: one message type (code, file, line, text), rendered in one place."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the book's sources, as an editor needs to see it."""

    file: str
    line: int | None
    message: str
    code: str = field(default="", compare=False)
    level: str = field(default="error", compare=False)

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        code = f" [{self.code}]" if self.code else ""
        prefix = "" if self.level == "error" else f"{self.level}: "
        message = self.message.replace("\r", "\\r").replace("\n", "\\n")  # one problem, one line
        return f"{where}: {prefix}{message}{code}"


class BookError(Exception):
    """Raised with every problem found, never just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems), key=lambda p: (p.file, p.line or 0, p.message))
        super().__init__("\n".join(str(p) for p in self.problems))


class Problems:
    """Collects problems while a book is read, then raises them all at once."""

    def __init__(self, root: Path):
        self.root = root
        self.items: list[Problem] = []
        self.warnings: list[Problem] = []  # reported, but the book still builds

    def display(self, path: Path | str) -> str:
        path = Path(path)
        try:
            return str(path.resolve().relative_to(self.root.resolve()))
        except ValueError:
            return str(path)

    def add(self, path: Path | str, line: int | None, message: str, code: str = "") -> None:
        self.items.append(Problem(self.display(path), line, message, code))

    def warn(self, path: Path | str, line: int | None, message: str, code: str = "") -> None:
        self.warnings.append(Problem(self.display(path), line, message, code, "warning"))

    def raise_if_any(self) -> None:
        if self.items:
            raise BookError(self.items)
