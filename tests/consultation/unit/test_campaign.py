"""The campaign's five steps as a state machine: allowed transitions only."""

from datetime import UTC, datetime, timedelta

import pytest

from consultation.campaign.decisions import Decision, first_progress
from consultation.campaign.domain import TRANSITIONS, Campaign, Plan, Report, next_state
from sharik.errors import Conflict, Invalid
from sharik.events import LocalizedText as T
from sharik.events.consultation import Assessment, CampaignTool, DecisionInput

NOW = datetime(2026, 11, 22, 8, tzinfo=UTC)
TEXT = T(ar="نص", en="Text")


def plan(**overrides) -> Plan:
    fields = dict(
        kind="consultation",
        title=T(ar="تنظيم الأسواق", en="Market regulation"),
        summary=T(ar="ملخص", en="Summary"),
        target_groups=("all_beneficiaries",),
        channels=("website", "social_media"),
        tools=("e-survey", "listening sessions"),
        budget_omr=1500,
        opens_at=NOW,
        closes_at=NOW + timedelta(days=14),
    )
    return Plan(**{**fields, **overrides})


def planned() -> Campaign:
    return Campaign.planned(campaign_id="c1", agency="mtcit", plan=plan(), created_by="officer-1", now=NOW)


def decision(decision_id: str = "d1") -> Decision:
    return Decision(
        decision_id=decision_id,
        text=TEXT,
        inputs=(DecisionInput(kind="survey_question", ref="s1/q1", label=TEXT),),
        history=(first_progress(status="planned", progress=0, at=NOW),),
        recorded_at=NOW,
    )


ASSESSMENT = Assessment(quality=TEXT, strengths=TEXT, challenges=TEXT)
REPORT = Report(report=TEXT, press_release=TEXT, reported_at=NOW)


def through_all_steps() -> list[Campaign]:
    steps = [planned()]
    steps.append(steps[-1].launch((CampaignTool(kind="survey", tool_id="s1"),), now=NOW))
    steps.append(steps[-1].analyse(ASSESSMENT, now=NOW))
    steps.append(steps[-1].decide(decision()))
    steps.append(steps[-1].publish_report(REPORT))
    steps.append(steps[-1].close(now=NOW))
    return steps


def test_a_campaign_goes_through_its_five_steps_then_closes():
    assert [c.state for c in through_all_steps()] == ["planned", "launched", "analysed", "applying", "reported", "closed"]


def test_every_step_outside_its_allowed_states_is_a_conflict():
    states = ["planned", "launched", "analysed", "applying", "reported", "closed", "cancelled"]
    for step, allowed in TRANSITIONS.items():
        for state in states:
            if state in allowed:
                assert next_state(state, step) == allowed[state]
            else:
                with pytest.raises(Conflict):
                    next_state(state, step)


def test_reporting_needs_a_decision_and_analysis_needs_a_launch():
    with pytest.raises(Conflict):
        planned().analyse(ASSESSMENT, now=NOW)
    analysed = planned().launch((), now=NOW).analyse(ASSESSMENT, now=NOW)
    with pytest.raises(Conflict):
        analysed.publish_report(REPORT)


def test_a_campaign_is_cancelled_with_a_reason_but_not_once_reported():
    cancelled = planned().cancel(T(ar="ألغيت", en="Called off"), now=NOW)
    assert cancelled.state == "cancelled" and cancelled.cancel_reason.en == "Called off"
    reported = through_all_steps()[4]
    with pytest.raises(Conflict):
        reported.cancel(TEXT, now=NOW)


def test_the_plan_is_editable_only_while_planned():
    revised = planned().revise(plan(budget_omr=2000), now=NOW)
    assert revised.plan.budget_omr == 2000 and revised.revision == 2
    with pytest.raises(Conflict):
        revised.launch((), now=NOW).revise(plan(), now=NOW)


def test_a_plan_whose_window_is_past_or_reversed_is_refused():
    with pytest.raises(Invalid):
        Campaign.planned(
            campaign_id="c", agency="a", plan=plan(closes_at=NOW - timedelta(days=1), opens_at=NOW - timedelta(days=2)),
            created_by="o", now=NOW,
        )
    with pytest.raises(ValueError, match="closes_at"):
        plan(closes_at=NOW - timedelta(hours=1))


def test_a_decision_progresses_forward_until_done_even_after_the_report():
    reported = through_all_steps()[4]
    d = reported.decision("d1").progressed(status="in_progress", progress=40, note=None, at=NOW)
    d = d.progressed(status="done", progress=100, note=TEXT, at=NOW)
    progressed = reported.progress("d1", d)
    assert [p.sequence for p in progressed.decision("d1").history] == [0, 1, 2]
    with pytest.raises(Conflict):
        d.progressed(status="done", progress=100, note=None, at=NOW)
    with pytest.raises(Invalid):
        reported.decision("d1").progressed(status="done", progress=80, note=None, at=NOW)
    with pytest.raises(Conflict):
        reported.decision("d1").progressed(status="in_progress", progress=30, note=None, at=NOW).progressed(
            status="in_progress", progress=10, note=None, at=NOW
        )


def test_a_tool_attached_twice_is_refused():
    tool = CampaignTool(kind="ballot", tool_id="b1")
    with pytest.raises(Invalid):
        planned().launch((tool, tool), now=NOW)
