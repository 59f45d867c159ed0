"""The running tally: VoteCast events counted as they arrive, by parallel consumers.

A national ballot's votes are spread over the partitions of `voting.votes`, and every
replica of the service consumes some of them (one consumer group). A consumer keeps one
partial count per ballot and partition, with the offset of the last vote it holds; the
count and the offset change in one single-document update, conditional on the offset, so
a vote delivered again (after a crash, a rebalance or a broker restart) is recognised by
its offset and not counted twice. The outbox relay publishes at least once (two replicas
relaying the same ballot box, or one killed between publishing and removing an entry), so
the same vote can also sit at a second offset: each vote's first place (partition and
offset) is noted by its vote id before it is counted, and a copy found at another place is
skipped. The running tally of a ballot is the sum of its partial counts: exact whichever
consumer counted which partition.

It is what a ballot showing preliminary counts shows while open. The published result
is counted from the sealed bulletin board; the two agree (tests/voting/integrity)."""

from collections import Counter, defaultdict

import structlog
from aiokafka import ConsumerRecord
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from pymongo import ASCENDING
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import BulkWriteError, DuplicateKeyError

from sharik.bus import dead_letter
from sharik.events.envelope import Envelope, MalformedEvent
from sharik.events.voting import VoteCast
from sharik.store import raise_unless_duplicates
from sharik_verify.tally import WRITE_IN, Choice

log = structlog.get_logger(__name__)

TOPIC = "voting.votes"
BATCH = 1000
Counted = tuple[int, str, Choice]
"""A vote as read from a partition: its offset, its vote id and its choice."""
SEPARATOR = ","
"""Joins a choice's parts into a field name: ids are letters, digits, '-' and '_', and
VoteCast's write-in marker is '*write-in', so no part holds a comma, a dot or a leading '$'."""


class RunningTally:
    """Partial counts per ballot and partition in `partial_tallies`."""

    def __init__(self, db: AsyncDatabase) -> None:
        self.partials = db["partial_tallies"]
        self.places = db["tallied_votes"]

    async def create_indexes(self) -> None:
        await self.partials.create_index([("ballot_id", ASCENDING)])

    async def add(self, ballot_id: str, partition: int, votes: list[Counted]) -> int:
        """Count `votes` (offset, vote id, choice) read from `partition`, skipping offsets
        already counted and copies of votes counted at another offset; return how many were new."""
        key = f"{ballot_id}/{partition}"
        votes = await self._first_copies(partition, votes)
        while votes:
            first = min(offset for offset, _, _ in votes)
            counts = Counter(SEPARATOR.join(choice) for _, _, choice in votes)
            try:
                await self.partials.update_one(
                    {"_id": key, "offset": {"$lt": first}},
                    {
                        "$inc": {f"counts.{k}": n for k, n in counts.items()},
                        "$set": {"offset": max(offset for offset, _, _ in votes)},
                        "$setOnInsert": {"ballot_id": ballot_id, "partition": partition},
                    },
                    upsert=True,
                )
                return len(votes)
            except DuplicateKeyError:
                # The partial already holds some of these (delivered again): keep the rest.
                held = await self.partials.find_one({"_id": key}, {"offset": 1})
                votes = [vote for vote in votes if vote[0] > held["offset"]]
        return 0

    async def _first_copies(self, partition: int, votes: list[Counted]) -> list[Counted]:
        """`votes` less the copies of a vote first seen at another place. The place is noted
        before the count, so a crash between the two leaves the offset guard to decide."""
        first: dict[str, int] = {}
        for offset, vote_id, _ in sorted(votes):
            first.setdefault(vote_id, offset)
        places = {vote_id: (partition, offset) for vote_id, offset in first.items()}
        try:
            await self.places.insert_many(
                [{"_id": vote_id, "partition": p, "offset": o} for vote_id, (p, o) in places.items()], ordered=False
            )
        except BulkWriteError as error:
            raise_unless_duplicates(error)
            noted = self.places.find({"_id": {"$in": list(places)}}, {"partition": 1, "offset": 1})
            places = {d["_id"]: (d["partition"], d["offset"]) async for d in noted}
        return [vote for vote in votes if places[vote[1]] == (partition, vote[0])]

    async def merged(self, ballot_id: str) -> Counter[Choice]:
        """How many votes counted so far hold each distinct choice, over all partitions."""
        cast: Counter[Choice] = Counter()
        async for partial in self.partials.find({"ballot_id": ballot_id}, {"counts": 1}):
            for key, votes in partial.get("counts", {}).items():
                choice = tuple(key.split(SEPARATOR))
                # VoteCast leaves a write-in's text out, so the running tally has them as one answer.
                cast[(WRITE_IN, "") if choice == (WRITE_IN,) else choice] += votes
        return cast


def subscribe_tally(broker: KafkaBroker, tally: RunningTally, *, group_id: str) -> None:
    """Count the VoteCast events of the partitions this replica is assigned, a batch at a time."""

    @broker.subscriber(
        TOPIC,
        group_id=group_id,
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.NACK_ON_ERROR,
        batch=True,
        max_records=BATCH,
        decoder=_bodies,
        title=f"{group_id}:{TOPIC}:tally",
    )
    async def count(bodies: list[bytes], message: KafkaMessage) -> None:
        # Committed only when every partial is saved; a failure redelivers the batch,
        # and the offsets keep what was saved from counting twice.
        by_partial: dict[tuple[str, int], list[Counted]] = defaultdict(list)
        for record, headers in zip(message.raw_message, message.batch_headers, strict=True):
            vote = await _vote_of(broker, record, headers, group_id=group_id)
            if vote is not None:
                place = (vote.ballot_id, record.partition)
                by_partial[place].append((record.offset, vote.vote_id, tuple(vote.choice)))
        for (ballot_id, partition), votes in by_partial.items():
            await tally.add(ballot_id, partition, votes)


async def _bodies(message: KafkaMessage) -> list[bytes]:
    # Each envelope parses its own body, so one bad payload is dead-lettered alone.
    return message.body


async def _vote_of(
    broker: KafkaBroker, record: ConsumerRecord, headers: dict[str, str], *, group_id: str
) -> VoteCast | None:
    """The VoteCast in `record`; None (after dead-lettering it) if it is not one."""
    try:
        envelope = Envelope.parse(headers, record.value or b"")
    except MalformedEvent as error:
        await dead_letter(broker, record, headers, group_id=group_id, error=str(error))
        return None
    return envelope.event if isinstance(envelope.event, VoteCast) else None

