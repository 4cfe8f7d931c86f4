"""Fast checks that a broker answers, so a dead broker is reported in seconds, not after a client's retries.

A TCP connection alone is not enough: another program may hold the broker's port (a web server on
9092, say), and a client would then hang until its own timeout. So each probe also says one word of
the broker's protocol and checks the reply: a wrong reply means another program, no reply a broker that
hangs (or a program that waits for something else). Probes to TLS endpoints stop at the TCP connection.
"""

from __future__ import annotations

import socket
import struct

from .errors import NO_ANSWER, NOT_THIS_BROKER, BrokerUnavailable
from .settings import BROKERS, BrokerSpec

CONNECT_TIMEOUT = 2.0
REPLY_TIMEOUT = 1.0


def _kafka_hello(sock: socket.socket) -> bool:
    """ApiVersions v0; a Kafka broker answers with the same correlation id."""
    client = b"course-probe"
    body = struct.pack(">hhih", 18, 0, 0x636F7572, len(client)) + client
    sock.sendall(struct.pack(">i", len(body)) + body)
    reply = _read(sock, 8)
    return len(reply) == 8 and struct.unpack(">i", reply[4:8])[0] == 0x636F7572


def _redis_hello(sock: socket.socket) -> bool:
    """PING; Redis answers +PONG, or an error such as -NOAUTH when it wants a password."""
    sock.sendall(b"PING\r\n")
    return _read(sock, 1) in (b"+", b"-")


def _rabbit_hello(sock: socket.socket) -> bool:
    """The AMQP 0-9-1 header; RabbitMQ answers with a method frame (connection.start)."""
    sock.sendall(b"AMQP\x00\x00\x09\x01")
    return _read(sock, 1) in (b"\x01", b"A")  # "A": it speaks AMQP, another version


def _nats_hello(sock: socket.socket) -> bool:
    """A NATS server speaks first: INFO {...}."""
    return _read(sock, 5) == b"INFO "


def _mqtt_hello(sock: socket.socket) -> bool:
    """MQTT 3.1.1 CONNECT; the broker answers CONNACK (even when it refuses the client)."""
    client = b"course-probe"
    variable = b"\x00\x04MQTT\x04\x02\x00\x05" + struct.pack(">H", len(client)) + client
    sock.sendall(bytes([0x10, len(variable)]) + variable)
    answered = _read(sock, 1) == b"\x20"
    if answered:
        sock.sendall(b"\xe0\x00")  # DISCONNECT, so the broker logs a clean goodbye
    return answered


HELLO = {"kafka": _kafka_hello, "redis": _redis_hello, "rabbit": _rabbit_hello, "nats": _nats_hello,
         "mqtt": _mqtt_hello}


def _read(sock: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = sock.recv(size - len(data))
        if not chunk:
            break
        data += chunk
    return data


def _answer(spec: BrokerSpec, sock: socket.socket, port: int) -> str | None:
    """None when the peer speaks ``spec``'s protocol, else what it did instead."""
    sock.settimeout(REPLY_TIMEOUT)  # a broker replies in milliseconds
    try:
        if HELLO[spec.name](sock):
            return None
    except TimeoutError:
        return f"something accepts connections on port {port} but {NO_ANSWER}"
    except OSError:  # a reset or a closed connection
        pass
    return f"something answers on port {port}, but it {NOT_THIS_BROKER} {spec.title}"


def reachable(spec: BrokerSpec, timeout: float = CONNECT_TIMEOUT) -> str | None:
    """None when some address of ``spec`` answers as that broker, else the reason it does not."""
    reason = "no address configured"
    for host, port in spec.addresses():
        try:
            with socket.create_connection((host, port), timeout=timeout) as sock:
                reason = None if spec.uses_tls() else _answer(spec, sock, port)
                if reason is None:
                    return None
        except socket.timeout:
            reason = f"no answer within {timeout:g} s"
        except OSError as exc:
            reason = exc.strerror or str(exc)
    return reason


def require(*names: str, timeout: float = CONNECT_TIMEOUT) -> None:
    """Raise :class:`BrokerUnavailable` for the first named broker that does not answer."""
    for name in names:
        spec = BROKERS[name]
        reason = reachable(spec, timeout)
        if reason is not None:
            raise BrokerUnavailable(spec, reason)
