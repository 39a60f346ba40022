"""The preview's background build (preview/command.py `Background`): stopping it never leaves its
temporary files in the output folder, even when it does not stop on SIGINT in time and is killed."""

from __future__ import annotations

import subprocess
import sys
import time

from anthology.preview import command


CHILD = """
import os, signal, sys, time
from pathlib import Path
from anthology.outputs import owner_tag
signal.signal(signal.SIGINT, signal.SIG_IGN)  # a build caught in a long C call: SIGINT waits
out = Path(sys.argv[1])
(out / f".book-zine-source.pdf.{owner_tag()}.abcdefgh.tmp").write_bytes(b"%PDF-")
print("ready", flush=True)
time.sleep(120)
"""


def test_a_background_build_killed_on_stop_leaves_no_temporary_file(tmp_path, monkeypatch):
    out = tmp_path / "out"
    out.mkdir()
    (out / "book.pdf").write_bytes(b"%PDF- the last good build")
    monkeypatch.setattr(command, "STOP_GRACE", 0.5)
    background = command.Background(tmp_path / "book.yaml", out)
    background.process = subprocess.Popen([sys.executable, "-c", CHILD, str(out)], stdout=subprocess.PIPE,
                                          text=True)
    assert background.process.stdout.readline().strip() == "ready"
    assert len(list(out.glob(".*.tmp"))) == 1
    started = time.monotonic()
    background.stop()
    assert time.monotonic() - started < 60
    assert background.process is None
    assert not list(out.glob(".*.tmp")), "the killed build's temporary file is still there"
    assert (out / "book.pdf").read_bytes() == b"%PDF- the last good build"  # outputs are not touched
