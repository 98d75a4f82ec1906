"""A tiny SMTP server in a thread on 127.0.0.1, for mail fault tests. It can accept mail, refuse
it (a 554 greeting), or hang (take the connection and never say a word)."""

import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message

from tests.hardening.live import free_port


@dataclass
class FakeSMTPServer:
    behaviour: str  # "accept", "refuse" or "hang"
    port: int = field(default_factory=free_port)
    messages: list[Message] = field(default_factory=list)
    connections: int = 0

    def __post_init__(self) -> None:
        assert self.behaviour in ("accept", "refuse", "hang")
        self._stop = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", self.port))
        self._listener.settimeout(0.1)
        self._threads = [threading.Thread(target=self._serve, daemon=True)]
        self._threads[0].start()

    def __enter__(self) -> "FakeSMTPServer":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        self._stop.set()
        for thread in list(self._threads):
            thread.join(timeout=5)
        self._listener.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            self.connections += 1
            handler = threading.Thread(target=self._handle, args=(connection,), daemon=True)
            self._threads.append(handler)
            handler.start()

    def _handle(self, connection: socket.socket) -> None:
        with connection:
            if self.behaviour == "hang":
                self._stop.wait()  # never answer; the client's timeout must end it
                return
            if self.behaviour == "refuse":
                connection.sendall(b"554 5.3.2 Service unavailable, try again later\r\n")
                return
            self._dialogue(connection)

    def _dialogue(self, connection: socket.socket) -> None:
        reader = connection.makefile("rb")
        connection.sendall(b"220 fake.smtp.test ESMTP\r\n")
        while not self._stop.is_set():
            line = reader.readline()
            if not line:
                return
            command = line.strip().split(b" ", 1)[0].upper()
            if command in (b"EHLO", b"HELO"):
                connection.sendall(b"250 fake.smtp.test\r\n")
            elif command in (b"MAIL", b"RCPT", b"RSET", b"NOOP"):
                connection.sendall(b"250 OK\r\n")
            elif command == b"DATA":
                connection.sendall(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                lines = []
                while (data := reader.readline()) not in (b".\r\n", b""):
                    lines.append(data[1:] if data.startswith(b"..") else data)
                self.messages.append(message_from_bytes(b"".join(lines)))
                connection.sendall(b"250 OK: queued\r\n")
            elif command == b"QUIT":
                connection.sendall(b"221 Bye\r\n")
                return
            else:
                connection.sendall(b"502 Command not implemented\r\n")
