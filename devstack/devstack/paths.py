"""Where the devstack keeps downloads, builds and the state of running processes."""

import hashlib
import os
from pathlib import Path

# The pom.xml and the Go wrapper live next to this package in the source tree.
SOURCE_DIR = Path(__file__).resolve().parent.parent


def cache_dir() -> Path:
    """Return the cache for jars and binaries, outside the clone so fresh clones reuse it."""
    path = Path(os.environ.get("SHARIK_CACHE_DIR") or Path.home() / ".cache" / "sharik")
    path.mkdir(parents=True, exist_ok=True)
    return path


def state_dir() -> Path:
    """Return the directory for data, logs, pid files and dev keys of running processes."""
    path = Path(os.environ.get("SHARIK_STATE_DIR") or cache_dir() / "run")
    path.mkdir(parents=True, exist_ok=True)
    return path


def digest(*files: Path) -> str:
    """Return a short hash of the files' contents, to key cached builds on their inputs."""
    sha = hashlib.sha256()
    for file in files:
        sha.update(file.read_bytes())
    return sha.hexdigest()[:12]
