"""`sharik-verify` installs alone, into an environment of its own, with only its few
pure dependencies, and recounts there: an observer needs nothing of the platform."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WARD_BUDGET = ROOT / "tests" / "voting" / "counting" / "data" / "ward-budget.pb"


def test_sharik_verify_installs_and_recounts_without_the_platform(tmp_path):
    env_dir = tmp_path / "observer"
    uv = ["python3", "-m", "uv"]
    subprocess.run([*uv, "venv", "--quiet", "--python", sys.executable, str(env_dir)], check=True)
    python = env_dir / "bin" / "python"
    subprocess.run([*uv, "pip", "install", "--quiet", "--python", str(python), str(ROOT / "verify")], check=True)

    installed = subprocess.run([*uv, "pip", "freeze", "--python", str(python)], check=True, capture_output=True, text=True)
    names = {line.split("==")[0].split(" @ ")[0].lower() for line in installed.stdout.splitlines() if line}
    assert "sharik-verify" in names
    assert not names & {"fastapi", "faststream", "pymongo", "opentelemetry-sdk", "sharik-shared", "sharik-voting"}
    assert len(names) <= 10, names  # httpx and its own few dependencies

    recount = subprocess.run(
        [str(env_dir / "bin" / "sharik-verify"), "pb", str(WARD_BUDGET), "--rule", "greedy"],
        capture_output=True, text=True,
    )
    assert recount.returncode == 0, recount.stderr
    assert recount.stdout.split() == _recount_here()


def _recount_here() -> list[str]:
    """The same recount with the workspace's own installation, for comparison."""
    done = subprocess.run(
        [str(Path(sys.executable).parent / "sharik-verify"), "pb", str(WARD_BUDGET), "--rule", "greedy"],
        capture_output=True, text=True, check=True,
    )
    return done.stdout.split()
