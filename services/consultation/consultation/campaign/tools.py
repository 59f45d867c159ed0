"""Checks against this service's own tools: a survey or draft-policy consultation
attached to a campaign, or named as a decision's input, must exist, be the agency's
and belong to that campaign. Ballots live in the voting service and are taken as given."""

from datetime import UTC, datetime
from typing import Any

from consultation.campaign.figures import stance_figures, survey_figures
from consultation.survey.results import question_result
from consultation.survey.store import SurveyStore
from sharik.errors import Invalid, NotFound
from sharik.events.consultation import CampaignTool, DecisionInput, Figure


PATHS = {"survey": "/surveys/{0}", "draft_policy": "/documents/{0}"}


class ToolCheck:
    def __init__(self, surveys: SurveyStore, documents, comments) -> None:
        self._surveys = surveys
        self._documents = documents
        self._comments = comments

    async def check(self, tools: tuple[CampaignTool, ...], *, agency: str, campaign_id: str) -> None:
        for index, tool in enumerate(tools):
            field = f"tools.{index}.tool_id"
            owned = await self._owned(tool.kind, tool.tool_id, agency=agency, campaign_id=campaign_id, field=field)
            # A launched campaign is public, and so is what it lists.
            if owned is not None and owned.published_at is None:
                raise Invalid(f"publish {tool.kind} {tool.tool_id} before launching with it", details=[{"field": field}])

    async def evidence(self, inputs: tuple[DecisionInput, ...], *, campaign) -> tuple[DecisionInput, ...]:
        """The inputs, checked to name something of this campaign, with the figures
        of the survey question's result or the section's comments by stance."""
        attached = {(t.kind, t.tool_id) for t in campaign.tools}
        checked = []
        for index, item in enumerate(inputs):
            field = f"inputs.{index}.ref"
            figures: tuple[Figure, ...] = ()
            if item.kind == "survey_question":
                survey_id, _, question_id = item.ref.partition("/")
                survey = await self._owned("survey", survey_id, agency=campaign.agency, campaign_id=campaign.campaign_id, field=field)
                questions = {q.question_id: q for q in survey.questionnaire.questions}
                if question_id not in questions:
                    raise Invalid(f"survey {survey_id} has no question {question_id!r}", details=[{"field": field}])
                figures = survey_figures(question_result(questions[question_id], await self._surveys.tally(survey_id)))
            elif item.kind == "section_comments":
                document_id, _, section = item.ref.partition("/")
                document = await self._owned(
                    "draft_policy", document_id, agency=campaign.agency, campaign_id=campaign.campaign_id, field=field
                )
                if not section.isdigit() or int(section) not in {s.number for s in document.draft.sections}:
                    raise Invalid(f"document {document_id} has no section {section!r}", details=[{"field": field}])
                figures = stance_figures((await self._comments.stance_counts(document_id)).get(int(section), {}))
            elif item.kind == "ballot_result" and ("ballot", item.ref) not in attached:
                raise Invalid("the ballot is not one of the campaign's tools", details=[{"field": field}])
            checked.append(item.model_copy(update={"figures": figures}))
        return tuple(checked)

    async def describe(self, tools: tuple[CampaignTool, ...]) -> list[dict[str, Any]]:
        """A launched campaign's tools as a page lists them: this service's with their
        title and phase; others by kind and id."""
        now = datetime.now(UTC)
        described = []
        for tool in tools:
            entry: dict[str, Any] = tool.model_dump()
            store = {"survey": self._surveys, "draft_policy": self._documents}.get(tool.kind)
            if store is not None:
                found = await store.get(tool.tool_id)
                title = found.questionnaire.title if tool.kind == "survey" else found.draft.title
                entry |= {"title": title.model_dump(), "phase": found.phase(now), "path": PATHS[tool.kind].format(tool.tool_id)}
            described.append(entry)
        return described

    async def _owned(self, kind: str, tool_id: str, *, agency: str, campaign_id: str, field: str):
        store = {"survey": self._surveys, "draft_policy": self._documents}.get(kind)
        if store is None:
            return None
        try:
            tool = await store.get(tool_id)
        except NotFound:
            raise Invalid(f"no {kind} {tool_id}", details=[{"field": field}]) from None
        if tool.agency != agency or tool.campaign_id != campaign_id:
            raise Invalid(f"{kind} {tool_id} is not one of this campaign's", details=[{"field": field}])
        return tool
