"""What a build opens and where it connects, recorded by a Python audit hook (installed once, on import):
`with Recorder() as r: ...` then `r.opened(path)` (the opens of files of that name) and `r.network`
(every socket, connection and non-local URL request). For the tests that a book reads nothing outside
itself and fetches nothing."""

from __future__ import annotations

import sys
from pathlib import Path

_RECORDING: list[list] = []


def _audit(event, args):
    if not _RECORDING:
        return
    if event == "open" and args and isinstance(args[0], (str, bytes, Path)):
        _RECORDING[-1].append(("open", str(args[0] if not isinstance(args[0], bytes) else args[0].decode(errors="replace"))))
    elif event == "urllib.Request":
        url = str(args[0]) if args else ""
        if not url.startswith(("file:", "data:")):  # local files are judged by the "open" events
            _RECORDING[-1].append((event, url))
    elif event.startswith("socket.") or event == "http.client.connect":
        _RECORDING[-1].append((event, repr(args)[:200]))


sys.addaudithook(_audit)


class Recorder:
    def __enter__(self):
        self.events: list = []
        _RECORDING.append(self.events)
        return self

    def __exit__(self, *exc):
        _RECORDING.remove(self.events)

    def opened(self, path: Path) -> list[str]:
        return [p for kind, p in self.events if kind == "open" and Path(p).name == path.name]

    @property
    def network(self) -> list:
        return [e for e in self.events if e[0] != "open"]
