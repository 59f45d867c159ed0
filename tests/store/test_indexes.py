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
index or without; so does one whose filter only asks for fields to be there (an open
dataset's every filed complaint or counted ballot). Those are not failures, and the test
lists them when it runs with -rP (`reads everything:`), so their cost stays in sight.

Needs a store that plans with indexes as MongoDB does: MongoDB itself, or the devstack's
default, SecantusDB. mongo-java-server (SHARIK_STORE=java) uses unique indexes only and
has no `explain`, so there the test is skipped. SecantusDB's explain answers in
MongoDB's shape (queryPlanner.winningPlan, stages nested under `inputStage(s)`, an
aggregate's plan under its first stage's `$cursor` unless the whole pipeline ran as a
query); the walk below reads every stage of the winning plan wherever it is nested.
"""

import inspect
import uuid
from dataclasses import replace
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from consultation.campaign.store import CampaignStore
from consultation.competition.handlers import CompetitionHandlers
from consultation.competition.store import CompetitionStore, IdeaStore, ReviewStore
from consultation.draft_policy.comments import CommentStore
from consultation.events import envelope as consultation_envelope
from consultation.initiative.initiative import Scope
from consultation.initiative.rules import RuleStore
from consultation.initiative.store import InitiativeStore
from consultation.initiative.supports import SupportStore
from consultation.live_session.store import QuestionStore, SessionStore
from consultation.draft_policy.handlers import DraftPolicyStore
from consultation.moderation.handlers import ContentStore, ModerationHandlers
from consultation.plan.kpi_targets import KpiTargetHandlers
from consultation.survey.handlers import SurveyHandlers
from consultation.survey.store import SurveyStore
from feedback.agency_settings import AgencySettingsStore
from feedback.category_store import CategoryStore
from feedback.escalation_store import EscalationStore
from feedback.limits import WindowCounters
from feedback.satisfaction_store import SatisfactionStore
from feedback.service_store import ServiceStore
from feedback.store import ComplaintStore, ReporterIdentities
from notifier.domain.subscription import Subscription
from notifier.alerts.store import AlertStore, BroadcastStore
from notifier.store import DeliveryStore, ReporterStore, SubscriptionStore
from notifier.webhooks.store import EndpointStore, WebhookDeliveryStore
from pymongo import AsyncMongoClient, monitoring
from pymongo.asynchronous.database import AsyncDatabase
from reporting.catalogue import OpenDataCatalogue
from reporting.config import ReportingSettings
from reporting.data_requests import DataRequests
from reporting.formats_views import FormatViews
from reporting.open_data import OpenData
from reporting.paging import cursor_of
from reporting.participation_views import ParticipationViews
from reporting.projections import Change
from reporting.projections.change import CAMPAIGNS, COMPLAINTS
from reporting.projections.formats import COMPETITIONS
from reporting.projections.participation import TOOLS
from reporting.store import ReadModel
from reporting.views import TransparencyViews
from voting.audit import AuditLog
from voting.board_store import BoardStore
from voting.roll_store import RollStore
from voting.running_tally import RunningTally
from voting.store import BallotStore

from sharik.auth import Principal
from sharik.errors import DomainError
from sharik.events import Envelope
from sharik.events.consultation import SurveyResponseSubmitted
from sharik.outbox import OutboxRelay
from sharik.store import update_aggregate

pytestmark = pytest.mark.integration

NOW = datetime(2026, 3, 1, tzinfo=UTC)
EXPLAINED = ("find", "aggregate", "count", "distinct", "findAndModify", "update", "delete")
DRIVER_FIELDS = ("lsid", "txnNumber", "$db", "$clusterTime", "$readPreference", "readConcern", "writeConcern")

Calls = dict[str, Callable[[], Any]]


async def feedback(db: AsyncDatabase) -> Calls:
    complaints, identities = ComplaintStore(db), ReporterIdentities(db)
    guesses, filings = WindowCounters(db["guess_counters"]), WindowCounters(db["filing_counters"])
    escalations, services, categories = EscalationStore(db), ServiceStore(db), CategoryStore(db)
    satisfaction, agency_settings = SatisfactionStore(db), AgencySettingsStore(db)
    for store in (complaints, identities, guesses, filings, escalations, services, categories):
        await store.create_indexes()
    calls: Calls = {
        "ComplaintStore.get": lambda: complaints.get("c-1"),
        "ComplaintStore.save": lambda: update_aggregate(
            complaints.complaints, "c-1", expected_version=1, changes={"status": "closed"}, events=[]
        ),
        "ComplaintStore.by_tracking_code": lambda: complaints.by_tracking_code("SH-1"),
        "ComplaintStore.filed_by": lambda: complaints.filed_by("reporter-1", ["c-1"], limit=50),
        "ComplaintStore.comparable": lambda: complaints.comparable(
            agency="mtcit", category="roads", confidential=False, since=NOW - timedelta(days=7), until=NOW, limit=50
        ),
        "ComplaintStore.comparable, confidential": lambda: complaints.comparable(
            agency="mtcit", category="roads", confidential=True, since=NOW - timedelta(days=7), until=NOW, limit=50
        ),
        "ComplaintStore.in_triage": lambda: complaints.in_triage(limit=50),
        "ReporterIdentities.of": lambda: identities.of("c-1"),
        "ReporterIdentities.filed_by": lambda: identities.filed_by("reporter-1"),
        "ReporterIdentities.is_filed_by": lambda: identities.is_filed_by("c-1", "reporter-1"),
        "EscalationStore.open_complaints": lambda: escalations.open_complaints(),
        "EscalationStore.reached": lambda: escalations.reached("c-1"),
        "EscalationStore.of_complaint": lambda: escalations.of_complaint("c-1"),
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
        "AgencySettingsStore.of": lambda: agency_settings.of("mtcit"),
        "AgencySettingsStore.restrict_units": lambda: agency_settings.restrict_units("mtcit", True),
        "CategoryStore.named": lambda: categories.named("roads"),
        "CategoryStore.of_agency": lambda: categories.of_agency("mtcit", "roads"),
        "CategoryStore.change": lambda: categories.change("mtcit", "roads", {"sla_days": 5}),
        "CategoryStore.retire": lambda: categories.retire("mtcit", "roads", at=NOW),
        "OutboxRelay.drain (complaints, escalations, ratings, evaluations, satisfaction)": lambda: relay(
            db, "complaints", "escalations", "service_ratings", "service_evaluations", "satisfaction"
        ),
    }
    for name, counters in (("guess", guesses), ("filing", filings)):
        calls |= {
            f"WindowCounters.spend ({name} counters)": lambda c=counters: c.spend("198.51.100.7", 1000),
            f"WindowCounters.take_back ({name} counters)": lambda c=counters: c.take_back("198.51.100.7", 1000),
            f"WindowCounters.expire ({name} counters)": lambda c=counters: c.expire(before=1000),
        }
    for agency in ("mtcit", None):
        scope = "an agency" if agency else "every agency"
        for status in ("assigned", None):
            for confidential in (False, True, None):
                for unit in ("roads-unit", None):
                    calls[f"ComplaintStore.of_agency, {scope}, status {status}, confidential {confidential}, unit {unit}"] = (
                        lambda a=agency, s=status, c=confidential, u=unit: complaints.of_agency(
                            a, confidential=c, status=s, limit=50, unit=u
                        )
                    )
        for level in ("supervisor", None):
            for confidential in (False, None):
                calls[f"EscalationStore.listing, {scope}, level {level}, confidential {confidential}"] = (
                    lambda a=agency, lv=level, c=confidential: escalations.listing(
                        agency=a, level=lv, confidential=c, limit=50
                    )
                )
        for retired in (False, True):
            calls[f"CategoryStore.listed, {scope}, retired {retired}"] = lambda a=agency, r=retired: categories.listed(
                agency=a, retired=r, limit=50
            )
        # Open311's GET requests: the last 90 days, or a window; a status, a service code, or none.
        for since, until in ((NOW - timedelta(days=90), None), (NOW - timedelta(days=7), NOW)):
            for statuses, codes in (([], []), (["assigned", "in_progress"], ["roads"])):
                calls[f"ComplaintStore.public, {scope}, until {until}, filtered {bool(codes)}"] = (
                    lambda a=agency, s=since, u=until, st=statuses, c=codes: complaints.public(
                        agency=a, categories=c, statuses=st, since=s, until=u, limit=50
                    )
                )
    return calls


async def notifier(db: AsyncDatabase) -> Calls:
    subscriptions, deliveries, reporters = SubscriptionStore(db), DeliveryStore(db), ReporterStore(db)
    alerts, broadcasts = AlertStore(db), BroadcastStore(db)
    endpoints, webhooks = EndpointStore(db), WebhookDeliveryStore(db)
    for store in (subscriptions, deliveries, alerts, broadcasts, endpoints, webhooks):
        await store.create_indexes()
    await deliveries.create_part_index()  # made when SMS over SMPP is configured
    subscription = Subscription(
        subscription_id="sub-1", owner="citizen-1", channel="email", address="citizen@example.om", language="ar",
        topics=("feedback.complaints",), agency="mtcit", created_at=NOW, updated_at=NOW,
    )
    lease = timedelta(minutes=1)
    calls: Calls = {
        "SubscriptionStore.put": lambda: subscriptions.put(subscription),
        "SubscriptionStore.of_owner": lambda: subscriptions.of_owner("citizen-1"),
        "SubscriptionStore.get": lambda: subscriptions.get("sub-1"),
        "SubscriptionStore.remove": lambda: subscriptions.remove("sub-1", owner="citizen-1"),
        "SubscriptionStore.matching": lambda: subscriptions.matching(
            topic="feedback.complaints", agency="mtcit", subscribed_by=NOW
        ),
        "SubscriptionStore.in_wilayats (a public alert's area)": lambda: subscriptions.in_wilayats(
            ["bawshar", "seeb"], subscribed_by=NOW
        ),
        "SubscriptionStore.followers (of a complaint)": lambda: subscriptions.followers("c-1"),
        "SubscriptionStore.confirm": lambda: subscriptions.confirm("sub-1", now=NOW),
        "SubscriptionStore.delete": lambda: subscriptions.delete("sub-1"),
        "SubscriptionStore.put_staff": lambda: subscriptions.put_staff(
            replace(subscription, subscription_id="staff-1", owner="staff:supervisor")
        ),
        "SubscriptionStore.remove_staff_except": lambda: subscriptions.remove_staff_except({"staff-1"}),
        "ReporterStore.record": lambda: reporters.record("c-1", reporter_id="reporter-1"),
        "ReporterStore.reporter_of": lambda: reporters.reporter_of("c-1"),
        "DeliveryStore.claim": lambda: deliveries.claim(now=NOW, lease=lease),
        "DeliveryStore.get": lambda: deliveries.get("delivery-1"),
        "DeliveryStore.by_part (an SMS receipt)": lambda: deliveries.by_part("part-1"),
        "DeliveryStore.save": lambda: update_aggregate(
            deliveries.deliveries, "delivery-1", expected_version=1, changes={"state": "sent"}, events=[]
        ),
        "DeliveryStore.list, a state": lambda: deliveries.list(state="failed", limit=50),
        "DeliveryStore.list, every state": lambda: deliveries.list(state=None, limit=50),
        "AlertStore.get": lambda: alerts.get("alert-1"),
        "AlertStore.save": lambda: update_aggregate(
            alerts.alerts, "alert-1", expected_version=1, changes={"state": "issued"}, events=[]
        ),
        "AlertStore.of_agency": lambda: alerts.of_agency("mtcit", limit=50),
        "AlertStore.issued (the feed)": lambda: alerts.issued(limit=50),
        "AlertStore.issued, exercises too": lambda: alerts.issued(limit=50, include_exercises=True),
        "AlertStore.cap_of": lambda: alerts.cap_of("alert-1"),
        "BroadcastStore.claim": lambda: broadcasts.claim(now=NOW, lease=lease),
        "BroadcastStore.get": lambda: broadcasts.get("broadcast-1"),
        "BroadcastStore.of_alert": lambda: broadcasts.of_alert("alert-1"),
        "EndpointStore.get": lambda: endpoints.get("endpoint-1"),
        "EndpointStore.remove": lambda: endpoints.remove("endpoint-1"),
        "EndpointStore.of_owner": lambda: endpoints.of_owner("team-1"),
        "EndpointStore.wanting": lambda: endpoints.wanting("ComplaintFiled", ["team-1", "team-2"]),
        "WebhookDeliveryStore.claim": lambda: webhooks.claim(now=NOW, lease=lease),
        "WebhookDeliveryStore.get": lambda: webhooks.get("webhook-delivery-1"),
        "WebhookDeliveryStore.of_endpoint, a state": lambda: webhooks.of_endpoint("endpoint-1", state="failed", limit=50),
        "WebhookDeliveryStore.of_endpoint, every state": lambda: webhooks.of_endpoint("endpoint-1", state=None, limit=50),
        "OutboxRelay.drain (deliveries, alerts, broadcasts, webhook deliveries)": lambda: relay(
            db, "deliveries", alerts.alerts.name, broadcasts.broadcasts.name, webhooks.deliveries.name
        ),
    }
    return calls


async def consultation(db: AsyncDatabase) -> Calls:
    campaigns, surveys, contents = CampaignStore(db), SurveyStore(db), ContentStore(db)
    documents, comments, kpi_targets = DraftPolicyStore(db), CommentStore(db), KpiTargetHandlers(db)
    for store in (campaigns, surveys, contents, documents, comments):
        await store.create_indexes()
    moderation = ModerationHandlers(contents, pseudonym_key="k" * 32, flags_to_hide=3)
    survey_handlers = SurveyHandlers(
        surveys, moderation=moderation, pseudonym_key="k" * 32, results_max_age=timedelta(seconds=30)
    )
    moderator = Principal(subject="moderator-1", roles=frozenset({"moderator"}), agency="mtcit")
    officer = Principal(subject="officer-1", roles=frozenset({"officer"}), agency="mtcit")
    response = {"response_id": "response-1", "answers": [], "governorate": "muscat"}
    calls: Calls = {
        "CampaignStore.get": lambda: campaigns.get("campaign-1"),
        "CampaignStore.save": lambda: update_aggregate(
            campaigns.campaigns, "campaign-1", expected_version=1, changes={"closed_at": NOW}, events=[]
        ),
        "CampaignStore.of_agency_between (the annual plan)": lambda: campaigns.of_agency_between(
            "mtcit", NOW, NOW + timedelta(days=365)
        ),
        "SurveyStore.get": lambda: surveys.get("survey-1"),
        "SurveyStore.draft_of": lambda: surveys.draft_of("survey-1", "respondent-1"),
        "SurveyStore.save_draft": lambda: surveys.save_draft("survey-1", "respondent-1", {}, new_id="r-1", at=NOW),
        "SurveyStore.submit": lambda: surveys.submit("survey-1", "respondent-2", {**response, "response_id": "response-2"}, envelope_of()),
        "SurveyStore.submit_anonymously": lambda: surveys.submit_anonymously(
            "survey-1", "respondent-3", {**response, "response_id": "response-3"}, envelope_of(), marker_id="marker-1"
        ),
        "SurveyStore.recent_tally (the results)": lambda: surveys.recent_tally(
            "survey-1", max_age=timedelta(seconds=0), final_after=NOW + timedelta(days=3650)
        ),
        "SurveyStore.submitted (the export)": lambda: surveys.submitted("survey-1"),
        "ContentStore.get": lambda: contents.get("content-1"),
        "ContentStore.by_ids": lambda: contents.by_ids(["content-1", "content-2"]),
        "ContentStore.of_ref": lambda: contents.of_ref("survey-1/q-1", limit=50),
        "ContentStore.of_ref, visible only": lambda: contents.of_ref("survey-1/q-1", limit=50, visible_only=True),
        "ModerationHandlers.queue, held": lambda: moderation.queue(visibility="held", by=moderator, limit=50),
        "ModerationHandlers.queue, hidden": lambda: moderation.queue(visibility="hidden", by=moderator, limit=50),
        "ContentStore.delete (a response's texts, a comment's text)": lambda: contents.collection.delete_many(
            {"_id": {"$in": ["content-1"]}}
        ),
        "DraftPolicyStore.get": lambda: documents.get("document-1"),
        "CommentStore.get": lambda: comments.get("comment-1"),
        "CommentStore.support": lambda: comments.support("comment-1", "supporter-1"),
        "CommentStore.answer": lambda: comments.answer("comment-1", {"text": "done"}),
        "CommentStore.of_section": lambda: comments.of_section("document-1", 1, limit=50),
        "CommentStore.stance_counts": lambda: comments.stance_counts("document-1"),
        "KpiTargetHandlers.get": lambda: kpi_targets.get("mtcit", "2026-H1"),
        "OutboxRelay.drain (campaigns, surveys, responses, contents, documents, comments, KPI targets)": lambda: relay(
            db, "campaigns", "surveys", "survey_responses", "contents", "draft_policies", "comments", "kpi_targets"
        ),
    }
    calls |= await ideas_initiatives_and_live_sessions(db)
    # A comment to list replies of, so of_section asks for them.
    await comments.comments.insert_one(
        {"_id": "comment-1", "document_id": "document-1", "section": 1, "reply_to": None, "stance": "for",
         "supports": 0, "created_at": NOW, "supporters": []}
    )
    for agency in ("mtcit", None):
        scope = "an agency" if agency else "every agency"
        for staff_of in ("mtcit", None):
            caller = "its staff" if staff_of else "the public"
            calls[f"CampaignStore.visible, {scope}, {caller}"] = lambda a=agency, s=staff_of: campaigns.visible(
                agency=a, include_planned_of=s, limit=50
            )
            for campaign_id in ("campaign-1", None):
                by = officer if staff_of else None
                calls[f"SurveyHandlers.listed, {scope}, {caller}, campaign {campaign_id}"] = (
                    lambda a=agency, c=campaign_id, b=by: survey_handlers.listed(agency=a, campaign_id=c, by=b, limit=50)
                )
    return calls


async def ideas_initiatives_and_live_sessions(db: AsyncDatabase) -> Calls:
    competitions, ideas, reviews = CompetitionStore(db), IdeaStore(db), ReviewStore(db)
    initiatives, rules, sessions = InitiativeStore(db), RuleStore(db), SessionStore(db)
    supports, questions = SupportStore(db, initiatives.collection), QuestionStore(db, sessions)
    for store in (competitions, ideas, reviews, initiatives, rules, sessions, supports, questions):
        await store.create_indexes()
    competition_handlers = CompetitionHandlers(competitions, ideas, reviews)
    # The initiative whose count a support moves.
    await initiatives.collection.insert_one({"_id": "initiative-1", "supports": 0})
    # A live session with two questions, whose revisions and votes move.
    await sessions.collection.insert_one({"_id": "session-1", "revision": 0})
    for question_id in ("question-1", "question-2"):
        await questions.collection.insert_one(
            {"_id": question_id, "session_id": "session-1", "status": "pending", "votes": 0, "revision": 0}
        )
    review = {"_id": "review-1", "competition_id": "competition-1", "stage_index": 0}
    question = {"_id": "question-1", "session_id": "session-1", "status": "pending"}
    calls: Calls = {
        "CompetitionStore.get": lambda: competitions.get("competition-1"),
        "CompetitionHandlers.listed, an agency": lambda: competition_handlers.listed(agency="mtcit", limit=50),
        "CompetitionHandlers.listed, every agency": lambda: competition_handlers.listed(agency=None, limit=50),
        "IdeaStore.of_competition": lambda: ideas.of_competition("competition-1"),
        "IdeaStore.of_competition, some statuses": lambda: ideas.of_competition(
            "competition-1", statuses=("eligible", "shortlisted")
        ),
        "IdeaStore.of_submitter": lambda: ideas.of_submitter("competition-1", "submitter-1"),
        "IdeaStore.in_competition": lambda: ideas.in_competition("competition-1", "idea-1"),
        "ReviewStore.submit": lambda: reviews.submit(review, scores={}, comments={}, total=0, at=NOW),
        "ReviewStore.one": lambda: reviews.one("competition-1", 0, "idea-1", "juror-1"),
        "ReviewStore.of_juror": lambda: reviews.of_juror("competition-1", 0, "juror-1"),
        "ReviewStore.of_idea": lambda: reviews.of_idea("competition-1", 0, "idea-1"),
        "ReviewStore.of_stage": lambda: reviews.of_stage("competition-1", 0),
        "InitiativeStore.get": lambda: initiatives.get("initiative-0"),
        "InitiativeStore.count": lambda: initiatives.count("initiative-1"),
        "InitiativeStore.closing": lambda: initiatives.closing(NOW, limit=50),
        "InitiativeStore.answer_overdue": lambda: initiatives.answer_overdue(NOW, limit=50),
        "SupportStore.add": lambda: supports.add("initiative-1", "supporter-1"),
        "SupportStore.remove": lambda: supports.remove("initiative-1", "supporter-1"),
        "SupportStore.add, again after a removal": lambda: supports.add("initiative-1", "supporter-1"),
        "SupportStore.supports": lambda: supports.supports("initiative-1", "supporter-1"),
        "SupportStore.active": lambda: supports.active("initiative-1"),
        "RuleStore.of": lambda: rules.of("mtcit", Scope(level="wilayat", code="bawshar")),
        "RuleStore.of_agency": lambda: rules.of_agency("mtcit"),
        "SessionStore.get": lambda: sessions.get("session-0"),
        "SessionStore.next_revision": lambda: sessions.next_revision("session-1"),
        "QuestionStore.get": lambda: questions.get("session-1", "question-1"),
        "QuestionStore.set_status": lambda: questions.set_status(question, "approved"),
        "QuestionStore.vote": lambda: questions.vote(question, "voter-1"),
        "QuestionStore.merge_votes": lambda: questions.merge_votes(question, {**question, "_id": "question-2"}),
        "QuestionStore.changed_since": lambda: questions.changed_since("session-1", 3),
        "QuestionStore.shown": lambda: questions.shown("session-1"),
        "OutboxRelay.drain (competitions, ideas, initiatives, live sessions)": lambda: relay(
            db, competitions.collection.name, ideas.collection.name, initiatives.collection.name,
            sessions.collection.name,
        ),
    }
    return calls


async def voting(db: AsyncDatabase) -> Calls:
    ballots, board, roll, audit, tally = BallotStore(db), BoardStore(db), RollStore(db), AuditLog(db), RunningTally(db)
    for store in (ballots, board, roll, audit, tally):
        await store.create_indexes()
    auditor = Principal(subject="auditor-1", roles=frozenset({"auditor"}))
    admin = Principal(subject="admin-1", roles=frozenset({"agency_admin"}), agency="mtcit")
    vote = [{"_id": "vote-1", "ballot_id": "ballot-1", "choice": ["yes"]}]
    # A writer past its vouching time, so votes_in_flight gives it up (a conditional update).
    await ballots.ballots.insert_one(
        {"_id": "ballot-1", "state": "draft", "agency": "elsewhere", "in_flight": {"writer-1": {"votes": 1, "alive_until": NOW}}}
    )

    async def sealed_and_counted() -> None:
        # A vote on the consultative board, counted by the running tally as the sealer does.
        await board.seal("ballot-2", [{"_id": "vote-2", "ballot_id": "ballot-2", "choice": ["yes"]}], binding=False)
        await tally.catch_up("ballot-2", board)

    return {
        "BallotStore.get": lambda: ballots.get("ballot-0"),
        "BallotStore.visible, public": lambda: ballots.visible(agency=None, include_drafts_of=None, limit=50),
        "BallotStore.visible, an agency": lambda: ballots.visible(agency="mtcit", include_drafts_of=None, limit=50),
        "BallotStore.visible, an agency's staff": lambda: ballots.visible(
            agency="mtcit", include_drafts_of="mtcit", limit=50
        ),
        "BallotStore.visible, staff, every agency": lambda: ballots.visible(
            agency=None, include_drafts_of="mtcit", limit=50
        ),
        "BallotStore.due": lambda: ballots.due(now=NOW, stale_counting_before=NOW),
        "BallotStore.admit": lambda: ballots.admit(
            "ballot-1", writer="writer-2", votes=3, alive_until=NOW + timedelta(seconds=5)
        ),
        "BallotStore.keep_alive": lambda: ballots.keep_alive("ballot-1", writer="writer-2", alive_until=NOW),
        "BallotStore.release": lambda: ballots.release("ballot-1", writer="writer-2", votes=3),
        "BallotStore.votes_in_flight": lambda: ballots.votes_in_flight("ballot-1", now=NOW + timedelta(seconds=1)),
        "BallotStore.unmark_voters": lambda: ballots.unmark_voters([{"_id": "mark-1"}]),
        "BallotStore.to_compact": lambda: ballots.to_compact(),
        "BallotStore.compacted": lambda: ballots.compacted("ballot-1"),
        "BallotStore.count_voters": lambda: ballots.count_voters("ballot-1"),
        "BallotStore.voters_by_governorate": lambda: ballots.voters_by_governorate("ballot-1"),
        "BoardStore.pending_ballots": lambda: board.pending_ballots(),
        "BoardStore.claim": lambda: board.claim("ballot-1", holder="replica-1", now=NOW, lease=timedelta(seconds=5)),
        "BoardStore.waiting": lambda: board.waiting("ballot-1"),
        "BoardStore.sealed": lambda: board.sealed(),
        "BoardStore.on_board": lambda: board.on_board(vote),
        "BoardStore.seal": lambda: board.seal("ballot-1", vote, binding=True),
        "BoardStore.mark_sealed": lambda: board.mark_sealed(vote, binding=True),
        "BoardStore.in_box": lambda: board.in_box("ballot-1"),
        "BoardStore.remove_from_box": lambda: board.remove_from_box(vote),
        "BoardStore.filed": lambda: board.filed("ballot-1", after=""),
        "BoardStore.forget_votes": lambda: board.forget_votes("ballot-1"),
        "BoardStore.seal_contents": lambda: board.seal_contents("ballot-1"),
        "BoardStore.seals": lambda: board.seals("ballot-1", binding=True),
        "BoardStore.choices": lambda: board.choices("ballot-1", binding=False),
        "BoardStore.page": lambda: board.page("ballot-1", "receipts", start=0, limit=100),
        "BoardStore.all": lambda: board.all("ballot-1", "votes"),
        "BoardStore.find_receipt": lambda: board.find_receipt("ballot-1", "receipt-1"),
        "RollStore.register": lambda: roll.register("ballot-1", [("voter-1", "bawshar"), ("voter-2", "seeb")]),
        "RollStore.wilayat_of": lambda: roll.wilayat_of("ballot-1", "voter-1"),
        "RollStore.transfer": lambda: roll.transfer("ballot-1", "voter-1", "bawshar"),
        "RollStore.summary": lambda: roll.summary("ballot-1"),
        "RollStore.changes_in_flight": lambda: roll.changes_in_flight("ballot-1"),
        "RollStore.end_change": lambda: roll.end_change("change-1"),
        "AuditLog.read, an auditor, every ballot": lambda: audit.read(ballot_id=None, by=auditor, limit=50),
        "AuditLog.read, an auditor, one ballot": lambda: audit.read(ballot_id="ballot-1", by=auditor, limit=50),
        "AuditLog.read, an agency admin": lambda: audit.read(ballot_id=None, by=admin, limit=50),
        "AuditLog.read, an agency admin, one ballot": lambda: audit.read(ballot_id="ballot-1", by=admin, limit=50),
        "RunningTally.catch_up (after sealing)": sealed_and_counted,
        "RunningTally.merged": lambda: tally.merged("ballot-2"),
        "OutboxRelay.drain (ballots)": lambda: relay(db, "ballots"),
    }


async def reporting(db: AsyncDatabase) -> Calls:
    read_model = ReadModel(db)
    await read_model.create_indexes()
    views, catalogue = TransparencyViews(read_model), OpenDataCatalogue(read_model, voting_url="http://voting")
    participation = ParticipationViews(read_model)
    open_data = OpenData(read_model, ReportingSettings(environment="test", jwt_public_key="unused: nothing signs in"))
    requests = DataRequests(db, answer_within=timedelta(days=15), pseudonym_key="k" * 32, datasets=open_data)
    for store in (open_data, requests):
        await store.create_indexes()
    # A launched campaign with a draft policy, so the participation and accountability
    # views go past the campaign's lookup to every query they make.
    await read_model[CAMPAIGNS].insert_one(
        {"_id": "campaign-1", "agency": "mtcit", "kind": "consultation", "state": "launched", "launched_at": NOW,
         "title": {"ar": "حملة", "en": "A campaign"}, "opens_at": NOW, "closes_at": NOW + timedelta(days=30)}
    )
    await read_model[TOOLS].insert_one(
        {"_id": "draft_policy:document-1", "kind": "draft_policy", "tool_id": "document-1", "campaign_id": "campaign-1",
         "agency": "mtcit", "opens_at": NOW}
    )
    formats = FormatViews(read_model)
    await read_model[COMPETITIONS].insert_one({"_id": "competition-1", "agency": "mtcit", "opened": []})
    # A filed complaint, so the participation datasets go on to campaigns and frozen days.
    await read_model[COMPLAINTS].insert_one(
        {"_id": "c-0", "agency": "mtcit", "status": "submitted", "filed_at": NOW, "governorate": "muscat",
         "wilayat": "bawshar", "category": "roads"}
    )
    calls: Calls = {
        "ReadModel.apply": lambda: read_model.apply(
            Change("complaints", "c-1", {"$set": {"agency": "mtcit", "status": "resolved"}}, guard={"version": {"$lt": 3}})
        ),
        "TransparencyViews.ballot": lambda: views.ballot("ballot-1"),
        "TransparencyViews.notifications, a cause": lambda: views.notifications(cause_id="c-1"),
        "TransparencyViews.notifications, every cause": lambda: views.notifications(cause_id=None),
        "OpenDataCatalogue.result": lambda: catalogue.result("ballot-1"),
        "ParticipationViews.participation": lambda: participation.participation("campaign-1"),
        "ParticipationViews.kpi": lambda: participation.kpi("mtcit", "2026-H1"),
        "ParticipationViews.national_kpi": lambda: participation.national_kpi("2026-H1"),
        "ParticipationViews.accountability": lambda: participation.accountability("campaign-1"),
        "ParticipationViews.agency_accountability": lambda: participation.agency_accountability("mtcit", limit=50),
        "FormatViews.agency (competitions, initiatives, live sessions)": lambda: formats.agency("mtcit"),
        "FormatViews.competition": lambda: formats.competition("competition-1"),
        "OpenData.all (every dataset)": lambda: open_data.all(),
        "OpenData.snapshot": lambda: open_data.snapshot(NOW.date()),
        "OpenData.snapshots": lambda: open_data.snapshots("complaint-volumes-mtcit"),
        "OpenData.snapshot_file": lambda: open_data.snapshot_file("complaint-volumes-mtcit", "2026-03-01", "csv"),
        "DataRequests.mark_overdue": lambda: requests.mark_overdue(),
        "DataRequests.one": lambda: requests.one("request-1"),
        "DataRequests.page, an agency": lambda: requests.page(agency="mtcit", after=None, limit=50),
        "DataRequests.page, an agency, after a cursor": lambda: requests.page(agency="mtcit", after="request-1", limit=50),
        "DataRequests.page, every agency": lambda: requests.page(agency=None, after=None, limit=50),
        "DataRequests.page, every agency, after a cursor": lambda: requests.page(agency=None, after="request-1", limit=50),
        "DataRequests.all": lambda: requests.all(),
        "OutboxRelay.drain (data requests)": lambda: relay(db, requests.requests.name),
    }
    for agency in ("mtcit", None):
        scope = "an agency" if agency else "the platform"
        calls |= {
            f"TransparencyViews.campaigns, {scope}": lambda a=agency: views.campaigns(agency=a, limit=50),
            f"TransparencyViews.ballots, {scope}": lambda a=agency: views.ballots(agency=a, limit=50),
            f"TransparencyViews.campaigns, {scope}, the next page": lambda a=agency: views.campaigns(
                agency=a, limit=50, cursor=cursor_of({"_id": "campaign-1", "launched_at": NOW}, "launched_at")
            ),
            f"TransparencyViews.campaigns, {scope}, the next page past those never launched": lambda a=agency: (
                views.campaigns(agency=a, limit=50, cursor=cursor_of({"_id": "campaign-1"}, "launched_at"))
            ),
            f"TransparencyViews.ballots, {scope}, the next page": lambda a=agency: views.ballots(
                agency=a, limit=50, cursor=cursor_of({"_id": "ballot-1", "opens_at": NOW}, "opens_at")
            ),
            f"TransparencyViews.ballots, {scope}, the next page past those with no opening": lambda a=agency: (
                views.ballots(agency=a, limit=50, cursor=cursor_of({"_id": "ballot-1"}, "opens_at"))
            ),
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


def envelope_of() -> Envelope:
    """A response's event, stored with it in one update."""
    event = SurveyResponseSubmitted(
        survey_id="survey-1", agency="mtcit", response_id=uuid.uuid4().hex, governorate="muscat", submitted_at=NOW
    )
    return consultation_envelope(event, agency="mtcit")


async def relay(db: AsyncDatabase, *collections: str) -> None:
    outbox = OutboxRelay(Nowhere(), [db[name] for name in collections], poll_seconds=1)
    await outbox.create_indexes()
    await outbox.drain()


class Nowhere:
    """A broker that takes every event: the relay's queries are under test, not Kafka."""

    async def publish(self, *args: Any, **kwargs: Any) -> None:
        pass


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
    """Call a store function to the end: await it, or read it through when it yields or is a cursor."""
    try:
        outcome = call()
        if inspect.isasyncgen(outcome):
            async for _ in outcome:
                pass
        elif isinstance(outcome, Awaitable):
            await outcome
        elif hasattr(outcome, "to_list"):  # a cursor its caller streams (an export)
            await outcome.to_list()
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
    """Whether the command asks for every document: no limit, and no filter or one that
    only asks for fields to be there (every filed complaint, every counted ballot)."""
    if "find" in command:
        return everything_matches(command.get("filter")) and not command.get("limit")
    if "aggregate" in command:
        pipeline = command["pipeline"]
        match = pipeline[0].get("$match") if pipeline else None
        return everything_matches(match) and not any("$limit" in stage for stage in pipeline)
    return False


def everything_matches(query: dict[str, Any] | None) -> bool:
    return all(condition == {"$exists": True} for condition in (query or {}).values())


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
