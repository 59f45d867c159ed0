"""Citizen initiatives' pure rules: the committee, admissibility, scope, threshold,
answer in time or late, expiry."""

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from consultation.initiative.initiative import Initiative, Proposal, Rules, Scope
from sharik.auth import Principal
from sharik.errors import Conflict, Forbidden
from sharik.events import LocalizedText

NOW = datetime(2026, 5, 1, tzinfo=UTC)
WHY = LocalizedText(ar="سبب", en="Reason")
RULES = Rules(supports=3, collection_days=30, answer_days=10)


def initiative(**scope) -> Initiative:
    proposal = Proposal(
        title="ممرات مشاة آمنة",
        text="نطالب ببناء ممرات مشاة آمنة قرب المدارس",
        language="ar",
        agency="muscat-municipality",
        scope=Scope(**(scope or {"level": "wilayat", "code": "bawshar"})),
    )
    return Initiative(initiative_id="i", promoter="p", proposal=proposal, content_id="c", min_committee=2, created_at=NOW)


def resident(**claims) -> Principal:
    return Principal(subject="s", roles=frozenset({"citizen"}), **claims)


def test_a_scope_holds_its_residents_only():
    wilayat = Scope(level="wilayat", code="bawshar")
    assert wilayat.includes(resident(governorate="muscat", wilayat="bawshar"))
    assert not wilayat.includes(resident(governorate="muscat", wilayat="seeb"))
    assert Scope(level="governorate", code="muscat").includes(resident(governorate="muscat"))
    assert Scope(level="national").includes(resident())
    with pytest.raises(ValidationError):
        Scope(level="governorate")
    with pytest.raises(ValidationError):
        Scope(level="national", code="muscat")


def test_it_is_filed_only_with_enough_co_promoters_and_by_its_promoter():
    i = initiative().join_committee("m1")
    with pytest.raises(Conflict):
        i.join_committee("m1")
    with pytest.raises(Conflict) as short:
        i.file("p")
    assert short.value.details[0] == {"field": "committee", "members": 1, "needed": 2}
    i = i.join_committee("m2")
    with pytest.raises(Forbidden):
        i.file("m1")
    assert i.file("p").state == "filed"


def test_reaching_the_threshold_sets_the_answer_due_and_is_reached_once():
    i = initiative().join_committee("a").join_committee("b").file("p").admit(RULES, now=NOW)
    assert i.collection_closes_at == NOW + timedelta(days=30)
    assert i.reached(2, now=NOW) is None
    reached = i.reached(3, now=NOW)
    assert reached.state == "threshold_reached" and reached.answer_due_at == NOW + timedelta(days=10)
    assert reached.reached(4, now=NOW) is None
    assert reached.overdue(NOW + timedelta(days=9)) is None
    late = reached.overdue(NOW + timedelta(days=11))
    assert late.overdue_at == NOW + timedelta(days=11)
    assert late.overdue(NOW + timedelta(days=12)) is None  # flagged once
    on_time = reached.answered("partly_accepted", WHY, now=NOW + timedelta(days=9))
    assert on_time.answer.late is False
    assert late.answered("rejected", WHY, now=NOW + timedelta(days=11)).answer.late is True


def test_missing_the_threshold_by_the_deadline_expires_it():
    i = initiative(level="national").join_committee("a").join_committee("b").file("p").admit(RULES, now=NOW)
    assert i.expired(NOW + timedelta(days=29)) is None
    assert i.expired(NOW + timedelta(days=30)).state == "expired"
    assert i.reached(3, now=NOW).expired(NOW + timedelta(days=31)) is None
    with pytest.raises(Conflict):
        i.require_collecting(NOW + timedelta(days=30))


def test_an_inadmissible_initiative_is_rejected_with_its_reason_and_collects_nothing():
    i = initiative().join_committee("a").join_committee("b").file("p").reject(WHY)
    assert i.state == "rejected" and i.rejection == WHY
    with pytest.raises(Conflict):
        i.require_collecting(NOW)
