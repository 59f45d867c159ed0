"""A participation campaign through its five steps (DOMAIN.md): plan → launch →
analyse → apply → report, then closed; cancelled with a reason before it is reported.
Only the transitions in TRANSITIONS exist; any other is a Conflict (409)."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from consultation.campaign.decisions import Decision
from sharik.errors import Conflict, Invalid, NotFound
from sharik.events.consultation import Assessment, CampaignKind, CampaignTool
from sharik.events import LocalizedText

CampaignState = Literal["planned", "launched", "analysed", "applying", "reported", "closed", "cancelled"]
Step = Literal["revise", "launch", "analyse", "decide", "report", "close", "cancel"]

TRANSITIONS: dict[Step, dict[CampaignState, CampaignState]] = {
    "revise": {"planned": "planned"},
    "launch": {"planned": "launched"},
    "analyse": {"launched": "analysed"},
    "decide": {"analysed": "applying", "applying": "applying"},
    "report": {"applying": "reported"},
    "close": {"reported": "closed"},
    "cancel": {"planned": "cancelled", "launched": "cancelled", "analysed": "cancelled", "applying": "cancelled"},
}
PROGRESS_STATES: frozenset[CampaignState] = frozenset({"applying", "reported", "closed"})
"""A decision's implementation goes on after the report; its progress is still told."""


def next_state(state: CampaignState, step: Step) -> CampaignState:
    """The state `step` leads to from `state`; Conflict when the step is not allowed."""
    allowed = TRANSITIONS[step]
    if state not in allowed:
        raise Conflict(
            f"a {state} campaign cannot {step}",
            details=[{"field": "state", "state": state, "allowed_from": sorted(allowed)}],
        )
    return allowed[state]


class Plan(BaseModel):
    """What the agency plans (seed 002's plan columns and the five-step "plan")."""

    model_config = ConfigDict(frozen=True)

    kind: CampaignKind
    title: LocalizedText
    summary: LocalizedText
    objectives: tuple[LocalizedText, ...] = Field(default=(), max_length=20)
    target_groups: tuple[str, ...] = Field(default=("all_beneficiaries",), min_length=1, max_length=20)
    partners: tuple[str, ...] = Field(default=(), max_length=50)
    scope: LocalizedText | None = None
    channels: tuple[str, ...] = Field(default=("website",), min_length=1, max_length=20)
    tools: tuple[str, ...] = Field(default=(), max_length=20)
    """Digital and non-digital tools planned, e.g. e-survey, listening sessions."""
    budget_omr: float | None = Field(default=None, ge=0)
    opens_at: datetime
    closes_at: datetime

    @field_validator("closes_at")
    @classmethod
    def _after_opening(cls, closes_at: datetime, info: ValidationInfo) -> datetime:
        opens_at = info.data.get("opens_at")
        if opens_at is not None and closes_at <= opens_at:
            raise ValueError("closes_at must be after opens_at")
        return closes_at


class Report(BaseModel):
    model_config = ConfigDict(frozen=True)

    report: LocalizedText
    press_release: LocalizedText
    links: tuple[str, ...] = ()
    reported_at: datetime


class Campaign(BaseModel):
    """The aggregate: its plan, state, tools, assessment, decisions and report."""

    model_config = ConfigDict(frozen=True)

    campaign_id: str
    agency: str
    plan: Plan
    state: CampaignState = "planned"
    revision: int = 1
    created_by: str
    created_at: datetime
    launched_at: datetime | None = None
    tools: tuple[CampaignTool, ...] = ()
    assessment: Assessment | None = None
    analysed_at: datetime | None = None
    decisions: tuple[Decision, ...] = ()
    report: Report | None = None
    closed_at: datetime | None = None
    cancel_reason: LocalizedText | None = None
    cancelled_at: datetime | None = None
    version: int = 0

    @classmethod
    def planned(cls, *, campaign_id: str, agency: str, plan: Plan, created_by: str, now: datetime) -> "Campaign":
        """A new planned campaign; its window must not lie in the past."""
        _not_past(plan, now)
        return cls(campaign_id=campaign_id, agency=agency, plan=plan, created_by=created_by, created_at=now)

    @property
    def is_public(self) -> bool:
        """Public from its launch on, whatever became of it later."""
        return self.launched_at is not None

    def revise(self, plan: Plan, *, now: datetime) -> "Campaign":
        """Change the plan while it is still only planned."""
        next_state(self.state, "revise")
        _not_past(plan, now)
        return self.model_copy(update={"plan": plan, "revision": self.revision + 1})

    def launch(self, tools: tuple[CampaignTool, ...], *, now: datetime) -> "Campaign":
        """Open the campaign to the public with its tools."""
        state = next_state(self.state, "launch")
        if self.plan.closes_at <= now:
            raise Conflict("campaign window has already ended", details=[{"field": "closes_at"}])
        if len({(t.kind, t.tool_id) for t in tools}) != len(tools):
            raise Invalid("a tool is attached twice", details=[{"field": "tools"}])
        return self.model_copy(update={"state": state, "launched_at": now, "tools": tools})

    def analyse(self, assessment: Assessment, *, now: datetime) -> "Campaign":
        """Record the officer's assessment of the participation."""
        state = next_state(self.state, "analyse")
        return self.model_copy(update={"state": state, "assessment": assessment, "analysed_at": now})

    def decide(self, decision: Decision) -> "Campaign":
        """Record a decision taken on citizens' input."""
        state = next_state(self.state, "decide")
        if any(d.decision_id == decision.decision_id for d in self.decisions):
            raise Conflict(f"decision {decision.decision_id} exists")
        return self.model_copy(update={"state": state, "decisions": (*self.decisions, decision)})

    def progress(self, decision_id: str, decision: Decision) -> "Campaign":
        """Replace a decision by its progressed self."""
        if self.state not in PROGRESS_STATES:
            raise Conflict(f"a {self.state} campaign has no decisions to progress", details=[{"field": "state"}])
        self.decision(decision_id)
        decisions = tuple(decision if d.decision_id == decision_id else d for d in self.decisions)
        return self.model_copy(update={"decisions": decisions})

    def decision(self, decision_id: str) -> Decision:
        for decision in self.decisions:
            if decision.decision_id == decision_id:
                return decision
        raise NotFound(f"no decision {decision_id} in campaign {self.campaign_id}")

    def publish_report(self, report: Report) -> "Campaign":
        """Publish what was done with the input."""
        return self.model_copy(update={"state": next_state(self.state, "report"), "report": report})

    def close(self, *, now: datetime) -> "Campaign":
        return self.model_copy(update={"state": next_state(self.state, "close"), "closed_at": now})

    def cancel(self, reason: LocalizedText, *, now: datetime) -> "Campaign":
        state = next_state(self.state, "cancel")
        return self.model_copy(update={"state": state, "cancel_reason": reason, "cancelled_at": now})


def _not_past(plan: Plan, now: datetime) -> None:
    if plan.closes_at <= now:
        raise Invalid("closes_at is in the past", details=[{"field": "closes_at"}])
