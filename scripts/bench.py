#!/usr/bin/env python3
"""`make bench`: time anthology against the peer a user would pick instead, on the sample book.

The sample is built as it is (1x) and with its chapters repeated ten times (10x), both generated into
a temporary folder. Per scale and run, interleaved so that a busy machine slows both alike:

- ours, clean: no build/ folder and XDG_CACHE_HOME pointing at a fresh, empty folder;
- the peer, clean: Pandoc -> EPUB, plus Pandoc -> HTML -> WeasyPrint with our stylesheet;
- ours again with nothing changed (the same cache), then after one sentence added to one piece.

Then `anthology --help`, `anthology check` and `--format epub` alone. Prints medians, the ratio
ours/peer, and each command's peak memory (all its processes together, sampled: see run()).
Needs Debian's `pandoc` (`apt-get install pandoc`); `make test` does not.

    .venv/bin/python scripts/bench.py [--runs 3] [--scales 1,10] [--source DIR]

`--source DIR` runs the anthology package found in DIR (a checkout, e.g. `git archive` of an older
commit) with this venv's dependencies, to compare before and after on the same machine.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
EPOCH = "1764288000"
EDIT = "\n\nThis sentence was added by the benchmark, run {n}.\n"


def tree_memory(pid: int, leave_out: tuple[str, ...] = ("java", "node", "chrom", "ace")) -> float:
    """Memory of a process and all its descendants now, in MB: the sum of their proportional set
    sizes (Pss: pages shared by forked workers counted once, not once per process). Processes whose
    name begins with one of `leave_out` (EPUBCheck's Java, Ace's Node and browser) are not the build's own."""
    tree, todo = set(), [pid]
    while todo:  # the kernel's list of each process's children: cheaper than reading all of /proc
        member = todo.pop()
        tree.add(member)
        try:
            tasks = list(Path(f"/proc/{member}/task").glob("*/children"))
        except OSError:  # ended meanwhile
            continue
        for task in tasks:
            try:
                todo += [int(child) for child in task.read_text().split()]
            except (OSError, ValueError):
                continue
    total = 0
    for member in tree:
        try:
            if Path(f"/proc/{member}/comm").read_text().strip().startswith(leave_out):
                continue
            for line in Path(f"/proc/{member}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except (OSError, ValueError):
            continue
    return total / 1024


def run(cmd: list[str], cwd: Path, env: dict) -> tuple[float, float, float]:
    """Run `cmd`; return (wall seconds, peak memory in MB of it and all its processes together,
    CPU seconds of them all). The memory is sampled every 100 ms (tree_memory); a process tree
    whose largest process alone held more (from wait4) reports that."""
    import threading

    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None  # a pipe, as asked
    peak = [0.0]
    done = threading.Event()

    def sample():
        while not done.wait(0.1):
            peak[0] = max(peak[0], tree_memory(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    if os.environ.get("BENCH_SAMPLE", "1") != "0":
        sampler.start()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    done.set()
    if sampler.is_alive():
        sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        sys.exit(f"bench: {' '.join(cmd)} failed in {cwd} (exit {proc.returncode}):\n"
                 f"{proc.stderr.read().decode(errors='replace')[-2000:]}")
    proc.stderr.close()
    return elapsed, max(peak[0], usage.ru_maxrss / 1024), usage.ru_utime + usage.ru_stime


def make_book(folder: Path, scale: int) -> tuple[Path, list[Path]]:
    """Copy the sample into `folder` with its chapters repeated `scale` times; return the manifest
    and the piece files in reading order (for the peer)."""
    shutil.copy(REPO / "book.yaml", folder / "book.yaml")
    shutil.copytree(REPO / "chapters", folder / "chapters")
    manifest = folder / "book.yaml"
    data = yaml.safe_load(manifest.read_text(encoding="utf-8"))
    chapters = []
    for copy in range(1, scale + 1):
        # a piece file may be listed once: copy k > 1 reads a copy of chapters/ (images and links
        # between pieces stay relative), with piece ids of its own
        part = "chapters" if copy == 1 else f"part-{copy}"
        if copy > 1:
            shutil.copytree(REPO / "chapters", folder / part)

        def moved(path: str, part: str = part) -> str:
            return part + path.removeprefix("chapters") if path.startswith("chapters/") else path

        for chapter in data["chapters"]:
            chapter = dict(chapter)
            if scale > 1:
                chapter["title"] = f"{chapter['title']} ({copy})"
                if chapter.get("intro"):
                    chapter["intro"] = moved(chapter["intro"])
                pieces = []
                for piece in chapter["pieces"]:
                    file = piece if isinstance(piece, str) else piece["file"]
                    extra = {} if isinstance(piece, str) else {k: v for k, v in piece.items() if k != "file"}
                    pieces.append({"file": moved(file), **extra, "id": f"{Path(file).stem}-{copy}"})
                chapter["pieces"] = pieces
            chapters.append(chapter)
    data["chapters"] = chapters
    manifest.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    files = [folder / data["preface"]] if data.get("preface") else []
    for chapter in chapters:
        if chapter.get("intro"):
            files.append(folder / chapter["intro"])
        files += [folder / (p if isinstance(p, str) else p["file"]) for p in chapter["pieces"]]
    return manifest, files


def peer_script(folder: Path, files: list[Path]) -> list[str]:
    """Pandoc -> EPUB, and Pandoc -> HTML -> WeasyPrint with our stylesheet, one after the other."""
    weasyprint = Path(sys.executable).parent / "weasyprint"
    css = REPO / "styles" / "book.css"
    names = " ".join(str(f.relative_to(folder)) for f in files)
    script = (f"set -e; rm -rf peer; mkdir peer; "
              f"pandoc -f markdown -s --toc --metadata title=Bench -o peer/book.epub {names}; "
              f"pandoc -f markdown -s --toc --metadata title=Bench --css {css.as_uri()} -o peer/book.html {names}; "
              f"{weasyprint} --base-url . peer/book.html peer/book.pdf")
    return ["sh", "-c", script]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scales", default="1,10")
    parser.add_argument("--source", type=Path, help="run the anthology package of this checkout")
    args = parser.parse_args()
    if not shutil.which("pandoc"):
        sys.exit("bench: needs pandoc (apt-get install pandoc)")
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH)
    env.pop("ANTHOLOGY_DEBUG", None)
    ours = [sys.executable, "-m", "anthology"]
    if args.source:  # the editable install's finder would win over PYTHONPATH: drop it
        ours = [sys.executable, "-c", "import sys; sys.meta_path[:] = [f for f in sys.meta_path "
                "if 'editable' not in repr(f)]; sys.path.insert(0, sys.argv.pop(1)); "
                "from anthology.cli import main; sys.exit(main())", str(args.source.resolve())]
    print(f"bench: {os.cpu_count()} cores, load average {'/'.join(f'{v:.1f}' for v in os.getloadavg())}, "
          f"{args.runs} runs, anthology from {args.source or REPO}", flush=True)
    rows = []
    with tempfile.TemporaryDirectory(prefix="anthology-bench-") as tmp_name:
        tmp = Path(tmp_name)
        for scale in [int(s) for s in args.scales.split(",")]:
            folder = tmp / f"book-{scale}x"
            folder.mkdir()
            manifest, files = make_book(folder, scale)
            edited = files[-1]
            original = edited.read_text(encoding="utf-8")
            times: dict[str, list[tuple[float, float, float]]] = {k: [] for k in
                                                          ("clean", "peer", "nochange", "edit", "epub")}
            for n in range(args.runs):
                cache = Path(tempfile.mkdtemp(prefix="cache-", dir=tmp))
                run_env = dict(env, XDG_CACHE_HOME=str(cache))
                edited.write_text(original, encoding="utf-8")
                shutil.rmtree(folder / "build", ignore_errors=True)
                times["clean"].append(run(ours + ["build", "book.yaml"], folder, run_env))
                times["peer"].append(run(peer_script(folder, files), folder, run_env))
                times["nochange"].append(run(ours + ["build", "book.yaml"], folder, run_env))
                edited.write_text(original + EDIT.format(n=n), encoding="utf-8")
                times["edit"].append(run(ours + ["build", "book.yaml"], folder, run_env))
                edited.write_text(original, encoding="utf-8")
                if scale == 1:
                    fresh = dict(env, XDG_CACHE_HOME=tempfile.mkdtemp(prefix="cache-", dir=tmp))
                    shutil.rmtree(folder / "epub-only", ignore_errors=True)
                    times["epub"].append(run(ours + ["build", "book.yaml", "--format", "epub",
                                                     "--out", "epub-only"], folder, fresh))
                print(f"  {scale}x run {n + 1}: " + ", ".join(f"{k} {v[-1][0]:.2f} s ({v[-1][2]:.1f} CPU, "
                                                             f"{v[-1][1]:.0f} MB)" for k, v in times.items() if v),
                      flush=True)
            rows.append((scale, times))
        startup: dict[str, list[float]] = {"--help": [], "check": []}
        folder = tmp / f"book-{rows[0][0]}x"
        warm = dict(env, XDG_CACHE_HOME=tempfile.mkdtemp(prefix="cache-", dir=tmp))
        run(ours + ["check", "book.yaml"], folder, warm)  # an unchanged book: checked once before
        for _ in range(max(args.runs, 5)):
            startup["--help"].append(run(ours + ["--help"], folder, warm)[0])
            startup["check"].append(run(ours + ["check", "book.yaml"], folder, warm)[0])
    print()
    print("Wall-clock medians (CPU seconds, user + system, in brackets: steadier on a busy machine).")
    print("| scale | ours clean | peer clean | ratio wall (CPU) | ours peak MB | peer peak MB | no change | "
          "one edit (of clean) | EPUB alone |")
    print("|---|---|---|---|---|---|---|---|---|")
    for scale, times in rows:
        wall = {k: median([t[0] for t in v]) for k, v in times.items()}
        cpu = {k: median([t[2] for t in v]) for k, v in times.items()}
        epub = f"{wall['epub']:.2f} s ({cpu['epub']:.1f})" if times["epub"] else "—"
        print(f"| {scale}x | {wall['clean']:.2f} s ({cpu['clean']:.1f}) | {wall['peer']:.2f} s ({cpu['peer']:.1f}) | "
              f"{wall['clean'] / wall['peer']:.2f} ({cpu['clean'] / cpu['peer']:.2f}) | "
              f"{max(t[1] for t in times['clean']):.0f} | {max(t[1] for t in times['peer']):.0f} | "
              f"{wall['nochange']:.2f} s ({cpu['nochange']:.2f}) | "
              f"{wall['edit']:.2f} s ({wall['edit'] / wall['clean']:.2f}) | {epub} |")
    print(f"\nstart-up: `anthology --help` {median(startup['--help']):.2f} s, "
          f"`anthology check` {median(startup['check']):.2f} s (medians of {len(startup['check'])})")
    print(f"load average at the end: {'/'.join(f'{v:.1f}' for v in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
