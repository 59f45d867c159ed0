"""The MongoDB-compatible store: mongo-java-server, resolved from Maven Central and run
by the project's small launcher (devstack/store/StoreServer.java)."""

import os
import shutil
import subprocess
from pathlib import Path

from pymongo import MongoClient

from devstack import maven, process
from devstack.paths import SOURCE_DIR, cache_dir, digest, state_dir
from devstack.process import Process, wait_until_ready

SOURCE = SOURCE_DIR / "store"
MAIN = "StoreServer"


def classpath() -> str:
    """Return the launcher's class path, resolving jars and compiling it the first time."""
    libs = maven.resolve(SOURCE / "pom.xml", "store")
    classes = cache_dir() / f"store-classes-{digest(SOURCE / 'pom.xml', SOURCE / f'{MAIN}.java')}"
    if not classes.is_dir():
        tmp = classes.with_name(f".{classes.name}.{os.getpid()}")
        subprocess.run(
            ["javac", "-cp", f"{libs}/*", "-d", str(tmp), str(SOURCE / f"{MAIN}.java")], check=True
        )
        try:
            tmp.rename(classes)  # atomic, so a half-compiled directory is never found
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)  # a concurrent run compiled it first
    return f"{classes}:{libs}/*"


def start(*, port: int = 27017, persistent: bool = False, heap: str = "1g", timeout: float = 60) -> Process:
    """Start the store on 127.0.0.1:`port` and return once it answers a ping."""
    return wait_until_ready(launch(port=port, persistent=persistent, heap=heap), timeout=timeout)


def launch(*, port: int = 27017, persistent: bool = False, heap: str = "1g") -> Process:
    """Start the store without waiting; `persistent` keeps data in a file under the state
    dir. The in-memory store holds everything on the Java heap, `heap` at most."""
    url = f"mongodb://127.0.0.1:{port}/"
    argv = ["java", f"-Xmx{heap}", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", classpath(), MAIN, str(port)]
    if persistent:
        argv.append(str(state_dir() / f"store-{port}.mv"))
    return process.launch(f"store-{port}", argv, url=url, ports=(port,), answers=lambda: answers(url))


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
