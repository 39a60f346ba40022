"""No client can hold the preview server: a silent client and one that sends its headers a byte at a
time are closed once the request line and headers are overdue, while others are served; past the
bound on connections served at once, one more is refused with a 503 at once. Against the real server
on a free port, with a short header time so the tests run quickly."""

from __future__ import annotations

import http.client
import io
import socket
import time

import pytest

from anthology.preview import livereload
from anthology.preview.server import PreviewServer

HEADER_SECONDS = 0.5
PATIENCE = 60  # how long a test client waits for the server at most (a bound, not a measurement)


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "site"
    root.mkdir()
    (root / "index.html").write_text("<!DOCTYPE html><html lang=\"kk\"><body><p>Басты бет</p></body></html>",
                                     encoding="utf-8")
    return root


def _server(site, **limits) -> PreviewServer:
    log = io.StringIO()
    server = PreviewServer(site, port=0, reload=livereload.ReloadState(), log=log, poll_seconds=1,
                           header_seconds=HEADER_SECONDS, **limits).start()
    server.log_text = log
    return server


@pytest.fixture
def server(site):
    server = _server(site)
    yield server
    server.stop()
    assert "Traceback" not in server.log_text.getvalue()


def _connect(server) -> socket.socket:
    return socket.create_connection(("127.0.0.1", server.port), timeout=PATIENCE)


def _get(server) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=PATIENCE)
    try:
        conn.request("GET", "/")
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def _answer(conn: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    chunks = []
    while True:
        chunk = conn.recv(65536)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def test_a_silent_client_is_closed_and_does_not_hold_the_server(server):
    with _connect(server) as silent:  # connects and sends nothing at all
        assert _get(server) == 200  # served meanwhile
        assert _answer(silent) == b""  # then closed by the server (recv would block forever otherwise)


def test_a_request_without_headers_is_closed(server):
    with _connect(server) as conn:
        conn.sendall(b"GET / HTTP/1.1\r\n")  # the request line, then nothing
        answer = _answer(conn)
    assert answer.startswith(b"HTTP/1.1 408"), answer


def test_a_client_sending_a_byte_at_a_time_is_closed(server):
    """Each byte comes well within the per-read wait, the whole headers never: the deadline holds."""
    headers = b"GET / HTTP/1.1\r\nHost: localhost\r\n" + b"".join(b"X-Slow-%d: yes\r\n" % n for n in range(10_000))
    closed = False
    with _connect(server) as conn:
        for index in range(len(headers)):  # bounded: the headers end long after the deadline
            try:
                conn.sendall(headers[index:index + 1])
            except (BrokenPipeError, ConnectionResetError):
                closed = True
                break
            if index % 10 == 0:
                conn.settimeout(0)
                try:
                    if conn.recv(65536, socket.MSG_PEEK) is not None:
                        closed = True
                        break
                except BlockingIOError:
                    pass
                finally:
                    conn.settimeout(PATIENCE)
            time.sleep(HEADER_SECONDS / 20)
        if closed:
            conn.settimeout(PATIENCE)
            try:
                answer = _answer(conn)
            except ConnectionResetError:
                answer = b""
    assert closed, "the server read the slow headers to their end"
    assert answer == b"" or answer.startswith(b"HTTP/1.1 408"), answer
    assert _get(server) == 200


def test_past_the_bound_one_more_connection_gets_a_503_at_once(site):
    server = _server(site, max_connections=2)
    try:
        first, second = _connect(server), _connect(server)  # both silent: they hold both slots
        try:
            with _connect(server) as third:
                answer = _answer(third)
            assert answer.startswith(b"HTTP/1.1 503"), answer
            assert b"Retry-After" in answer
            assert _answer(first) == b"" and _answer(second) == b""  # closed at their deadline
        finally:
            first.close()
            second.close()
        for _ in range(100):  # the slots are given back once their threads end
            try:
                if _get(server) == 200:
                    break
            except (ConnectionError, http.client.HTTPException):
                pass
            time.sleep(0.05)
        assert _get(server) == 200
    finally:
        server.stop()
    assert "Traceback" not in server.log_text.getvalue()


def test_keep_alive_requests_each_get_their_own_deadline(server):
    with _connect(server) as conn:
        for _ in range(3):
            conn.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")
            response = http.client.HTTPResponse(conn)
            response.begin()
            assert response.status == 200 and "Басты бет" in response.read().decode()
            time.sleep(HEADER_SECONDS / 2)  # idle within the deadline: the connection stays
