"""Command line for the course runtime.

    python -m helpers up [BROKER ...]      start the embedded brokers (all it can, by default)
    python -m helpers down [BROKER ...]    stop what `up` started
    python -m helpers status [BROKER ...]  each broker, its URL, and a real round trip
    python -m helpers clean [--all]        delete your sandboxes left by interrupted runs (--all: everyone's)
    python -m helpers progress [--reset]   your exercises' status and the time left (COURSE_LEARNER's own)
    python -m helpers doctor               check Python, packages, kernel, brokers and ports before a workshop
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from . import embedded
from .catalog import brokers_needed
from .errors import CourseError, fix_message
from .roundtrip import check_all
from .settings import BROKERS, learner

MARK = {True: "ok", False: "--"}


def _names(args: argparse.Namespace) -> list[str]:
    unknown = [n for n in args.brokers if n not in BROKERS]
    if unknown:
        sys.exit(f"unknown broker(s): {', '.join(unknown)}; choose from {', '.join(BROKERS)}")
    return args.brokers or list(BROKERS)


def _verify_reused(outcomes: list[embedded.Outcome]) -> None:
    """A reused broker must really work: one real message goes round (the probe checked its protocol)."""
    reused = [o for o in outcomes if o.state == "reused"]
    if not reused:
        return
    health = asyncio.run(check_all([o.spec.name for o in reused]))
    for o, h in zip(reused, health):
        if not h.ok:
            o.state = "failed"
            o.detail = f"it answers, but {h.detail}. Check {o.spec.env_var} (credentials, vhost) or stop that server."


def cmd_up(args: argparse.Namespace) -> int:
    outcomes = embedded.up(_names(args))
    _verify_reused(outcomes)
    needed = brokers_needed()
    for o in outcomes:
        timing = f" in {o.seconds:.2f} s" if o.state == "started" else ""
        optional = " (optional: no lesson needs it)" if o.spec.name not in needed and o.state != "started" else ""
        print(f"{o.spec.title:<9} {o.spec.shown_url:<38} {o.state}{timing} {o.detail}{optional}".rstrip())
    # Only a broker that a lesson needs and that is not up blocks the course; the others are reported.
    blocked = [o for o in outcomes if o.spec.name in needed and o.state in ("failed", "not-local", "unavailable")]
    return 1 if blocked else 0


def cmd_down(args: argparse.Namespace) -> int:
    for o in embedded.down(_names(args)):
        print(f"{o.spec.title:<9} {o.state}: {o.detail}")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    names = _names(args)
    needed = brokers_needed()
    results = asyncio.run(check_all(names))
    for h in results:
        record = embedded.read_record(h.spec)
        origin = f"embedded pid {record['pid']}" if record else ("external" if h.ok else "")
        latency = f"{h.latency_ms:.0f} ms" if h.latency_ms is not None else ""
        print(f"{MARK[h.ok]} {h.spec.title:<9} {h.spec.shown_url:<38} {h.detail:<16} {latency:>7}  {origin}".rstrip())
    down = [h for h in results if not h.ok and h.spec.name in (args.require or needed)]
    for h in down:
        print("\n" + fix_message(h.spec, h.reason, where="terminal"))
    return 1 if down else 0


def cmd_clean(args: argparse.Namespace) -> int:
    from .cleanup import CLEANERS, clean_matching, clean_namespace, leftovers
    from .probes import reachable

    kinds = tuple(kind for kind in CLEANERS if reachable(BROKERS[kind]) is None)
    for kind in sorted(set(CLEANERS) - set(kinds)):
        print(f"skipped {BROKERS[kind].title}: it does not answer at {BROKERS[kind].shown_url}")
    where = ", ".join(BROKERS[k].title for k in kinds) or "no broker"
    if args.all or args.prefix:
        prefix = args.prefix or "lesson"
        asyncio.run(clean_namespace(prefix, kinds))
        print(f"deleted what starts with {prefix!r} on {where}")
        return 0
    asyncio.run(clean_matching(leftovers(), kinds))
    who = f"{learner()}'s" if learner() else "your"
    print(f"deleted {who} sandboxes of interrupted lesson runs on {where} "
          "(notebooks still running on this machine keep theirs)")
    return 0


def cmd_progress(args: argparse.Namespace) -> int:
    from . import progress

    if args.reset:
        removed = progress.reset()
        print(f"progress reset: removed {removed}" if removed else "no progress recorded yet: nothing to reset")
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
            p.add_argument("--require", nargs="*", metavar="BROKER",
                           help="exit 1 if one of these fails (default: the brokers the lessons need)")
    p = sub.add_parser("clean", help="delete sandboxes left by interrupted runs (yours only, unless --all)")
    p.add_argument("prefix", nargs="?", help="delete every name starting with this instead")
    p.add_argument("--all", action="store_true", help="every learner's sandboxes: for instructors, after a workshop")
    p.set_defaults(func=cmd_clean)
    p = sub.add_parser("doctor")
    p.set_defaults(func=lambda args: __import__("helpers.doctor", fromlist=["run"]).run())
    p = sub.add_parser("progress")
    p.add_argument("--reset", action="store_true", help="forget this learner's results")
    p.set_defaults(func=cmd_progress)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except CourseError as exc:  # a setting that cannot work, say: the message is the whole story
        print(exc, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
