"""Fast reachability checks, so a dead broker is reported in seconds, not after a client's retries."""

from __future__ import annotations

import socket

from .errors import BrokerUnavailable
from .settings import BROKERS, BrokerSpec

CONNECT_TIMEOUT = 2.0


def reachable(spec: BrokerSpec, timeout: float = CONNECT_TIMEOUT) -> str | None:
    """Return None when some address of ``spec`` accepts a TCP connection, else the reason it did not."""
    reason = "no address configured"
    for host, port in spec.addresses():
        try:
            with socket.create_connection((host, port), timeout=timeout):
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
