"""Errors the course raises, each saying what went wrong and what to do about it."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .settings import BrokerSpec


class CourseError(Exception):
    """Base class: a course error is meant to be read by a person, not parsed."""


class BrokerUnavailable(CourseError):
    """A broker the lesson needs does not answer at its configured URL."""

    def __init__(self, spec: BrokerSpec, reason: str) -> None:
        self.spec = spec
        self.reason = reason
        super().__init__(fix_message(spec, reason))


NOT_THIS_BROKER = "does not speak"  # in a probe's reason: another program holds the port


def port_taken_fix(spec: BrokerSpec) -> str:
    port = spec.address()[1]
    return (f"see which program holds port {port} with `ss -ltnp 'sport = :{port}'` and stop it, "
            f"or set {spec.env_var} to a free port, then run `make brokers`")


def fix_message(spec: BrokerSpec, reason: str) -> str:
    if NOT_THIS_BROKER in reason:
        return (f"Something answers at {spec.url}, but it does not speak {spec.title}.\n"
                f"Another program holds its port: {port_taken_fix(spec)}.")
    lines = [f"{spec.title} is not reachable at {spec.url} ({reason})."]
    if spec.is_local():
        lines += [
            "Start the course brokers in a terminal, in the course folder:",
            "    make brokers",
            f"then run this cell again. Using your own {spec.title}? Set {spec.env_var} to its URL.",
        ]
    else:
        lines += [
            f"{spec.env_var} points to a remote {spec.title}: check that it is up and that this machine can",
            "reach it (VPN, firewall, credentials). Unset it to use the course's embedded brokers.",
        ]
    return "\n".join(lines)


class NothingArrived(CourseError, TimeoutError):
    """Waited for messages with a timeout and fewer arrived than expected."""


class HandlerFailed(CourseError):
    """A handler raised while processing a message the lesson was waiting for."""
