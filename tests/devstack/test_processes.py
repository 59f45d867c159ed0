"""The devstack starts, checks and stops its processes: the SMTP server and the five services."""

import smtplib
import stat
import sys
from email.message import EmailMessage

import httpx
import pytest
from devstack.process import StartError
from devstack.services import NAMES, start_services

from devstack import smtp

# Stands in for a service's console script: serves /readyz on its configured port and
# echoes the environment the devstack gave it.
FAKE_SERVICE = """\
#!{python}
import json, os
from http.server import BaseHTTPRequestHandler, HTTPServer

PREFIX = "{prefix}"

class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200 if self.path == "/readyz" else 404)
        self.end_headers()
        env = {{k: v for k, v in os.environ.items() if k.startswith(PREFIX)}}
        self.wfile.write(json.dumps(env).encode())

HTTPServer((os.environ[PREFIX + "HTTP_HOST"], int(os.environ[PREFIX + "HTTP_PORT"])), Handler).serve_forever()
"""


def test_smtp_server_runs_as_a_process(tmp_path):
    port = smtp.free_port("127.0.0.1")
    process = smtp.start(port=port, maildir=tmp_path)
    try:
        message = EmailMessage()
        message["Subject"] = "hello"
        message.set_content("body")
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
            client.send_message(message, from_addr="a@example.om", to_addrs=["b@example.om"])
        assert [m["Subject"] for m in smtp.read_messages(tmp_path)] == ["hello"]
    finally:
        process.stop()
    assert process.popen.returncode == 0  # SIGTERM made it exit cleanly
    assert not process.pid_file.exists()


def test_services_get_their_settings_and_stop(tmp_path, jwt_keys):
    for name in NAMES:
        script = tmp_path / f"sharik-{name}"
        script.write_text(FAKE_SERVICE.format(python=sys.executable, prefix=name.upper() + "_"))
        script.chmod(script.stat().st_mode | stat.S_IEXEC)
    ports = {name: smtp.free_port("127.0.0.1") for name in NAMES}

    services = start_services(
        kafka_bootstrap_servers="127.0.0.1:1", mongodb_url="mongodb://127.0.0.1:1/", smtp_port=2525,
        ports=ports, env_overrides={"VOTING_ENVIRONMENT": "test"}, bin_dir=tmp_path,
    )
    try:
        voting = httpx.get(services.urls["voting"]).json()
        notifier = httpx.get(services.urls["notifier"]).json()
    finally:
        services.stop()

    assert voting["VOTING_HTTP_PORT"] == str(ports["voting"])
    assert voting["VOTING_MONGODB_DATABASE"] == "sharik_voting"
    assert voting["VOTING_ENVIRONMENT"] == "test"
    assert voting["VOTING_JWT_PUBLIC_KEY"] == jwt_keys[1]
    assert notifier["NOTIFIER_SMTP_PORT"] == "2525"
    assert all(process.popen.poll() is not None for process in services.processes.values())


def test_a_busy_port_is_refused_rather_than_mistaken_for_a_start(smtp_sink, tmp_path):
    with pytest.raises(StartError, match="already in use"):
        smtp.launch(port=smtp_sink.port, maildir=tmp_path)
