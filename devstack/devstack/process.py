"""Background processes with a log file and a pid file: start, wait until they answer, stop gracefully (or kill)."""

import json
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from devstack.paths import state_dir


class StartError(RuntimeError):
    """A process exited or did not answer in time."""


@dataclass
class Process:
    """A started process, the address it serves and how to tell that it answers there."""

    name: str
    url: str
    answers: Callable[[], bool]
    popen: subprocess.Popen
    log_file: Path
    pid_file: Path
    scratch: Path | None = None
    """A directory of throwaway data, removed once the process has exited."""

    def stop(self, timeout: float = 30) -> None:
        """Send SIGTERM, then SIGKILL if it has not exited after `timeout` seconds."""
        stop_all([self], timeout=timeout)

    def kill(self) -> None:
        """Send SIGKILL, as a crash would: no shutdown hook runs, nothing is flushed."""
        if self.popen.poll() is None:
            self.popen.kill()
        self.popen.wait()
        self.exited()

    def exited(self) -> None:
        """Forget the process once it has exited: its pid file and its scratch data."""
        self.pid_file.unlink(missing_ok=True)
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)


def pid_dir() -> Path:
    """Return the directory of pid files, which `sharik-devstack stop` sweeps."""
    path = state_dir() / "pids"
    path.mkdir(exist_ok=True)
    return path


def launch(
    name: str,
    argv: list[str],
    *,
    url: str,
    ports: Iterable[int],
    answers: Callable[[], bool],
    env: Mapping[str, str] | None = None,
    scratch: Path | None = None,
) -> Process:
    """Start `argv` in the background, its output appended to <state>/logs/<name>.log."""
    # Otherwise whatever holds the port would answer the readiness check in its place.
    busy = [port for port in ports if is_listening("127.0.0.1", port)]
    if busy:
        raise StartError(f"cannot start {name}: 127.0.0.1:{busy[0]} is already in use")
    log_file = state_dir() / "logs" / f"{name}.log"
    log_file.parent.mkdir(exist_ok=True)
    with log_file.open("ab") as log:
        # A session of its own: Ctrl-C in the terminal reaches only the CLI, which
        # then stops the processes in order instead of all dying at once.
        popen = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})}, start_new_session=True,
        )
    pid_file = pid_dir() / f"{name}.pid"
    pid_file.write_text(json.dumps({"pid": popen.pid, "argv": argv, "started": time.time()}))
    return Process(name, url, answers, popen, log_file, pid_file, scratch)


def wait_until_ready(process: Process, *, timeout: float) -> Process:
    """Poll `process.answers` until it returns True; fail early if the process exits."""
    deadline = time.monotonic() + timeout
    while not process.answers():
        if process.popen.poll() is not None:
            process.exited()
            raise StartError(f"{process.name} exited with {process.popen.returncode}:\n{log_tail(process)}")
        if time.monotonic() > deadline:
            process.stop()
            raise StartError(f"{process.name} did not answer within {timeout:.0f}s:\n{log_tail(process)}")
        time.sleep(0.25)
    return process


def log_tail(process: Process, lines: int = 20) -> str:
    """Return the last lines of the process's log, for error messages."""
    return "\n".join(process.log_file.read_text(errors="replace").splitlines()[-lines:])


def stop_all(processes: Iterable[Process], *, timeout: float = 30) -> None:
    """Send SIGTERM to all at once, wait up to `timeout` seconds, then SIGKILL the rest."""
    processes = list(processes)
    for process in processes:
        if process.popen.poll() is None:
            process.popen.terminate()
    deadline = time.monotonic() + timeout
    for process in processes:
        try:
            process.popen.wait(max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.popen.kill()
            process.popen.wait()
        process.exited()


def is_listening(host: str, port: int) -> bool:
    """Whether something accepts TCP connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def recorded() -> list[tuple[Path, dict]]:
    """Return the pid files and their records, newest start first."""
    records = [(path, json.loads(path.read_text())) for path in pid_dir().glob("*.pid")]
    return sorted(records, key=lambda item: item[1]["started"], reverse=True)


def is_alive(record: dict) -> bool:
    """Whether the recorded process still runs (and the pid was not reused by another program)."""
    try:
        cmdline = Path(f"/proc/{record['pid']}/cmdline").read_bytes()
        state = Path(f"/proc/{record['pid']}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    # A script started through its shebang shows the interpreter first, then the script.
    return state != "Z" and record["argv"][0].encode() in cmdline.split(b"\0")[:2]


def record_of(process: Process) -> dict:
    """What its pid file says: pid, argv, start time, and its name."""
    return {**json.loads(process.pid_file.read_text()), "name": process.name}


def stop_recorded(records: Iterable[dict], *, timeout: float = 30) -> list[str]:
    """Stop the recorded processes (from `record_of`) that still run, newest first, and
    return the names of those stopped. Other pid files in the state directory, of
    processes someone else started there, are left alone."""
    stopped = []
    for record in sorted(records, key=lambda r: r["started"], reverse=True):
        if is_alive(record):
            terminate_pid(record, timeout=timeout)
            stopped.append(record["name"])
        pid_file = pid_dir() / f"{record['name']}.pid"
        if pid_file.exists() and json.loads(pid_file.read_text())["pid"] == record["pid"]:
            pid_file.unlink(missing_ok=True)
    return stopped


def terminate_pid(record: dict, *, timeout: float) -> None:
    """SIGTERM a process we did not start ourselves, then SIGKILL it after `timeout` seconds."""
    os.kill(record["pid"], signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while is_alive(record):
        if time.monotonic() > deadline:
            os.kill(record["pid"], signal.SIGKILL)
            deadline = float("inf")
        time.sleep(0.2)
