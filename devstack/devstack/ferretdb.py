"""FerretDB v1 with its SQLite backend: the MongoDB-compatible store, built from the project's Go wrapper."""

import os
import subprocess
from pathlib import Path

from pymongo import MongoClient

from devstack import process
from devstack.paths import SOURCE_DIR, cache_dir, digest, state_dir
from devstack.process import Process, wait_until_ready

SOURCE = SOURCE_DIR / "ferretdb"


def binary() -> Path:
    """Return the FerretDB binary, building it with Go the first time."""
    target = cache_dir() / f"ferretdb-{digest(*(SOURCE / name for name in ('go.mod', 'go.sum', 'main.go')))}"
    if target.is_file():
        return target
    tmp = target.with_name(f".{target.name}.{os.getpid()}")
    # go.sum is committed and sum.golang.org may be unreachable, so skip the checksum database.
    env = {**os.environ, "CGO_ENABLED": "0", "GOFLAGS": "-mod=mod", "GOSUMDB": "off"}
    subprocess.run(["go", "build", "-o", str(tmp), "."], cwd=SOURCE, env=env, check=True)
    tmp.replace(target)  # atomic, so a half-written binary is never found
    return target


def start(*, port: int = 27017, timeout: float = 60) -> Process:
    """Start FerretDB on 127.0.0.1:`port` and return once it answers a ping."""
    return wait_until_ready(launch(port=port), timeout=timeout)


def launch(*, port: int = 27017) -> Process:
    """Start FerretDB on 127.0.0.1:`port` without waiting for it to answer."""
    url = f"mongodb://127.0.0.1:{port}/"
    data = state_dir() / f"ferretdb-{port}"
    data.mkdir(exist_ok=True)
    return process.launch(
        f"ferretdb-{port}", [str(binary()), "-listen", f"127.0.0.1:{port}", "-data", str(data)],
        url=url, ports=(port,), answers=lambda: answers(url),
    )


def answers(url: str) -> bool:
    """Whether the store at `url` answers a ping."""
    client = MongoClient(url, serverSelectionTimeoutMS=1000, connectTimeoutMS=1000)
    try:
        client.admin.command("ping")
        return True
    except Exception:
        return False
    finally:
        client.close()
