"""`sharik stop` stops what that platform's `run` started, and nothing else that keeps a
pid file in the same state directory (a benchmark's replica, say)."""

import json
import subprocess
import sys

import pytest
from devstack import cli
from devstack.process import is_alive, launch, pid_dir, record_of, stop_all

SLEEPER = [sys.executable, "-c", "import time; time.sleep(120)"]


@pytest.fixture
def state_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("SHARIK_STATE_DIR", str(tmp_path))
    return tmp_path


def sleeper(name: str):
    return launch(name, SLEEPER, url="", ports=(), answers=lambda: True)


def test_stop_leaves_a_process_the_platform_did_not_start(state_dir):
    started = [sleeper("kafka-9092"), sleeper("voting-8003")]
    beside = sleeper("voting-18003")  # e.g. launched by bench/voting.py into the same state dir
    try:
        # What `run` records as it starts the stack; here its supervisor is gone (killed),
        # so stop finds the processes it had started left behind.
        cli.record_platform(started)
        supervisor = state_dir / "devstack.pid"
        supervisor.write_text(json.dumps({**json.loads(supervisor.read_text()), "pid": _pid_of_exited()}))
        assert cli.stop() == 0
        for process in started:
            assert process.popen.wait(timeout=30) is not None
            assert not process.pid_file.exists()
        assert beside.popen.poll() is None, "stop killed a process the platform had not started"
        assert is_alive(record_of(beside))
        assert (pid_dir() / "voting-18003.pid").exists()
    finally:
        stop_all([*started, beside])


def _pid_of_exited() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_stop_without_a_platform_stops_nothing(state_dir, capsys):
    beside = sleeper("bench-1")
    try:
        assert cli.stop() == 0
        assert "nothing to stop" in capsys.readouterr().out
        assert beside.popen.poll() is None
    finally:
        stop_all([beside])
