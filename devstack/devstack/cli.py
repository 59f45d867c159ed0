"""sharik-devstack: run Sharik's local infrastructure and services without a Docker engine."""

import argparse
import json
import os
import signal
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from devstack import cbc, demo, kafka, oidc, smsc, smtp, store
from devstack.keys import dev_keys
from devstack.paths import state_dir
from devstack.process import (
    Process,
    StartError,
    is_alive,
    record_of,
    recorded,
    stop_all,
    stop_recorded,
    terminate_pid,
    wait_until_ready,
)
from devstack.services import start_portal, start_services
from sharik.auth import mint_token


def after_start(urls: dict[str, str]) -> None:
    """Load the demo and print its ids, tokens and a first request to try."""
    tokens = demo.demo_tokens()
    ids = demo.load(urls, tokens)
    print(f"\ndemo agency {demo.AGENCY!r}: campaign {ids['campaign']}, ballot {ids['ballot']} (open)")
    for role, token in tokens.items():
        print(f"\n{role} token:\n{token}")
    print(
        "\ntry:\n"
        f"  curl -H 'authorization: Bearer <citizen token>' -H 'content-type: application/json' \\\n"
        f"       -d '{{\"choice\": \"human-and-society\"}}' {urls['voting']}/ballots/{ids['ballot']}/votes\n"
    )


def token(argv: list[str]) -> int:
    """Print a development token signed with this machine's dev key."""
    parser = argparse.ArgumentParser(prog="sharik token", description=token.__doc__)
    parser.add_argument("--role", required=True, action="append", dest="roles")
    parser.add_argument("--subject", default=None)
    parser.add_argument("--agency")
    parser.add_argument("--governorate")
    parser.add_argument("--wilayat")
    args = parser.parse_args(argv)
    print(
        mint_token(
            dev_keys()[0],
            subject=args.subject or f"dev-{args.roles[0]}",
            roles=args.roles,
            agency=args.agency,
            governorate=args.governorate,
            wilayat=args.wilayat,
        )
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the sharik-devstack command."""
    parser = argparse.ArgumentParser(prog="sharik-devstack", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser(
        "up", help="start Kafka, the store, SMTP, the OpenID provider and the five services; Ctrl-C stops all"
    )
    commands.add_parser("infra", help="start only Kafka, the store, SMTP and the OpenID provider; Ctrl-C stops all")
    commands.add_parser("build", help="download and build what the stack runs (Kafka's jars, the store, the OpenID provider) into the cache")
    commands.add_parser("stop", help="stop a stack started by up or infra, and any leftover process")
    commands.add_parser("status", help="list the processes the devstack started")
    commands.add_parser("token", help="print a development bearer token (see token --help)", add_help=False)
    args, rest = parser.parse_known_args(argv)
    command = args.command
    if command == "token":
        return token(rest)
    if command == "stop":
        return stop()
    if command == "status":
        return status()
    try:
        if command == "build":
            prepare()
            return 0
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
    record_platform([])
    # `stop` sends SIGTERM: clean up as for Ctrl-C. SIGINT is set too because a shell
    # starting us in the background (`&`) makes us ignore it.
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop_signal, signal.default_int_handler)
    infra: list[Process] = []  # filled as they start, so Ctrl-C at any moment stops what runs
    services = None
    portal = None
    try:
        prepare()
        provider = oidc.launch()
        infra += [kafka.launch(persistent=True), store.launch(persistent=True), smtp.launch(), provider.process]
        infra += [smsc.launch(), *(cbc.launch(operator, ports) for operator, ports in cbc.DEV_CENTRES.items())]
        record_platform(infra)
        for process in infra:  # launched side by side, so this waits for the slowest
            wait_until_ready(process, timeout=120)
        kafka_process, store_process, smtp_process, _, smsc_process, *centres = infra
        urls = {
            "kafka": kafka_process.url,
            "mongodb": store_process.url,
            "smtp": smtp_process.url,
            "openid": provider.discovery_url,
            "smsc": smsc_process.url,
        }
        urls |= {centre.name: centre.url for centre in centres}
        if with_services:
            services = start_services(
                kafka_bootstrap_servers=kafka_process.url, mongodb_url=store_process.url, identity=provider
            )
            record_platform(infra + list(services.processes.values()))
            urls |= {name: f"{url}/docs" for name, url in services.urls.items()}
            portal = start_portal(
                services.urls, issuer=provider.issuer, client_id=provider.client_id,
                client_secret=provider.client_secret,
            )
        for name, url in urls.items():
            print(f"{name:>13}  {url}")
        print(f"{'mail':>13}  {state_dir() / 'mail'}\n{'logs':>13}  {state_dir() / 'logs'}")
        print(f"\nOpenID client {provider.client_id!r}, secret {provider.client_secret!r}")
        print(oidc.describe_users())
        if services:
            after_start(services.urls)
        if portal:
            # Last, so it is the line in view: where people start.
            print(f"{'portal':>13}  {portal.url}   (sign in with a demo user above)")
        print("running; Ctrl-C stops everything", flush=True)
        if watch(infra + list(services.processes.values() if services else []) + ([portal] if portal else [])):
            return 1
    except KeyboardInterrupt:
        print("\nstopping…", flush=True)
    finally:
        if portal:
            stop_all([portal])
        if services:
            services.stop()
        stop_all(reversed(infra))
        supervisor.unlink(missing_ok=True)
    return 0


def prepare() -> None:
    """Resolve Kafka, build the store and install the OpenID provider side by side, for a cold cache."""
    with ThreadPoolExecutor() as pool:
        for ready in [pool.submit(kafka.jars_dir), pool.submit(store.prepare), pool.submit(oidc.node_modules)]:
            ready.result()


def watch(processes: list[Process]) -> Process:
    """Block until interrupted or until a process dies, and return the one that died."""
    while True:
        for process in processes:
            if process.popen.poll() is not None:
                print(f"{process.name} exited with {process.popen.returncode}; see {process.log_file}", file=sys.stderr)
                return process
        time.sleep(1)


def record_platform(processes: list[Process]) -> None:
    """The supervisor's own record, listing every process it started: `stop` stops
    those and nothing else that keeps a pid file in the same state directory (a
    benchmark's replicas, a test's broker)."""
    supervisor = state_dir() / "devstack.pid"
    started = json.loads(supervisor.read_text())["started"] if processes and supervisor.exists() else time.time()
    supervisor.write_text(
        json.dumps(
            {
                "pid": os.getpid(),
                "argv": sys.orig_argv,
                "started": started,
                "processes": [record_of(process) for process in processes],
            }
        )
    )


def stop() -> int:
    """Stop the foreground stack (it cleans up after itself), then whatever it had
    started and left behind."""
    supervisor = state_dir() / "devstack.pid"
    if not supervisor.exists():
        print("nothing to stop")
        return 0
    record = json.loads(supervisor.read_text())
    if is_alive(record):
        terminate_pid(record, timeout=90)
    leftovers = stop_recorded(record.get("processes", []))
    supervisor.unlink(missing_ok=True)
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
