"""The suite never writes into a platform running beside it: with something listening on
the default ports (127.0.0.1:9092 and :27017) and no endpoints in the environment, the
session fixtures start a Kafka and a store of their own on other ports."""

import os
import socket
import subprocess
import sys
import textwrap
from contextlib import ExitStack
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEFAULT_PORTS = (9092, 27017)


def occupy(stack: ExitStack, port: int) -> None:
    """Listen on 127.0.0.1:port, unless something (a running platform) already does."""
    listener = socket.socket()
    try:
        listener.bind(("127.0.0.1", port))
    except OSError:
        listener.close()
        return
    listener.listen()
    stack.callback(listener.close)


def test_the_fixtures_ignore_what_listens_on_the_default_ports(tmp_path):
    (tmp_path / "conftest.py").write_text("from tests.conftest import *  # noqa: F403\n")
    (tmp_path / "test_where.py").write_text(
        textwrap.dedent(
            """
            def test_where(kafka_bootstrap_servers, mongodb_url):
                print("ENDPOINTS", kafka_bootstrap_servers, mongodb_url)
            """
        )
    )
    env = {k: v for k, v in os.environ.items() if k not in ("KAFKA_BOOTSTRAP_SERVERS", "MONGODB_URL", "SHARIK_STATE_DIR")}
    env["PYTHONPATH"] = str(REPO)
    with ExitStack() as stack:
        for port in DEFAULT_PORTS:
            occupy(stack, port)
        finished = subprocess.run(
            [sys.executable, "-m", "pytest", str(tmp_path), "-q", "-s", "-p", "no:cacheprovider",
             "--rootdir", str(tmp_path), "-o", "asyncio_mode=auto"],
            cwd=REPO, env=env, capture_output=True, text=True, timeout=240,
        )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    (line,) = [line for line in finished.stdout.splitlines() if line.startswith("ENDPOINTS")]
    _, kafka, mongodb = line.split()
    assert kafka.startswith("127.0.0.1:") and not kafka.endswith(":9092"), kafka
    assert ":27017" not in mongodb, mongodb
