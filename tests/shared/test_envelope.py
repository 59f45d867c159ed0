from datetime import UTC, datetime

import pytest

from sharik.events import Envelope, LocalizedText
from sharik.events.envelope import MalformedEvent
from sharik.events.voting import VoteCast

NOW = datetime(2026, 11, 22, tzinfo=UTC)


def vote() -> VoteCast:
    return VoteCast(ballot_id="b1", vote_id="v1", choice=("human-and-society",), cast_at=NOW)


def test_an_envelope_round_trips_through_kafka_headers_and_body():
    sent = Envelope(event=vote(), source="voting", agency="mjd", correlation_id="c-1")
    received = Envelope.parse(sent.headers(), sent.body())
    assert received == sent
    assert sent.headers()["ce_type"] == "om.sharik.voting.VoteCast.v1"
    assert sent.headers()["ce_subject"] == "b1"


def test_votes_are_keyed_by_vote_so_one_ballot_spreads_over_partitions():
    assert vote().partition_key() == "v1"
    assert vote().subject() == "b1"


def test_a_caused_event_continues_the_conversation():
    cause = Envelope(event=vote(), source="voting")
    effect = cause.caused(vote(), source="reporting")
    assert effect.correlation_id == cause.id
    assert effect.causation_id == cause.id


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda h, b: ({k: v for k, v in h.items() if k != "ce_type"}, b), "missing CloudEvents headers: ce_type"),
        (lambda h, b: ({**h, "ce_type": "om.sharik.voting.Unknown.v1"}, b), "unknown event type"),
        (lambda h, b: ({**h, "ce_specversion": "0.3"}, b), "unsupported ce_specversion"),
        (lambda h, b: (h, b"{not json"), "invalid om.sharik.voting.VoteCast.v1"),
        (lambda h, b: (h, b'{"ballot_id": "b1"}'), "invalid om.sharik.voting.VoteCast.v1"),
    ],
)
def test_a_malformed_message_says_what_is_wrong(change, reason):
    envelope = Envelope(event=vote(), source="voting")
    headers, body = change(envelope.headers(), envelope.body())
    with pytest.raises(MalformedEvent, match=reason):
        Envelope.parse(headers, body)


def test_unknown_fields_are_ignored_so_additive_changes_keep_the_version():
    envelope = Envelope(event=vote(), source="voting")
    body = envelope.body()[:-1] + b',"added_later":1}'
    assert Envelope.parse(envelope.headers(), body).event == vote()


def test_localized_text_needs_both_languages():
    with pytest.raises(ValueError):
        LocalizedText(ar="نص", en="")
