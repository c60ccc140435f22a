"""Readiness probe for the MongoDB stand-in, standard library only.

`python3 probe.py mongo HOST PORT` exits 0 when the server at HOST:PORT answers the wire-protocol
`hello` command with ok: 1, which is what a driver needs before it can talk to it (a TCP accept
alone comes earlier, while the storage engine is still opening).
"""
import socket
import struct
import sys

OP_MSG = 2013


def bson_hello() -> bytes:
    # {"hello": 1, "$db": "admin"} encoded by hand: an int32 and a string element.
    body = b"\x10hello\x00" + struct.pack("<i", 1)
    db = b"admin\x00"
    body += b"\x02$db\x00" + struct.pack("<i", len(db)) + db
    return struct.pack("<i", len(body) + 5) + body + b"\x00"


def recv_exactly(sock: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise ConnectionError("connection closed by the server")
        data += chunk
    return data


def mongo_ready(host: str, port: int) -> bool:
    doc = bson_hello()
    payload = struct.pack("<I", 0) + b"\x00" + doc  # flagBits, section kind 0, the document
    header = struct.pack("<iiii", 16 + len(payload), 1, 0, OP_MSG)
    with socket.create_connection((host, port), timeout=2) as sock:
        sock.sendall(header + payload)
        length, _, _, opcode = struct.unpack("<iiii", recv_exactly(sock, 16))
        reply = recv_exactly(sock, length - 16)
    # ok is a double 1.0 in every mongod-compatible reply to hello.
    return opcode == OP_MSG and (b"\x01ok\x00" + struct.pack("<d", 1.0)) in reply


def main() -> int:
    if len(sys.argv) != 4 or sys.argv[1] != "mongo":
        print("usage: probe.py mongo HOST PORT", file=sys.stderr)
        return 2
    try:
        return 0 if mongo_ready(sys.argv[2], int(sys.argv[3])) else 1
    except (OSError, ConnectionError, struct.error) as exc:
        print(f"not ready: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
