"""One SMPP 3.4 transceiver bind to the SMS centre, kept up, with `smpplib` doing the
protocol: a reader thread (smpplib's client is blocking) that sends enquire_link when
the line is quiet and reconnects with backoff; submits from asyncio, at most `window`
in flight; long texts split with a concatenation UDH and Arabic sent as UCS-2
(smpplib.gsm.make_parts); ESME_RTHROTTLED answered by backing off; delivery receipts
(deliver_sm) handed to `on_receipt`."""

import asyncio
import queue
import re
import threading
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import structlog
from smpplib import consts, exceptions, smpp
from smpplib.client import Client
from smpplib.gsm import make_parts

from notifier.channels import DeliveryError

log = structlog.get_logger(__name__)

RECEIPT = 0x04
"""esm_class bit of a deliver_sm that is a delivery receipt."""
_STAT = re.compile(rb"stat:(\w+)")
_ID = re.compile(rb"id:(\w+)")

Receipt = Callable[[str, bool, str], Awaitable[None]]
"""(message id, delivered?, the centre's stat) → recorded."""


class _Sequences:
    """smpplib's sequence numbers, drawn under a lock: the reader thread numbers its
    deliver_sm_resp while the event loop numbers submits, and a number drawn twice
    would leave a submit waiting for an answer that went to the other."""

    MAX = 0x7FFFFFFF

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sequence = 1

    @property
    def sequence(self) -> int:
        return self._sequence

    def next_sequence(self) -> int:
        with self._lock:
            self._sequence = 1 if self._sequence == self.MAX else self._sequence + 1
            return self._sequence


class _Client(Client):
    """smpplib's client, every PDU written by one writer thread from a queue: the reader
    thread answers deliver_sm and sends enquire_link while submits come from the event
    loop, and neither may block on the socket (a full send buffer while the reader
    waits would deadlock with a centre that stops reading until we read)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._outbox: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._writer: threading.Thread | None = None

    def connect(self):
        super().connect()
        self._writer = threading.Thread(target=self._write_all, name="smpp-writer", daemon=True)
        self._writer.start()

    def send_pdu(self, p):
        if self.state not in consts.COMMAND_STATES[p.command]:
            raise exceptions.PDUError(f"Command {p.command} failed: not bound")
        self._outbox.put(p.generate())
        return True

    def _write_all(self) -> None:
        while (data := self._outbox.get()) is not None:
            try:
                self._socket.sendall(data)
            except OSError:
                return  # the reader sees the broken connection and reconnects

    def disconnect(self):
        self._outbox.put(None)
        super().disconnect()


@dataclass(frozen=True)
class SmppSettings:
    host: str
    port: int
    system_id: str
    password: str
    source_addr: str
    window: int = 10
    enquire_link_seconds: float = 30.0
    response_timeout_seconds: float = 10.0
    throttle_backoff_seconds: float = 0.5
    throttle_retries: int = 6
    reconnect_max_seconds: float = 30.0


class SmppConnection:
    def __init__(self, settings: SmppSettings, *, on_receipt: Receipt) -> None:
        self._settings = settings
        self._on_receipt = on_receipt
        self._loop: asyncio.AbstractEventLoop | None = None
        self._window: asyncio.Semaphore | None = None
        self._bound = threading.Event()
        self._stopping = threading.Event()
        self._lock = threading.RLock()
        self._client: Client | None = None
        self._pending: dict[int, asyncio.Future] = {}
        self._thread: threading.Thread | None = None

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._window = asyncio.Semaphore(self._settings.window)
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="smpp-reader", daemon=True)
        self._thread.start()

    async def stop(self) -> None:
        """Unbind (the reader thread takes the answer and ends), then close."""
        self._stopping.set()
        client = self._client
        if client is not None and self._bound.is_set():
            try:
                with self._lock:
                    client.send_pdu(smpp.make_pdu("unbind", client=client))
            except Exception:  # noqa: BLE001 - closing anyway
                pass
        if self._thread:
            await asyncio.to_thread(self._thread.join, 2)
        if client is not None:
            client.disconnect()
        if self._thread:
            await asyncio.to_thread(self._thread.join, 5)

    async def submit(self, destination: str, text: str) -> tuple[str, ...]:
        """Submit `text` in as many parts as it takes; the centre's id of each part."""
        parts, coding, esm_class = make_parts(text)
        return tuple([await self._submit_part(destination, part, coding, esm_class) for part in parts])

    async def _submit_part(self, destination: str, part: bytes, coding: int, esm_class: int) -> str:
        assert self._window is not None and self._loop is not None, "start() first"
        async with self._window:
            for attempt in range(self._settings.throttle_retries + 1):
                if not await asyncio.to_thread(self._bound.wait, self._settings.response_timeout_seconds):
                    raise DeliveryError("the SMS centre is not reachable")
                future = self._loop.create_future()
                try:
                    self._write_submit(future, destination, part, coding, esm_class)
                except (exceptions.ConnectionError, exceptions.PDUError, OSError, AssertionError) as error:
                    raise DeliveryError(f"SMPP: {type(error).__name__}") from None
                try:
                    status, message_id = await asyncio.wait_for(future, self._settings.response_timeout_seconds)
                except TimeoutError:
                    raise DeliveryError("SMPP: no submit_sm_resp in time") from None
                if status == consts.SMPP_ESME_ROK:
                    return message_id
                if status in (consts.SMPP_ESME_RTHROTTLED, consts.SMPP_ESME_RMSGQFUL):
                    await asyncio.sleep(self._settings.throttle_backoff_seconds * 2**attempt)
                    continue
                description = consts.DESCRIPTIONS.get(status, "unknown")
                raise DeliveryError(f"SMPP status {status:#x}: {description}", permanent=True)
            raise DeliveryError("SMPP: still throttled after backing off")

    def _write_submit(self, future: asyncio.Future, destination: str, part: bytes, coding: int, esm_class: int) -> None:
        with self._lock:
            client = self._client
            assert client is not None
            pdu = smpp.make_pdu(
                "submit_sm", client=client,
                source_addr_ton=consts.SMPP_TON_ALNUM, source_addr=self._settings.source_addr,
                dest_addr_ton=consts.SMPP_TON_INTL, dest_addr_npi=consts.SMPP_NPI_ISDN,
                destination_addr=destination, short_message=part, data_coding=coding,
                esm_class=esm_class, registered_delivery=True,
            )
            # Registered before it is written: the answer may come back at once.
            self._pending[pdu.sequence] = future
            try:
                client.send_pdu(pdu)
            except BaseException:
                self._pending.pop(pdu.sequence, None)
                raise

    # The reader thread.

    def _run(self) -> None:
        delay = 0.5
        while not self._stopping.is_set():
            client = _Client(
                self._settings.host, self._settings.port, timeout=self._settings.enquire_link_seconds,
                allow_unknown_opt_params=True, sequence_generator=_Sequences(),
            )
            client.set_message_sent_handler(self._resp)
            client.set_message_received_handler(self._received)
            client.set_error_pdu_handler(lambda pdu: None)  # submit_sm_resp errors reach _resp too
            try:
                client.connect()
                client.bind_transceiver(system_id=self._settings.system_id, password=self._settings.password)
                self._client = client
                self._bound.set()
                delay = 0.5
                log.info("bound to the SMS centre", host=self._settings.host, port=self._settings.port)
                while not self._stopping.is_set():
                    # A quiet line times out and smpplib sends enquire_link: the keep-alive.
                    client.read_once()
            except Exception as error:  # noqa: BLE001 - any failure: drop the bind and reconnect
                if self._stopping.is_set():
                    break
                log.warning("SMS centre connection lost; reconnecting", error=repr(error), retry_in=delay)
            finally:
                self._bound.clear()
                self._fail_pending()
                try:
                    client.disconnect()
                except Exception:  # noqa: BLE001
                    pass
            self._stopping.wait(delay)
            delay = min(delay * 2, self._settings.reconnect_max_seconds)

    def _resp(self, pdu, **_kwargs) -> None:
        message_id = pdu.message_id.decode() if isinstance(pdu.message_id, bytes) else str(pdu.message_id or "")
        self._resolve(pdu.sequence, (pdu.status, message_id))

    def _received(self, pdu, **_kwargs):
        if not (pdu.esm_class or 0) & RECEIPT:
            return None  # a message from a handset: nothing to do with it here
        text = bytes(pdu.short_message or b"")
        receipted = getattr(pdu, "receipted_message_id", None)
        message_id = receipted.decode() if isinstance(receipted, bytes) else (receipted or "")
        if not message_id and (found := _ID.search(text)):
            message_id = found.group(1).decode()
        stat = found.group(1).decode() if (found := _STAT.search(text)) else "UNKNOWN"
        assert self._loop is not None
        asyncio.run_coroutine_threadsafe(self._on_receipt(message_id, stat == "DELIVRD", stat), self._loop)
        return None

    def _resolve(self, sequence: int, result) -> None:
        future = self._pending.pop(sequence, None)
        if future is not None and self._loop is not None:
            self._loop.call_soon_threadsafe(lambda: future.done() or future.set_result(result))

    def _fail_pending(self) -> None:
        pending, self._pending = self._pending, {}
        for future in pending.values():
            if self._loop is not None:
                self._loop.call_soon_threadsafe(
                    lambda f=future: f.done() or f.set_exception(DeliveryError("SMS centre connection lost"))
                )
