"""Every switch of the tool, declared once and read in one place: from the environment (the
`ANTHOLOGY_*` variables) and, for the ones a user would want on the command line, from flags
(`--jobs`, `--no-cache`, `--debug`), a flag winning over its variable. The command line reads them
once (cli.main: `with settings.using(settings.read(args)): ...`); a module asks `settings.current()`,
which is those, or, outside a command (the library used from Python, the tests), the environment
read at that moment. Only the standard library is imported here.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace
from collections.abc import Iterator, Mapping

_OFF = ("off", "0", "no", "false")


@dataclass(frozen=True)
class Switch:
    """One switch: its environment variable, its flag (if any) and what it does (for --help and the
    reference, docs/settings.md)."""

    field: str
    variable: str
    flag: str | None
    default: str
    help: str


SWITCHES = (
    Switch("jobs", "ANTHOLOGY_JOBS", "--jobs", "one per core",
           "How many worker processes lay out the print edition's parts at once."),
    Switch("cache", "ANTHOLOGY_CACHE", "--no-cache", "on",
           "`off` (or 0, no, false) reads and writes no build cache: every output is made again."),
    Switch("cache_mb", "ANTHOLOGY_CACHE_MB", None, "1024",
           "The most megabytes of blobs the build cache keeps (the least recently used go first)."),
    Switch("debug", "ANTHOLOGY_DEBUG", "--debug", "off",
           "Any value: an internal error shows its traceback instead of a one-line message."),
    Switch("units", "ANTHOLOGY_UNITS", None, "on",
           "`off` lays every book out whole, in one process, instead of in parts on every core."),
    Switch("trace_units", "ANTHOLOGY_TRACE_UNITS", None, "off",
           "`1` prints what the layout workers do (and why a book was laid out whole) to stderr."),
    Switch("ace", "ANTHOLOGY_ACE", None, "looked for",
           "The path of Ace by DAISY's `ace-cli`, or `off` to run EPUBCheck alone."),
    Switch("weasy_off", "ANTHOLOGY_WEASY_OFF", None, "none",
           "Comma-separated WeasyPrint speed-ups to turn off (`pngdata`, `as-rgb`, `parsed`, `libraries`, or "
           "`all`): the output WeasyPrint alone makes, only slower (print/weasy/)."),
)


@dataclass(frozen=True)
class Settings:
    jobs: int | None = None  # None: one per core
    cache: bool = True
    cache_mb: float = 1024.0
    debug: bool = False
    units: bool = True
    trace_units: bool = False
    ace: str | None = None  # a path, "off", or None (looked for: epub/ace.py)
    weasy_off: frozenset[str] = frozenset()  # WeasyPrint speed-ups turned off (print/weasy/__init__.py)


def from_environment(environ: Mapping[str, str] | None = None) -> Settings:
    """The settings the `ANTHOLOGY_*` variables give (a value that is not understood is the default)."""
    env = os.environ if environ is None else environ
    jobs = env.get("ANTHOLOGY_JOBS", "")
    try:
        cache_mb = float(env.get("ANTHOLOGY_CACHE_MB", "1024"))
    except ValueError:
        cache_mb = 1024.0
    return Settings(
        jobs=int(jobs) if jobs.isdigit() and int(jobs) > 0 else None,
        cache=env.get("ANTHOLOGY_CACHE", "").lower() not in _OFF,
        cache_mb=cache_mb,
        debug=bool(env.get("ANTHOLOGY_DEBUG")),
        units=env.get("ANTHOLOGY_UNITS", "").lower() not in _OFF,
        trace_units=env.get("ANTHOLOGY_TRACE_UNITS") == "1",
        ace=env.get("ANTHOLOGY_ACE") or None,
        weasy_off=frozenset(n.strip().lower() for n in env.get("ANTHOLOGY_WEASY_OFF", "").split(",") if n.strip()),
    )


def read(args=None, environ: Mapping[str, str] | None = None) -> Settings:
    """The environment's settings with the command line's flags over them (`args`: argparse's
    namespace; a flag not given, or not of that command, leaves the variable's value)."""
    found = from_environment(environ)
    if args is None:
        return found
    changes: dict = {}
    if getattr(args, "jobs", None):
        changes["jobs"] = args.jobs
    if getattr(args, "no_cache", False):
        changes["cache"] = False
    if getattr(args, "debug", False):
        changes["debug"] = True
    return replace(found, **changes)


def as_flags(settings: Settings) -> list[str]:
    """The flags that give a child `anthology` command these settings (the preview's background builds)."""
    return ([f"--jobs={settings.jobs}"] if settings.jobs else []) + ([] if settings.cache else ["--no-cache"]) + \
           (["--debug"] if settings.debug else [])


_IN_USE: list[Settings] = []


def current() -> Settings:
    """The settings of the command running (using()), else those of the environment now."""
    return _IN_USE[-1] if _IN_USE else from_environment()


@contextmanager
def using(settings: Settings) -> Iterator[Settings]:
    """Make `settings` current() while the block runs (forked workers inherit them)."""
    _IN_USE.append(settings)
    try:
        yield settings
    finally:
        _IN_USE.remove(settings)


def epilog() -> str:
    """The environment switches, for the end of `anthology --help`."""
    lines = ["environment (each flag wins over its variable):"]
    for switch in SWITCHES:
        flag = f" (or {switch.flag})" if switch.flag else ""
        lines.append(f"  {switch.variable}{flag}: {switch.help.replace('`', '')} Default: {switch.default}.")
    return "\n".join(lines)


assert [s.field for s in SWITCHES] == [f.name for f in fields(Settings)]  # one declaration of each
