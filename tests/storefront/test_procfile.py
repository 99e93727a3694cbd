"""The Procfile, run exactly as a Heroku-style platform runs it: release, then web and worker."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from ..support.live import free_port
from ..support.shop import ROOT


def procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip())


def platform_env(tmp_path) -> dict[str, str]:
    bin_dir = str(Path(sys.executable).parent)  # the venv's flask and gunicorn, as a buildpack installs them
    return {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "STOREFRONT_MODE": "demo",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'platform.sqlite3'}", "PORT": str(free_port()),
            "WEB_CONCURRENCY": "1"}


def start(command: str, env, log: Path) -> subprocess.Popen:
    with log.open("w") as output:  # a file, not a pipe: we read it while the process runs
        return subprocess.Popen(["bash", "-c", f"exec {command}"], cwd=ROOT, env=env, start_new_session=True,
                                stdout=output, stderr=subprocess.STDOUT)


def test_release_web_and_worker_start_as_written(tmp_path):
    processes, env = procfile(), platform_env(tmp_path)
    assert set(processes) == {"release", "web", "worker"}
    release = subprocess.run(["bash", "-c", processes["release"]], cwd=ROOT, env=env, capture_output=True,
                             text=True, timeout=120)
    assert release.returncode == 0, release.stdout + release.stderr

    web_log, worker_log = tmp_path / "web.log", tmp_path / "worker.log"
    web, worker = start(processes["web"], env, web_log), start(processes["worker"], env, worker_log)
    try:
        deadline, health = time.monotonic() + 60, None
        while time.monotonic() < deadline:
            try:
                health = requests.get(f"http://127.0.0.1:{env['PORT']}/healthz", timeout=10)
                break
            except (requests.ConnectionError, requests.Timeout):  # still booting
                assert web.poll() is None, "gunicorn exited while starting"
                time.sleep(0.2)
        assert health is not None and health.json() == {"status": "ok", "database": "ok"}
        # SIGTERM before the worker has even started would just end it; wait until it is working.
        while "worker: started" not in worker_log.read_text():
            assert worker.poll() is None and time.monotonic() < deadline, worker_log.read_text()
            time.sleep(0.2)
    finally:
        for process in (web, worker):
            os.killpg(process.pid, signal.SIGTERM)  # what a dyno restart sends
    assert web.wait(timeout=30) == 0, web_log.read_text()
    assert worker.wait(timeout=30) == 0, worker_log.read_text()
    assert "worker: stopped" in worker_log.read_text()
