"""In a notebook, course errors show just their message, and broker connection errors also say how
to start the broker."""

from __future__ import annotations

from .errors import CourseError
from .probes import reachable
from .settings import BROKERS

_installed = False


NOT_STARTED = ("This broker is not connected: run its `await broker.start()` cell first. (Rerunning the cell that "
               "creates a broker makes a new one, which starts out stopped.)")


def connection_error_types() -> tuple[type[BaseException], ...]:
    types: list[type[BaseException]] = [ConnectionError]
    try:
        from aiokafka.errors import KafkaConnectionError

        types.append(KafkaConnectionError)
    except ImportError:
        pass
    return tuple(types)


def _not_started(etype: type[BaseException], value: BaseException) -> bool:
    """FastStream's IncorrectState for a broker used before it was started."""
    return etype.__name__ == "IncorrectState" and "connect broker first" in str(value)


def install() -> None:
    """Teach IPython to add the fix to a broker connection error (once per kernel)."""
    global _installed
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None or _installed:
        return

    def show_with_fix(shell, etype, value, tb, tb_offset=None):
        if issubclass(etype, CourseError):  # written for people: the message is the whole story
            shell.showtraceback((etype, value, tb), exception_only=True)
            return
        shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
        if _not_started(etype, value):
            print("\n" + NOT_STARTED)
            return
        text = f"{etype.__name__} {value}"
        named = [s for s in BROKERS.values() if str(s.address()[1]) in text or s.title.lower() in text.lower()]
        down = [spec for spec in named if reachable(spec, timeout=0.3) is not None]
        if down:
            from .errors import fix_message

            print("\n" + "\n\n".join(fix_message(spec, "connection refused") for spec in down))

    from faststream.exceptions import IncorrectState

    shell.set_custom_exc((CourseError, IncorrectState, *connection_error_types()), show_with_fix)
    _installed = True
