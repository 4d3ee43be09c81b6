"""``accompany serve`` started as a volunteer starts it: a process of its own, on a free port."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        return True
    except OSError:
        return False


class Preview:
    """``python -m generator --project ROOT serve --port PORT``, its output in a file."""

    def __init__(self, root: Path, as_of: str = "2026-12-01"):
        self.root, self.port = root, free_port()
        self.log = root.parent / f"serve-{self.port}.log"
        self.command = [sys.executable, "-m", "generator", "--project", str(root), "serve",
                        "--port", str(self.port), "--as-of", as_of]

    def __enter__(self) -> "Preview":
        self.process = subprocess.Popen(self.command, stdout=self.log.open("w"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 90
        while not (listening(self.port) and "previewing on" in self.output()):
            assert self.process.poll() is None, self.output()
            assert time.monotonic() < deadline, "the preview did not start:\n" + self.output()
            time.sleep(0.2)
        return self

    def __exit__(self, *exc) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def children(self) -> list[int]:
        """The processes accompany serve started (Linux: /proc)."""
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(p) for p in path.read_text().split()]
