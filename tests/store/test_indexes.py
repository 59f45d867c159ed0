"""Every query the services run is served by an index: none scans its collection.

Each entry of QUERIES below calls real store functions of one service, the way its
handlers, views and background jobs call them, on a database whose indexes the
services' own `create_indexes` made. A PyMongo CommandListener records every command
they send; each one that reads or writes by a filter (find, aggregate, count,
findAndModify, update, delete) is then run through `explain` and fails the test when
its winning plan reads the whole collection (a COLLSCAN stage).

Adding a query to a store module? Add a line calling it here, with the variants of its
filter that its callers use (an agency or none, a status or none, ...).

A query with neither a filter nor a limit (a platform-wide statistic: an aggregate over
a whole collection, a find of everything) reads every document by what it asks, with an
index or without; those are not failures, and the test lists them when it runs with -rP
(`reads everything:`), so their cost stays in sight.

Needs a store that plans with indexes as MongoDB does: MongoDB itself, or the devstack's
default, SecantusDB. mongo-java-server (SHARIK_STORE=java) uses unique indexes only and
has no `explain`, so there the test is skipped. SecantusDB's explain answers in
MongoDB's shape (queryPlanner.winningPlan, stages nested under `inputStage(s)`, an
aggregate's plan under its first stage's `$cursor` unless the whole pipeline ran as a
query); the walk below reads every stage of the winning plan wherever it is nested.
"""

import inspect
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from consultation.store import CampaignStore
from feedback.category_store import CategoryStore
from feedback.escalation_store import EscalationStore
from feedback.satisfaction_store import SatisfactionStore
from feedback.service_store import ServiceStore
from feedback.store import ComplaintStore, GuessCounters, ReporterIdentities
from notifier.store import DeliveryStore, SubscriptionStore
from pymongo import AsyncMongoClient, monitoring
from pymongo.asynchronous.database import AsyncDatabase
from reporting.catalogue import OpenDataCatalogue
from reporting.projections import Change
from reporting.store import ReadModel
from reporting.views import TransparencyViews
from voting.audit import AuditLog
from voting.board_store import BoardStore
from voting.roll_store import RollStore
from voting.running_tally import RunningTally
from voting.store import BallotStore

from sharik.auth import Principal
from sharik.errors import DomainError
from sharik.outbox import OutboxRelay
from sharik.store import update_aggregate

pytestmark = pytest.mark.integration

NOW = datetime(2026, 3, 1, tzinfo=UTC)
EXPLAINED = ("find", "aggregate", "count", "distinct", "findAndModify", "update", "delete")
DRIVER_FIELDS = ("lsid", "txnNumber", "$db", "$clusterTime", "$readPreference", "readConcern", "writeConcern")

Calls = dict[str, Callable[[], Any]]


async def feedback(db: AsyncDatabase) -> Calls:
    complaints, identities, counters = ComplaintStore(db), ReporterIdentities(db), GuessCounters(db)
    escalations, services, categories = EscalationStore(db), ServiceStore(db), CategoryStore(db)
    satisfaction = SatisfactionStore(db)
    for store in (complaints, identities, escalations, services, categories):
        await store.create_indexes()
    return {
        "ComplaintStore.get": lambda: complaints.get("c-1"),
        "ComplaintStore.save": lambda: update_aggregate(
            complaints.complaints, "c-1", expected_version=1, changes={"status": "closed"}, events=[]
        ),
        "ComplaintStore.by_tracking_code": lambda: complaints.by_tracking_code("SH-1"),
        "ComplaintStore.filed_by": lambda: complaints.filed_by("reporter-1", ["c-1"], limit=50),
        "ComplaintStore.of_agency, a status": lambda: complaints.of_agency(
            "mtcit", confidential=False, status="assigned", limit=50
        ),
        "ComplaintStore.of_agency, every status": lambda: complaints.of_agency(
            "mtcit", confidential=False, status=None, limit=50
        ),
        "ComplaintStore.of_agency, the confidential team": lambda: complaints.of_agency(
            "mtcit", confidential=True, status=None, limit=50
        ),
        "ComplaintStore.of_agency, every agency and status": lambda: complaints.of_agency(
            None, confidential=None, status=None, limit=50
        ),
        "ComplaintStore.of_agency, every agency, a status": lambda: complaints.of_agency(
            None, confidential=None, status="assigned", limit=50
        ),
        "ComplaintStore.comparable": lambda: complaints.comparable(
            agency="mtcit", category="roads", confidential=False, since=NOW - timedelta(days=7), until=NOW, limit=50
        ),
        "ComplaintStore.in_triage": lambda: complaints.in_triage(limit=50),
        "ReporterIdentities.of": lambda: identities.of("c-1"),
        "ReporterIdentities.filed_by": lambda: identities.filed_by("reporter-1"),
        "ReporterIdentities.is_filed_by": lambda: identities.is_filed_by("c-1", "reporter-1"),
        "GuessCounters.attempt": lambda: counters.attempt("198.51.100.7", 1000),
        "GuessCounters.succeeded": lambda: counters.succeeded("198.51.100.7", 1000),
        "EscalationStore.open_complaints": lambda: escalations.open_complaints(),
        "EscalationStore.reached": lambda: escalations.reached("c-1"),
        "EscalationStore.of_complaint": lambda: escalations.of_complaint("c-1"),
        "EscalationStore.listing, an agency and level": lambda: escalations.listing(
            agency="mtcit", level="supervisor", confidential=False, limit=50
        ),
        "EscalationStore.listing, an agency": lambda: escalations.listing(
            agency="mtcit", level=None, confidential=None, limit=50
        ),
        "EscalationStore.listing, every agency": lambda: escalations.listing(
            agency=None, level=None, confidential=None, limit=50
        ),
        "EscalationStore.listing, every agency, a level": lambda: escalations.listing(
            agency=None, level="minister", confidential=None, limit=50
        ),
        "EscalationStore.complaint_access": lambda: escalations.complaint_access("c-1"),
        "ServiceStore.service": lambda: services.service("svc-1"),
        "ServiceStore.list_services, an agency": lambda: services.list_services(agency="mtcit", limit=50),
        "ServiceStore.list_services, every agency": lambda: services.list_services(agency=None, limit=50),
        "ServiceStore.rating": lambda: services.rating("rating-1"),
        "ServiceStore.ratings_of": lambda: services.ratings_of("svc-1", limit=50),
        "ServiceStore.overall_counts": lambda: services.overall_counts("svc-1"),
        "ServiceStore.dimension_totals": lambda: services.dimension_totals("svc-1"),
        "ServiceStore.evaluations_of": lambda: services.evaluations_of("svc-1", limit=50),
        "SatisfactionStore.get": lambda: satisfaction.get("c-1"),
        "CategoryStore.named": lambda: categories.named("roads"),
        "CategoryStore.listed, an agency": lambda: categories.listed(agency="mtcit", limit=50),
        "CategoryStore.listed, every agency": lambda: categories.listed(agency=None, limit=50),
        "OutboxRelay.drain (complaints, escalations, ratings, evaluations)": lambda: relay(
            db, "complaints", "escalations", "service_ratings", "service_evaluations", "satisfaction"
        ),
    }


async def notifier(db: AsyncDatabase) -> Calls:
    subscriptions, deliveries = SubscriptionStore(db), DeliveryStore(db)
    for store in (subscriptions, deliveries):
        await store.create_indexes()
    return {
        "SubscriptionStore.of_owner": lambda: subscriptions.of_owner("citizen-1"),
        "SubscriptionStore.get": lambda: subscriptions.get("sub-1"),
        "SubscriptionStore.remove": lambda: subscriptions.remove("sub-1", owner="citizen-1"),
        "SubscriptionStore.matching": lambda: subscriptions.matching(
            topic="feedback.complaints", agency="mtcit", subscribed_by=NOW
        ),
        "DeliveryStore.claim": lambda: deliveries.claim(now=NOW, lease=timedelta(minutes=1)),
        "DeliveryStore.get": lambda: deliveries.get("delivery-1"),
        "DeliveryStore.list, a state": lambda: deliveries.list(state="failed", limit=50),
        "DeliveryStore.list, every state": lambda: deliveries.list(state=None, limit=50),
        "OutboxRelay.drain (deliveries)": lambda: relay(db, "deliveries"),
    }


async def consultation(db: AsyncDatabase) -> Calls:
    campaigns = CampaignStore(db)
    await campaigns.create_indexes()
    return {
        "CampaignStore.get": lambda: campaigns.get("campaign-1"),
        "CampaignStore.list, public": lambda: campaigns.list(agency=None, include_drafts_of=None, limit=50),
        "CampaignStore.list, an agency's staff": lambda: campaigns.list(
            agency="mtcit", include_drafts_of="mtcit", limit=50
        ),
        "CampaignStore.list, staff, every agency": lambda: campaigns.list(
            agency=None, include_drafts_of="mtcit", limit=50
        ),
        "OutboxRelay.drain (campaigns)": lambda: relay(db, "campaigns"),
    }


async def voting(db: AsyncDatabase) -> Calls:
    ballots, board, roll, audit, tally = BallotStore(db), BoardStore(db), RollStore(db), AuditLog(db), RunningTally(db)
    for store in (ballots, board, roll, audit, tally):
        await store.create_indexes()
    auditor = Principal(subject="auditor-1", roles=frozenset({"auditor"}))
    admin = Principal(subject="admin-1", roles=frozenset({"agency_admin"}), agency="mtcit")
    vote = [{"_id": "vote-1", "ballot_id": "ballot-1", "choice": ["yes"], "cast_at": NOW}]

    async def counted_twice() -> None:
        # The second delivery of a vote takes the duplicate paths (places by id, the partial's offset).
        await tally.add("ballot-1", 0, [(5, "vote-1", ("yes",))])
        await tally.add("ballot-1", 0, [(5, "vote-1", ("yes",))])

    return {
        "BallotStore.get": lambda: ballots.get("ballot-1"),
        "BallotStore.visible, public": lambda: ballots.visible(agency=None, include_drafts_of=None, limit=50),
        "BallotStore.visible, an agency's staff": lambda: ballots.visible(
            agency="mtcit", include_drafts_of="mtcit", limit=50
        ),
        "BallotStore.due": lambda: ballots.due(now=NOW, stale_counting_before=NOW),
        "BallotStore.admit_vote": lambda: ballots.admit_vote("ballot-1"),
        "BallotStore.release_vote": lambda: ballots.release_vote("ballot-1"),
        "BallotStore.votes_in_flight": lambda: ballots.votes_in_flight("ballot-1"),
        "BallotStore.count_voters": lambda: ballots.count_voters("ballot-1"),
        "BallotStore.voters_by_governorate": lambda: ballots.voters_by_governorate("ballot-1"),
        "BoardStore.pending_ballots": lambda: board.pending_ballots(),
        "BoardStore.claim": lambda: board.claim("ballot-1", holder="replica-1", now=NOW, lease=timedelta(seconds=5)),
        "BoardStore.waiting": lambda: board.waiting("ballot-1"),
        "BoardStore.sealed": lambda: board.sealed(),
        "BoardStore.on_board": lambda: board.on_board(vote),
        "BoardStore.seal": lambda: board.seal("ballot-1", vote, binding=True),
        "BoardStore.file": lambda: board.file(vote),
        "BoardStore.seal_contents": lambda: board.seal_contents("ballot-1"),
        "BoardStore.seals": lambda: board.seals("ballot-1", binding=True),
        "BoardStore.choices": lambda: board.choices("ballot-1", binding=False),
        "BoardStore.page": lambda: board.page("ballot-1", "receipts", start=0, limit=100),
        "BoardStore.find_receipt": lambda: board.find_receipt("ballot-1", "receipt-1"),
        "RollStore.wilayat_of": lambda: roll.wilayat_of("ballot-1", "voter-1"),
        "RollStore.transfer": lambda: roll.transfer("ballot-1", "voter-1", "bawshar"),
        "RollStore.summary": lambda: roll.summary("ballot-1"),
        "RollStore.changes_in_flight": lambda: roll.changes_in_flight("ballot-1"),
        "RollStore.end_change": lambda: roll.end_change("change-1"),
        "AuditLog.read, an auditor, every ballot": lambda: audit.read(ballot_id=None, by=auditor, limit=50),
        "AuditLog.read, an auditor, one ballot": lambda: audit.read(ballot_id="ballot-1", by=auditor, limit=50),
        "AuditLog.read, an agency admin": lambda: audit.read(ballot_id=None, by=admin, limit=50),
        "AuditLog.read, an agency admin, one ballot": lambda: audit.read(ballot_id="ballot-1", by=admin, limit=50),
        "RunningTally.add": counted_twice,
        "RunningTally.merged": lambda: tally.merged("ballot-1"),
        "OutboxRelay.drain (ballots)": lambda: relay(db, "ballots"),
    }


async def reporting(db: AsyncDatabase) -> Calls:
    read_model = ReadModel(db)
    await read_model.create_indexes()
    views, catalogue = TransparencyViews(read_model), OpenDataCatalogue(read_model, voting_url="http://voting")
    calls: Calls = {
        "ReadModel.apply": lambda: read_model.apply(
            Change("complaints", "c-1", {"$set": {"agency": "mtcit", "status": "resolved"}}, guard={"version": {"$lt": 3}})
        ),
        "TransparencyViews.ballot": lambda: views.ballot("ballot-1"),
        "TransparencyViews.notifications, a cause": lambda: views.notifications(cause_id="c-1"),
        "TransparencyViews.notifications, every cause": lambda: views.notifications(cause_id=None),
        "OpenDataCatalogue.result": lambda: catalogue.result("ballot-1"),
    }
    for agency in ("mtcit", None):
        scope = "an agency" if agency else "the platform"
        calls |= {
            f"TransparencyViews.campaigns, {scope}": lambda a=agency: views.campaigns(agency=a, limit=50),
            f"TransparencyViews.ballots, {scope}": lambda a=agency: views.ballots(agency=a, limit=50),
            f"TransparencyViews.complaints, {scope}": lambda a=agency: views.complaints(agency=a),
            f"TransparencyViews.timings, {scope}": lambda a=agency: views.timings(agency=a),
            f"TransparencyViews.sla, {scope}": lambda a=agency: views.sla(agency=a),
            f"TransparencyViews.satisfaction, {scope}": lambda a=agency: views.satisfaction(agency=a),
            f"TransparencyViews.summary, {scope}": lambda a=agency: views.summary(agency=a),
            f"OpenDataCatalogue.datasets, {scope}": lambda a=agency: catalogue.datasets(
                agency=a, limit=50, base_url="http://reporting"
            ),
        }
        for by in ("category", "governorate", "agency"):
            calls[f"TransparencyViews.volumes by {by}, {scope}"] = lambda a=agency, b=by: views.volumes(agency=a, by=b)
    return calls


async def relay(db: AsyncDatabase, *collections: str) -> None:
    outbox = OutboxRelay(None, [db[name] for name in collections], poll_seconds=1)
    await outbox.create_indexes()
    await outbox.drain()


SERVICES = {"feedback": feedback, "notifier": notifier, "consultation": consultation, "voting": voting,
            "reporting": reporting}

class Recorder(monitoring.CommandListener):
    """Keeps the commands sent, by the name of the call that sent them."""

    def __init__(self) -> None:
        self.call = ""
        self.commands: list[tuple[str, dict[str, Any]]] = []

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if event.command_name in EXPLAINED:
            self.commands.append((self.call, dict(event.command)))

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


@pytest.fixture(scope="module")
async def planning_store(mongodb_url) -> str:
    client = AsyncMongoClient(mongodb_url)
    try:
        await client["probe"].command({"explain": {"find": "probe", "filter": {}}, "verbosity": "queryPlanner"})
    except Exception as error:  # noqa: BLE001 - any refusal means the store cannot explain
        pytest.skip(f"the store does not explain its plans ({error}); run on MongoDB or SecantusDB")
    finally:
        await client.close()
    return mongodb_url


@pytest.mark.parametrize("service", SERVICES)
async def test_every_query_of_the_service_is_served_by_an_index(planning_store, service):
    recorder = Recorder()
    client = AsyncMongoClient(planning_store, event_listeners=[recorder], tz_aware=True)
    db = client[f"indexes_{service}_{uuid.uuid4().hex[:8]}"]
    try:
        calls = await SERVICES[service](db)
        for name, call in calls.items():
            recorder.call = name
            await run(call)
        recorder.call = ""
        silent = sorted(set(calls) - {name for name, _ in recorder.commands})
        assert not silent, f"these calls sent no query, so the test proves nothing about them: {silent}"

        # A collection that does not exist plans as EOF, which would hide a scan.
        # (A command's first field names it, and its value is the collection.)
        for collection in sorted({next(iter(command.values())) for _, command in recorder.commands}):
            await db[collection].insert_one({"_id": f"filler-{uuid.uuid4().hex}", "filler": True})

        scans, everything = [], []
        for name, command in recorder.commands:
            for explained in statements(command):
                plan = await db.command({"explain": explained, "verbosity": "queryPlanner"})
                if "COLLSCAN" in stages(plan):
                    (everything if reads_everything(explained) else scans).append(f"{name}: {shown(explained)}")
        print("reads everything:", *everything, sep="\n  ")
        assert not scans, "queries that scan their whole collection:\n" + "\n".join(scans)
    finally:
        await client.drop_database(db.name)
        await client.close()


async def run(call: Callable[[], Any]) -> None:
    """Call a store function to the end: await it, or read it through when it yields."""
    try:
        outcome = call()
        if inspect.isasyncgen(outcome):
            async for _ in outcome:
                pass
        elif isinstance(outcome, Awaitable):
            await outcome
    except DomainError:
        pass  # NotFound, ConcurrentChange, WindowClosed...: the query was sent all the same


def statements(command: dict[str, Any]) -> list[dict[str, Any]]:
    """The command as `explain` takes it: without the driver's fields, one statement per update or delete."""
    command = {key: value for key, value in command.items() if key not in DRIVER_FIELDS}
    for batch in ("updates", "deletes"):
        if batch in command:
            return [{**command, batch: [statement]} for statement in command[batch]]
    return [command]


def reads_everything(command: dict[str, Any]) -> bool:
    """Whether the command asks for every document: no filter and no limit."""
    if "find" in command:
        return not command.get("filter") and not command.get("limit")
    if "aggregate" in command:
        pipeline = command["pipeline"]
        filtered = bool(pipeline) and bool(pipeline[0].get("$match"))
        return not filtered and not any("$limit" in stage for stage in pipeline)
    return False


def stages(plan: Any) -> set[str]:
    """Every stage of the winning plans in an explain answer (rejected plans left out)."""
    found: set[str] = set()
    if isinstance(plan, dict):
        if isinstance(plan.get("stage"), str):
            found.add(plan["stage"])
        for key, value in plan.items():
            if key != "rejectedPlans":
                found |= stages(value)
    elif isinstance(plan, list):
        for item in plan:
            found |= stages(item)
    return found


def shown(command: dict[str, Any]) -> str:
    return repr({key: value for key, value in command.items() if key not in ("cursor", "batchSize")})
