"""Apache Kafka as one KRaft node (broker and controller), run from jars resolved from Maven Central."""

import asyncio
import base64
import subprocess
import tempfile
import uuid
from pathlib import Path

from aiokafka.admin import AIOKafkaAdminClient

from sharik.bus.topics import MAX_RECORD_BYTES

from devstack import maven, process
from devstack.paths import SOURCE_DIR, state_dir
from devstack.process import Process, StartError, is_listening, wait_until_ready

POM = SOURCE_DIR / "kafka" / "pom.xml"
# Fixed, so that a log dir formatted once is accepted on every later start.
CLUSTER_ID = base64.urlsafe_b64encode(uuid.uuid5(uuid.NAMESPACE_DNS, "dev.sharik.om").bytes).decode().rstrip("=")


def jars_dir() -> Path:
    """Return the directory of Kafka's jars, resolving them with Maven the first time."""
    return maven.resolve(POM, "kafka")


def server_properties(*, port: int, controller_port: int, log_dir: Path) -> str:
    """Return the configuration of a single-node KRaft cluster listening on loopback."""
    return f"""\
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:{controller_port}
listeners=PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller_port}
advertised.listeners=PLAINTEXT://127.0.0.1:{port}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs={log_dir}
# One node: every internal topic has a single replica.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
default.replication.factor=1
min.insync.replicas=1
# Few internal partitions: the first consumer group then starts in a second, not ten.
offsets.topic.num.partitions=5
transaction.state.log.num.partitions=5
share.coordinator.state.topic.num.partitions=5
group.initial.rebalance.delay.ms=0
# Services create their topics with the partitions they need; a typo must fail, not create a topic.
auto.create.topics.enable=false
# The same record limit as the services' producers and topics (sharik.bus.topics).
message.max.bytes={MAX_RECORD_BYTES}
"""


def start(
    *,
    port: int = 9092,
    controller_port: int = 9093,
    persistent: bool = False,
    home: Path | None = None,
    timeout: float = 120,
) -> Process:
    """Start Kafka on 127.0.0.1:`port` and return once it answers a metadata request."""
    launched = launch(port=port, controller_port=controller_port, persistent=persistent, home=home)
    return wait_until_ready(launched, timeout=timeout)


def launch(
    *, port: int = 9092, controller_port: int = 9093, persistent: bool = False, home: Path | None = None
) -> Process:
    """Start Kafka on 127.0.0.1:`port` without waiting for it to answer.

    `persistent` keeps the topics under the state dir across restarts (`./sharik run`);
    `home` keeps them in that directory instead (a test restarting its own broker);
    otherwise they live in a fresh temporary directory, so a test session never reads
    what earlier sessions wrote."""
    libs = jars_dir()
    if home is not None:
        home.mkdir(parents=True, exist_ok=True)
    elif persistent:
        home = state_dir() / f"kafka-{port}"
        home.mkdir(exist_ok=True)
    else:
        home = Path(tempfile.mkdtemp(prefix=f"sharik-kafka-{port}-"))
    props = home / "server.properties"
    props.write_text(server_properties(port=port, controller_port=controller_port, log_dir=home / "data"))
    classpath = f"{libs}/*"
    # A short-lived JVM: skipping the optimising compiler makes it start faster.
    formatted = subprocess.run(
        ["java", "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", classpath, "kafka.tools.StorageTool",
         "format", "-t", CLUSTER_ID, "-c", str(props), "--ignore-formatted"],
        capture_output=True, text=True,
    )
    if formatted.returncode:
        raise StartError(f"formatting {home / 'data'} failed:\n{formatted.stdout}{formatted.stderr}")
    return process.launch(
        f"kafka-{port}", ["java", "-Xmx512m", "-cp", classpath, "kafka.Kafka", str(props)],
        url=f"127.0.0.1:{port}", ports=(port, controller_port), answers=lambda: answers(f"127.0.0.1:{port}"),
    )


def answers(bootstrap_servers: str) -> bool:
    """Whether the cluster answers a metadata request that lists at least one broker."""
    async def describe() -> bool:
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, request_timeout_ms=2000)
        try:
            await admin.start()
            return bool((await admin.describe_cluster())["brokers"])
        finally:
            await admin.close()

    host, _, port = bootstrap_servers.split(",")[0].rpartition(":")
    # aiokafka logs every refused connection, so probe the port first.
    if not is_listening(host, int(port)):
        return False
    try:
        return asyncio.run(asyncio.wait_for(describe(), 5))
    except Exception:
        return False
