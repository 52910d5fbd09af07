"""A real Label Studio server for the round-trip test: started once per test session from its own environment
(`.venv-labelstudio`, made by `make setup`), offline, on a free loopback port, with a temporary data folder,
and always stopped.

The first start of an empty data folder runs Label Studio's database migrations (about 30 s on two cores), so
the migrated folder is kept once per Label Studio version in `.venv-labelstudio/nklabor-cache/` and copied for
each server (about 3 s). Every wait has a timeout; the server also gets SIGTERM if this process dies
(Linux `PR_SET_PDEATHSIG`).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from filelock import FileLock

from tests.support import ROOT

VENV = ROOT / ".venv-labelstudio"
PYTHON = VENV / "bin" / "python"
LABEL_STUDIO = VENV / "bin" / "label-studio"
DRIVER = Path(__file__).with_name("labelstudio_driver.py")
CACHE = VENV / "nklabor-cache"
USERNAME, PASSWORD = "roundtrip@example.org", "nklabor-Roundtrip-1"
START_TIMEOUT = 300.0
MIGRATE_TIMEOUT = 600.0
DRIVER_TIMEOUT = 600.0
_PORT_LINE = re.compile(r"Starting development server at http://127\.0\.0\.1:(\d+)/")
# `get_env(NAME)` in Label Studio also reads the bare NAME: a stray HOST or PORT would leak in.
_UNPREFIXED = (
    "HOST",
    "PORT",
    "USERNAME",
    "PASSWORD",
    "USER_TOKEN",
    "DATABASE_NAME",
    "DJANGO_DB",
    "DEBUG",
    "SECRET_KEY",
    "LOG_LEVEL",
    "DJANGO_SETTINGS_MODULE",
)


class LabelStudioError(RuntimeError):
    """The server could not be started, or a step against it failed."""


def missing() -> str | None:
    """Why the server cannot run here, or None."""
    if not LABEL_STUDIO.is_file():
        return f"{LABEL_STUDIO} is missing: run `make setup` (it installs Label Studio in {VENV.name})"
    return None


def environment(data: Path) -> dict[str, str]:
    """An environment that keeps the server offline and quiet, and reads nothing of ours."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LABEL_STUDIO_", "HEARTEX_"))}
    for name in _UNPREFIXED:
        env.pop(name, None)
    env.update(
        LABEL_STUDIO_BASE_DATA_DIR=str(data),
        LABEL_STUDIO_SENTRY_DSN="",
        LABEL_STUDIO_FRONTEND_SENTRY_DSN="",
        LABEL_STUDIO_COLLECT_ANALYTICS="false",
        LABEL_STUDIO_LATEST_VERSION_CHECK="false",
        LABEL_STUDIO_CONVERTER_DOWNLOAD_RESOURCES="false",
        # Reject predictions that do not fit the labeling config (by default they are only logged).
        fflag_feat_utc_210_prediction_validation_15082025="true",
        PYTHONUNBUFFERED="1",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def version() -> str:
    """The installed Label Studio's version (read from its metadata, without importing it)."""
    found = sorted((VENV / "lib").glob("python*/site-packages/label_studio-*.dist-info"))
    if not found:
        raise LabelStudioError(f"no label_studio dist-info in {VENV}")
    return found[-1].name.removeprefix("label_studio-").removesuffix(".dist-info")


def migrated_template() -> Path:
    """A data folder whose database is migrated, built once per Label Studio version (under a lock, so
    parallel sessions build it once)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    template = CACHE / f"label-studio-{version()}-migrated"
    with FileLock(str(CACHE / "template.lock"), timeout=MIGRATE_TIMEOUT):
        if (template / "label_studio.sqlite3").is_file():
            return template
        building = Path(tempfile.mkdtemp(dir=CACHE, prefix="building-"))
        try:
            # Any command applies the migrations first; `version` then only prints.
            subprocess.run(
                [str(LABEL_STUDIO), "version"],
                env=environment(building),
                cwd=building,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                check=True,
                timeout=MIGRATE_TIMEOUT,
            )
            shutil.rmtree(template, ignore_errors=True)
            building.rename(template)
        except (subprocess.SubprocessError, OSError) as exc:
            shutil.rmtree(building, ignore_errors=True)
            raise LabelStudioError(f"migrating a Label Studio data folder failed: {exc}") from exc
    return template


def _die_with_parent() -> None:
    """In the child before exec: SIGTERM when the test process dies, however it dies (Linux only)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    """One running Label Studio server."""

    data: Path
    port: int
    process: subprocess.Popen[bytes] | None = None
    log: Path = field(init=False)
    started_in: float = 0.0

    def __post_init__(self) -> None:
        self.log = self.data / "server.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @classmethod
    def start(cls, timeout: float = START_TIMEOUT) -> Server:
        """Start a server on a copy of the migrated template; wait until /health answers."""
        data = Path(tempfile.mkdtemp(prefix="nklabor-labelstudio-"))
        shutil.copytree(migrated_template(), data, dirs_exist_ok=True)
        server = cls(data, free_port())
        began = time.monotonic()
        command = [
            str(LABEL_STUDIO),
            "start",
            "--no-browser",
            "--internal-host",
            "127.0.0.1",
            "--port",
            str(server.port),
            "--username",
            USERNAME,
            "--password",
            PASSWORD,
        ]
        with server.log.open("wb") as log:
            server.process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=environment(data),
                cwd=data,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
        try:
            server._wait(began, timeout)
        except BaseException:
            server.stop()
            raise
        server.started_in = time.monotonic() - began
        return server

    def _wait(self, began: float, timeout: float) -> None:
        assert self.process is not None
        while time.monotonic() - began < timeout:
            if self.process.poll() is not None:
                raise LabelStudioError(f"label-studio exited with {self.process.returncode}:\n{self.tail()}")
            # A busy port makes Label Studio move to the next one silently: follow it.
            moved = _PORT_LINE.search(self.log.read_text(encoding="utf-8", errors="replace"))
            if moved:
                self.port = int(moved.group(1))
            if self.healthy():
                return
            time.sleep(0.25)
        raise LabelStudioError(f"label-studio not ready after {timeout:.0f} s:\n{self.tail()}")

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/health", timeout=2) as answer:
                return answer.status == 200 and json.loads(answer.read()).get("status") == "UP"
        except (OSError, ValueError, urllib.error.URLError):
            return False

    def tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def drive(self, config: str, projects: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Run the SDK driver (in Label Studio's environment) against this server."""
        plan = {
            "url": self.url,
            "username": USERNAME,
            "password": PASSWORD,
            "config": config,
            "projects": projects,
        }
        try:
            done = subprocess.run(
                [str(PYTHON), str(DRIVER)],
                input=json.dumps(plan),
                capture_output=True,
                text=True,
                env=environment(self.data),
                timeout=DRIVER_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise LabelStudioError(f"the driver took more than {DRIVER_TIMEOUT:.0f} s") from exc
        if done.returncode != 0:
            raise LabelStudioError(f"the driver failed:\n{done.stderr}\n--- server log ---\n{self.tail()}")
        summary: list[dict[str, Any]] = json.loads(done.stdout)
        return summary

    def stop(self) -> None:
        """SIGTERM to our own server process (its runserver exits at once), SIGKILL if it lingers; remove the
        data folder."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        shutil.rmtree(self.data, ignore_errors=True)
