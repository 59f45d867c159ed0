"""Catalog events of initiatives."""

from datetime import datetime

from consultation.events import envelope
from consultation.initiative.initiative import Initiative
from sharik.events import Envelope, LocalizedText
from sharik.events.consultation import (
    InitiativeAdmitted,
    InitiativeAnswered,
    InitiativeAnswerOverdue,
    InitiativeExpired,
    InitiativeFiled,
    InitiativeRejected,
    InitiativeThresholdReached,
)


def filed(i: Initiative, at: datetime) -> Envelope:
    scope = i.proposal.scope
    event = InitiativeFiled(
        initiative_id=i.initiative_id,
        agency=i.agency,
        level=scope.level,
        code=scope.code,
        language=i.proposal.language,
        committee=len(i.committee),
        filed_at=at,
    )
    return envelope(event, agency=i.agency)


def admitted(i: Initiative, at: datetime) -> Envelope:
    event = InitiativeAdmitted(
        initiative_id=i.initiative_id,
        agency=i.agency,
        threshold=i.rules.supports,
        closes_at=i.collection_closes_at,
        answer_days=i.rules.answer_days,
        admitted_at=at,
    )
    return envelope(event, agency=i.agency)


def rejected(i: Initiative, reason: LocalizedText, at: datetime) -> Envelope:
    event = InitiativeRejected(initiative_id=i.initiative_id, agency=i.agency, reason=reason, rejected_at=at)
    return envelope(event, agency=i.agency)


def reached(i: Initiative, supports: int) -> Envelope:
    event = InitiativeThresholdReached(
        initiative_id=i.initiative_id,
        agency=i.agency,
        supports=supports,
        threshold=i.rules.supports,
        answer_due_at=i.answer_due_at,
        reached_at=i.reached_at,
    )
    return envelope(event, agency=i.agency)


def answered(i: Initiative) -> Envelope:
    a = i.answer
    event = InitiativeAnswered(
        initiative_id=i.initiative_id,
        agency=i.agency,
        outcome=a.outcome,
        reasoning=a.reasoning,
        late=a.late,
        answered_at=a.answered_at,
    )
    return envelope(event, agency=i.agency)


def overdue(i: Initiative) -> Envelope:
    event = InitiativeAnswerOverdue(
        initiative_id=i.initiative_id, agency=i.agency, answer_due_at=i.answer_due_at, flagged_at=i.overdue_at
    )
    return envelope(event, agency=i.agency)


def expired(i: Initiative, supports: int, at: datetime) -> Envelope:
    event = InitiativeExpired(
        initiative_id=i.initiative_id, agency=i.agency, supports=supports, threshold=i.rules.supports, expired_at=at
    )
    return envelope(event, agency=i.agency)
