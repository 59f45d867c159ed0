"""Citizen initiatives' part of the wiring: stores, handlers and the clock that
expires initiatives and flags overdue answers."""

import asyncio
from typing import Any

import structlog

from consultation.initiative.handlers import InitiativeHandlers
from consultation.initiative.rules import RuleStore
from consultation.initiative.store import InitiativeStore
from consultation.initiative.supports import SupportStore
from consultation.moderation.handlers import ModerationHandlers
from sharik.runtime import ServiceRuntime

log = structlog.get_logger(__name__)


def initiatives(
    runtime: ServiceRuntime, *, moderation: ModerationHandlers, pseudonym_key: str, min_committee: int, clock_seconds: float
) -> dict[str, Any]:
    store = InitiativeStore(runtime.db)
    supports = SupportStore(runtime.db, store.collection)
    runtime.relay_outbox_of(store.collection)
    for each in (store, supports):
        runtime.on_startup(each.create_indexes)
    handlers = InitiativeHandlers(
        store,
        supports,
        RuleStore(runtime.db),
        moderation=moderation,
        pseudonym_key=pseudonym_key,
        min_committee=min_committee,
        on_saved=runtime.wake_relay,
    )

    async def clock() -> None:
        # Every replica runs it; each change is a version-guarded update, so two
        # replicas acting on one initiative change it once.
        while True:
            try:
                await handlers.tick()
            except Exception:  # noqa: BLE001 - the clock must outlive a store hiccup
                log.exception("initiative clock failed")
            await asyncio.sleep(clock_seconds)

    runtime.run_in_background(clock)
    return {"initiatives": handlers}
