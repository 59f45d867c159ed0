"""Public alerts, one document per alert message (an issue, an update or a
cancellation: each is its own alert naming the ones before it). Only what the CAP
document tells the public is kept: not the sender's address nor the operators."""

from reporting.projections.change import Change
from sharik.events.notifier import AlertCancelled, AlertIssued, AlertUpdated

ALERTS = "alerts"
MESSAGE_TYPES = {AlertIssued: "Alert", AlertUpdated: "Update", AlertCancelled: "Cancel"}


def alert(event: AlertIssued | AlertUpdated | AlertCancelled) -> list[Change]:
    fields = event.model_dump(include={"agency", "sent", "status", "references", "categories", "urgency", "severity",
                                       "certainty", "headline", "onset", "expires", "geocodes"})
    return [Change(ALERTS, event.alert_id, {"$set": {**fields, "message_type": MESSAGE_TYPES[type(event)]}})]


PROJECTIONS = {event: alert for event in MESSAGE_TYPES}
