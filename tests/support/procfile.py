"""The Procfile's processes, run as a Heroku-style platform runs them: from the repository, through a shell.

Each process writes to a log file (not a pipe, so it can be read while the
process runs): exactly the lines a platform would collect from it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from storefront.config import SETTINGS

from .shop import ROOT


def procfile() -> dict[str, str]:
    """The Procfile's process types and their commands."""
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip())


def dyno_env(bin_dir: Path | None = None, **settings: str) -> dict[str, str]:
    """A process's environment as a platform gives it: this machine's, without any of the shop's settings (a
    developer's own must not leak in) or this virtualenv's activation; ``bin_dir`` (by default this
    virtualenv's, where a buildpack would have put gunicorn and flask) first on PATH; then ``settings``."""
    inherited = {name: value for name, value in os.environ.items()
                 if name not in {s.name for s in SETTINGS} | {"VIRTUAL_ENV", "PYTHONPATH", "FLASK_APP"}}
    return {**inherited, "PATH": f"{bin_dir or Path(sys.executable).parent}:{os.environ['PATH']}", **settings}


def run(command: str, env: dict[str, str], log: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run a command to its end, as the release phase or a one-off (``heroku run``) does; its output goes to ``log``."""
    with log.open("w") as output:
        return subprocess.run(["bash", "-c", command], cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
                              timeout=timeout)


def start(command: str, env: dict[str, str], log: Path) -> subprocess.Popen:
    """Start a long-running process (web, worker) in a process group of its own."""
    with log.open("w") as output:
        return subprocess.Popen(["bash", "-c", f"exec {command}"], cwd=ROOT, env=env, start_new_session=True,
                                stdout=output, stderr=subprocess.STDOUT)


def stop(process: subprocess.Popen, timeout: float = 30) -> int:
    """SIGTERM, as a dyno restart sends it, and the exit code."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        return process.wait(timeout=10)


def wait_for_health(url: str, process: subprocess.Popen, log: Path, timeout: float = 60) -> requests.Response:
    """The first answer of ``url``/healthz, once the web process is listening."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return requests.get(f"{url}/healthz", timeout=10)
        except (requests.ConnectionError, requests.Timeout):  # still booting
            assert process.poll() is None, f"the web process exited while starting:\n{log.read_text()}"
            assert time.monotonic() < deadline, f"no answer from {url} within {timeout} s:\n{log.read_text()}"
            time.sleep(0.2)


def wait_for_line(log: Path, text: str, process: subprocess.Popen | None, timeout: float = 60) -> None:
    """Wait until ``text`` appears in the process's log (failing early if the process ends first)."""
    deadline = time.monotonic() + timeout
    while text not in log.read_text():
        assert (process is None or process.poll() is None) and time.monotonic() < deadline, log.read_text()
        time.sleep(0.2)
