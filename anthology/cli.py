"""Command line: `anthology build`, `check`, `serve`, `new`, `import` and `doctor`; exit 0 success, 1 book problems, 2 bad usage,
3 an internal error, 130 interrupted (Ctrl-C)."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from anthology import __version__
from anthology.errors import BookError, Problem
from anthology.outputs import OutputError

EXIT_OK, EXIT_BOOK, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3
EXIT_INTERRUPTED = 130  # Ctrl-C, as shells report it


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # usage errors exit with 2 and no traceback
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _switches(jobs: bool = True) -> _Parser:
    """The flags of settings.py, shared by the commands (each wins over its ANTHOLOGY_* variable)."""
    common = _Parser(add_help=False)
    group = common.add_argument_group("settings (see also the environment switches in `anthology --help`)")
    if jobs:
        group.add_argument("--jobs", type=_jobs, default=None, metavar="N",
                           help="worker processes laying out the print edition (default: one per core; ANTHOLOGY_JOBS)")
        group.add_argument("--no-cache", action="store_true",
                           help="neither read nor write the build cache (ANTHOLOGY_CACHE=off)")
    group.add_argument("--debug", action="store_true",
                       help="show the traceback of an internal error (ANTHOLOGY_DEBUG=1)")
    return common


def parser() -> argparse.ArgumentParser:
    from anthology import settings

    main = _Parser(prog="anthology", description="Build an EPUB 3, a print PDF and a zine from book.yaml.",
                   epilog=settings.epilog(), formatter_class=argparse.RawDescriptionHelpFormatter)
    main.add_argument("--version", action="version", version=f"anthology {__version__}")
    commands = main.add_subparsers(dest="command", required=True, parser_class=_Parser)
    switches, debug_only = _switches(), _switches(jobs=False)
    build = commands.add_parser("build", help="build the outputs", parents=[switches])
    build.add_argument("manifest", nargs="?", default="book.yaml", type=Path)
    build.add_argument("--out", default=Path("build"), type=Path, help="output folder (default: build/)")
    build.add_argument("--format", default="epub,pdf",
                       help="comma-separated: epub, pdf, zine, minizine, cover, site, proof (default: epub,pdf)")
    build.add_argument("--for-press", action="store_true",
                       help="also write <name>-press.pdf with bleed and crop marks")
    build.add_argument("--piece", help="the piece id for --format minizine")
    build.add_argument("--check-epub", action="store_true",
                       help="run EPUBCheck (and Ace by DAISY, when installed) on the built EPUB")
    build.add_argument("--quiet", "-q", action="store_true",
                       help="print no progress and no list of outputs (problems are still printed)")
    check = commands.add_parser("check", help="validate the manifest and every piece; write nothing",
                                parents=[switches])
    check.add_argument("manifest", nargs="?", default="book.yaml", type=Path)
    check.add_argument("--epub", action="store_true",
                       help="also build the EPUB in a temporary folder and run EPUBCheck "
                            "(and Ace by DAISY, when installed) on it")
    serve = commands.add_parser("serve", help="preview the site, rebuilt and reloaded on every save",
                                parents=[switches])
    serve.add_argument("manifest", nargs="?", default="book.yaml", type=Path)
    serve.add_argument("--port", default=8000, type=_port, help="port (default: 8000)")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default: 127.0.0.1, this machine only)")
    serve.add_argument("--out", default=Path("build"), type=Path, help="output folder (default: build/)")
    new = commands.add_parser("new", help="start a new book in DIR, ready to build", parents=[debug_only])
    new.add_argument("dir", type=Path)
    new.add_argument("--title", default=None, help="the book's title (default: from DIR's name)")
    new.add_argument("--language", default="en", help="BCP 47 language tag (default: en)")
    new.add_argument("--force", action="store_true", help="write into DIR even if it is not empty")
    commands.add_parser("doctor", help="what this machine has and lacks for each output and check, "
                                       "and how to install it", parents=[debug_only])
    imp = commands.add_parser("import", help="turn a .docx, .odt, .html, .epub, .md or .txt file into pieces of the book",
                              parents=[debug_only])
    imp.add_argument("file", type=Path)
    imp.add_argument("--chapter", type=int, default=None,
                     help="chapter number (1 = first; one past the last makes a new chapter; default: the last)")
    imp.add_argument("--chapter-title", default=None, help="the title of a new chapter")
    imp.add_argument("--kind", choices=("article", "lyrics", "testimony"), default=None)
    imp.add_argument("--to", type=Path, default=None,
                     help="where to write the piece (default: chapters/<chapter folder>/<slug>.md)")
    imp.add_argument("--manifest", type=Path, default=Path("book.yaml"), help="default: book.yaml")
    imp.add_argument("--dry-run", action="store_true", help="print what would be written and found; write nothing")
    changes = imp.add_mutually_exclusive_group()
    changes.add_argument("--accept-changes", dest="changes", action="store_const", const="accept",
                         help="a Word file's tracked changes: take them (default: refuse the file)")
    changes.add_argument("--reject-changes", dest="changes", action="store_const", const="reject",
                         help="a Word file's tracked changes: undo them")
    imp.add_argument("--only", default=None, metavar="LIST", help="an EPUB's chapters to import, e.g. 3,5-7")
    imp.add_argument("--whole-page", action="store_true",
                     help="a saved web page: keep it whole (default: its main text, without navigation)")
    return main


def _jobs(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"invalid number of jobs {text!r} (a whole number, 1 or more)")
    return int(text)


def _port(text: str) -> int:
    if not text.isdigit() or not 0 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"invalid port {text!r} (a number up to 65535; 0 picks a free port)")
    return int(text)


def _print_problems(problems: list[Problem], stream) -> None:
    for problem in problems:
        print(str(problem), file=stream)


_INTERRUPTED: list[bool] = []  # whether a Ctrl-C was handled (see run())


def run() -> int:
    """The `anthology` command: main() on sys.argv. After a Ctrl-C it handled, the process ends at
    once with main()'s code: CPython 3.11 remembers a KeyboardInterrupt raised inside exec() of a
    string (dataclasses make their methods so while a module is imported), caught or not, and would
    end the process by SIGINT after main() returned (exit status -2 instead of 130 or 0)."""
    code = main()
    if any(_INTERRUPTED):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    return code


def main(argv: list[str] | None = None, stdout=None, stderr=None) -> int:
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    try:
        args = parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    from anthology import settings

    with settings.using(settings.read(args)):  # every switch, read once: the flags over the environment
        return _command(args, stdout, stderr)


def _command(args, stdout, stderr) -> int:
    from anthology import settings

    if args.command == "doctor":
        from anthology import doctor

        return doctor.run(stdout)
    if args.command in ("new", "import"):
        try:
            return _start_or_import(args, stdout, stderr)
        except OutputError as exc:
            print(f"anthology: {exc}", file=stderr)
            return EXIT_BOOK
        except OSError as exc:
            print(f"anthology: cannot write or read {exc.filename or ''}: {exc.strerror or exc}", file=stderr)
            return EXIT_BOOK
        except Exception as exc:  # a bug in the tool
            if settings.current().debug:
                raise
            print(f"anthology: internal error ({type(exc).__name__}: {exc}). Run again with --debug "
                  "for the traceback and report it.", file=stderr)
            return EXIT_INTERNAL
    if not args.manifest.is_file():
        print(f"{args.manifest}: no such manifest (give the path to book.yaml)", file=stderr)
        return EXIT_USAGE
    if args.command == "serve":
        from anthology.preview.command import serve

        code = serve(args.manifest, args.out, args.host, args.port, stdout, stderr)
        _INTERRUPTED.append(code == EXIT_OK)  # the preview ends on Ctrl-C only
        return code
    from anthology import build as builder  # here, not at the top: `--help` imports nothing heavy

    try:
        if args.command == "check":
            counts = None if args.epub else builder.checked_before(args.manifest)
            if counts is None:
                book = builder.check(args.manifest)
                counts = {"chapters": len(book.chapters), "pieces": len(book.pieces)}
                warnings = book.warnings
            else:
                warnings = [Problem(*w) for w in counts.get("warnings", [])]
            _print_problems(warnings, stderr)
            if args.epub:
                return _check_epub(args.manifest, stdout, stderr)
            print(f"{args.manifest}: OK — {counts['chapters']} chapters, {counts['pieces']} pieces", file=stdout)
            return EXIT_OK
        formats = [f.strip() for f in args.format.split(",") if f.strip()]
        unknown = [f for f in formats if f not in builder.FORMATS]
        if unknown or not formats:
            print(f"anthology: error: unknown format {', '.join(unknown) or '(none)'}; "
                  f"choose from {', '.join(builder.FORMATS)}", file=stderr)
            return EXIT_USAGE
        if "minizine" in formats and not args.piece:
            print("anthology: error: --format minizine needs --piece <id> (a piece id or file name)", file=stderr)
            return EXIT_USAGE
        from anthology.progress import Progress

        started = time.perf_counter()
        progress = Progress(stdout, quiet=args.quiet)
        try:
            report = builder.build(args.manifest, args.out, formats, press=True if args.for_press else None,
                                   piece=args.piece, progress=progress)
        finally:
            progress.done()
        _print_problems(report.warnings, stderr)
        elapsed = time.perf_counter() - started
        for path in [] if args.quiet else report.outputs:
            print(f"wrote {path}", file=stdout)
        if not args.quiet:
            print(f"unchanged: restored from the cache in {elapsed:.2f} s" if report.cached
                  else f"built in {elapsed:.1f} s", file=stdout)
        if args.check_epub:
            from anthology.epub.checks import check_epub

            for path in report.outputs:
                if path.suffix == ".epub":
                    checks = check_epub(path, args.manifest.parent)
                    _print_problems(checks.problems, stderr)
                    for note in checks.notes:
                        print(f"note: {note}", file=stdout)
                    if checks.failed:
                        return EXIT_BOOK
        return EXIT_OK
    except BookError as exc:
        _print_problems(exc.problems, stderr)
        count = len(exc.problems)
        print(f"{count} problem{'s' if count != 1 else ''} found; nothing was written.", file=stderr)
        return EXIT_BOOK
    except OutputError as exc:  # a full disk, a read-only folder …: the output named, what to do
        print(f"anthology: {exc}", file=stderr)
        return EXIT_BOOK
    except OSError as exc:
        print(f"anthology: cannot write or read {exc.filename or ''}: {exc.strerror or exc}", file=stderr)
        return EXIT_BOOK
    except KeyboardInterrupt:  # Ctrl-C: the layout workers are stopped, nothing half-written is left
        _INTERRUPTED.append(True)
        print("anthology: interrupted; earlier outputs are untouched.", file=stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # a bug in the tool, not in the book: say so without a traceback
        if settings.current().debug:
            raise
        print(f"anthology: internal error ({type(exc).__name__}: {exc}); earlier outputs are untouched. "
              "Run again with --debug for the traceback and report it.", file=stderr)
        return EXIT_INTERNAL


def _start_or_import(args, stdout, stderr) -> int:
    if args.command == "new":
        from anthology import scaffold

        return scaffold.run(args.dir, title=args.title, language=args.language, force=args.force,
                            stdout=stdout, stderr=stderr)
    from anthology.importers import Options, command as importing, numbers

    try:
        only = numbers(args.only) if args.only is not None else None
    except ValueError as exc:
        print(f"anthology import: --only {args.only}: {exc}", file=stderr)
        return 2
    return importing.run(args.file, manifest=args.manifest, chapter=args.chapter, chapter_title=args.chapter_title,
                         kind=args.kind, to=args.to, dry_run=args.dry_run,
                         options=Options(changes=args.changes, only=only, whole_page=args.whole_page), stdout=stdout, stderr=stderr)


def _check_epub(manifest: Path, stdout, stderr) -> int:
    import tempfile

    from anthology import build as builder
    from anthology.epub.checks import check_epub

    with tempfile.TemporaryDirectory() as tmp:
        report = builder.build(manifest, Path(tmp), ["epub"])
        checks = check_epub(next(p for p in report.outputs if p.suffix == ".epub"), manifest.parent)
    _print_problems(checks.problems, stderr)
    for note in checks.notes:
        print(f"note: {note}", file=stdout)
    if checks.problems:
        return EXIT_BOOK if checks.failed else EXIT_OK
    print(f"{manifest}: OK — {' and '.join(checks.ran)} found no problems", file=stdout)
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
