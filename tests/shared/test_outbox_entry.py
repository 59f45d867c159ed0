from datetime import UTC, datetime

from opentelemetry.sdk.trace import TracerProvider

from sharik.events import Envelope
from sharik.events.voting import VoteCast
from sharik.store import outbox_entry


def test_an_outbox_entry_keeps_the_request_trace_and_the_event_as_published():
    envelope = Envelope(
        event=VoteCast(ballot_id="b1", vote_id="v1", choice=("yes",), cast_at=datetime(2026, 11, 22, tzinfo=UTC)),
        source="voting",
    )
    tracer = TracerProvider().get_tracer("test")
    with tracer.start_as_current_span("POST /ballots/{ballot_id}/votes") as span:
        entry = outbox_entry(envelope)
    trace_id = format(span.get_span_context().trace_id, "032x")
    assert trace_id in entry["trace"]["traceparent"]
    assert entry["key"] == "v1"
    assert entry["topic"] == "voting.votes"
    assert entry["headers"] == envelope.headers()
    assert entry["body"].encode() == envelope.body()
