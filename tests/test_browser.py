"""The course as a learner sees it: JupyterLab in headless Chromium runs lesson 01 top to bottom.

Starts JupyterLab on loopback with a token, opens a copy of the learner's lesson 01 (so autosave never
touches the committed notebook), runs all cells, and checks that the handler's output appears and that
no cell shows an error. Screenshots go to artifacts/browser/.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import sys
import time

import httpx
import pytest

from helpers.embedded import free_port
from helpers.settings import REPO_ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = REPO_ROOT / "artifacts" / "browser"
LESSON = "01-first-consumer.ipynb"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]

pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium is not installed: `apt-get install chromium` (the test drives the system browser; "
    "`playwright install` cannot download one here). .ci/run installs it.",
)


@pytest.fixture
def jupyterlab(tmp_path):
    """A JupyterLab server on a free loopback port, serving a scratch copy of the lesson."""
    shutil.copy(REPO_ROOT / "notebooks" / LESSON, tmp_path / LESSON)
    port, token = free_port(), secrets.token_hex(16)
    command = [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={tmp_path}", "--LabApp.expose_app_in_browser=True",
        "--ServerApp.port_retries=0", "--allow-root",
    ]
    labconfig = tmp_path / "config" / "labconfig"
    labconfig.mkdir(parents=True)
    (labconfig / "page_config.json").write_text(  # no "news?" pop-up over the screenshot
        '{"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": true}}'
    )
    log = open(tmp_path / "jupyter.log", "wb")  # noqa: SIM115
    server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                              env={**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / "config")})
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, (tmp_path / "jupyter.log").read_text()
            try:
                if httpx.get(f"{base}/api/status", params={"token": token}, timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "JupyterLab did not answer within 60 s"
            time.sleep(0.1)  # polling a server that is starting: nothing to await
        yield base, token
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


NOTEBOOK_STATE = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  if (!panel || !panel.content || !panel.sessionContext.session) return null;
  const cells = panel.content.model.cells;
  const result = {kernel: panel.sessionContext.session.kernel.status, code: 0, done: 0, errors: [], text: ""};
  for (let i = 0; i < cells.length; i++) {
    const cell = cells.get(i);
    if (cell.type !== "code") continue;
    result.code += 1;
    if (cell.executionCount) result.done += 1;
    for (let j = 0; j < cell.outputs.length; j++) {
      const out = cell.outputs.get(j).toJSON();
      if (out.output_type === "error") result.errors.push(out.ename + ": " + out.evalue);
      if (out.text) result.text += [].concat(out.text).join("");
      if (out.data && out.data["text/plain"]) result.text += [].concat(out.data["text/plain"]).join("");
    }
  }
  return result;
}"""


def test_lesson_01_runs_in_jupyterlab_in_chromium(jupyterlab):
    from playwright.sync_api import sync_playwright

    base, token = jupyterlab
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{base}/lab/tree/{LESSON}?token={token}")
            page.wait_for_function(
                "() => { const p = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
                " return p && p.sessionContext && p.sessionContext.session && p.sessionContext.session.kernel"
                " && p.sessionContext.session.kernel.status === 'idle'; }",
                timeout=60_000,
            )
            page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
            page.wait_for_function(
                f"() => {{ const s = ({NOTEBOOK_STATE})(); return s && s.kernel === 'idle' && s.done === s.code; }}",
                timeout=120_000,
            )
            state = page.evaluate(NOTEBOOK_STATE)

            page.evaluate("""() => {
                const nb = window.jupyterapp.shell.currentWidget.content;
                const cells = nb.model.cells;
                for (let k = 0; k < cells.length; k++) {
                  const src = cells.get(k).sharedModel.getSource();
                  if (src.startsWith("await broker.publish(")) { nb.activeCellIndex = k; nb.scrollToItem(k, "center"); }
                }
            }""")
            page.wait_for_selector("text=Welcome aboard, Ada Lovelace!", timeout=10_000)
            page.screenshot(path=ARTIFACTS / "lesson01-handler-output.png")
            page.evaluate("() => { const nb = window.jupyterapp.shell.currentWidget.content;"
                          " nb.scrollToItem(nb.model.cells.length - 1, 'end'); }")
            page.screenshot(path=ARTIFACTS / "lesson01-end.png")
        finally:
            browser.close()

    assert state["errors"] == [], f"cells showed errors: {state['errors']}"
    assert state["done"] == state["code"] > 10
    assert "To ada@example.com: Welcome aboard, Ada Lovelace!" in state["text"]
    assert "`handle_user_created` raised KeyError: 'name'" in state["text"]
    assert "Exercise 01.1 not attempted yet" in state["text"]
    assert (ARTIFACTS / "lesson01-handler-output.png").stat().st_size > 10_000
