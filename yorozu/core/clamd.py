"""The optional virus scan of attachments: a clamd (ClamAV's daemon) reached by its INSTREAM
command, when `CLAMD_ADDRESS` names one ("unix:/run/clamav/clamd.ctl" or "tcp:host:3310").
Without it, nothing is scanned and attachments are still checked by type and size
(yorozu/core/uploads.py; docs/operations.md, Attachments).

A file is sent in chunks, each preceded by its length (4 bytes, big-endian), then a chunk of
length 0; clamd answers "stream: OK", "stream: <signature> FOUND" or an error. Written here
rather than with a client library: the protocol is these few lines, and the Python clients
on PyPI are unmaintained."""

import socket
import struct

from django.conf import settings

CHUNK = 64 * 1024


class Found(Exception):
    """clamd recognised something in the file; the signature's name is the message."""


class Unavailable(Exception):
    """clamd is configured but did not answer, or answered with an error."""


def configured() -> bool:
    return bool(getattr(settings, "CLAMD_ADDRESS", ""))


def _connect() -> socket.socket:
    address = settings.CLAMD_ADDRESS
    timeout = getattr(settings, "CLAMD_TIMEOUT", 30)
    if address.startswith("unix:"):
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        conn.settimeout(timeout)
        conn.connect(address.removeprefix("unix:"))
        return conn
    if address.startswith("tcp:"):
        host, _sep, port = address.removeprefix("tcp:").rpartition(":")
        return socket.create_connection((host, int(port)), timeout=timeout)
    raise Unavailable(f"CLAMD_ADDRESS must start with unix: or tcp:, not {address!r}")


def scan(stream) -> None:
    """Returns if clamd finds nothing in `stream` (read to its end); raises Found or
    Unavailable otherwise."""
    try:
        with _connect() as conn:
            conn.sendall(b"zINSTREAM\0")
            while chunk := stream.read(CHUNK):
                conn.sendall(struct.pack(">L", len(chunk)) + chunk)
            conn.sendall(struct.pack(">L", 0))
            answer = b""
            while not answer.endswith(b"\0") and (part := conn.recv(4096)):
                answer += part
    except (OSError, ValueError) as exc:
        raise Unavailable(str(exc)) from exc
    text = answer.rstrip(b"\0").decode("utf-8", "replace").strip()
    if text.endswith("FOUND"):
        raise Found(text.removeprefix("stream:").removesuffix("FOUND").strip())
    if not text.endswith("OK"):
        raise Unavailable(text or "no answer")
