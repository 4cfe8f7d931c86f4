"""Build the learner and solved notebooks from one source per lesson.

    python -m helpers.build [LESSON ...]     write notebooks/ and solutions/, executed on the real brokers
    python -m helpers.build --check          fail if a committed notebook drifted from its source

Each lesson is written once, as MyST markdown in ``lessons/``. In its code cells,

    ### BEGIN SOLUTION            ### BEGIN STARTER
    ...solved code...             ...what the learner starts from...
    ### END SOLUTION              ### END STARTER

the learner's notebook keeps the starter and the solved notebook keeps the solution (a solution
without a starter becomes ``...  # your code here``). Nothing else differs, so the two cannot drift.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient

from .settings import REPO_ROOT

SOURCES = REPO_ROOT / "lessons"
TARGETS = {"learner": REPO_ROOT / "notebooks", "solved": REPO_ROOT / "solutions"}
MARKER = re.compile(r"^(?P<indent>\s*)### (?P<edge>BEGIN|END) (?P<kind>SOLUTION|STARTER)\s*$")
CELL_TIMEOUT = 120


def split_source(source: str, version: str) -> str:
    """The code of one cell as the learner (``learner``) or solved (``solved``) version shows it."""
    keep = {"learner": "STARTER", "solved": "SOLUTION"}[version]
    segments = _segments(source)
    out: list[str] = []
    for i, (kind, indent, lines) in enumerate(segments):
        if kind is None or kind == keep:
            out += lines
        elif kind == "SOLUTION" and version == "learner":
            following = next((s for s in segments[i + 1 :] if s[0] or any(l.strip() for l in s[2])), None)
            if not following or following[0] != "STARTER":
                out.append(f"{indent}...  # your code here")
    return "\n".join(out)


def _segments(source: str) -> list[tuple[str | None, str, list[str]]]:
    """Split a cell into plain, SOLUTION and STARTER segments: (kind, indent of its marker, lines)."""
    segments: list[tuple[str | None, str, list[str]]] = [(None, "", [])]
    for line in source.splitlines():
        match = MARKER.match(line)
        current = segments[-1][0]
        if not match:
            segments[-1][2].append(line)
        elif match["edge"] == "BEGIN":
            if current is not None:
                raise ValueError(f"### BEGIN {match['kind']} inside an open {current} block")
            segments.append((match["kind"], match["indent"], []))
        else:
            if current != match["kind"]:
                raise ValueError(f"### END {match['kind']} without its BEGIN")
            segments.append((None, "", []))
    if segments[-1][0] is not None:
        raise ValueError(f"### BEGIN {segments[-1][0]} is never closed")
    return segments


def render(source_path: Path, version: str) -> nbformat.NotebookNode:
    """The unexecuted notebook for one lesson and version."""
    nb = jupytext.read(source_path, fmt="md:myst")
    for number, cell in enumerate(nb.cells):
        cell.id = f"{source_path.stem[:2]}-{number:03d}"  # stable, so a rebuild's diff shows only real changes
        if cell.cell_type == "code":
            cell.source = split_source(cell.source, version)
        cell.metadata.pop("lines_to_next_cell", None)
    nb.metadata = notebook_metadata()
    return nb


def execute(nb: nbformat.NotebookNode, workdir: Path, env: dict[str, str] | None = None) -> nbformat.NotebookNode:
    """Run every cell in a fresh kernel. Progress is not recorded unless ``env`` asks for it:
    building the solved notebooks is not the learner passing them."""
    client = NotebookClient(
        nb, timeout=CELL_TIMEOUT, kernel_name="python3", resources={"metadata": {"path": str(workdir)}},
        record_timing=False,
    )
    client.execute(env={**os.environ, "COURSE_PROGRESS": "0", **(env or {})})
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
    nb.metadata = notebook_metadata()
    return nb


def notebook_metadata() -> dict:
    """The same minimal metadata for every notebook, so a rerun changes nothing but outputs."""
    return {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }


def lessons(names: list[str] | None = None) -> list[Path]:
    paths = sorted(SOURCES.glob("[0-9][0-9]-*.md"))
    if names:
        paths = [p for p in paths if any(p.stem.startswith(n) for n in names)]
    return paths


def build(names: list[str] | None = None, run: bool = True) -> None:
    for source in lessons(names):
        for version, folder in TARGETS.items():
            nb = render(source, version)
            folder.mkdir(exist_ok=True)
            if run:
                # Progress goes to a scratch folder: the stored progress table shows this run's own
                # verdicts, and the builder's own progress stays as it was.
                with tempfile.TemporaryDirectory(prefix="course-build-") as scratch:
                    record_earlier_lessons(source.stem[:2], scratch)
                    execute(nb, folder, env={"COURSE_PROGRESS": "1", "COURSE_STATE_DIR": scratch, "COURSE_LEARNER": ""})
            target = folder / f"{source.stem}.ipynb"
            nbformat.write(nb, target)
            print(f"wrote {target.relative_to(REPO_ROOT)}")


def record_earlier_lessons(number: str, state: str) -> None:
    """The stored progress table tells one story: the lessons before this one are done, this one is not yet."""
    from unittest import mock

    from . import catalog, progress

    with mock.patch.dict(os.environ, COURSE_STATE_DIR=state, COURSE_PROGRESS="1", COURSE_LEARNER=""):
        for lesson in catalog.lessons():
            if lesson.number < number:
                for exercise_id, title in lesson.exercises:
                    progress.record(exercise_id, title, "correct")


def drift() -> list[str]:
    """Notebooks whose cells differ from what their lesson source renders to."""
    problems = []
    for source in lessons():
        for version, folder in TARGETS.items():
            target = folder / f"{source.stem}.ipynb"
            if not target.exists():
                problems.append(f"{target.relative_to(REPO_ROOT)} is missing")
                continue
            expected = render(source, version).cells
            actual = nbformat.read(target, as_version=4).cells
            if [(c.cell_type, c.source) for c in expected] != [(c.cell_type, c.source) for c in actual]:
                problems.append(f"{target.relative_to(REPO_ROOT)} differs from lessons/{source.name}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.build", description=__doc__.split("\n\n")[0])
    parser.add_argument("lessons", nargs="*", help="lesson numbers or names, e.g. 01")
    parser.add_argument("--check", action="store_true", help="only report drift")
    parser.add_argument("--no-run", action="store_true", help="write without executing")
    args = parser.parse_args(argv)
    if args.check:
        problems = drift()
        print("\n".join(problems) or "notebooks match their lesson sources")
        return 1 if problems else 0
    build(args.lessons, run=not args.no_run)
    return 0


if __name__ == "__main__":
    sys.exit(main())
