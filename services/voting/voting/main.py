"""Wiring: settings → runtime → store, handlers, close job, routes → the ASGI app."""

from datetime import timedelta

from faststream.kafka import KafkaBroker
from pymongo import AsyncMongoClient

from sharik.runtime import ServiceRuntime
from sharik.serving import serve
from voting import api, audit_api, board_api, budget_api, candidacy_api, roll_api
from voting import open_data_api
from voting.announcer import VoteAnnouncer
from voting.audit import AuditLog
from voting.board_handlers import BoardHandlers
from voting.board_store import BoardStore
from voting.closer import BallotCloser
from voting.config import VotingSettings
from voting.handlers import BallotHandlers
from voting.roll_handlers import RollHandlers
from voting.roll_store import RollStore
from voting.running_tally import RunningTally
from voting.sealer import BoardSealer
from voting.store import BallotStore
from voting.vote_writer import VoteWriter


def create_app(
    settings: VotingSettings | None = None,
    *,
    broker: KafkaBroker | None = None,
    mongo: AsyncMongoClient | None = None,
):
    settings = settings or VotingSettings()
    runtime = ServiceRuntime(
        settings,
        published=["voting.ballots", "voting.votes"],
        broker=broker,
        mongo=mongo,
    )
    store = BallotStore(runtime.db)
    board = BoardStore(runtime.db)
    roll = RollStore(runtime.db)
    audit = AuditLog(runtime.db)
    tally = RunningTally(runtime.db)
    # The ballot box's VoteCast are published by the sealer, once on the board (board_handlers.py).
    runtime.relay_outbox_of(store.ballots)
    for indexed in (store, board, roll, audit, tally):
        runtime.on_startup(indexed.create_indexes)
    handlers = BallotHandlers(
        store,
        board=board,
        roll=roll,
        audit=audit,
        tally=tally,
        # A writer vouches for its votes in flight as long as a close would wait for a silent one.
        votes=VoteWriter(store, vouch_seconds=settings.votes_in_flight_wait_seconds),
        pseudonym_key=settings.pseudonym_key.get_secret_value(),
        in_flight_wait_seconds=settings.votes_in_flight_wait_seconds,
        on_saved=runtime.wake_relay,
    )
    closer = BallotCloser(
        handlers,
        every_seconds=settings.close_poll_seconds,
        # A count still unfinished well after the in-flight wait was left by a dead replica.
        stale_after=timedelta(seconds=3 * settings.votes_in_flight_wait_seconds),
    )
    runtime.run_in_background(closer.run)
    announcer = VoteAnnouncer(
        settings.kafka_bootstrap_servers,
        tracer=runtime.tracer_provider.get_tracer(__name__),
        registry=runtime.metrics.registry,
    )
    runtime.on_startup(announcer.start)
    runtime.on_shutdown(announcer.stop)
    boards = BoardHandlers(store, board, tally, announcer)
    # A lease a few passes long: a dead sealer's ballots pass to another replica soon.
    sealer = BoardSealer(
        boards, every_seconds=settings.seal_poll_seconds, lease=timedelta(seconds=5 * settings.seal_poll_seconds)
    )
    runtime.run_in_background(sealer.run)
    rolls = RollHandlers(store, roll, audit, pseudonym_key=settings.pseudonym_key.get_secret_value())
    return runtime.app(
        title="Sharik voting",
        description="Ballots and e-referendums: secret votes, counted and published.",
        routers=[
            api.router,
            board_api.router,
            roll_api.router,
            audit_api.router,
            open_data_api.router,
            candidacy_api.router,
            budget_api.router,
        ],
        state={"ballots": handlers, "boards": boards, "rolls": rolls, "audit": audit},
        # A vote's request is counted and timed by route like any other, but not traced:
        # a span per vote cost a fifth of its CPU, and a vote's trace must join nothing.
        untraced=[r"/ballots/[^/]+/votes$"],
    )


def run() -> None:
    settings = VotingSettings()
    serve(settings, create_app(settings))
