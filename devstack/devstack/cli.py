"""sharik-devstack: run Sharik's local infrastructure and services without a Docker engine."""

import argparse
import json
import os
import signal
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from devstack import ferretdb, kafka, smtp
from devstack.paths import state_dir
from devstack.process import Process, StartError, is_alive, recorded, stop_all, stop_recorded, terminate_pid
from devstack.services import start_services


def after_start(urls: dict[str, str]) -> None:
    """HOOK for the lead: runs once everything answers, e.g. to load demo data and print tokens."""


def main(argv: list[str] | None = None) -> int:
    """Entry point of the sharik-devstack command."""
    parser = argparse.ArgumentParser(prog="sharik-devstack", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("up", help="start Kafka, FerretDB, SMTP and the five services; Ctrl-C stops all")
    commands.add_parser("infra", help="start only Kafka, FerretDB and SMTP; Ctrl-C stops all")
    commands.add_parser("stop", help="stop a stack started by up or infra, and any leftover process")
    commands.add_parser("status", help="list the processes the devstack started")
    command = parser.parse_args(argv).command
    if command == "stop":
        return stop()
    if command == "status":
        return status()
    try:
        return run(with_services=command == "up")
    except StartError as error:
        print(f"sharik-devstack: {error}", file=sys.stderr)
        return 1


def run(*, with_services: bool) -> int:
    """Start the stack in the foreground until Ctrl-C or SIGTERM, then stop it in reverse order."""
    supervisor = state_dir() / "devstack.pid"
    if supervisor.exists() and is_alive(json.loads(supervisor.read_text())):
        print(f"a devstack already runs (see {supervisor}); use: sharik-devstack stop", file=sys.stderr)
        return 1
    supervisor.write_text(json.dumps({"pid": os.getpid(), "argv": sys.orig_argv, "started": time.time()}))
    # `stop` sends SIGTERM: clean up as for Ctrl-C. SIGINT is set too because a shell
    # starting us in the background (`&`) makes us ignore it.
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop_signal, signal.default_int_handler)
    infra: list[Process] = []
    services = None
    try:
        infra = start_infra()
        kafka_process, ferretdb_process, smtp_process = infra
        urls = {"kafka": kafka_process.url, "mongodb": ferretdb_process.url, "smtp": smtp_process.url}
        if with_services:
            services = start_services(kafka_bootstrap_servers=kafka_process.url, mongodb_url=ferretdb_process.url)
            urls |= {name: f"{url}/docs" for name, url in services.urls.items()}
        for name, url in urls.items():
            print(f"{name:>13}  {url}")
        print(f"{'mail':>13}  {state_dir() / 'mail'}\n{'logs':>13}  {state_dir() / 'logs'}")
        after_start(urls)
        print("running; Ctrl-C stops everything", flush=True)
        if watch(infra + list(services.processes.values() if services else [])):
            return 1
    except KeyboardInterrupt:
        print("\nstopping…", flush=True)
    finally:
        if services:
            services.stop()
        for process in reversed(infra):
            process.stop()
        supervisor.unlink(missing_ok=True)
    return 0


def start_infra() -> list[Process]:
    """Start Kafka, FerretDB and SMTP side by side (a cold cache downloads and builds at once)."""
    with ThreadPoolExecutor() as pool:
        futures = [pool.submit(kafka.start), pool.submit(ferretdb.start), pool.submit(smtp.start)]
    failed = [future.exception() for future in futures if future.exception()]
    if failed:
        stop_all(future.result() for future in futures if not future.exception())
        raise failed[0]
    return [future.result() for future in futures]


def watch(processes: list[Process]) -> Process:
    """Block until interrupted or until a process dies, and return the one that died."""
    while True:
        for process in processes:
            if process.popen.poll() is not None:
                print(f"{process.name} exited with {process.popen.returncode}; see {process.log_file}", file=sys.stderr)
                return process
        time.sleep(1)


def stop() -> int:
    """Stop the foreground stack (it cleans up after itself), then any process it left behind."""
    supervisor = state_dir() / "devstack.pid"
    if supervisor.exists():
        record = json.loads(supervisor.read_text())
        if is_alive(record):
            terminate_pid(record, timeout=90)
        supervisor.unlink(missing_ok=True)
    leftovers = stop_recorded()
    print("stopped" + (f"; also stopped leftovers: {', '.join(leftovers)}" if leftovers else ""))
    return 0


def status() -> int:
    """Print each recorded process with its pid and whether it still runs; exit 1 if none runs."""
    supervisor = state_dir() / "devstack.pid"
    if supervisor.exists():
        record = json.loads(supervisor.read_text())
        print(f"{'sharik-devstack':>22}  pid {record['pid']:<8} {'running' if is_alive(record) else 'dead'}")
    records = recorded()
    for path, record in records:
        print(f"{path.stem:>22}  pid {record['pid']:<8} {'running' if is_alive(record) else 'dead'}")
    if not records:
        print("nothing running")
    return 0 if any(is_alive(record) for _, record in records) else 1
