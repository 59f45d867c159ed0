"""A service process writing to a file (not a terminal) writes one JSON object per line,
FastStream's and uvicorn's lines included, without colour codes; lines written while
handling a request or a consumed record carry its trace id."""

import json
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from devstack.process import launch, stop_all, wait_until_ready
from devstack.services import is_ready, service_env
from devstack.smtp import free_port
from tests.support.service import unique_database

pytestmark = pytest.mark.integration
# Its own trace, told apart from other tests' records on the topic.
TRACE_ID = uuid.uuid4().hex


async def test_every_line_of_a_service_log_is_json_with_trace_ids(kafka_bootstrap_servers, mongodb_url):
    port = free_port("127.0.0.1")
    database = unique_database("reporting")
    env = service_env(
        "reporting", port=port, kafka_bootstrap_servers=kafka_bootstrap_servers, mongodb_url=mongodb_url,
        smtp_host="127.0.0.1", smtp_port=1,
    ) | {"REPORTING_MONGODB_DATABASE": database, "REPORTING_CONSUMER_GROUP": f"sharik.reporting.{database}"}
    url = f"http://127.0.0.1:{port}"
    process = launch(
        f"reporting-logs-{port}", [_script("sharik-reporting")], url=url, ports=(port,),
        answers=lambda: is_ready(url), env=env,
    )
    try:
        wait_until_ready(process, timeout=120)
        async with httpx.AsyncClient(base_url=url) as http:
            assert (await http.get("/no/such/route")).status_code == 404
            assert (await http.get("/transparency/campaigns")).status_code == 200
        # A record reporting cannot read, sent within a trace: FastStream handles it and
        # it is dead-lettered.
        producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap_servers)
        await producer.start()
        try:
            await producer.send_and_wait(
                "consultation.campaigns", b"not an event", key=b"logs-test",
                headers=[("traceparent", f"00-{TRACE_ID}-00f067aa0ba902b7-01".encode())],
            )
        finally:
            await producer.stop()
        # Its new consumer group reads the topic's earlier records first.
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and not any(
            TRACE_ID in line and '"Processed"' in line for line in process.log_file.read_text().splitlines()
        ):
            time.sleep(0.5)
    finally:
        stop_all([process])

    lines = process.log_file.read_text().splitlines()
    assert lines
    records = []
    for number, line in enumerate(lines, start=1):
        assert "\x1b[" not in line, f"line {number} has colour codes: {line!r}"
        try:
            records.append(json.loads(line))
        except ValueError:
            pytest.fail(f"line {number} is not JSON: {line!r}")
    assert all(isinstance(r, dict) and r.get("service") == "reporting" and "event" in r for r in records)
    loggers = {r["logger"] for r in records}
    assert any(name.startswith("faststream") for name in loggers), loggers
    assert any(name.startswith("uvicorn") for name in loggers), loggers
    requests = [r for r in records if r.get("logger") == "uvicorn.access" and "/transparency/campaigns" in r["event"]]
    assert requests and all("trace_id" in r for r in requests), requests
    # Other tests' records on the topic are read too (the consumer group is new).
    ours = [r for r in records if r.get("trace_id") == TRACE_ID]
    assert [r["event"] for r in ours] == ["Received", "dead-lettered", "Processed"], ours
    assert ours[0]["logger"] == "faststream.broker" and ours[0]["topic"] == "consultation.campaigns"
    assert not any("color_message" in r for r in records)


def _script(name: str) -> str:
    return str(Path(sys.executable).parent / name)
