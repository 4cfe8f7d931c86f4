"""Small tables for notebook cells: HTML in JupyterLab, aligned text everywhere else."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any


class Table:
    """``code`` names the columns shown as code (topics, bodies, ids); all of them unless given.
    ``notes`` are paragraphs shown under the table (what to do about a row, say)."""

    def __init__(
        self, headers: Sequence[str], rows: Sequence[Sequence[Any]], title: str = "",
        code: Sequence[str] | None = None, notes: Sequence[str] = (),
    ) -> None:
        self.headers = list(headers)
        self.rows = [[str(cell) for cell in row] for row in rows]
        self.title = title
        self.code = [code is None or h in code for h in self.headers]
        self.notes = list(notes)

    def __repr__(self) -> str:
        widths = [max(len(h), *(len(r[i]) for r in self.rows)) if self.rows else len(h)
                  for i, h in enumerate(self.headers)]
        line = lambda cells: "  ".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
        out = [self.title] if self.title else []
        out += [line(self.headers), line(["-" * w for w in widths])]
        out += [line(r) for r in self.rows] or ["(nothing yet)"]
        return "\n\n".join(["\n".join(out), *self.notes])

    def _repr_html_(self) -> str:
        head = "".join(f"<th style='text-align:left'>{html.escape(h)}</th>" for h in self.headers)
        body = "".join(
            "<tr>" + "".join(f"<td style='text-align:left'>{self._cell(c, code)}</td>" for c, code in zip(r, self.code))
            + "</tr>"
            for r in self.rows
        ) or f"<tr><td colspan='{len(self.headers)}'>(nothing yet)</td></tr>"
        caption = f"<caption style='text-align:left'>{html.escape(self.title)}</caption>" if self.title else ""
        notes = "".join(f"<pre>{html.escape(note)}</pre>" for note in self.notes)
        return f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{notes}"

    @staticmethod
    def _cell(text: str, code: bool) -> str:
        return f"<code>{html.escape(text)}</code>" if code and text else html.escape(text)
