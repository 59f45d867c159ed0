"""The MongoDB-compatible store of the devstack.

By default SecantusDB's server (the crate `secantus-mdb`, MongoDB's wire protocol over
WiredTiger), built once per version with cargo into the cache. It plans queries with
the indexes the services create, as MongoDB does, so a query without an index scans
here as it would in production (docs/architecture.md). SHARIK_STORE=java selects
mongo-java-server instead (Maven Central, run by devstack/store/StoreServer.java): no
Rust build, but it uses unique indexes only and scans for every other query."""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from pymongo import MongoClient

from devstack import maven, process
from devstack.paths import SOURCE_DIR, cache_dir, digest, state_dir
from devstack.process import Process, StartError, wait_until_ready

SOURCE = SOURCE_DIR / "store"
SECANTUS_VERSION = "0.5.3-beta.196"
SECANTUS_CONFIG = SOURCE / "secantusd.toml"
JAVA_MAIN = "StoreServer"


def kind() -> str:
    """The store SHARIK_STORE selects: `secantus` (the default) or `java`."""
    chosen = os.environ.get("SHARIK_STORE") or "secantus"
    if chosen not in ("secantus", "java"):
        raise StartError(f"SHARIK_STORE={chosen!r}: choose secantus (the default) or java")
    return chosen


def prepare() -> None:
    """Build or resolve the selected store, so a first start shows the build's progress."""
    if kind() == "java":
        java_classpath()
    else:
        secantus_binary()


def start(*, port: int = 27017, persistent: bool = False, heap: str = "1g", timeout: float = 60) -> Process:
    """Start the store on 127.0.0.1:`port` and return once it answers a ping."""
    return wait_until_ready(launch(port=port, persistent=persistent, heap=heap), timeout=timeout)


def launch(*, port: int = 27017, persistent: bool = False, heap: str = "1g") -> Process:
    """Start the store without waiting. `persistent` keeps the data under the state dir
    (`sharik-devstack up`); otherwise it lives in a temporary directory, or in memory
    for mongo-java-server, removed when the store stops. `heap` is the store's memory:
    WiredTiger's cache, or the Java heap."""
    url = f"mongodb://127.0.0.1:{port}/"
    if kind() == "java":
        argv = ["java", f"-Xmx{heap}", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", java_classpath(),
                JAVA_MAIN, str(port)]
        if persistent:
            argv.append(str(state_dir() / f"store-{port}.mv"))
        return process.launch(f"store-{port}", argv, url=url, ports=(port,), answers=lambda: answers(url))
    binary = secantus_binary()
    data = state_dir() / f"secantus-{port}" if persistent else Path(tempfile.mkdtemp(prefix="sharik-store-"))
    argv = [str(binary), "--config", str(SECANTUS_CONFIG), "--port", str(port),
            "--storage-path", str(data), "--cache-size", heap.upper()]
    if persistent:
        argv.append("--sync-on-commit")  # see secantusd.toml
    return process.launch(
        f"store-{port}", argv, url=url, ports=(port,), answers=lambda: answers(url),
        # No oplog: it serves change streams and point-in-time restores, which the
        # services do not use (HANDBOOK §2), and costs a second write per change.
        env={"SECANTUS_DISABLE_OPLOG": "1"},
        scratch=None if persistent else data,
    )


def secantus_binary() -> Path:
    """Return SecantusDB's server, building it with cargo the first time (minutes)."""
    home = cache_dir() / f"secantus-{SECANTUS_VERSION}"
    binary = home / "bin" / "secantusd-rs"
    if binary.is_file():
        return binary
    # Compiled in a build directory kept until it succeeds, so an interrupted build
    # resumes; installed into a temporary root renamed at the end, so a half-installed
    # binary is never found. Cargo locks the build directory for concurrent runs.
    build = cache_dir() / f"secantus-{SECANTUS_VERSION}-build"
    tmp = Path(tempfile.mkdtemp(prefix=f".secantus-{SECANTUS_VERSION}-", dir=cache_dir()))
    print(
        f"building the store, SecantusDB {SECANTUS_VERSION}, with cargo into {home}: once per version, "
        "5 to 15 minutes on 2 cores",
        file=sys.stderr, flush=True,
    )
    argv = ["cargo", "install", "--locked", "--ignore-rust-version", "--root", str(tmp),
            f"secantus-mdb@{SECANTUS_VERSION}"]
    try:
        subprocess.run(argv, env={**os.environ, "CARGO_TARGET_DIR": str(build)}, check=True)
        try:
            tmp.rename(home)
        except OSError:
            if not binary.is_file():  # otherwise a concurrent run installed it first
                raise
    except (OSError, subprocess.CalledProcessError) as error:
        raise StartError(
            f"building SecantusDB failed ({error}). It needs cargo and rustc 1.95 or newer (Debian 12: "
            "apt-get install cargo-web), cmake and a C compiler (apt-get install cmake gcc). Install them "
            "and run again, or use mongo-java-server instead with SHARIK_STORE=java."
        ) from error
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    shutil.rmtree(build, ignore_errors=True)  # gigabytes of objects, of no use once installed
    return binary


def java_classpath() -> str:
    """Return mongo-java-server's class path, resolving jars and compiling the launcher the first time."""
    libs = maven.resolve(SOURCE / "pom.xml", "store")
    classes = cache_dir() / f"store-classes-{digest(SOURCE / 'pom.xml', SOURCE / f'{JAVA_MAIN}.java')}"
    if not classes.is_dir():
        tmp = classes.with_name(f".{classes.name}.{os.getpid()}")
        subprocess.run(
            ["javac", "-cp", f"{libs}/*", "-d", str(tmp), str(SOURCE / f"{JAVA_MAIN}.java")], check=True
        )
        try:
            tmp.rename(classes)  # atomic, so a half-compiled directory is never found
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)  # a concurrent run compiled it first
    return f"{classes}:{libs}/*"


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
