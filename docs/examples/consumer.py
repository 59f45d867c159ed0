"""A downstream consumer of Sharik's events, standing on its own (aiokafka only, no
Sharik code): reads topics from the beginning or from its group's last commit, decodes
the CloudEvents headers, skips repeats by `ce_id`, dispatches on `ce_type` and leaves
types it does not know alone. See docs/consumers.md.

    python docs/examples/consumer.py --bootstrap 127.0.0.1:9092 --group my-team \\
        --from-beginning voting.ballots feedback.complaints
"""

import argparse
import asyncio
import json
from collections.abc import Callable
from typing import Any

from aiokafka import AIOKafkaConsumer

Handler = Callable[[dict[str, str], dict[str, Any]], None]


def print_event(headers: dict[str, str], payload: dict[str, Any]) -> None:
    print(json.dumps({"type": headers["ce_type"], "subject": headers.get("ce_subject"), "payload": payload},
                     ensure_ascii=False))


async def consume(
    bootstrap: str, topics: list[str], *, group: str, handler_for: Callable[[str], Handler | None], from_beginning: bool = False,
    idle_seconds: float | None = None, seen: set[str] | None = None,
) -> int:
    """Apply each event to the handler of its type (`handler_for(ce_type)`, e.g. a dict's
    `get`; None: not read here), at least once: offsets are committed
    after handling, so a crash replays from the last commit, and `seen` (keep it in your
    store, with your writes) skips what was already applied. Returns how many applied.

    `from_beginning` replays the topics whole: a new group id (or a reset group) starts
    at the first offset; `idle_seconds` stops once nothing came for that long."""
    seen = set() if seen is None else seen
    consumer = AIOKafkaConsumer(
        *topics, bootstrap_servers=bootstrap, group_id=group, enable_auto_commit=False,
        auto_offset_reset="earliest" if from_beginning else "latest",
    )
    await consumer.start()
    applied = 0
    try:
        while True:
            batches = await consumer.getmany(timeout_ms=int((idle_seconds or 1) * 1000))
            if not batches and idle_seconds is not None:
                return applied
            for records in batches.values():
                for record in records:
                    headers = {name: value.decode() for name, value in record.headers}
                    handler = handler_for(headers.get("ce_type", ""))
                    if handler is None or headers["ce_id"] in seen:
                        continue  # a type or version this consumer does not read, or a repeat
                    handler(headers, json.loads(record.value))
                    seen.add(headers["ce_id"])
                    applied += 1
            await consumer.commit()
    finally:
        await consumer.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("topics", nargs="+")
    parser.add_argument("--bootstrap", default="127.0.0.1:9092")
    parser.add_argument("--group", required=True)
    parser.add_argument("--from-beginning", action="store_true")
    parser.add_argument("--types", nargs="*", help="CloudEvents types to print (default: every one seen)")
    args = parser.parse_args()

    def handler_for(type_name: str) -> Handler | None:
        return print_event if not args.types or type_name in args.types else None

    asyncio.run(consume(args.bootstrap, args.topics, group=args.group, handler_for=handler_for,
                        from_beginning=args.from_beginning))


if __name__ == "__main__":
    main()
