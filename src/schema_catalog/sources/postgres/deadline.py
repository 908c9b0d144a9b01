"""A client-side deadline for everything an extract asks the database.

Server-side timeouts (``statement_timeout``) need a server that answers; a
network partition, a stopped backend or a proxy that stops forwarding answers
nothing, and TCP keepalives do not help when the path itself still acks. So a
timer runs beside the extract: when it fires, every connection registered with
it has its socket shut down, which ends any blocked read at once with a
connection error; the caller turns that into one line naming the deadline.
"""

from __future__ import annotations

import os
import socket
import threading
from types import TracebackType
from typing import Any


class Deadline:
    """``with Deadline(seconds) as d: conn = ...; d.watch(conn)`` (0 or None: no deadline)."""

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self.expired = False
        self._connections: list[Any] = []
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None

    def __enter__(self) -> Deadline:
        if self.seconds:
            self._timer = threading.Timer(self.seconds, self._expire)
            self._timer.daemon = True
            self._timer.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._timer is not None:
            self._timer.cancel()

    def watch(self, connection: Any) -> None:
        """Cut ``connection`` (a psycopg connection) when the deadline passes."""
        with self._lock:
            self._connections.append(connection)
            if self.expired:
                _cut(connection)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for connection in self._connections:
                _cut(connection)


def _cut(connection: Any) -> None:
    """Shut the connection's socket down: a blocked read returns, the driver raises."""
    try:
        fd = connection.pgconn.socket
        sock = socket.socket(fileno=os.dup(fd))
    except Exception:  # already closed: nothing to cut
        return
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    finally:
        sock.close()
