"""Atomic writing of outputs: every file and folder of a build written beside its place and renamed into
place only when the whole build succeeded, so a failed build never destroys the previous outputs."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


class AtomicOutputs:
    """Collects outputs in temporary files; only commit() renames them into place.

    Scratch files (intermediate PDFs) live beside them and are always removed.
    """

    def __init__(self, out_dir: Path):
        self.out_dir = out_dir
        self.pending: list[tuple[Path, Path]] = []
        self.pending_dirs: list[tuple[Path, Path]] = []
        self.scratches: list[Path] = []
        out_dir.mkdir(parents=True, exist_ok=True)

    def _temp(self, name: str) -> Path:
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=self.out_dir)
        os.close(fd)
        return Path(tmp)

    def temp_for(self, name: str) -> Path:
        """A temporary file that commit() renames to `name` in the output folder."""
        path = self._temp(name)
        self.pending.append((path, self.out_dir / name))
        return path

    def scratch(self, name: str) -> Path:
        """A temporary file that is never renamed into place."""
        path = self._temp(name)
        self.scratches.append(path)
        return path

    def temp_dir_for(self, name: str) -> Path:
        """A temporary folder that commit() puts in place of the folder `name` (the site)."""
        path = Path(tempfile.mkdtemp(prefix=f".{name}.", suffix=".tmp", dir=self.out_dir))
        self.pending_dirs.append((path, self.out_dir / name))
        return path

    def commit(self) -> list[Path]:
        umask = os.umask(0)
        os.umask(umask)
        done = []
        for tmp, final in self.pending:
            os.chmod(tmp, 0o666 & ~umask)
            os.replace(tmp, final)
            done.append(final)
        for tmp, final in self.pending_dirs:
            os.chmod(tmp, 0o777 & ~umask)
            old = None
            if final.exists():  # a folder cannot be replaced in one rename: move the old one aside first
                old = Path(tempfile.mkdtemp(prefix=f".{final.name}.old.", suffix=".tmp", dir=self.out_dir))
                os.replace(final, old / final.name)
            os.replace(tmp, final)
            if old:
                shutil.rmtree(old, ignore_errors=True)
            done.append(final)
        self.pending, self.pending_dirs = [], []
        return done

    def discard(self) -> None:
        for tmp in [tmp for tmp, _ in self.pending] + self.scratches:
            tmp.unlink(missing_ok=True)
        for tmp, _ in self.pending_dirs:
            shutil.rmtree(tmp, ignore_errors=True)
        self.pending, self.pending_dirs, self.scratches = [], [], []
