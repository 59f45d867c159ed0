"""A real SMPP 3.4 exchange with the SMS centre stand-in on loopback: a 200-character
Arabic text goes in UCS-2 parts with a concatenation header and each part's receipt
comes back; throttling is backed off; enquire_link keeps a quiet line up; a lost
connection is re-established."""

import asyncio

import pytest

from devstack.smsc import SmsCentre, serve
from notifier.sms.smpp import SmppConnection, SmppSettings
from tests.notifier.integration.conftest import eventually

pytestmark = pytest.mark.integration

ARABIC_200 = ("تنبيه من منصة شارك: " + "يرجى الابتعاد عن الأودية وعدم عبورها أثناء جريانها حفاظاً على سلامتكم. " * 3)[:200]


def settings(port: int, **changes) -> SmppSettings:
    return SmppSettings(
        host="127.0.0.1", port=port, system_id="sharik", password="secret", source_addr="SHARIK",
        throttle_backoff_seconds=0.05, **changes,
    )


@pytest.fixture
async def centre():
    running = await serve(SmsCentre())
    yield running
    await running.stop()


async def test_a_200_character_arabic_sms_goes_in_three_ucs2_parts_each_with_a_receipt(centre):
    receipts: list[tuple[str, bool, str]] = []

    async def on_receipt(message_id: str, delivered: bool, stat: str) -> None:
        receipts.append((message_id, delivered, stat))

    connection = SmppConnection(settings(centre.port), on_receipt=on_receipt)
    await connection.start()
    try:
        assert len(ARABIC_200) == 200
        ids = await connection.submit("96891234567", ARABIC_200)
        assert len(ids) == 3
        parts = centre.centre.submitted
        assert [p.data_coding for p in parts] == [0x08] * 3, "UCS-2"
        assert all(p.esm_class & 0x40 for p in parts), "UDH: concatenated"
        assert centre.centre.texts() == [ARABIC_200]
        await eventually(lambda: len(receipts) == 3, what="three receipts")
        assert sorted(r[0] for r in receipts) == sorted(ids)
        assert all(delivered for _id, delivered, _stat in receipts)

        [failed] = await connection.submit("96891234560", "Hello")
        await eventually(lambda: len(receipts) == 4, what="the failure receipt")
        assert receipts[-1] == (failed, False, "UNDELIV")
    finally:
        await connection.stop()


async def test_throttling_is_backed_off_and_a_quiet_line_is_kept_up_with_enquire_link(centre):
    centre.centre.throttle_first = 2
    connection = SmppConnection(settings(centre.port, enquire_link_seconds=0.3), on_receipt=_ignore)
    await connection.start()
    try:
        [message_id] = await connection.submit("96891234567", "Flash flood: keep away from wadis.")
        assert message_id and centre.centre.throttled == 2
        await asyncio.sleep(1.0)
        assert centre.centre.enquire_links >= 2
    finally:
        await connection.stop()


async def test_a_lost_connection_is_bound_again(centre):
    connection = SmppConnection(settings(centre.port, reconnect_max_seconds=0.5), on_receipt=_ignore)
    await connection.start()
    try:
        await connection.submit("96891234567", "first")
        port = centre.port
        await centre.stop()
        restarted = await serve(SmsCentre(), port)
        try:
            [message_id] = await connection.submit("96891234567", "after the outage")
            assert message_id and restarted.centre.binds == 1
        finally:
            await restarted.stop()
    finally:
        await connection.stop()


async def _ignore(*_args) -> None:
    return None
