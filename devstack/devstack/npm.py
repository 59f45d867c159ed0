"""npm packages a part of Sharik needs, installed once from a committed lock file into the cache."""

import os
import shutil
import subprocess
from pathlib import Path

from devstack.paths import cache_dir, digest
from devstack.process import StartError


def installed(source: Path, name: str) -> Path:
    """`npm ci` the package.json and package-lock.json of `source` into the cache (keyed by
    their digest) the first time; return the node_modules directory."""
    target = cache_dir() / f"{name}-{digest(source / 'package.json', source / 'package-lock.json')}"
    if not (target / "node_modules").is_dir():
        if not shutil.which("npm"):
            raise StartError(f"{name} needs node and npm (Debian packages nodejs and npm)")
        tmp = target.with_name(f".{target.name}.{os.getpid()}")
        tmp.mkdir(parents=True)
        for file in ("package.json", "package-lock.json"):
            shutil.copy(source / file, tmp / file)
        subprocess.run(
            ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=tmp, check=True, stdout=subprocess.DEVNULL,
        )
        try:
            tmp.rename(target)  # atomic, so a half-installed directory is never used
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)  # a concurrent run installed it first
    return target / "node_modules"
