"""A 50 MB file sent to a public form, against gunicorn as in production: refused from its headers
with a friendly 400, long before it has all arrived, and nothing written to disk."""

import socket
import time

from tests.hardening.live import LiveSite

MEGABYTE = 1024 * 1024


def post_headers(path: str, length: int, content_type: str) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {length}\r\nCookie: csrftoken={'a' * 32}\r\n\r\n"
    ).encode()


def send_big_body(
    site: LiveSite, path: str, content_type: str, size: int, prefix: bytes
) -> tuple[str, float, int]:
    """Start sending `size` bytes; return the status line, the seconds it took, and how many bytes
    had gone when the answer came."""
    host, port = site.url.removeprefix("http://").split(":")
    started = time.monotonic()
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(post_headers(path, size, content_type) + prefix)
        sent = len(prefix)
        connection.setblocking(False)
        answer = b""
        while sent < size and b"\r\n" not in answer:
            try:
                answer += connection.recv(65536)
                break
            except BlockingIOError:
                pass
            try:
                sent += connection.send(b"\0" * min(MEGABYTE, size - sent))
            except (BlockingIOError, BrokenPipeError, ConnectionResetError):
                time.sleep(0.01)
        connection.settimeout(10)
        while b"\r\n" not in answer:
            chunk = connection.recv(65536)
            if not chunk:
                break
            answer += chunk
    return answer.split(b"\r\n", 1)[0].decode(), time.monotonic() - started, sent


def test_a_50_mb_multipart_post_is_refused_before_it_arrives_and_leaves_no_file(
    sqlite_database, start_site, tmp_path
):
    temp = tmp_path / "tmp"
    temp.mkdir()
    site = start_site(sqlite_database, TMPDIR=str(temp))  # where an upload would be spooled
    part = (
        b'--B\r\nContent-Disposition: form-data; name="attachment"; filename="big.bin"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n"
    )
    status, seconds, sent = send_big_body(
        site, "/contact/", "multipart/form-data; boundary=B", 50 * MEGABYTE, part
    )
    assert status.startswith("HTTP/1.1 400"), status
    assert sent < 50 * MEGABYTE  # answered before the body was all sent
    assert seconds < 5
    assert list(temp.iterdir()) == []
    assert "refused a file upload to a public page" in site.log()


def test_a_huge_form_body_to_a_public_page_is_refused_with_413(sqlite_database, start_site):
    site = start_site(sqlite_database)
    status, _, sent = send_big_body(
        site, "/contact/", "application/x-www-form-urlencoded", 50 * MEGABYTE, b"name=Tan&message="
    )
    assert status.startswith("HTTP/1.1 413"), status
    assert sent < 50 * MEGABYTE
