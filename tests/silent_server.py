"""A TCP server that accepts connections and never answers: a Redis that hangs (overloaded, stopped with
SIGSTOP, or behind a dead NAT entry) rather than one that refuses. It counts the connections it gets, so a
test can see whether a caller tried again or went on without it."""

import socket
import threading

import pytest


class SilentServer:
    def __init__(self) -> None:
        self._socket = socket.socket()
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(50)
        self._socket.settimeout(0.1)
        self.port = self._socket.getsockname()[1]
        self.connections = 0
        self._held: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _address = self._socket.accept()
            except OSError:
                continue
            self.connections += 1
            self._held.append(conn)  # kept open, never read from or written to

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        for conn in self._held:
            conn.close()
        self._socket.close()


@pytest.fixture
def silent_server():
    server = SilentServer()
    try:
        yield server
    finally:
        server.close()
