"""One app per data folder: a second launch hands its files to the running window and exits.

The running app listens on a QLocalServer named after the user and the data folder; a new launch
first tries to connect, sends {"paths": [...]} as one JSON line and waits for "ok".
"""
from __future__ import annotations

import getpass
import hashlib
import json
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

_TIMEOUT_MS = 2000


def server_name(data_dir: str | Path) -> str:
    """A short, per-user, per-data-folder name (local socket names have length limits)."""
    try:
        user = getpass.getuser()
    except Exception:  # no user name in some sandboxes
        user = "user"
    digest = hashlib.sha256(f"{user}\0{Path(data_dir).resolve()}".encode()).hexdigest()[:16]
    return f"stegnox-{digest}"


def hand_over(name: str, paths: list[str]) -> bool:
    """Send paths to a running instance; True when one answered (this launch should then exit)."""
    sock = QLocalSocket()
    sock.connectToServer(name)
    if not sock.waitForConnected(_TIMEOUT_MS):
        return False
    sock.write((json.dumps({"paths": [str(p) for p in paths]}) + "\n").encode())
    if not sock.flush():  # flush() writes what it can; wait only if bytes are still pending
        sock.waitForBytesWritten(_TIMEOUT_MS)
    reply = b""
    # The answer may already be buffered (waitForBytesWritten reads too): check before waiting.
    while b"\n" not in reply and len(reply) < 64:
        if not sock.bytesAvailable() and not sock.waitForReadyRead(_TIMEOUT_MS):
            break
        reply += bytes(sock.readAll())
    sock.disconnectFromServer()
    return reply.startswith(b"ok")


class InstanceServer(QObject):
    """Listens for later launches; emits `activated(paths)` for each (paths may be empty)."""

    activated = Signal(list)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self._server = QLocalServer(self)
        # The name holds a per-user, per-data-folder hash; only this user may connect.
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._on_connection)
        self._buffers: dict[QLocalSocket, bytes] = {}

    def listen(self) -> bool:
        """Start listening; a stale socket left by a crashed app is removed first."""
        if self._server.listen(self.name):
            return True
        QLocalServer.removeServer(self.name)
        return self._server.listen(self.name)

    def close(self) -> None:
        self._server.close()

    def _on_connection(self) -> None:
        while self._server.hasPendingConnections():
            sock = self._server.nextPendingConnection()
            self._buffers[sock] = b""
            sock.readyRead.connect(lambda s=sock: self._on_ready(s))
            sock.disconnected.connect(lambda s=sock: self._drop(s))
            if sock.bytesAvailable():  # data that came with the connection, before readyRead was connected
                self._on_ready(sock)

    def _on_ready(self, sock: QLocalSocket) -> None:
        data = self._buffers.get(sock, b"") + bytes(sock.readAll())
        if b"\n" not in data:
            self._buffers[sock] = data[: 1 << 20]
            return
        line = data.split(b"\n", 1)[0]
        self._buffers[sock] = b""
        try:
            message = json.loads(line.decode("utf-8"))
            paths = [str(p) for p in message.get("paths", [])]
        except (ValueError, AttributeError, UnicodeDecodeError):
            sock.write(b"error\n")
            sock.flush()
            return
        sock.write(b"ok\n")
        sock.flush()
        self.activated.emit(paths)

    def _drop(self, sock: QLocalSocket) -> None:
        self._buffers.pop(sock, None)
        sock.deleteLater()
