"""Government services as citizens and mystery shoppers judged them: one document per
citizen rating (its latest revision) and one per evaluation.

A citizen revises their rating of a service under the same `rating_id`; a revision
applies only over a lower one, so the document holds the highest revision whatever
order they arrive in, and a rating counts once."""

from reporting.projections.change import SERVICE_EVALUATIONS, SERVICE_RATINGS, Change
from sharik.events.feedback import ServiceEvaluated, ServiceRated


def service_rated(event: ServiceRated) -> list[Change]:
    """The rating's overall and per-dimension scores, if this revision is newer."""
    fields = event.model_dump(include={"service_code", "agency", "revision", "channel", "overall", "dimensions", "rated_at"})
    return [Change(SERVICE_RATINGS, event.rating_id, {"$set": fields}, guard={"revision": {"$lt": event.revision}})]


def service_evaluated(event: ServiceEvaluated) -> list[Change]:
    """A mystery shopper's score (0..100) of a service on one channel."""
    fields = event.model_dump(exclude={"evaluation_id"})
    return [Change(SERVICE_EVALUATIONS, event.evaluation_id, {"$set": fields})]
