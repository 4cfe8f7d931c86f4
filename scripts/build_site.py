"""Build the static site: every lesson, solved, with its stored outputs and folded solutions.

    python scripts/build_site.py [--out DIR]      (default: _build/site; open DIR/index.html)

Pages come from solutions/ (outputs of a real run). Cells that hold an exercise's solution are folded
("hide-input") so a reader sees the verdict and opens the code only when they want it; the cells that only
make sense in a running notebook (commented hint calls, the learner's progress table) are left out. Mermaid diagrams are
rendered in the browser by a copy of mermaid.js taken from the npm registry and served with the site.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import jupytext
import nbformat

REPO = Path(__file__).resolve().parent.parent
MERMAID = "mermaid@11.9.0"
CACHE = REPO / "_build" / "cache"


def solution_cells(source: Path) -> set[int]:
    """Indexes of the cells that contain a solution, counted in the lesson source."""
    nb = jupytext.read(source, fmt="md:myst")
    return {i for i, cell in enumerate(nb.cells) if "### BEGIN SOLUTION" in cell.source}


HINT_CELL = re.compile(r"^(\s*#\s*ex\d+\.(hint|solution)\(\d*\)\s*)+$")


def for_the_notebook_only(cell: nbformat.NotebookNode) -> bool:
    """Cells that only make sense in a running notebook: the commented hint and solution calls, the
    learner's own progress table, and the lines that introduce them."""
    text = cell.source.strip()
    if cell.cell_type == "markdown":
        return text.startswith(("Stuck?", "Your progress so far"))
    return bool(HINT_CELL.match(text)) or "progress.show()" in text


def stage_lessons(stage: Path) -> list[Path]:
    pages = []
    (stage / "lessons").mkdir(parents=True)
    for source in sorted((REPO / "lessons").glob("[0-9][0-9]-*.md")):
        nb = nbformat.read(REPO / "solutions" / f"{source.stem}.ipynb", as_version=4)
        for index in solution_cells(source):
            tags = nb.cells[index].metadata.setdefault("tags", [])
            if "hide-input" not in tags:
                tags.append("hide-input")
        nb.cells = [cell for cell in nb.cells if not for_the_notebook_only(cell)]
        page = stage / "lessons" / f"{source.stem}.ipynb"
        nbformat.write(nb, page)
        pages.append(page)
    return pages


def mermaid_bundle() -> Path:
    """mermaid's ES module build, unpacked once into the cache from `npm pack`."""
    target = CACHE / MERMAID.replace("@", "-")
    if not (target / "mermaid.esm.min.mjs").exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        tarball = subprocess.run(["npm", "pack", MERMAID, "--silent"], cwd=CACHE, check=True,
                                 capture_output=True, text=True).stdout.strip().splitlines()[-1]
        with tarfile.open(CACHE / tarball) as archive:
            members = [m for m in archive.getmembers()
                       if m.name == "package/dist/mermaid.esm.min.mjs"
                       or m.name.startswith("package/dist/chunks/mermaid.esm.min/")]
            archive.extractall(CACHE / "unpacked", members=members, filter="data")
        shutil.rmtree(target, ignore_errors=True)
        shutil.move(CACHE / "unpacked" / "package" / "dist", target)
        (CACHE / tarball).unlink()
    return target


def build(out: Path) -> Path:
    stage = REPO / "_build" / "site-src"
    shutil.rmtree(stage, ignore_errors=True)
    shutil.copytree(REPO / "book", stage)
    stage_lessons(stage)
    options = []
    if shutil.which("npm"):
        shutil.copytree(mermaid_bundle(), stage / "_static" / "mermaid")
    else:  # still a working site; its diagrams then load mermaid from a CDN when viewed
        print("npm not found: the site will load mermaid.js from a CDN", file=sys.stderr)
        options = ["-D", "mermaid_use_local="]
    shutil.rmtree(out, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "sphinx", "-b", "html", "-q", "-W", "--keep-going", *options,
                    str(stage), str(out)], check=True)
    return out / "index.html"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "_build" / "site")
    index = build(parser.parse_args().out.resolve())
    print(f"site written: {index}")


if __name__ == "__main__":
    main()
