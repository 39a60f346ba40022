"""The preview server's safety (issue 14) and live-reload plumbing, against a real server on a free port.

Requests go out as raw bytes over a socket (so malformed ones reach the server as they are) or through
http.client; the served folder holds a secret next to it, a symlink leading out and a folder without an
index, and the server's log must never show a traceback.
"""

from __future__ import annotations

import http.client
import io
import json
import socket
import threading
import time

import pytest

from anthology.preview import livereload
from anthology.preview.server import PortInUse, PreviewServer

SECRET = "TOP-SECRET-OUTSIDE-THE-SITE"


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "out" / "site"
    (root / "pieces").mkdir(parents=True)
    (root / "empty-folder").mkdir()
    (root / "index.html").write_text("<!DOCTYPE html><html><body><p>Home</p></body></html>", encoding="utf-8")
    (root / "pieces" / "one.html").write_text("<html><body><p>One</p></body></html>", encoding="utf-8")
    (root / "pieces" / "index.html").write_text("<html><body><p>Pieces</p></body></html>", encoding="utf-8")
    (root / "book.epub").write_bytes(b"PK\x03\x04not really")
    (root / ".hidden.tmp").write_text(SECRET, encoding="utf-8")
    (tmp_path / "secret.txt").write_text(SECRET, encoding="utf-8")
    (tmp_path / "out" / "secret.txt").write_text(SECRET, encoding="utf-8")
    (root / "link-out.txt").symlink_to(tmp_path / "secret.txt")
    (root / "dir-out").symlink_to(tmp_path, target_is_directory=True)
    (root / "link-in.html").symlink_to(root / "pieces" / "one.html")
    return root


@pytest.fixture
def server(site):
    log = io.StringIO()
    srv = PreviewServer(site, port=0, reload=livereload.ReloadState(), log=log, poll_seconds=5).start()
    srv.log_text = log
    yield srv
    srv.stop()
    assert "Traceback" not in log.getvalue()


def raw(server, request: bytes, timeout: float = 10) -> bytes:
    """Send bytes as they are; return everything the server answers before it closes (bounded)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=timeout) as conn:
        conn.sendall(request)
        conn.shutdown(socket.SHUT_WR)
        chunks, deadline = [], time.monotonic() + timeout
        while time.monotonic() < deadline:
            chunk = conn.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


def status(answer: bytes) -> int:
    line = answer.split(b"\r\n", 1)[0]
    assert line.startswith(b"HTTP/1."), answer[:200]
    return int(line.split()[1])


def get(server, path: str, method: str = "GET") -> tuple[int, bytes, http.client.HTTPResponse]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.request(method, path)
        response = conn.getresponse()
        return response.status, response.read(), response
    finally:
        conn.close()


def test_serves_pages_with_the_reload_script_only_in_the_response(server, site):
    code, body, response = get(server, "/")
    assert code == 200 and response.getheader("Content-Type").startswith("text/html")
    assert b"<p>Home</p>" in body and livereload.SCRIPT_PATH.encode() in body
    assert body.index(livereload.SCRIPT_PATH.encode()) < body.index(b"</body>")
    assert livereload.SCRIPT_PATH.encode() not in (site / "index.html").read_bytes()
    code, body, _ = get(server, "/pieces/one.html")
    assert code == 200 and b"<p>One</p>" in body
    code, body, response = get(server, "/book.epub")
    assert code == 200 and body == b"PK\x03\x04not really"
    assert response.getheader("Content-Type") == "application/epub+zip"
    code, body, _ = get(server, livereload.SCRIPT_PATH)
    assert code == 200 and b"location.reload()" in body


@pytest.mark.parametrize("path", [
    "/../secret.txt", "/%2e%2e/secret.txt", "/pieces/../../secret.txt", "/pieces/%2E%2E/%2e%2e/secret.txt",
    "/pieces/..%2f..%2fsecret.txt", "/..%5csecret.txt", "/pieces/./one.html", "/..",
])
def test_dot_dot_is_a_bad_request(server, path):
    answer = raw(server, f"GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())
    assert status(answer) == 400
    assert SECRET.encode() not in answer


@pytest.mark.parametrize("path", [
    "//etc/passwd", "/%2Fetc/passwd", "/%2fetc%2fpasswd", "http://127.0.0.1/etc/passwd", "etc/passwd",
])
def test_absolute_paths_are_refused(server, path):
    answer = raw(server, f"GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())
    assert status(answer) in (400, 404)
    assert b"root:" not in answer


def test_a_plain_path_is_always_inside_the_site(server):
    code, body, _ = get(server, "/etc/passwd")
    assert code == 404 and b"root:" not in body
    code, body, _ = get(server, "/secret.txt")
    assert code == 404 and SECRET.encode() not in body


def test_symlinks_out_of_the_site_are_not_followed(server):
    for path in ("/link-out.txt", "/dir-out/secret.txt", "/dir-out/", "/dir-out"):
        code, body, _ = get(server, path)
        assert code == 404, path
        assert SECRET.encode() not in body
    code, body, _ = get(server, "/link-in.html")
    assert code == 200 and b"<p>One</p>" in body


def test_no_directory_listings_and_no_hidden_files(server):
    code, body, _ = get(server, "/empty-folder/")
    assert code == 404 and b"<li>" not in body and b"Index of" not in body
    code, body, _ = get(server, "/.hidden.tmp")
    assert code == 404 and SECRET.encode() not in body
    code, body, _ = get(server, "/pieces/")
    assert code == 200 and b"<p>Pieces</p>" in body
    code, _, response = get(server, "/pieces")
    assert code == 301 and response.getheader("Location") == "/pieces/"


@pytest.mark.parametrize("request_bytes", [
    b"GARBAGE\r\n\r\n",
    b"GET / HTTP/x.y\r\n\r\n",
    b"GET /\r\n\r\n",
    b"GET / HTTP/1.1 extra words\r\n\r\n",
    b"GET /%ff%fe HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /a%00b HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET /a\x01b HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET * HTTP/1.1\r\nHost: x\r\n\r\n",
    b"GET " + b"/a" * 40000 + b" HTTP/1.1\r\n\r\n",
    b"GET / HTTP/1.1\r\nX-Long: " + b"a" * 70000 + b"\r\n\r\n",
    b"GET /__anthology/events?since=abc HTTP/1.1\r\nHost: x\r\n\r\n",
])
def test_malformed_requests_get_400_and_no_traceback(server, request_bytes):
    answer = raw(server, request_bytes)
    assert 400 <= status(answer) < 500, answer[:200]
    assert b"Traceback" not in answer
    code, body, _ = get(server, "/")  # and the server goes on serving
    assert code == 200


def test_only_get_and_head(server):
    code, body, response = get(server, "/", method="HEAD")
    assert code == 200 and body == b"" and int(response.getheader("Content-Length")) > 0
    for method in ("POST", "PUT", "DELETE"):
        code, _, _ = get(server, "/", method=method)
        assert code == 501


def test_binds_loopback_by_default_and_answers_nowhere_else(site):
    srv = PreviewServer(site, port=0).start()
    try:
        assert srv.server_address[0] == "127.0.0.1"
        with pytest.raises(ConnectionRefusedError):  # another loopback address: not bound there
            socket.create_connection(("127.0.0.2", srv.port), timeout=5).close()
    finally:
        srv.stop()
    srv = PreviewServer(site, host="0.0.0.0", port=0).start()  # only when asked
    try:
        socket.create_connection(("127.0.0.2", srv.port), timeout=5).close()
    finally:
        srv.stop()


def test_a_port_in_use_is_named(site):
    srv = PreviewServer(site, port=0).start()
    try:
        with pytest.raises(PortInUse) as caught:
            PreviewServer(site, port=srv.port)
        assert str(srv.port) in str(caught.value)
    finally:
        srv.stop()


def events(server, since, page="/", build=""):
    code, body, _ = get(server, f"{livereload.EVENTS_PATH}?since={since}&page={page}&build={build}")
    assert code == 200
    return json.loads(body)


def test_events_wait_for_a_change_and_carry_problems(server):
    state = server.reload
    first = events(server, -1)
    assert first["problems"] == [] and first["reload"] is True  # a page without a build number reloads
    page_build = first["build"]
    answers = []
    waiting = threading.Thread(target=lambda: answers.append(events(server, first["version"], "/", page_build)))
    waiting.start()
    time.sleep(0.3)
    assert answers == []  # still waiting: nothing changed
    state.failed(["chapters/one.md:3: something is wrong"])
    waiting.join(timeout=10)
    news = answers[0]
    assert news["problems"] == ["chapters/one.md:3: something is wrong"] and news["reload"] is False
    state.pages_built(["pieces/one.html", "search-index.js"])
    one = events(server, news["version"], "/pieces/one.html", page_build)
    home = events(server, news["version"], "/", page_build)
    assert one["reload"] is True and one["problems"] == []
    assert home["reload"] is False and home["build"] != page_build  # the home page was left as it was
    state.pages_built(None)  # everything rebuilt
    assert events(server, home["version"], "/", home["build"])["reload"] is True
