"""Editing on this computer: the CMS's local backend and the editing page, both on 127.0.0.1.

``decap-server`` (from npm, ``scripts/install-cms.sh``) reads and writes the project's files
directly (its ``fs`` mode: it commits nothing; the volunteer reviews and commits as usual). It
listens on 127.0.0.1 only and answers only the editing page's origin. The editing page is served
by a small server of our own, at ``http://127.0.0.1:<port>/admin/``.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import socket
import subprocess
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from ..core.settings import SiteConfig
from .admin import INSTALL, admin_files, write_admin
from .config import LOCAL_PORT, local_backend

#: Where local editing writes its editing page (never published; .accompany/ is ignored by git).
EDIT_FOLDER = Path(".accompany") / "admin"

SERVER_SCRIPT = Path("node_modules") / "decap-server" / "dist" / "index.js"


class LocalBackendFailed(Exception):
    """decap-server is missing or did not start: what to do about it."""


def free_port() -> int:
    """A port nothing listens on now, on 127.0.0.1."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_script(root: Path) -> Path:
    """decap-server's entry script: the project's node_modules, else this accompany checkout's."""
    for base in (root, Path(__file__).resolve().parents[2]):
        if (base / SERVER_SCRIPT).is_file():
            return base / SERVER_SCRIPT
    raise LocalBackendFailed(f"decap-server is not installed ({SERVER_SCRIPT} is missing): run sh {INSTALL}")


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
        return True
    except OSError:
        return False


class LocalBackend:
    """``decap-server`` writing into ``root``, on 127.0.0.1:``port``, for pages from ``origin`` only."""

    def __init__(self, root: Path, port: int, origin: str, log: Path | None = None):
        self.root, self.port, self.origin, self.log = root, port, origin, log
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> LocalBackend:
        if _listening(self.port):
            raise LocalBackendFailed(f"127.0.0.1:{self.port} is in use: is the editing page already running?")
        node = shutil.which("node")
        if node is None:
            raise LocalBackendFailed("node is missing: install Node.js (Debian: apt-get install nodejs npm)")
        env = {**os.environ, "PORT": str(self.port), "BIND_HOST": "127.0.0.1", "MODE": "fs",
               "GIT_REPO_DIRECTORY": str(self.root), "ORIGIN": self.origin, "LOG_LEVEL": "warn"}
        out = open(self.log, "ab") if self.log else subprocess.DEVNULL
        try:
            script = server_script(self.root)
            # cwd: decap-server reads a .env file from there; the project's must not reconfigure it.
            self.process = subprocess.Popen([node, str(script)], env=env, cwd=script.parents[1],
                                            stdout=out, stderr=subprocess.STDOUT)
        finally:
            if self.log:
                out.close()
        self._wait()
        return self

    def _wait(self, seconds: float = 30) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise LocalBackendFailed(f"decap-server stopped at start (exit {self.process.returncode})"
                                         + (f": see {self.log}" if self.log else ""))
            if _listening(self.port) and self.process.poll() is None:
                return
            time.sleep(0.1)
        self.__exit__()
        raise LocalBackendFailed(f"decap-server did not listen on 127.0.0.1:{self.port} within {seconds:.0f} s")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class _AdminHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".yml": "text/yaml", ".js": "text/javascript", ".wasm": "application/wasm"}

    def translate_path(self, path: str) -> str:
        # Only /admin/... exists; anything else maps to a name that is never there.
        path = path.split("?", 1)[0].split("#", 1)[0]
        if path == "/admin":
            return super().translate_path("/")
        if not path.startswith("/admin/"):
            return str(Path(self.directory) / ".not-found")
        return super().translate_path(path[len("/admin"):])

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def log_message(self, *args) -> None:
        pass


class AdminServer:
    """The folder ``admin`` served at http://127.0.0.1:``port``/admin/, in a thread."""

    def __init__(self, admin: Path, port: int = 0):
        handler = functools.partial(_AdminHandler, directory=str(admin))
        try:
            self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
        except OSError as error:
            raise LocalBackendFailed(f"cannot serve the editing page on 127.0.0.1:{port}: {error.strerror}") from None
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.origin = f"http://127.0.0.1:{self.port}"
        self.url = f"{self.origin}/admin/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="admin-server", daemon=True)

    def __enter__(self) -> AdminServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


@contextmanager
def editing(root: Path, config: SiteConfig, bundle: dict[str, bytes], page_port: int = 0,
            backend_port: int = LOCAL_PORT, display_url: str | None = None) -> Iterator[AdminServer]:
    """The editing page of ``root`` and its local backend, running: yields the page's server (``.url``)."""
    admin = root / EDIT_FOLDER
    with AdminServer(admin, page_port) as page:
        backend = local_backend(backend_port, config.settings.cms.branch)
        write_admin(admin, admin_files(config, backend, bundle, display_url=display_url))
        with LocalBackend(root, backend_port, page.origin, log=root / ".accompany" / "decap-server.log"):
            yield page
