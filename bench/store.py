"""The devstack's stores side by side: SecantusDB (the default) and mongo-java-server.

For each, on a fresh store on a free port: the time from launch to the first answered
ping; the store's CPU per 1,000 single-document inserts into a collection with one
non-unique index; finds by that indexed field on 100,000 documents (finds per second
from one client, and the store's CPU per find); and the concurrency probe the store
was chosen on (50 concurrent `$inc` on one document; 20 racing updates guarded by the
same `version`). Prints figures; asserts nothing.

    .venv/bin/python bench/store.py
    .venv/bin/python bench/store.py --stores secantus --seconds 10
"""

import argparse
import os
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

from pymongo import ASCENDING, MongoClient

os.environ.setdefault("SHARIK_STATE_DIR", tempfile.mkdtemp(prefix="sharik-bench-state-"))

from devstack import store  # noqa: E402 - after the state dir is chosen
from devstack.smtp import free_port  # noqa: E402

DOCUMENTS = 100_000
SINGLE_INSERTS = 5_000
DISTINCT = 1_000
"""Distinct values of the indexed field: each find matches 100 of the 100,000 documents."""


def cpu_seconds(pid: int) -> float:
    """User and system CPU the process has used, from /proc."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(kind: str, seconds: float) -> dict[str, float | str]:
    os.environ["SHARIK_STORE"] = kind
    store.prepare()
    began = time.monotonic()
    process = store.start(port=free_port("127.0.0.1"))
    figures: dict[str, float | str] = {"start (s)": time.monotonic() - began}
    client = MongoClient(process.url)
    try:
        items = client.bench.items
        items.create_index([("group", ASCENDING)])
        before = cpu_seconds(process.popen.pid)
        for n in range(SINGLE_INSERTS):
            items.insert_one({"_id": n, "group": n % DISTINCT, "pad": "x" * 200})
        figures["store CPU per 1k inserts (s)"] = (cpu_seconds(process.popen.pid) - before) * 1000 / SINGLE_INSERTS
        for start in range(SINGLE_INSERTS, DOCUMENTS, 5_000):
            items.insert_many({"_id": n, "group": n % DISTINCT, "pad": "x" * 200} for n in range(start, start + 5_000))

        finds, before, began = 0, cpu_seconds(process.popen.pid), time.monotonic()
        while time.monotonic() - began < seconds:
            assert len(list(items.find({"group": finds % DISTINCT}, {"_id": 1}))) == DOCUMENTS // DISTINCT
            finds += 1
        elapsed = time.monotonic() - began
        figures["indexed finds per second"] = finds / elapsed
        figures["store CPU per find (ms)"] = (cpu_seconds(process.popen.pid) - before) * 1000 / finds
        figures |= probe(client)
    finally:
        client.close()
        process.stop()
    return figures


def probe(client: MongoClient) -> dict[str, str]:
    counters = client.bench.counters
    counters.insert_many([{"_id": "inc", "n": 0}, {"_id": "guarded", "version": 0}])
    with ThreadPoolExecutor(50) as pool:
        list(pool.map(lambda _: counters.update_one({"_id": "inc"}, {"$inc": {"n": 1}}), range(50)))
        winners = sum(pool.map(
            lambda n: counters.update_one({"_id": "guarded", "version": 0}, {"$set": {"version": 1, "by": n}})
            .modified_count,
            range(20),
        ))
    increments = counters.find_one({"_id": "inc"})["n"]
    return {"50 concurrent $inc": f"{increments}/50", "guarded-update winners": f"{winners}/20 (1 is right)"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stores", nargs="+", default=["secantus", "java"], choices=["secantus", "java"])
    parser.add_argument("--seconds", type=float, default=20, help="how long to run finds on each store")
    args = parser.parse_args()
    results = {kind: measure(kind, args.seconds) for kind in args.stores}
    names = list(next(iter(results.values())))
    print(f"{'':32}" + "".join(f"{kind:>22}" for kind in results))
    for name in names:
        cells = (results[kind][name] for kind in results)
        print(f"{name:32}" + "".join(f"{c:>22.3f}" if isinstance(c, float) else f"{c:>22}" for c in cells))


if __name__ == "__main__":
    main()
