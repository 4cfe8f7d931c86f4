"""The static site: every lesson becomes a page with its stored outputs, solutions folded, diagrams drawn."""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import sys
import threading
from pathlib import Path

import pytest

from helpers.build import lessons
from helpers.settings import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / "scripts"))
import build_site  # noqa: E402

CHROMIUM = shutil.which("chromium")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    build_site.build(out)
    return out


def test_every_lesson_is_a_page_in_the_navigation(site):
    index = (site / "index.html").read_text()
    for source in lessons():
        assert (site / "lessons" / f"{source.stem}.html").is_file()
        assert f'href="lessons/{source.stem}.html"' in index


def test_solutions_are_folded_and_their_verdicts_shown(site):
    for source in lessons():
        page = (site / "lessons" / f"{source.stem}.html").read_text()
        folded = len(re.findall(r'class="cell tag_hide-input', page))
        assert folded == len(build_site.solution_cells(source)), source.name
    lesson01 = (site / "lessons" / "01-first-consumer.html").read_text()
    assert "Exercise 01.1 correct:" in lesson01
    assert "Show the solution" in lesson01


def test_cells_for_the_running_notebook_only_are_left_out(site):
    for source in lessons():
        page = (site / "lessons" / f"{source.stem}.html").read_text()
        assert not re.search(r"#\s*ex\d\.(hint|solution)\(\)", page), source.name
        assert "progress.show()" not in page, source.name
        assert "Your progress:" not in page, source.name


def test_stored_outputs_are_on_the_page(site):
    lesson01 = (site / "lessons" / "01-first-consumer.html").read_text()
    assert "To ada@example.com: Welcome aboard, Ada Lovelace!" in lesson01


@pytest.mark.skipif(CHROMIUM is None or shutil.which("npm") is None,
                    reason="needs Chromium (apt-get install chromium) and npm for the site's local mermaid.js")
def test_mermaid_diagrams_render_in_a_browser(site):
    from playwright.sync_api import sync_playwright

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=site))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu",
                                                 "--disable-background-networking", "--disable-component-update"])
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/lessons/01-first-consumer.html")
            page.wait_for_function("() => document.querySelectorAll('.mermaid svg').length >= 2", timeout=20_000)
            labels = page.evaluate("() => document.querySelector('.mermaid svg').textContent")
            height = page.evaluate("() => document.querySelector('.mermaid svg').getBoundingClientRect().height")
            browser.close()
    finally:
        server.shutdown()
    assert "Signup service" in labels
    assert height < 400, f"a one-row flowchart is drawn {height:.0f} px tall: forced into a fixed box?"
