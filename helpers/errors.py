"""Errors the course raises, each saying what went wrong and what to do about it."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .settings import BrokerSpec


class CourseError(Exception):
    """Base class: a course error is meant to be read by a person, not parsed."""


class SetupProblem(CourseError):
    """Something about the course's setup, not the learner's code: a check reports it as it is."""


class BrokerUnavailable(SetupProblem):
    """A broker the lesson needs does not answer at its configured URL."""

    def __init__(self, spec: BrokerSpec, reason: str) -> None:
        self.spec = spec
        self.reason = reason
        super().__init__(fix_message(spec, reason))


NOT_THIS_BROKER = "does not speak"  # in a probe's reason: another program holds the port
NO_ANSWER = "does not answer"  # in a probe's reason: a broker that hangs, or a program waiting for other input
STOPPED = "it stopped answering"  # a broker that answered earlier in this run


def port_taken_fix(spec: BrokerSpec) -> str:
    port = spec.address()[1]
    return (f"see which program holds port {port} with `ss -ltnp 'sport = :{port}'` and stop it, "
            f"or set {spec.env_var} to a free port, then run `make brokers`")


def fix_message(spec: BrokerSpec, reason: str, where: str = "cell") -> str:
    """What went wrong with ``spec``'s broker and what to do, for a notebook ``cell`` or a ``terminal``."""
    again = "run this cell again" if where == "cell" else "run this command again"
    url = spec.shown_url
    if not spec.is_local():
        return (f"{spec.title} is not reachable at {url} ({reason}).\n"
                f"{spec.env_var} points to a remote {spec.title}: check that it is up and that this machine can\n"
                "reach it (VPN, firewall, credentials, the host and port). Unset it to use the course's embedded brokers.")
    if NOT_THIS_BROKER in reason:
        return (f"Something answers at {url}, but it does not speak {spec.title}.\n"
                f"Another program holds its port: {port_taken_fix(spec)}.")
    if NO_ANSWER in reason:
        return (f"Something accepts connections at {url} but does not answer as {spec.title}.\n"
                "If it is the course's broker, it hangs: restart it with `make down`, then `make brokers`.\n"
                f"Otherwise another program holds its port: {port_taken_fix(spec)}.")
    lines = [f"{spec.title} is not reachable at {url} ({reason}).",
             "Start the course brokers in a terminal, in the course folder:", "    make brokers"]
    if STOPPED in reason and where == "cell":
        lines.append("The course's brokers keep nothing when they stop, so then restart this notebook's kernel and "
                     "run it from the top\n(Kernel → Restart Kernel and Run All Cells).")
    else:
        lines.append(f"then {again}. Using your own {spec.title}? Set {spec.env_var} to its URL.")
    return "\n".join(lines)


class SandboxClosed(SetupProblem):
    """The lesson's sandbox was closed (its last cell) and something still wants to use it."""

    def __init__(self, prefix: str) -> None:
        super().__init__(f"This lesson's sandbox ({prefix}) was closed by the lesson's last cell, and its topics are "
                         "gone. To work in the lesson again, restart the kernel and run it from the top.")


class NothingArrived(CourseError, TimeoutError):
    """Waited for messages with a timeout and fewer arrived than expected."""


class HandlerFailed(CourseError):
    """A handler raised while processing a message the lesson was waiting for."""
