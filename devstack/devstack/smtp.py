"""An SMTP server on loopback that keeps every message as a .eml file, for tests and people to read."""

import argparse
import signal
import smtplib
import socket
import sys
import time
import uuid
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from aiosmtpd.controller import Controller

from devstack import process
from devstack.paths import state_dir
from devstack.process import Process, wait_until_ready


class MaildirHandler:
    """aiosmtpd handler writing each message to <maildir>/<time>-<id>.eml."""

    def __init__(self, maildir: Path) -> None:
        self.maildir = maildir
        maildir.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server, session, envelope) -> str:
        # The envelope recipients are not in the headers (think Bcc), so record
        # them as headers, as aiosmtpd's own Message handler does.
        envelope_headers = f"X-MailFrom: {envelope.mail_from}\r\nX-RcptTo: {', '.join(envelope.rcpt_tos)}\r\n"
        name = f"{time.time_ns()}-{uuid.uuid4().hex[:8]}.eml"
        # Written under a hidden name and renamed, so readers never see half a message.
        tmp = self.maildir / f".{name}"
        tmp.write_bytes(envelope_headers.encode() + envelope.original_content)
        tmp.rename(self.maildir / name)
        return "250 Message accepted for delivery"


def read_messages(maildir: Path) -> list[EmailMessage]:
    """Return the messages received in `maildir`, oldest first."""
    parser = BytesParser(policy=policy.default)
    return [parser.parsebytes(path.read_bytes()) for path in sorted(Path(maildir).glob("*.eml"))]


@dataclass
class Sink:
    """An SMTP server running in this process, in a thread of its own."""

    host: str
    port: int
    maildir: Path
    controller: Controller

    def messages(self) -> list[EmailMessage]:
        """Return the messages received so far, oldest first."""
        return read_messages(self.maildir)

    def stop(self) -> None:
        """Stop accepting mail."""
        self.controller.stop()


def start_sink(maildir: Path, *, host: str = "127.0.0.1", port: int = 0) -> Sink:
    """Start an in-process SMTP server; port 0 picks a free port."""
    port = port or free_port(host)
    controller = Controller(MaildirHandler(Path(maildir)), hostname=host, port=port)
    controller.start()
    return Sink(host, port, Path(maildir), controller)


def free_port(host: str) -> int:
    """Return a TCP port that is free right now."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def start(*, port: int = 1025, maildir: Path | None = None, timeout: float = 20) -> Process:
    """Start the SMTP server as a separate process and return once it greets."""
    return wait_until_ready(launch(port=port, maildir=maildir), timeout=timeout)


def launch(*, port: int = 1025, maildir: Path | None = None) -> Process:
    """Start the SMTP server as a separate process without waiting for it to greet."""
    maildir = maildir or state_dir() / "mail"
    return process.launch(
        f"smtp-{port}", [sys.executable, "-m", "devstack.smtp", "--port", str(port), "--maildir", str(maildir)],
        url=f"smtp://127.0.0.1:{port}", ports=(port,), answers=lambda: answers("127.0.0.1", port),
    )


def answers(host: str, port: int) -> bool:
    """Whether an SMTP server on host:port greets and answers NOOP."""
    try:
        with smtplib.SMTP(host, port, timeout=1) as client:
            return client.noop()[0] == 250
    except (OSError, smtplib.SMTPException):
        return False


def main() -> None:
    """Run the SMTP server until SIGTERM or Ctrl-C."""
    parser = argparse.ArgumentParser(prog="python -m devstack.smtp", description=__doc__)
    parser.add_argument("--port", type=int, default=1025)
    parser.add_argument("--maildir", type=Path, default=None)
    args = parser.parse_args()
    stop_signals = {signal.SIGINT, signal.SIGTERM}
    # Blocked before the server thread starts, so that only sigwait below receives them.
    signal.pthread_sigmask(signal.SIG_BLOCK, stop_signals)
    sink = start_sink(args.maildir or state_dir() / "mail", port=args.port)
    print(f"SMTP on 127.0.0.1:{sink.port}, messages in {sink.maildir}", flush=True)
    signal.sigwait(stop_signals)
    sink.stop()


if __name__ == "__main__":
    main()
