"""`make stress`: build two large books and report each build's time and peak memory.

- the sample book twenty times over (every chapter folder copied 20 times, pieces given distinct ids);
- a book of 300 pieces of one paragraph each.

Each build runs in its own process (`anthology build --check-epub`); the script checks the same
guarantees as for small books (exit 0, EPUBCheck clean, a PDF pypdf can read) and fails when a
build's peak memory passes STRESS_MAX_MB (default 4000). Not part of `make test`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
MAX_MB = int(os.environ.get("STRESS_MAX_MB", "4000"))
RUNNER = ("import resource, sys\nfrom anthology.cli import main\ncode = main(sys.argv[1:])\n"
          "print('PEAK_KB', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\nsys.exit(code)\n")


def twenty_times(folder: Path) -> Path:
    data = yaml.safe_load((REPO / "book.yaml").read_text(encoding="utf-8"))
    chapters = []
    for copy in range(1, 21):
        shutil.copytree(REPO / "chapters", folder / f"copy{copy:02}" / "chapters")
        for chapter in data["chapters"]:
            entries = []
            for entry in chapter["pieces"]:
                entry = dict(entry) if isinstance(entry, dict) else {"file": entry}
                entry["id"] = f"{Path(entry['file']).stem}-{copy}"
                entry["file"] = f"copy{copy:02}/{entry['file']}"
                entries.append(entry)
            item = {**chapter, "title": f"{chapter['title']} ({copy})", "pieces": entries}
            if "intro" in item:
                item["intro"] = f"copy{copy:02}/{item['intro']}"
            chapters.append(item)
    shutil.copytree(REPO / "chapters", folder / "chapters")  # the preface and what it uses
    data["chapters"] = chapters
    data["output"] = "twenty-times"
    (folder / "book.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder / "book.yaml"


def three_hundred_pieces(folder: Path) -> Path:
    chapters = []
    for c in range(10):
        pieces = []
        for p in range(30):
            name = f"pieces/c{c:02}-p{p:02}.md"
            (folder / "pieces").mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(
                f"---\ntitle: Piece {c * 30 + p + 1}\nauthors: [Author {p % 7}]\n---\n\n"
                f"The one paragraph of piece {c * 30 + p + 1}: the oil workers of Zhanaozen walked out in May, "
                "and by December the square was full; this is what was said there, and what came after.\n",
                encoding="utf-8")
            pieces.append(name)
        chapters.append({"title": f"Chapter {c + 1}", "pieces": pieces})
    data = {"title": "Three Hundred Pieces", "language": "en", "output": "three-hundred", "chapters": chapters}
    (folder / "book.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return folder / "book.yaml"


def build(name: str, manifest: Path) -> bool:
    from pypdf import PdfReader

    import threading

    from bench import tree_memory  # scripts/bench.py: the Pss of the build's processes together

    out = manifest.parent / "out"
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", RUNNER, "build", str(manifest), "--out", str(out),
                             "--check-epub"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=manifest.parent)
    peak, done = [0.0], threading.Event()

    def sample():  # the parent and its layout workers; EPUBCheck's and Ace's processes left out
        while not done.wait(0.1):
            peak[0] = max(peak[0], tree_memory(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = proc.communicate()
    done.set()
    sampler.join()
    run = subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)
    seconds = time.perf_counter() - started
    parent_mb = next((int(line.split()[1]) // 1024 for line in run.stderr.splitlines()
                      if line.startswith("PEAK_KB")), -1)
    peak_mb = max(int(peak[0]), parent_mb)
    problems = [line for line in run.stderr.splitlines() if not line.startswith("PEAK_KB")]
    pages = len(PdfReader(next(out.glob("*.pdf"))).pages) if run.returncode == 0 else 0
    pieces = sum(len(c["pieces"]) for c in yaml.safe_load(manifest.read_text(encoding="utf-8"))["chapters"])
    built = next((line.split()[2] for line in run.stdout.splitlines() if line.startswith("built in ")), "?")
    print(f"{name}: {pieces} pieces, exit {run.returncode}, build {built} s ({seconds:.1f} s with the EPUB "
          f"checks), peak memory of the build {peak_mb} MB (all its processes; the parent alone "
          f"{parent_mb} MB), {pages} PDF pages")
    for line in problems[:20]:
        print(f"  {line}")
    return run.returncode == 0 and 0 < peak_mb <= MAX_MB and pages > 0


def main() -> int:
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        for name, make in (("sample book x20", twenty_times), ("300 one-paragraph pieces", three_hundred_pieces)):
            folder = Path(tmp) / name.split()[0]
            folder.mkdir()
            ok &= build(name, make(folder))
    print("stress: OK" if ok else f"stress: FAILED (exit not 0, EPUBCheck problems, or more than {MAX_MB} MB)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
