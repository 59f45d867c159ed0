"""Static checks of services/<svc>/Dockerfile and .dockerignore (no Docker engine needed)."""

import json
import pathlib
import re
import shlex
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


def test_base_image(repo, service):
    instructions = parse_dockerfile(repo / "services" / service / "Dockerfile")
    assert instructions[0] == ("FROM", "python:3.11-slim")


def test_installs_shared_and_the_service(repo, service):
    instructions = parse_dockerfile(repo / "services" / service / "Dockerfile")
    copies = [shlex.split(arguments) for arguments in _arguments(instructions, "COPY")]
    assert ["shared/", "./shared/"] in copies
    assert [f"services/{service}/", f"./services/{service}/"] in copies
    installs = [shlex.split(arguments) for arguments in _arguments(instructions, "RUN") if "pip install" in arguments]
    assert ["pip", "install", "--no-cache-dir", "./shared", f"./services/{service}"] in installs
    # Nothing from another service enters this image.
    for arguments in _arguments(instructions, "COPY") + _arguments(instructions, "RUN"):
        others = set(re.findall(r"services/(\w+)", arguments)) - {service}
        assert not others, arguments


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
    # Allow-list: everything is ignored except the two trees the images install from.
    lines = [
        line.strip()
        for line in (repo / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert lines[0] == "*"
    assert {line for line in lines if line.startswith("!")} == {"!shared/", "!services/"}
    assert "**/.venv" in lines and "**/__pycache__" in lines
