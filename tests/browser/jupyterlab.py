"""Drive a real JupyterLab in headless Chromium, for the course's browser tests.

Three pieces, usable with or without pytest:

``LabServer``
    A JupyterLab server started from this virtual environment on a free port of
    127.0.0.1, with a token, in a throw-away Jupyter home (config, data, runtime,
    settings and workspaces in a temporary folder), so it never reads or writes
    the user's own settings or litters the repository with checkpoints. News,
    update checks and autosave are off; every notebook cell is kept in the page
    (no windowing).

``launch_chromium``
    Debian's Chromium (``/usr/bin/chromium``) through Playwright, with the flags
    that keep it quiet on a machine without network access.

``LabNotebook``
    One notebook opened in a Playwright page: wait for its kernel, run cells,
    read errors, find cells and take screenshots.

A whole test, without the pytest fixtures of ``conftest.py``::

    from playwright.sync_api import sync_playwright
    with LabServer.running(root_dir=".", home=tmp) as server, sync_playwright() as pw:
        browser = launch_chromium(pw)
        page = new_lab_page(browser)
        nb = LabNotebook.open(page, server, "notebooks/00_welcome.ipynb")
        nb.run_all()
        nb.assert_no_errors()
        nb.screenshot("welcome", directory="tests/browser/screenshots")

Nothing here saves a notebook: autosave is off and no save command is sent, so
running a notebook from ``solutions/`` in the browser leaves the file as it is.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

REPO_ROOT = Path(__file__).resolve().parents[2]
# Debian's package; COURSE_CHROMIUM points elsewhere (another Chromium build) if needed.
CHROMIUM_PATH = Path(os.environ.get("COURSE_CHROMIUM") or "/usr/bin/chromium")
DEFAULT_SCREENSHOT_DIR = Path(__file__).resolve().parent / "screenshots"
VIEWPORT = {"width": 1400, "height": 1000}

# Without these flags Chromium keeps trying to reach Google services (sync,
# component updates, field trials) and slows down on a machine with no network.
# As root it refuses to start without --no-sandbox. Playwright already gives
# every launch a fresh temporary --user-data-dir and deletes it on close.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--metrics-recording-only",
]

# Per-user JupyterLab settings written into the throw-away home. Keys are the
# settings plugin ids of JupyterLab 4. (No news question and no update check:
# that comes from the course environment's own override, as in `make lab`;
# see COURSE_OVERRIDES.)
LAB_USER_SETTINGS = {
    # Never write a notebook back to disk behind the test's back.
    "@jupyterlab/docmanager-extension:plugin": {"autosave": False},
    # Keep every cell attached to the page, so locators and screenshots see the
    # whole notebook, not only what is scrolled into view.
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
}

# The settings override the course environment ships (pyproject's data-files,
# jupyter/lab/settings/overrides.d/course_lib.json): the server must answer with
# these defaults, or the tests would run a JupyterLab that asks about the news.
COURSE_OVERRIDES = ("@jupyterlab/apputils-extension:notification", {"fetchNews": "false", "checkForUpdates": False})

# JavaScript helpers installed in the page as ``window.courseHarness``. They use
# the application object that ``--LabApp.expose_app_in_browser`` publishes as
# ``window.jupyterapp``; every function takes the notebook path (relative to the
# server root) so that several open notebooks never get mixed up.
_HARNESS_JS = r"""
() => {
  if (window.courseHarness) return true;
  const panel = (path) => {
    const app = window.jupyterapp;
    if (!app) return null;
    for (const w of app.shell.widgets('main')) {
      if (w.context && w.context.path === path && w.content && w.content.model) return w;
    }
    return null;
  };
  const kernelState = (path) => {
    const p = panel(path);
    if (!p) return {panel: false};
    const sc = p.sessionContext;
    const kernel = sc.session ? sc.session.kernel : null;
    return {
      panel: true,
      ready: sc.isReady,
      hasNoKernel: sc.hasNoKernel,
      name: kernel ? kernel.name : null,
      status: kernel ? kernel.status : null,
      connection: kernel ? kernel.connectionStatus : null,
    };
  };
  const runs = {};
  window.courseHarness = {
    panel,
    kernelState,
    // Start a command on the notebook and remember how it ended under `runId`.
    startCommand(path, command, runId) {
      const p = panel(path);
      if (!p) throw new Error('notebook not open: ' + path);
      window.jupyterapp.shell.activateById(p.id);
      runs[runId] = {done: false};
      window.jupyterapp.commands.execute(command).then(
        (value) => { runs[runId] = {done: true, value: value === undefined ? null : value}; },
        (err) => { runs[runId] = {done: true, error: String(err && err.message || err)}; });
    },
    run(runId) { return runs[runId]; },
    // Resolves once the kernel has answered an empty request sent now. The kernel
    // handles requests in order, so everything sent before (widget changes too) is done.
    async syncKernel(path) {
      const kernel = panel(path).sessionContext.session.kernel;
      await kernel.requestExecute({code: '', silent: true, store_history: false}).done;
      return true;
    },
    collapseSidebars() {
      window.jupyterapp.shell.collapseLeft();
      window.jupyterapp.shell.collapseRight();
    },
    closeLogConsoles() {
      for (const area of ['main', 'down']) {
        for (const w of Array.from(window.jupyterapp.shell.widgets(area))) {
          if (w.node.querySelector('.jp-LogConsolePanel')) w.close();
        }
      }
    },
    selectCell(path, index) {
      const p = panel(path);
      p.content.activeCellIndex = index;
      p.content.deselectAll();
    },
    cells(path) {
      const p = panel(path);
      const out = [];
      const cells = p.content.model.cells;
      for (let i = 0; i < cells.length; i++) {
        const cell = cells.get(i);
        const outputs = cell.type === 'code' ? cell.outputs.toJSON() : [];
        out.push({
          index: i,
          type: cell.type,
          source: cell.sharedModel.getSource(),
          executionCount: cell.type === 'code' ? cell.executionCount : null,
          outputs: outputs,
        });
      }
      return out;
    },
  };
  return true;
}
"""


class LabError(RuntimeError):
    """JupyterLab or the browser did not do what the test waited for."""


def chromium_available() -> bool:
    """True when Debian's Chromium is installed where the harness expects it."""
    return CHROMIUM_PATH.is_file() and os.access(CHROMIUM_PATH, os.X_OK)


def browser_required() -> bool:
    """True when browser tests must run rather than skip (CI sets COURSE_REQUIRE_BROWSER=1)."""
    return os.environ.get("COURSE_REQUIRE_BROWSER", "").strip() not in ("", "0", "false", "no")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ----------------------------------------------------------------------------
# The server
# ----------------------------------------------------------------------------


@dataclass
class LabServer:
    """A running JupyterLab server. Start one with ``LabServer.start`` or ``LabServer.running``.

    ``url`` is the base address (``http://127.0.0.1:PORT/``), ``token`` the
    access token, ``log_path`` the file with everything the server printed.
    """

    root_dir: Path
    home: Path
    port: int
    token: str
    log_path: Path
    process: subprocess.Popen

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    # -- starting and stopping ---------------------------------------------

    @classmethod
    def start(cls, root_dir: Path | str = REPO_ROOT, home: Path | str | None = None,
              *, timeout: float = 60.0) -> "LabServer":
        """Start JupyterLab serving ``root_dir`` and return once its REST API answers.

        ``home`` is an empty folder for the server's private Jupyter home and
        its log (``home/jupyterlab.log``); a temporary one is made when omitted.
        Raises ``LabError`` with the end of the log if the server does not come up.
        """
        root_dir = Path(root_dir).resolve()
        if home is None:
            import tempfile
            home = Path(tempfile.mkdtemp(prefix="course-lab-"))
        home = Path(home).resolve()
        env = _isolated_jupyter_env(home)
        last_error: LabError | None = None
        for attempt in range(3):  # a free port can be taken between choosing and binding it
            port, token = _free_port(), secrets.token_hex(16)
            log_path = home / ("jupyterlab.log" if attempt == 0 else f"jupyterlab-{attempt}.log")
            command = _lab_command(root_dir, port, token, home)
            with open(log_path, "wb") as log:
                log.write(("$ " + " ".join(command) + "\n").encode())
                log.flush()
                process = subprocess.Popen(
                    command, cwd=root_dir, env=env, stdin=subprocess.DEVNULL,
                    stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
            server = cls(root_dir, home, port, token, log_path, process)
            try:
                server._wait_until_up(timeout)
                return server
            except LabError as error:
                last_error = error
                server.stop()
                if "address already in use" not in server.log_text().lower():
                    break
        raise last_error

    @classmethod
    @contextlib.contextmanager
    def running(cls, root_dir: Path | str = REPO_ROOT, home: Path | str | None = None,
                *, timeout: float = 60.0) -> Iterator["LabServer"]:
        """``with LabServer.running(...) as server:`` starts a server and always stops it."""
        server = cls.start(root_dir, home, timeout=timeout)
        try:
            yield server
        finally:
            server.stop()

    def _wait_until_up(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise LabError(f"JupyterLab exited with code {self.process.returncode} while starting.\n"
                               f"Log {self.log_path}:\n{self.log_text(4000)}")
            try:
                self.api("GET", "api/status", timeout=2)
                self.api("GET", "lab/api/settings", timeout=5)  # the lab extension is loaded too
                break
            except (OSError, LabError):
                time.sleep(0.2)
        else:
            raise LabError(f"JupyterLab did not answer on {self.url} within {timeout:.0f} s.\n"
                           f"Log {self.log_path}:\n{self.log_text(4000)}")
        self._check_course_overrides()

    def _check_course_overrides(self) -> None:
        """Fail unless the environment's JupyterLab has the course's settings override (no news question)."""
        plugin, expected = COURSE_OVERRIDES
        schema = self.api("GET", f"lab/api/settings/{plugin}", timeout=5)["schema"]["properties"]
        found = {key: schema[key].get("default") for key in expected}
        if found != expected:
            raise LabError(f"JupyterLab's {plugin} defaults are {found}, not the course's {expected}: the settings "
                           "override jupyter/lab/settings/overrides.d/course_lib.json is not installed in "
                           f"{sys.prefix}/share/jupyter/lab/settings/overrides.d/; run `make install`.")

    def stop(self, timeout: float = 15.0) -> None:
        """Shut down every kernel, then the server; kill what is left. Safe to call twice."""
        if self.process.poll() is None:
            with contextlib.suppress(OSError, LabError):
                self.shutdown_kernels()
            with contextlib.suppress(OSError, LabError):
                self.api("POST", "api/shutdown", timeout=5)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.send_signal(signal.SIGTERM)
                try:
                    self.process.wait(5)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait(5)
        _kill_orphan_kernels(self.home / "runtime")

    # -- talking to it -------------------------------------------------------

    def api(self, method: str, endpoint: str, body: dict | None = None, *, timeout: float = 10.0):
        """Call the server's REST API (``endpoint`` relative to ``url``) and return the decoded JSON."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            self.url + endpoint.lstrip("/"), data=data, method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                payload = response.read()
        except urllib.error.HTTPError as error:
            raise LabError(f"{method} {endpoint} answered HTTP {error.code}") from error
        return json.loads(payload) if payload.strip() else None

    def lab_url(self, path: str, *, workspace: str | None = None) -> str:
        """Address that opens ``path`` (relative to the root) in a fresh JupyterLab workspace."""
        workspace = workspace or "t" + uuid.uuid4().hex[:10]
        quoted = urllib.parse.quote(Path(path).as_posix())
        return f"{self.url}lab/workspaces/{workspace}/tree/{quoted}?reset&token={self.token}"

    def shutdown_kernels(self) -> None:
        """Shut down every running kernel (and its session)."""
        for session in self.api("GET", "api/sessions") or []:
            with contextlib.suppress(LabError):
                self.api("DELETE", f"api/sessions/{session['id']}")
        for kernel in self.api("GET", "api/kernels") or []:
            with contextlib.suppress(LabError):
                self.api("DELETE", f"api/kernels/{kernel['id']}")

    def log_text(self, last_chars: int | None = None) -> str:
        """The server log so far (the last ``last_chars`` characters when given)."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return text if last_chars is None else text[-last_chars:]


def _lab_command(root_dir: Path, port: int, token: str, home: Path) -> list[str]:
    command = [
        sys.executable, "-m", "jupyter", "lab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={root_dir}",
        f"--IdentityProvider.token={token}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.handlers.announcements.NeverCheckForUpdate",
        "--LabApp.expose_app_in_browser=True",
        # JupyterLab writes a checkpoint of every notebook it opens; keep them out of
        # the repository. (Notebooks with the same file name share one here; tests
        # never revert to a checkpoint, so that does not matter.)
        f"--FileCheckpoints.checkpoint_dir={home / 'checkpoints'}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    return command


def _isolated_jupyter_env(home: Path) -> dict[str, str]:
    """Environment for a server whose whole Jupyter home lives under ``home``."""
    dirs = {name: home / name for name in ("config", "data", "runtime", "workspaces", "ipython")}
    for folder in dirs.values():
        folder.mkdir(parents=True, exist_ok=True)
    settings_dir = dirs["config"] / "lab" / "user-settings"
    for plugin_id, values in LAB_USER_SETTINGS.items():
        package, plugin = plugin_id.split(":")
        target = settings_dir / package / f"{plugin}.jupyterlab-settings"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values, indent=2))
    # Pin the "python3" kernel to this very interpreter.
    kernel_dir = dirs["data"] / "kernels" / "python3"
    kernel_dir.mkdir(parents=True, exist_ok=True)
    (kernel_dir / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
        "metadata": {"debugger": True},
    }, indent=2))

    env = dict(os.environ)
    for inherited in ("JUPYTER_PATH", "JUPYTER_CONFIG_PATH", "JUPYTER_TOKEN", "JUPYTER_PREFER_ENV_PATH",
                      # CI exports MPLBACKEND=Agg; a kernel that inherits it draws no inline figures.
                      "MPLBACKEND"):
        env.pop(inherited, None)
    env.update({
        "JUPYTER_CONFIG_DIR": str(dirs["config"]),
        "JUPYTER_DATA_DIR": str(dirs["data"]),
        "JUPYTER_RUNTIME_DIR": str(dirs["runtime"]),
        "JUPYTERLAB_SETTINGS_DIR": str(settings_dir),
        "JUPYTERLAB_WORKSPACES_DIR": str(dirs["workspaces"]),
        "IPYTHONDIR": str(dirs["ipython"]),
        "JUPYTER_PLATFORM_DIRS": "1",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        "PATH": str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", ""),
    })
    return env


def _kill_orphan_kernels(runtime_dir: Path) -> None:
    """Kill kernels still alive after their server is gone.

    Kernels run in their own process session, so they survive a killed server.
    Each one was started with a connection file inside this server's private
    runtime folder, which names them unambiguously.
    """
    proc = Path("/proc")
    if not proc.is_dir():
        return
    marker = (str(runtime_dir) + os.sep + "kernel-").encode()
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if marker in cmdline:
            with contextlib.suppress(OSError):
                os.kill(int(entry.name), signal.SIGKILL)


# ----------------------------------------------------------------------------
# The browser
# ----------------------------------------------------------------------------


def launch_chromium(playwright, *, headless: bool = True, extra_args: list[str] | None = None):
    """Launch Debian's Chromium with Playwright (never a downloaded browser)."""
    if not chromium_available():
        raise LabError(f"Chromium not found at {CHROMIUM_PATH}; install it with "
                       "`apt-get install chromium` (Debian) to run the browser tests.")
    return playwright.chromium.launch(
        executable_path=str(CHROMIUM_PATH), headless=headless,
        args=CHROMIUM_ARGS + list(extra_args or []))


def new_lab_page(browser, *, viewport: dict | None = None):
    """A page in a fresh browser context (own storage) sized ``viewport`` (1400x1000 by default).

    The page records what the browser console and uncaught page errors say in
    ``page.course_console`` (a list of strings), which the test fixtures print
    when a test fails.
    """
    context = browser.new_context(viewport=viewport or VIEWPORT, device_scale_factor=1)
    page = context.new_page()
    messages: list[str] = []
    page.on("console", lambda msg: messages.append(f"console.{msg.type}: {msg.text}"))
    page.on("pageerror", lambda error: messages.append(f"page error: {error}"))
    page.course_console = messages
    return page


def lab_is_open(page, server: LabServer) -> bool:
    """True when ``page`` shows this server's JupyterLab, started and ready to open a notebook."""
    if page.is_closed() or not page.url.startswith(server.url + "lab"):
        return False
    return bool(page.evaluate("() => window.jupyterapp !== undefined && window.courseHarness !== undefined"))


_CLOSE_EVERYTHING_JS = r"""
async () => {
  const app = window.jupyterapp;
  for (const area of ['main', 'down']) {
    for (const widget of Array.from(app.shell.widgets(area))) {
      // disposed rather than closed: closing a changed notebook would ask whether to save it
      if (widget.context && widget.context.model) widget.context.model.dirty = false;
      widget.dispose();
    }
  }
  // The file browser follows the notebooks opened; back to the root, so that a folder a test made and removed does
  // not make it say "Directory not found" (a dialog that takes the focus) during the next test.
  await app.commands.execute('filebrowser:go-to-path', {path: '/', showBrowser: false});
  if (document.activeElement && document.activeElement.blur) document.activeElement.blur();
  // JupyterLab opens a Launcher in an empty main area: harmless; any document or dialog left is not.
  const documents = Array.from(app.shell.widgets('main')).filter((widget) => widget.context);
  return document.querySelectorAll('.jp-Dialog').length === 0 && documents.length === 0;
}
"""


def close_everything(page) -> bool:
    """Close every notebook and panel of the JupyterLab in ``page`` without saving, so that the next test starts
    from an empty JupyterLab (its kernels are the server's to shut down). False when that did not work (a dialog
    stays open, the page crashed): the page is then no good for another test.

    What JupyterLab keeps in the page outlives the notebooks: its log console messages (by notebook path) and the
    widget manager's code. An error a test leaves in the log console could only make a later test of the same
    notebook fail (a false alarm), never pass; a test that checks for errors and finds one fails, and the next test
    then gets a new page.
    """
    try:
        return bool(page.evaluate(_CLOSE_EVERYTHING_JS))
    except Exception:  # noqa: BLE001 - a crashed or navigated page: the caller starts a new one
        return False


# ----------------------------------------------------------------------------
# A notebook in the page
# ----------------------------------------------------------------------------


@dataclass
class CellError:
    """An error the notebook shows; ``LabNotebook.errors`` explains the kinds."""

    cell_index: int | None  # None for the log console, which belongs to no cell
    kind: str  # "error", "stderr", "widget" or "log"
    text: str

    def __str__(self) -> str:
        where = "log console" if self.cell_index is None else f"cell {self.cell_index}"
        return f"{where} ({self.kind}): {self.text}"


class LabNotebook:
    """One notebook open in a JupyterLab page.

    Get one with ``LabNotebook.open(page, server, "solutions/01_intro.ipynb")``.
    Cells are counted from 0, markdown cells included, as in the ``.ipynb`` file.
    Timeouts are in seconds.
    """

    def __init__(self, page, server: LabServer, path: str):
        self.page = page
        self.server = server
        self.path = Path(path).as_posix()
        self._runs = 0

    # -- opening ---------------------------------------------------------------

    @classmethod
    def open(cls, page, server: LabServer, path: str | Path, *, kernel: str = "Python 3 (ipykernel)",
             sidebars: bool = False, timeout: float = 60.0) -> "LabNotebook":
        """Open ``path`` (relative to the server root, or absolute inside it) and wait for an idle kernel.

        If JupyterLab asks which kernel to use, the harness picks ``kernel``.
        The side panels (file browser, ...) are collapsed so the notebook gets
        the whole width, unless ``sidebars=True``.
        """
        path = Path(path)
        if path.is_absolute():
            path = path.resolve().relative_to(server.root_dir)
        if not (server.root_dir / path).is_file():
            raise FileNotFoundError(f"no notebook {path} under {server.root_dir}")
        notebook = cls(page, server, path.as_posix())
        if lab_is_open(page, server):
            # JupyterLab is running in this page already (the fixtures keep one page for every test): open the
            # notebook in it, as File > Open does, rather than starting JupyterLab again (4 s and 5 CPU-seconds).
            # Not awaited: the promise may wait for the kernel dialog, answered below.
            page.evaluate("(path) => { window.jupyterapp.commands.execute('docmanager:open', "
                          "{path: path, factory: 'Notebook'}); return true; }", notebook.path)
        else:
            page.goto(server.lab_url(notebook.path), wait_until="domcontentloaded", timeout=timeout * 1000)
            page.wait_for_function("() => window.jupyterapp !== undefined", timeout=timeout * 1000)
        page.evaluate(_HARNESS_JS)
        page.wait_for_function(
            "(path) => { const p = window.courseHarness.panel(path);"
            " return p !== null && p.context.isReady && p.isVisible; }",
            arg=notebook.path, timeout=timeout * 1000)
        if not sidebars:
            page.evaluate("() => window.courseHarness.collapseSidebars()")
        notebook.wait_for_kernel_idle(timeout=timeout, kernel=kernel)
        return notebook

    # -- kernel ----------------------------------------------------------------

    def kernel_state(self) -> dict:
        """``{"status": "idle"|"busy"|..., "connection": "connected"|..., "name": "python3", ...}``."""
        return self.page.evaluate("(path) => window.courseHarness.kernelState(path)", self.path)

    def wait_for_kernel_idle(self, timeout: float = 60.0, *, kernel: str = "Python 3 (ipykernel)") -> None:
        """Wait until the kernel is connected and idle, answering a kernel-selection dialog if one shows up.

        Both the kernel object of the page and the toolbar's execution
        indicator (``.jp-Notebook-ExecutionIndicator[data-status="idle"]``)
        must agree.
        """
        deadline = time.monotonic() + timeout
        indicator = self.panel.locator(".jp-Notebook-ExecutionIndicator")
        while True:
            state = self.kernel_state()
            if (state.get("ready") and state.get("status") == "idle" and state.get("connection") == "connected"
                    and (indicator.count() == 0 or indicator.first.get_attribute("data-status") == "idle")):
                return
            if state.get("hasNoKernel") or state.get("status") is None:
                self._answer_kernel_dialog(kernel)
            if time.monotonic() > deadline:
                raise LabError(f"kernel of {self.path} not idle and connected after {timeout:.0f} s: {state}")
            time.sleep(0.1)

    def _answer_kernel_dialog(self, kernel: str) -> None:
        dialog = self.page.locator(".jp-Dialog", has_text="Select Kernel")
        if dialog.count() == 0 or not dialog.first.is_visible():
            return
        select = dialog.locator("select")
        if select.count():
            select.first.select_option(label=kernel)
        dialog.locator("button.jp-mod-accept").first.click()

    # -- locating things ---------------------------------------------------------

    @property
    def panel(self):
        """Locator of the notebook's whole panel (toolbar and cells)."""
        panel_id = self.page.evaluate("(path) => window.courseHarness.panel(path).id", self.path)
        return self.page.locator(f"[id='{panel_id}']")

    @property
    def cells(self):
        """Locator of all cells, in order (``cells.nth(i)`` is cell ``i``)."""
        return self.panel.locator(".jp-Notebook .jp-Cell")

    def cell(self, index: int):
        """Locator of cell ``index``."""
        count = self.cells.count()
        if not -count <= index < count:
            raise IndexError(f"{self.path} has {count} cells; there is no cell {index}")
        return self.cells.nth(index % count)

    def output(self, index: int):
        """Locator of the output area of cell ``index``."""
        return self.cell(index).locator(".jp-OutputArea")

    def find_cell(self, text: str) -> int:
        """Index of the first cell whose source contains ``text``; ``LookupError`` if none does."""
        for cell in self.cell_data():
            if text in cell["source"]:
                return cell["index"]
        raise LookupError(f"no cell of {self.path} contains {text!r}")

    def cell_with_text(self, text: str):
        """Locator of the first cell whose source contains ``text``."""
        return self.cell(self.find_cell(text))

    def cell_data(self) -> list[dict]:
        """What the page's notebook model holds: index, type, source, executionCount, outputs (nbformat JSON)."""
        return self.page.evaluate("(path) => window.courseHarness.cells(path)", self.path)

    # -- running -----------------------------------------------------------------

    def run_all(self, timeout: float = 120.0) -> None:
        """Run every cell (the ``Run > Run All Cells`` command) and wait until all have finished."""
        self._run_command("notebook:run-all-cells", timeout)

    def run_cell(self, index: int, timeout: float = 60.0) -> None:
        """Run cell ``index`` alone (like Ctrl+Enter on it) and wait until it has finished."""
        self.page.evaluate("([path, i]) => window.courseHarness.selectCell(path, i)", [self.path, index])
        self._run_command("notebook:run-cell", timeout)

    def _run_command(self, command: str, timeout: float) -> None:
        self._runs += 1
        run_id = f"{command}#{self._runs}"
        self.page.evaluate("([path, cmd, id]) => window.courseHarness.startCommand(path, cmd, id)",
                           [self.path, command, run_id])
        try:
            self.page.wait_for_function("(id) => window.courseHarness.run(id).done", arg=run_id,
                                        timeout=timeout * 1000)
        except Exception as error:  # playwright's TimeoutError
            raise LabError(f"{command} on {self.path} still running after {timeout:.0f} s; "
                           f"kernel {self.kernel_state()}; cells still queued: {self.busy_cells()}") from error
        result = self.page.evaluate("(id) => window.courseHarness.run(id)", run_id)
        if "error" in result:
            raise LabError(f"{command} on {self.path} failed in JupyterLab: {result['error']}")
        self.wait_until_executed(timeout=timeout)

    def busy_cells(self) -> list[int]:
        """Indices of cells whose prompt shows ``[*]`` (running or queued)."""
        prompts = self.cells.evaluate_all(
            "cells => cells.map(c => { const p = c.querySelector('.jp-InputPrompt');"
            " return p ? p.textContent : ''; })")
        return [i for i, prompt in enumerate(prompts) if "[*]" in prompt]

    def wait_until_executed(self, timeout: float = 60.0) -> None:
        """Wait until no cell shows ``[*]`` and the kernel is idle and connected."""
        deadline = time.monotonic() + timeout
        while self.busy_cells():
            if time.monotonic() > deadline:
                raise LabError(f"cells {self.busy_cells()} of {self.path} still running after {timeout:.0f} s")
            time.sleep(0.1)
        self.wait_for_kernel_idle(timeout=max(1.0, deadline - time.monotonic()))

    def sync_kernel(self, timeout: float = 30.0) -> None:
        """Wait until the kernel has handled everything the page sent it so far.

        Call it after moving a widget and before reading what the kernel should
        have done about it, when there is no visible change to wait for (for
        example before checking that an interaction raised no error).
        """
        answered = self.page.evaluate(
            """([path, ms]) => Promise.race([
                 window.courseHarness.syncKernel(path),
                 new Promise(resolve => setTimeout(() => resolve(false), ms))])""",
            [self.path, timeout * 1000])
        if not answered:
            raise LabError(f"kernel of {self.path} did not answer within {timeout:.0f} s: "
                           f"{self.kernel_state()}")
        self.wait_for_kernel_idle(timeout=timeout)

    # -- errors ------------------------------------------------------------------

    def errors(self) -> list[CellError]:
        """Every error the outputs show, in cell order.

        * ``error``: an exception raised by the cell;
        * ``stderr``: a traceback printed to stderr, by the cell or inside a
          widget's Output area (where an exception in a widget callback shows up);
        * ``widget``: a widget that did not render (its output fell back to the
          plain-text ``VBox(...)`` repr because the ipywidgets front end is
          missing, or the page says "Error displaying widget");
        * ``log``: an error in JupyterLab's log console, where an exception in
          a widget callback goes when no Output widget catches it
          (see ``log_console_errors``).
        """
        found: list[CellError] = []
        dom = self.cells.evaluate_all(_OUTPUTS_JS)
        for cell, shown in zip(self.cell_data(), dom):
            index = cell["index"]
            for position, output in enumerate(cell["outputs"]):
                kind = output.get("output_type")
                if kind == "error":
                    found.append(CellError(index, "error", f"{output.get('ename')}: {output.get('evalue')}"))
                elif kind == "stream" and output.get("name") == "stderr" and "Traceback" in _text(output):
                    found.append(CellError(index, "stderr", _last_lines(_text(output))))
                elif (WIDGET_MIME in output.get("data", {}) and position < len(shown["mimes"])
                      and shown["mimes"][position] == "text/plain"):
                    found.append(CellError(index, "widget", "widget shown as plain text (is the ipywidgets "
                                           "front end, jupyterlab_widgets, installed?): "
                                           + _text(output).strip()[:200]))
            for text in shown["widgetTracebacks"]:
                found.append(CellError(index, "stderr", _last_lines(text)))
            for text in shown["widgetFailures"]:
                found.append(CellError(index, "widget", text.strip()[:300]))
        found.extend(CellError(None, "log", text) for text in self.log_console_errors())
        return found

    def log_console_errors(self) -> list[str]:
        """Error messages in this notebook's log console (``View > Show Log Console``).

        The console is opened, read and closed again (a tenth of a second),
        so later screenshots do not show it.
        """
        self.page.evaluate(
            "async (path) => { await window.jupyterapp.commands.execute('logconsole:open', {source: path}); }",
            self.path)
        area = self.page.locator(f".jp-LogConsolePanel [id='source:{self.path}']")
        try:
            area.wait_for(state="attached", timeout=10_000)
            entries = area.evaluate(
                """area => Array.from(area.querySelectorAll(':scope > .jp-OutputArea-child')).map(child => {
                     const prompt = child.querySelector('[data-log-level]');
                     return {level: prompt ? prompt.getAttribute('data-log-level') : '',
                             text: child.querySelector('.jp-OutputArea-output').textContent};
                   })""")
        finally:
            self.page.evaluate("() => window.courseHarness.closeLogConsoles()")
        return [_last_lines(entry["text"]) for entry in entries
                if entry["level"] in ("error", "critical")
                or (entry["level"] == "warning" and "Traceback" in entry["text"])]

    def assert_no_errors(self) -> None:
        """Fail with every error listed (see ``errors``) if the notebook shows any."""
        errors = self.errors()
        if errors:
            raise AssertionError(f"{self.path} shows {len(errors)} error(s):\n" +
                                 "\n".join(f"  {error}" for error in errors))

    # -- pictures ----------------------------------------------------------------

    def screenshot(self, name: str, target=None, *, directory: Path | str | None = None) -> Path:
        """Save a PNG named ``name`` and return its path.

        ``target`` is ``None`` (the whole page), a cell index (that cell), or any
        Playwright locator (that element, e.g. ``nb.output(3)``).
        ``directory`` defaults to ``tests/browser/screenshots/`` (not committed).
        """
        directory = Path(directory or DEFAULT_SCREENSHOT_DIR)
        directory.mkdir(parents=True, exist_ok=True)
        file_name = re.sub(r"[^A-Za-z0-9_.-]+", "_", name)
        path = directory / (file_name if file_name.endswith(".png") else file_name + ".png")
        if target is None:
            self.page.screenshot(path=str(path))
        else:
            locator = self.cell(target) if isinstance(target, int) else target
            locator.scroll_into_view_if_needed()
            locator.screenshot(path=str(path))
        return path


WIDGET_MIME = "application/vnd.jupyter.widget-view+json"

# For each cell: the MIME type each of its own outputs was rendered as, the
# tracebacks shown inside widgets (Output widgets hold their own outputs, which
# the cell's model does not list), and widget error messages.
_OUTPUTS_JS = r"""
cells => cells.map(cell => {
  const area = cell.querySelector('.jp-OutputArea');
  const mimes = area ? Array.from(area.children)
      .filter(child => child.classList.contains('jp-OutputArea-child'))
      .map(child => { const out = child.querySelector('.jp-OutputArea-output');
                      return out ? out.getAttribute('data-mime-type') : null; }) : [];
  const widgetTracebacks = Array.from(cell.querySelectorAll(
      '.jupyter-widgets .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'))
    .map(out => out.textContent).filter(text => text.includes('Traceback'));
  const widgetFailures = Array.from(cell.querySelectorAll('.jp-OutputArea-output'))
    .filter(out => out.children.length <= 1)
    .map(out => out.textContent)
    .filter(text => /Error displaying widget|Failed to (load|create) (model|view)/.test(text));
  return {mimes, widgetTracebacks, widgetFailures};
})
"""


def _text(output: dict) -> str:
    """The text of an nbformat output (stream text, or the text/plain of a display)."""
    text = output.get("text", output.get("data", {}).get("text/plain", ""))
    return "".join(text) if isinstance(text, list) else text


def _last_lines(text: str, lines: int = 6) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


# ----------------------------------------------------------------------------
# Widgets
# ----------------------------------------------------------------------------


def nudge_slider(slider, steps: int) -> None:
    """Move an ipywidgets slider (a ``.widget-slider`` locator) by ``steps`` steps with the arrow keys.

    This is what a keyboard user does: focus the handle, press Right (or Left
    for negative ``steps``).
    """
    handle = slider.locator(".noUi-handle").first
    handle.focus()
    key = "ArrowRight" if steps > 0 else "ArrowLeft"
    for _ in range(abs(steps)):
        handle.press(key)


def type_slider_value(slider, value) -> None:
    """Set an ipywidgets slider (a ``.widget-slider`` locator) by typing ``value`` into its readout."""
    readout = slider.locator(".widget-readout").first
    readout.click()
    readout.press("Control+A")
    readout.type(str(value))
    readout.press("Enter")


# ------------------------------------------------------------------------------------ checks on what is drawn


def wait_until(condition, timeout=30.0, message="condition"):
    """Poll `condition()` until it is truthy; fail with `message` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {message}")
        time.sleep(0.1)


def pixels(canvas) -> str:
    """A fingerprint of what a canvas shows (its PNG encoding)."""
    return hashlib.sha1(canvas.evaluate("c => c.toDataURL()").encode()).hexdigest()


def colours_used(canvas) -> int:
    """How many distinct colours a canvas shows (sampled): a blank canvas has 1."""
    return canvas.evaluate("""c => {
        const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        const seen = new Set();
        for (let i = 0; i < data.length; i += 4 * 7) seen.add(data[i] + ',' + data[i + 1] + ',' + data[i + 2]);
        return seen.size; }""")
