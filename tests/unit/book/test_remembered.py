"""CLDR answers remembered across builds (book/languages.py remembered): computed once, written to
the build cache once (at save_remembered() or at the process's exit), found by the next process."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap


def _run(code: str, cache_home) -> str:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home)}
    run = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return run.stdout.strip()


def test_answers_are_saved_at_exit_and_found_by_the_next_process(tmp_path):
    first = _run("""
        from anthology.book.languages import remembered, direction
        print(remembered("test", (1,), lambda: "один"), remembered("test", (2,), lambda: "два"), direction("he"))
    """, tmp_path)
    assert first == "один два rtl"
    again = _run("""
        from anthology.book.languages import remembered
        def boom():
            raise AssertionError("computed again")
        print(remembered("test", (1,), boom), remembered("test", (2,), boom), remembered("direction", ("he",), boom))
    """, tmp_path)
    assert again == "один два rtl"


def test_an_explicit_save_survives_a_process_that_ends_without_exit_handlers(tmp_path):
    _run("""
        import os, sys
        from anthology.book.languages import remembered, save_remembered
        remembered("test", ("ar",), lambda: "عربي")
        save_remembered()
        sys.stdout.flush()
        os._exit(0)  # as a layout worker ends: no atexit
    """, tmp_path)
    assert _run("""
        from anthology.book.languages import remembered
        def boom():
            raise AssertionError("computed again")
        print(remembered("test", ("ar",), boom))
    """, tmp_path) == "عربي"


def test_nothing_is_written_until_saved(tmp_path):
    out = _run("""
        import os
        from pathlib import Path
        from anthology.book.languages import remembered
        for n in range(50):
            remembered("test", (n,), lambda: n)
        print(sum(len(files) for _, _, files in os.walk(os.environ["XDG_CACHE_HOME"])))
        os._exit(0)
    """, tmp_path)
    assert out == "0"
