"""The HTTP layer over raw sockets: keep-alive, pipelining, chunked bodies, Expect, bad input."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator

import pytest

from scaletg_ptb.emulator import Emulator
from scaletg_ptb.emulator.forms import FormError, parse_body


@pytest.fixture
def conn(emu: Emulator) -> Iterator[socket.socket]:
    with socket.create_connection((emu.host, emu.port), timeout=5) as sock:
        yield sock


def read_response(sock: socket.socket, buffer: bytearray) -> tuple[int, dict[str, str], bytes]:
    """Read one Content-Length framed response, keeping any extra bytes in ``buffer``."""
    while b"\r\n\r\n" not in buffer:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed before a response")
        buffer += chunk
    head, _, rest = bytes(buffer).partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    length = int(headers["content-length"])
    while len(rest) < length:
        rest += sock.recv(65536)
    buffer[:] = rest[length:]
    return int(lines[0].split()[1]), headers, rest[:length]


def request(emu: Emulator, method: str, body: bytes = b"", headers: str = "") -> bytes:
    return (
        f"POST /bot{emu.token}/{method} HTTP/1.1\r\nHost: x\r\nContent-Length: {len(body)}\r\n{headers}\r\n"
    ).encode() + body


def test_pipelined_requests_on_one_connection_answer_in_order(emu: Emulator, conn: socket.socket) -> None:
    form = b"chat_id=1&text=x"
    conn.sendall(
        request(emu, "getMe")
        + request(emu, "sendMessage", form, "Content-Type: application/x-www-form-urlencoded\r\n")
        + request(emu, "nope")
    )
    buffer = bytearray()
    statuses = [read_response(conn, buffer)[0] for _ in range(3)]
    assert statuses == [200, 400, 404]


def test_chunked_body_and_expect_continue(emu: Emulator, conn: socket.socket, chat: dict) -> None:
    body = json.dumps({"chat_id": chat["id"], "text": "chunked ✓"}).encode()
    head = (
        f"POST /bot{emu.token}/sendMessage HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n"
    ).encode()
    conn.sendall(head)
    assert conn.recv(100).startswith(b"HTTP/1.1 100 Continue\r\n\r\n")
    conn.sendall(
        b"%x\r\n%s\r\n" % (10, body[:10]) + b"%x;ext=1\r\n%s\r\n0\r\n\r\n" % (len(body) - 10, body[10:])
    )
    status, _, payload = read_response(conn, bytearray())
    assert status == 200
    assert json.loads(payload)["result"]["text"] == "chunked ✓"


def test_connection_close_is_honoured(emu: Emulator, conn: socket.socket) -> None:
    conn.sendall(request(emu, "getMe", headers="Connection: close\r\n"))
    status, headers, _ = read_response(conn, bytearray())
    assert status == 200 and headers["connection"] == "close"
    assert conn.recv(10) == b""  # the server closed its side


def test_malformed_request_line_is_400(conn: socket.socket) -> None:
    conn.sendall(b"NONSENSE\r\n\r\n")
    assert read_response(conn, bytearray())[0] == 400


def test_paths_outside_bot_api_are_404(emu: Emulator, conn: socket.socket) -> None:
    conn.sendall(b"GET /favicon.ico HTTP/1.1\r\nHost: x\r\n\r\n")
    status, _, body = read_response(conn, bytearray())
    assert status == 404 and json.loads(body)["description"] == "Not Found"


def test_unparsable_json_body_is_400(emu: Emulator, conn: socket.socket) -> None:
    conn.sendall(request(emu, "getMe", b"{oops", "Content-Type: application/json\r\n"))
    status, _, body = read_response(conn, bytearray())
    assert status == 400 and json.loads(body)["description"] == "Bad Request: can't parse JSON body"


def test_multipart_parsing() -> None:
    body = (
        b'--XyZ\r\nContent-Disposition: form-data; name="chat_id"\r\n\r\n42\r\n'
        b'--XyZ\r\nContent-Disposition: form-data; name="doc"; filename="a \\"b\\".bin"\r\n'
        b"Content-Type: application/x-thing\r\n\r\n\r\n--not-the-boundary\x00\xff\r\n"
        b"--XyZ--\r\n"
    )
    fields, files = parse_body('multipart/form-data; boundary="XyZ"', body)
    assert fields == {"chat_id": "42"}
    assert files["doc"].filename == 'a "b".bin'
    assert files["doc"].content_type == "application/x-thing"
    assert files["doc"].data == b"\r\n--not-the-boundary\x00\xff"
    with pytest.raises(FormError):
        parse_body("multipart/form-data", body)
