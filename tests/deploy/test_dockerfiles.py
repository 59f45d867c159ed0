"""Static checks of services/<svc>/Dockerfile and .dockerignore (no Docker engine needed)."""

import json
import pathlib
import re
import shlex
import shutil
import subprocess
import tomllib

# Must equal runAsUser in deploy/k8s (test_manifests.py checks that side).
IMAGE_UID = "10001"


def parse_dockerfile(path: pathlib.Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with comments dropped and line continuations joined."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue  # also skips the `# syntax=` parser directive
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        keyword, _, arguments = (pending + line).partition(" ")
        instructions.append((keyword.upper(), arguments.strip()))
        pending = ""
    assert not pending, f"{path}: dangling line continuation"
    return instructions


def _arguments(instructions, keyword: str) -> list[str]:
    return [arguments for instruction, arguments in instructions if instruction == keyword]


def stages(instructions) -> list[list[tuple[str, str]]]:
    """The instructions of each build stage, each starting with its FROM."""
    result: list[list[tuple[str, str]]] = []
    for instruction in instructions:
        if instruction[0] == "FROM":
            result.append([])
        result[-1].append(instruction)
    return result


def test_base_image(repo, service):
    instructions = parse_dockerfile(repo / "services" / service / "Dockerfile")
    assert instructions[0][0] == "FROM"
    assert {arguments.split()[0] for arguments in _arguments(instructions, "FROM")} == {"python:3.11-slim"}


def test_installs_the_locked_dependencies_then_shared_and_the_service(repo, service):
    lock, image = stages(parse_dockerfile(repo / "services" / service / "Dockerfile"))
    exports = [shlex.split(arguments) for arguments in _arguments(lock, "RUN") if "uv export" in arguments]
    assert exports == [
        ["uv", "export", "--frozen", "--no-dev", "--no-emit-workspace", "--package", f"sharik-{service}",
         "--output-file", "/requirements.txt"]
    ]
    # uv reads the lock with every workspace member's pyproject.toml.
    workspace = tomllib.loads((repo / "pyproject.toml").read_text(encoding="utf-8"))
    members = {
        str(path.parent.relative_to(repo))
        for pattern in workspace["tool"]["uv"]["workspace"]["members"]
        for path in repo.glob(f"{pattern}/pyproject.toml")
    }
    copied = {source for arguments in _arguments(lock, "COPY") for source in shlex.split(arguments)[:-1]}
    assert {"pyproject.toml", "uv.lock"} <= copied
    assert {f"{member}/pyproject.toml" for member in members} <= copied

    copies = [shlex.split(arguments) for arguments in _arguments(image, "COPY")]
    assert ["--from=lock", "/requirements.txt", "./requirements.txt"] in copies
    assert ["shared/", "./shared/"] in copies and ["verify/", "./verify/"] in copies
    assert [f"services/{service}/", f"./services/{service}/"] in copies
    installs = [shlex.split(arguments) for arguments in _arguments(image, "RUN") if "pip install" in arguments]
    assert installs == [
        ["pip", "install", "--no-cache-dir", "--require-hashes", "--no-deps", "-r", "requirements.txt"],
        ["pip", "install", "--no-cache-dir", "--no-deps", "./verify", "./shared", f"./services/{service}"],
    ]
    # Nothing from another service enters this image.
    for arguments in _arguments(image, "COPY") + _arguments(image, "RUN"):
        others = set(re.findall(r"services/(\w+)", arguments)) - {service}
        assert not others, arguments


def test_the_lock_stage_exports_exactly_the_locked_versions(repo, service, tmp_path):
    """Run the lock stage's commands on a copy of what it copies: every third-party
    dependency of the service comes out pinned to uv.lock's version, with hashes."""
    lock, _image = stages(parse_dockerfile(repo / "services" / service / "Dockerfile"))
    for arguments in _arguments(lock, "COPY"):
        *sources, _destination = shlex.split(arguments)
        for source in sources:
            (tmp_path / source).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(repo / source, tmp_path / source)
    (export,) = [arguments for arguments in _arguments(lock, "RUN") if "uv export" in arguments]
    command = shlex.split(export.replace("/requirements.txt", str(tmp_path / "requirements.txt")))
    # ./sharik installs uv as a module of the system python3, which made this virtualenv.
    subprocess.run(["python3", "-m", *command], cwd=tmp_path, check=True, capture_output=True)
    exported = (tmp_path / "requirements.txt").read_text()
    pins = dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", exported, flags=re.MULTILINE))
    locked = {p["name"]: p["version"] for p in tomllib.loads((repo / "uv.lock").read_text())["package"]}
    assert pins and all(locked[name] == version for name, version in pins.items())
    assert "fastapi" in pins and "pymongo" in pins
    assert exported.count("--hash=sha256:") >= len(pins)
    assert not any(name.startswith("sharik-") for name in pins)


def test_runs_as_non_root(repo, service):
    instructions = parse_dockerfile(repo / "services" / service / "Dockerfile")
    users = _arguments(instructions, "USER")
    assert users, "no USER: the image would run as root"
    user = users[-1].split(":")[0]
    # Numeric, so Kubernetes' runAsNonRoot can verify it; the same uid as the manifests.
    assert user == IMAGE_UID
    # Nothing runs as root after the switch.
    last_user_index = max(i for i, (keyword, _) in enumerate(instructions) if keyword == "USER")
    assert not [kw for kw, _ in instructions[last_user_index:] if kw == "RUN"]


def test_exposes_the_port_and_runs_the_console_script(repo, service, port):
    directory = repo / "services" / service
    instructions = parse_dockerfile(directory / "Dockerfile")
    assert _arguments(instructions, "EXPOSE") == [str(port)]
    (cmd,) = _arguments(instructions, "CMD")
    # Exec form: the service is PID 1 and receives SIGTERM for its graceful shutdown.
    assert json.loads(cmd) == [f"sharik-{service}"]
    assert not _arguments(instructions, "ENTRYPOINT")
    scripts = tomllib.loads((directory / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert f"sharik-{service}" in scripts
    environment = " ".join(_arguments(instructions, "ENV"))
    assert f"{service.upper()}_HTTP_PORT={port}" in environment
    assert f"{service.upper()}_HTTP_HOST=0.0.0.0" in environment


def test_dockerignore_keeps_the_context_small(repo):
    # Allow-list: everything is ignored except the trees the images install from and the lock.
    lines = [
        line.strip()
        for line in (repo / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines[0] == "*"
    assert {line for line in lines if line.startswith("!")} == {
        "!shared/", "!services/", "!verify/", "!pyproject.toml", "!uv.lock", "!devstack/pyproject.toml"
    }
    assert "**/.venv" in lines and "**/__pycache__" in lines
