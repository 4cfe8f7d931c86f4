"""Command line for the course runtime.

    python -m helpers up [BROKER ...]      start the embedded brokers (all it can, by default)
    python -m helpers down [BROKER ...]    stop what `up` started
    python -m helpers status [BROKER ...]  each broker, its URL, and a real round trip
    python -m helpers clean [PREFIX]       delete leftover sandbox topics/keys/streams (default: all lessons)
    python -m helpers progress [--reset]   your exercises' status and the time left (COURSE_LEARNER's own)
    python -m helpers doctor               check Python, packages, kernel, brokers and ports before a workshop
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from . import embedded
from .roundtrip import check_all
from .settings import BROKERS

MARK = {True: "ok", False: "--"}


def _names(args: argparse.Namespace) -> list[str]:
    unknown = [n for n in args.brokers if n not in BROKERS]
    if unknown:
        sys.exit(f"unknown broker(s): {', '.join(unknown)}; choose from {', '.join(BROKERS)}")
    return args.brokers or list(BROKERS)


def _verify_reused(outcomes: list[embedded.Outcome]) -> None:
    """A reused broker must really be one: another program may hold its port."""
    reused = [o for o in outcomes if o.state == "reused"]
    if not reused:
        return
    health = asyncio.run(check_all([o.spec.name for o in reused]))
    for o, h in zip(reused, health):
        if not h.ok:
            o.state = "failed"
            o.detail = (f"something answers there, but not as {o.spec.title}: {h.detail}. Stop that program, "
                        f"or set {o.spec.env_var} to a free port and run this again.")


def cmd_up(args: argparse.Namespace) -> int:
    outcomes = embedded.up(_names(args))
    _verify_reused(outcomes)
    for o in outcomes:
        timing = f" in {o.seconds:.2f} s" if o.state == "started" else ""
        print(f"{o.spec.title:<9} {o.spec.url:<38} {o.state}{timing} {o.detail}".rstrip())
    # A broker the course cannot start here (e.g. RabbitMQ not installed) is reported, not fatal;
    # a broker that was started and failed is.
    return 1 if any(o.state == "failed" for o in outcomes) else 0


def cmd_down(args: argparse.Namespace) -> int:
    for o in embedded.down(_names(args)):
        print(f"{o.spec.title:<9} {o.state}: {o.detail}")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    names = _names(args)
    results = asyncio.run(check_all(names))
    for h in results:
        record = embedded.read_record(h.spec)
        origin = f"embedded pid {record['pid']}" if record else "external"
        latency = f"{h.latency_ms:.0f} ms" if h.latency_ms is not None else ""
        print(f"{MARK[h.ok]} {h.spec.title:<9} {h.spec.url:<38} {h.detail:<16} {latency:>7}  {origin}")
    required = args.require or []
    return 1 if any(not h.ok and h.spec.name in required for h in results) else 0


def cmd_clean(args: argparse.Namespace) -> int:
    from .cleanup import clean_namespace

    asyncio.run(clean_namespace(args.prefix))
    print(f"deleted Kafka topics, Redis keys and JetStream streams starting with {args.prefix!r}")
    return 0


def cmd_progress(args: argparse.Namespace) -> int:
    from . import progress

    if args.reset:
        print(f"progress reset: removed {progress.reset()}")
        return 0
    print(progress.table())
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name, func in (("up", cmd_up), ("down", cmd_down), ("status", cmd_status)):
        p = sub.add_parser(name)
        p.add_argument("brokers", nargs="*", metavar="BROKER", help=", ".join(BROKERS))
        p.set_defaults(func=func)
        if name == "status":
            p.add_argument("--require", nargs="*", metavar="BROKER", help="exit 1 if one of these fails")
    p = sub.add_parser("clean")
    p.add_argument("prefix", nargs="?", default="lesson")
    p.set_defaults(func=cmd_clean)
    p = sub.add_parser("doctor")
    p.set_defaults(func=lambda args: __import__("helpers.doctor", fromlist=["run"]).run())
    p = sub.add_parser("progress")
    p.add_argument("--reset", action="store_true", help="forget this learner's results")
    p.set_defaults(func=cmd_progress)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
