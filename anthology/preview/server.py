"""The preview's HTTP server: serves one folder (the built site) and nothing else, with live reload.

Safety, because a preview server is still a server: GET and HEAD only; the request path is decoded
strictly and refused with 400 when it is not a plain path inside the folder (`..` or `.` segments,
backslashes, NUL and control characters, empty segments such as `//etc/passwd`, a full URL, bad
percent-encoding); a file reached through a symlink that leads outside the folder, a hidden file and a
folder without `index.html` are 404 (no directory listings); a request the server cannot parse is 400
and no request ever prints a traceback. It binds 127.0.0.1 unless another host is asked for.

No client can hold the server: the request line and headers must arrive within HEADER_SECONDS of the
request's start, however slowly they trickle in (a silent or slow client is then closed, with a 408
when it had begun), and at most MAX_CONNECTIONS connections are served at once (one thread each); one
more gets a 503 at once and is closed.

HTML responses get the live-reload script (`livereload`) injected on the way out; the files on disk
are never changed.
"""

from __future__ import annotations

import errno
import http.server
import io
import mimetypes
import socket
import sys
import threading
import time
import urllib.parse
from pathlib import Path

from anthology.preview import livereload

DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 8000
HEADER_SECONDS = 10.0   # for the request line and headers of one request, from its first byte's wait
MAX_CONNECTIONS = 64    # served at once (a browser opens six or so, a live-reload page holds one)

_TYPES = {
    ".html": "text/html; charset=utf-8", ".xhtml": "application/xhtml+xml; charset=utf-8",
    ".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
    ".json": "application/json; charset=utf-8", ".xml": "application/xml; charset=utf-8",
    ".svg": "image/svg+xml", ".epub": "application/epub+zip", ".pdf": "application/pdf",
    ".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf", ".otf": "font/otf",
    ".txt": "text/plain; charset=utf-8",
}


class PortInUse(Exception):
    """The port is taken (by another preview, most likely)."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        super().__init__(f"port {port} on {host} is already in use")


class BadPath(Exception):
    """A request path that is not a plain path inside the served folder."""


def safe_parts(target: str) -> list[str]:
    """The segments of a request target, or BadPath. A trailing slash gives a last empty segment."""
    if not target.startswith("/") or target.startswith("//"):
        raise BadPath("the request target must be a path starting with one /")
    path = target.split("?", 1)[0].split("#", 1)[0]
    try:
        decoded = urllib.parse.unquote(path, errors="strict")
    except UnicodeDecodeError:
        raise BadPath("the path is not valid percent-encoded UTF-8") from None
    if any(ord(c) < 0x20 or c in "\\\x7f" for c in decoded):
        raise BadPath("control characters or backslashes in the path")
    parts = decoded[1:].split("/")
    for i, part in enumerate(parts):
        if part in (".", ".."):
            raise BadPath("'.' and '..' are not allowed in a path")
        if part == "" and i != len(parts) - 1:
            raise BadPath("empty path segment")
    return parts


class _DeadlineReader(io.RawIOBase):
    """The connection's reading end, with a deadline for the whole request line and headers (the
    socket's own timeout bounds each wait only, which a client sending a byte now and then defeats)."""

    def __init__(self, handler: Handler):
        super().__init__()
        self.handler = handler

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        handler = self.handler
        connection = handler.connection
        deadline = handler.deadline
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                handler.timed_out()
            connection.settimeout(left)
        else:
            connection.settimeout(handler.server.header_seconds)
        try:
            count = connection.recv_into(buffer)
        except TimeoutError:
            if deadline is not None:
                handler.timed_out()
            raise
        handler.received = handler.received or count > 0
        return count


class Handler(http.server.BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "anthology-preview"
    sys_version = ""
    protocol_version = "HTTP/1.1"
    default_request_version = "HTTP/1.0"  # so that every error, even on a garbled request line, has a status line

    deadline: float | None = None  # when the request line and headers must be in (None: between reads)
    received = False  # whether a byte of this request arrived

    # -- plumbing -------------------------------------------------------------------------------
    def log_message(self, format, *args):  # quiet: the terminal is for the book's problems
        pass

    def setup(self) -> None:
        super().setup()
        self.rfile.close()  # the plain one: replaced by one with a deadline
        self.rfile = io.BufferedReader(_DeadlineReader(self))

    def handle_one_request(self) -> None:
        self.deadline, self.received = time.monotonic() + self.server.header_seconds, False
        super().handle_one_request()

    def timed_out(self) -> None:
        """The request line and headers did not arrive in time: a 408 if the request had begun, then
        the connection is closed (raises TimeoutError, which the base class handles)."""
        self.deadline = None
        self.close_connection = True
        if self.received:
            try:
                self.connection.settimeout(1.0)
                self.connection.sendall(b"HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n"
                                        b"Content-Length: 0\r\n\r\n")
            except OSError:
                pass
        raise TimeoutError("the request line and headers took too long")

    def send_error(self, code, message=None, explain=None):
        self.close_connection = True
        self._refused = True
        super().send_error(code, message, explain)

    def finish(self) -> None:
        super().finish()
        if getattr(self, "_refused", False):
            self._linger()

    def _linger(self, limit: int = 1 << 20, seconds: float = 2.0) -> None:
        """After refusing a request whose rest was not read (a line too long), read and drop that rest
        before closing, so that the client gets the answer instead of a connection reset."""
        try:
            self.connection.shutdown(socket.SHUT_WR)
            self.connection.settimeout(0.5)
            deadline, total = time.monotonic() + seconds, 0
            while total < limit and time.monotonic() < deadline:
                chunk = self.connection.recv(65536)
                if not chunk:
                    break
                total += len(chunk)
        except OSError:
            pass

    def parse_request(self) -> bool:
        try:
            if not super().parse_request():
                return False
        finally:
            self.deadline = None  # the headers are in (or refused): no more reading for this request
            self.connection.settimeout(self.server.header_seconds)  # for the answer: a client that reads
        if len(self.requestline.split()) != 3:  # `GET /` without a version (HTTP/0.9): refused
            self.send_error(400, "Bad request: HTTP/0.9 is not served")
            return False
        return True

    def do_HEAD(self):
        self._serve(head=True)

    def do_GET(self):
        self._serve(head=False)

    def _serve(self, head: bool) -> None:
        try:
            self._respond(head)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception as exc:  # never a traceback, never a hanging client
            self.server.note(f"preview server: {type(exc).__name__}: {exc} ({self.path!r})")
            try:
                self.send_error(500, "Internal error of the preview server")
            except OSError:
                self.close_connection = True

    # -- routing --------------------------------------------------------------------------------
    def _respond(self, head: bool) -> None:
        try:
            parts = safe_parts(self.path)
        except BadPath as exc:
            self.send_error(400, f"Bad request path: {exc}")
            return
        if self.path.startswith(livereload.PREFIX) and self.server.reload is not None:
            self._reload_endpoint(self.server.reload, parts, head)
            return
        target = self._find(parts)
        if target is None:
            self._not_found(head)
            return
        if target.is_dir():  # a folder with index.html, asked for without the trailing slash
            location = urllib.parse.quote("/" + "/".join(parts) + "/")
            self._send(301, b"", "text/plain; charset=utf-8", head, {"Location": location})
            return
        content_type = _TYPES.get(target.suffix.lower()) or mimetypes.guess_type(target.name)[0] \
            or "application/octet-stream"
        build = self.server.reload.build_id if self.server.reload else None  # before the read: see inject
        body = target.read_bytes()
        if build is not None and content_type.startswith("text/html"):
            body = livereload.inject(body, build)
        self._send(200, body, content_type, head)

    def _find(self, parts: list[str]) -> Path | None:
        """The file for these segments, or None: inside the root (symlinks resolved), not hidden."""
        root = self.server.root
        if not root.is_dir():
            return None
        if any(part.startswith(".") for part in parts):
            return None
        target = root.joinpath(*parts)
        try:
            real = target.resolve(strict=True)
            real_root = root.resolve(strict=True)
        except (OSError, RuntimeError):
            return None
        if real != real_root and real_root not in real.parents:
            return None
        if real.is_dir():
            index = real / "index.html"
            if not index.is_file():
                return None  # no directory listings
            return index if parts[-1] == "" else real
        return real if real.is_file() and parts[-1] != "" else None

    def _not_found(self, head: bool) -> None:
        body = (b"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found</title></head>"
                b"<body><h1>Not found</h1><p>No such page in the preview")
        body += b" (yet: the site has not been built)." if not self.server.root.is_dir() else b"."
        body += b"</p></body></html>"
        if self.server.reload is not None:
            body = livereload.inject(body, self.server.reload.build_id)
        self._send(404, body, "text/html; charset=utf-8", head)

    def _reload_endpoint(self, reload: livereload.ReloadState, parts: list[str], head: bool) -> None:
        path = "/" + "/".join(parts)
        if path == livereload.SCRIPT_PATH:
            self._send(200, livereload.SCRIPT.encode(), _TYPES[".js"], head)
        elif path == livereload.EVENTS_PATH:
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
            try:
                since = int(query.get("since", ["-1"])[0])
            except ValueError:
                self.send_error(400, "since must be a number")
                return
            state = reload.wait(since, timeout=self.server.poll_seconds)
            page = urllib.parse.unquote(query.get("page", ["/"])[0])
            state["reload"] = reload.reload_needed(query.get("build", [""])[0], page)
            self._send(200, livereload.events_json(state), _TYPES[".json"], head)
        else:
            self._not_found(head)

    def _send(self, code: int, body: bytes, content_type: str, head: bool, headers: dict | None = None) -> None:
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(body)


class PreviewServer(http.server.ThreadingHTTPServer):
    """Serves `root` (read at every request, so a rebuilt site is picked up) on host:port."""

    daemon_threads = True
    block_on_close = False  # a browser's idle keep-alive connection must not hold up Ctrl-C
    allow_reuse_address = True

    def __init__(self, root: Path, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
                 reload: livereload.ReloadState | None = None, log=None, poll_seconds: float = livereload.POLL_SECONDS,
                 header_seconds: float = HEADER_SECONDS, max_connections: int = MAX_CONNECTIONS):
        self.root = Path(root)
        self.header_seconds = header_seconds
        self._slots = threading.BoundedSemaphore(max_connections)
        self.reload = reload
        self.poll_seconds = poll_seconds
        self.log = log or sys.stderr
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        try:
            super().__init__((host, port), Handler)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise PortInUse(host, port) from None
            raise
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self.server_address[1]

    @property
    def url(self) -> str:
        host = str(self.server_address[0])  # a str for the AF_INET and AF_INET6 sockets made here
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.port}/"

    def note(self, message: str) -> None:
        print(message, file=self.log, flush=True)

    def handle_error(self, request, client_address):  # the base class prints a traceback
        exc = sys.exc_info()[1]
        if not isinstance(exc, (ConnectionError, TimeoutError)):
            self.note(f"preview server: {type(exc).__name__}: {exc}")

    def process_request(self, request, client_address) -> None:
        """A thread for the connection while fewer than max_connections are served, else a 503 now."""
        if not self._slots.acquire(blocking=False):
            try:
                request.settimeout(0.5)
                request.sendall(b"HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nRetry-After: 1\r\n"
                                b"Content-Type: text/plain; charset=utf-8\r\nContent-Length: 41\r\n\r\n"
                                b"Too many connections at once: try again.\n")
            except OSError:
                pass
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()

    def start(self) -> PreviewServer:
        """Serve in a background thread."""
        self._thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.2},
                                        name="anthology-preview-server", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self.reload is not None:
            self.reload.close()
        if self._thread is not None:
            self.shutdown()
            self._thread.join(timeout=5)
        self.server_close()
