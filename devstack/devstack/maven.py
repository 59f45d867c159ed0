"""Jars from Maven Central, resolved once into the cache."""

import shutil
import subprocess
import tempfile
from pathlib import Path

from devstack.paths import cache_dir, digest


def resolve(pom: Path, name: str) -> Path:
    """Return the directory of `pom`'s runtime jars, resolving them the first time."""
    target = cache_dir() / f"{name}-{digest(pom)}"
    libs = target / "libs"
    if libs.is_dir():
        return libs
    # Resolve into a temporary directory and rename it, so an interrupted download
    # never leaves a half-filled libs/ that later runs would trust.
    tmp = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=cache_dir()))
    try:
        subprocess.run(
            ["mvn", "-q", "-B", "-f", str(pom), "dependency:copy-dependencies",
             f"-DoutputDirectory={tmp / 'libs'}", "-DincludeScope=runtime"],
            check=True,
        )
        try:
            tmp.rename(target)
        except OSError:
            if not libs.is_dir():  # otherwise a concurrent run finished first, which is fine
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return libs
