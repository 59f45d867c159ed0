"""The devstack's store keeps what it acknowledged across a kill when it is persistent
(`sharik-devstack up`), and a test's throwaway store leaves nothing behind."""

import pytest
from devstack.smtp import free_port
from pymongo import MongoClient

from devstack import store
from devstack.paths import state_dir

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(store.kind() == "java", reason="SecantusDB's data directory and fsync settings"),
]


def test_a_persistent_store_keeps_acknowledged_writes_when_killed():
    port = free_port("127.0.0.1")
    process = store.start(port=port, persistent=True)
    try:
        with MongoClient(process.url) as client:
            for n in range(200):
                client.probe.items.insert_one({"_id": n})
        process.kill()  # as a crash: no shutdown, no checkpoint

        process = store.start(port=port, persistent=True)
        with MongoClient(process.url) as client:
            assert client.probe.items.count_documents({}) == 200
    finally:
        process.stop()
    assert (state_dir() / f"secantus-{port}").is_dir()


def test_a_throwaway_store_removes_its_data_when_it_stops():
    process = store.start(port=free_port("127.0.0.1"))
    with MongoClient(process.url) as client:
        client.probe.items.insert_one({"_id": 1})
    assert process.scratch is not None and process.scratch.is_dir()
    process.stop()
    assert not process.scratch.exists()
