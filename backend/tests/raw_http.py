"""HTTP over a raw socket, for tests (and benchmarks) that must see when the server answers mid-body."""

from __future__ import annotations

import select
import socket
from collections.abc import Iterable

__all__ = ["send_chunked_until_answered"]


def send_chunked_until_answered(sock: socket.socket, parts: Iterable[bytes]) -> tuple[int, bool]:
    """Send ``parts`` as chunked-transfer chunks until the server answers or drops the connection.

    The chunked body's terminating chunk is not sent, so a caller can tell an early answer from
    one that came after the whole body.

    Returns:
        The body bytes sent, and whether every part was sent.
    """
    sent = 0
    for part in parts:
        if select.select([sock], [], [], 0)[0]:
            return sent, False
        try:
            sock.sendall(b"%x\r\n%s\r\n" % (len(part), part))
        except (BrokenPipeError, ConnectionResetError):
            return sent, False
        sent += len(part)
    return sent, True
