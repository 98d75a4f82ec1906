"""Slow clients cannot stall the site: gunicorn as `make run` and production start it
(gunicorn.conf.py: threaded workers), with 20 connections that each send a header line every
second and never finish, still answers a normal visitor at once. Measured choices: docs/operations.md,
"Slow clients"."""

import socket
import threading
import time

import pytest

from tests.hardening.live import Browser

SLOW_CLIENTS = 20
CONDITION_PAGE = "/conditions/hemifacial-spasm/"  # seeded by seed_content


@pytest.fixture
def slow_clients():
    """open(url) starts SLOW_CLIENTS connections that dribble headers; all closed afterwards."""
    stop = threading.Event()
    sockets: list[socket.socket] = []

    def dribble(connection: socket.socket) -> None:
        while not stop.wait(1):
            try:
                connection.sendall(b"X-Slow: still here\r\n")
            except OSError:
                return

    def open_(url: str) -> list[socket.socket]:
        host, port = url.removeprefix("http://").split(":")
        for _ in range(SLOW_CLIENTS):
            connection = socket.create_connection((host, int(port)), timeout=5)
            connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            sockets.append(connection)
            threading.Thread(target=dribble, args=(connection,), daemon=True).start()
        return sockets

    yield open_
    stop.set()
    for connection in sockets:
        connection.close()


def timed_get(browser: Browser, path: str) -> tuple[int, float]:
    started = time.monotonic()
    response = browser.request("GET", path, timeout=10)
    return response.status, time.monotonic() - started


def test_twenty_slow_clients_do_not_stall_a_normal_request(sqlite_database, start_site, slow_clients):
    site = start_site(sqlite_database, workers=2)
    held = slow_clients(site.url)
    time.sleep(1.5)  # every slow connection has been accepted and sent a line or two
    visitor = site.browser()
    for path in ["/healthz", CONDITION_PAGE, "/healthz", CONDITION_PAGE]:
        status, seconds = timed_get(visitor, path)
        assert status == 200, path
        assert seconds < 2, f"{path} took {seconds:.1f} s with {SLOW_CLIENTS} slow clients connected"
    # The slow clients are still connected: the server did not simply drop them.
    assert all(connection.fileno() != -1 for connection in held)
