"""Live reload for the preview: the state the browser follows and the script injected into served pages.

The script is added to HTML responses by the preview server only (never to a built file). It asks the
same server, by long polling `/__anthology/events?since=N&build=B&page=P`, for the state of the preview:
whether a build since the one the page was served with changed this page's file, and the problems of
the last attempt. A changed page reloads itself (keeping its scroll position); while the book has
problems, an overlay lists them (`file:line: message`). No outside request, no library.
"""

from __future__ import annotations

import json
import secrets
import threading

PREFIX = "/__anthology/"
SCRIPT_PATH = PREFIX + "livereload.js"
EVENTS_PATH = PREFIX + "events"
POLL_SECONDS = 20.0  # how long one poll waits for news before the browser asks again
HISTORY = 200  # builds remembered for deciding which open pages must reload


class ReloadState:
    """What the open pages follow: the build number of the pages served, and the current problems.

    `version` counts every change of state (a new build, new problems, problems gone); a poll returns
    as soon as it differs from the version the browser already knows.
    """

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self.session = secrets.token_hex(4)  # a page served by an earlier run of the server reloads too
        self.version = 0
        self.build = 0
        self.problems: list[str] = []
        self.status = ""
        self.closed = False
        self.history: list[tuple[int, frozenset[str] | None]] = []  # (build, site files it changed)

    def pages_built(self, changed: list[str] | None = None) -> None:
        """New pages are in place; `changed` lists the site files that differ (None: all of them).
        Open pages among them reload; the problems are gone."""
        with self._changed:
            self.build += 1
            self.history.append((self.build, None if changed is None else frozenset(changed)))
            del self.history[:-HISTORY]
            self.problems = []
            self._bump()

    def reload_needed(self, page_build: str, page: str) -> bool:
        """Whether a page (its URL path) served at build `page_build` is out of date now."""
        with self._changed:
            session, _, number = page_build.rpartition("-")
            if session != self.session or not number.isdigit():
                return True
            since = int(number)
            newer = [changed for build, changed in self.history if build > since]
            if len(newer) < self.build - since:  # older than the history kept
                return True
            name = page.lstrip("/")
            name = name + "index.html" if name == "" or name.endswith("/") else name
            return any(changed is None or name in changed for changed in newer)

    def failed(self, problems: list[str]) -> None:
        """The last rebuild failed: the last good pages stay, the overlay shows these problems."""
        with self._changed:
            self.problems = list(problems)
            self._bump()

    def set_status(self, status: str) -> None:
        """A short line about background work (the EPUB and PDF being built), shown in the overlay."""
        with self._changed:
            if status != self.status:
                self.status = status
                self._bump()

    def close(self) -> None:
        """The server stops: answer every waiting poll now."""
        with self._changed:
            self.closed = True
            self._changed.notify_all()

    def _bump(self) -> None:
        self.version += 1
        self._changed.notify_all()

    @property
    def build_id(self) -> str:
        return f"{self.session}-{self.build}"

    def snapshot(self) -> dict:
        with self._changed:
            return self._state()

    def wait(self, since: int, timeout: float = POLL_SECONDS) -> dict:
        """The state as soon as its version differs from `since`, or after `timeout` seconds."""
        with self._changed:
            self._changed.wait_for(lambda: self.version != since or self.closed, timeout=timeout)
            return self._state()

    def _state(self) -> dict:
        return {"version": self.version, "build": self.build_id, "problems": list(self.problems),
                "status": self.status}


def tag(build: str) -> bytes:
    """The element injected before `</body>` of every served HTML page."""
    return f'<script src="{SCRIPT_PATH}" data-build="{build}" defer></script>'.encode()


def inject(html: bytes, build: str) -> bytes:
    """The page with the live-reload script added before its last `</body>` (or at its end)."""
    at = html.lower().rfind(b"</body>")
    if at < 0:
        return html + tag(build)
    return html[:at] + tag(build) + html[at:]


def events_json(state: dict) -> bytes:
    return json.dumps(state, ensure_ascii=False).encode()


SCRIPT = r"""// anthology serve: live reload and problems overlay (added by the preview server only).
(function () {
  "use strict";
  var me = document.currentScript;
  var build = me ? me.getAttribute("data-build") : null;
  var key = "anthology-scroll:" + location.pathname;
  var saved = sessionStorage.getItem(key);
  if (saved !== null) {
    sessionStorage.removeItem(key);
    window.addEventListener("load", function () { window.scrollTo(0, parseInt(saved, 10) || 0); });
  }

  function box(id, show) {  // the element with this id, made or removed as needed
    var element = document.getElementById(id);
    if (!show) {
      if (element) { element.remove(); }
      return null;
    }
    if (!element) {
      element = document.createElement("div");
      element.id = id;
      element.setAttribute("role", id === "anthology-problems" ? "alert" : "status");
      var s = element.style;
      s.position = "fixed"; s.zIndex = "2147483647"; s.overflow = "auto"; s.margin = "0";
      s.font = "14px/1.4 ui-monospace, monospace"; s.whiteSpace = "pre-wrap";
      document.body.appendChild(element);
    }
    return element;
  }

  function overlay(state) {
    var lines = state.problems || [];
    var banner = box("anthology-problems", lines.length > 0);
    if (banner) {  // over the top of the page
      var s = banner.style;
      s.left = "0"; s.right = "0"; s.top = "0"; s.maxHeight = "60vh"; s.padding = "0.75em 1em";
      s.background = "#fde8e8"; s.color = "#7a0010"; s.borderBottom = "3px solid #b00020";
      banner.textContent = "The book has " + lines.length + " problem" + (lines.length === 1 ? "" : "s") +
        "; the last good pages are shown.\n" + lines.join("\n");
    }
    var note = box("anthology-status", Boolean(state.status));
    if (note) {  // background work: a small note in the corner
      var t = note.style;
      t.right = "0.5em"; t.bottom = "0.5em"; t.padding = "0.3em 0.6em";
      t.background = "#eef4ff"; t.color = "#123"; t.border = "1px solid #89a";
      note.textContent = state.status;
    }
  }

  function poll(since, delay) {
    var query = "?since=" + since + "&build=" + encodeURIComponent(build || "") +
      "&page=" + encodeURIComponent(location.pathname);
    fetch("__EVENTS__" + query, { cache: "no-store" })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (state) {
        if (state.reload) {
          sessionStorage.setItem(key, String(window.scrollY));
          location.reload();
          return;
        }
        build = state.build;  // a rebuild that left this page as it was
        overlay(state);
        poll(state.version, 500);
      })
      .catch(function () {  // the server is restarting or gone: ask again, a little later each time
        setTimeout(function () { poll(-1, Math.min(delay * 2, 5000)); }, delay);
      });
  }
  poll(-1, 500);
})();
""".replace("__EVENTS__", EVENTS_PATH)
