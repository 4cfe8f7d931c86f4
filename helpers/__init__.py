"""The course runtime: brokers, sandboxes, message-flow checks and exercises for the lessons."""

from . import notebook
from .errors import BrokerUnavailable, CourseError, HandlerFailed, NothingArrived
from .sandbox import Sandbox
from .setup_check import check_setup

notebook.install()  # in a kernel: readable course errors; does nothing elsewhere

__all__ = ["Sandbox", "check_setup", "BrokerUnavailable", "CourseError", "HandlerFailed", "NothingArrived"]
