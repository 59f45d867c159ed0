"""An SMS centre on loopback for tests and the devstack: a real SMPP 3.4 server (PDUs
encoded and decoded with `smpplib`), taking transceiver binds, answering enquire_link,
accepting submit_sm, and sending a delivery receipt (deliver_sm) for each part a moment
later. Numbers ending in 0 are undeliverable (receipt UNDELIV); the first
`throttle_first` submits are answered ESME_RTHROTTLED."""

import argparse
import asyncio
import struct
import sys
import time
import uuid
from dataclasses import dataclass, field

import gsm0338  # noqa: F401 - registers the "gsm03.38" codec
from smpplib import consts, smpp
from smpplib.client import Client

from devstack import process
from devstack.process import Process, is_listening
from devstack.smtp import free_port

RECEIPT_DELAY_SECONDS = 0.05
RECEIPT_ESM_CLASS = 0x04
"""esm_class of a deliver_sm that is an SMSC delivery receipt."""


@dataclass
class Submitted:
    message_id: str
    destination: str
    data_coding: int
    esm_class: int
    short_message: bytes
    at: float


@dataclass
class SmsCentre:
    throttle_first: int = 0
    submitted: list[Submitted] = field(default_factory=list)
    receipts: list[tuple[str, str]] = field(default_factory=list)
    binds: int = 0
    enquire_links: int = 0
    throttled: int = 0
    connections: set = field(default_factory=set)

    def texts(self, destination: str | None = None) -> list[str]:
        """Each message's text (to `destination`, or to anyone), its parts joined (UDH
        stripped, UCS-2 or GSM decoded)."""
        messages: dict[tuple[str, int], list[tuple[int, bytes]]] = {}
        singles = []
        for s in self.submitted:
            if destination is not None and s.destination != destination:
                continue
            body, coding = s.short_message, s.data_coding
            if s.esm_class & consts.SMPP_GSMFEAT_UDHI:
                udh_length = body[0]
                reference, total, number = body[3], body[4], body[5]
                messages.setdefault((s.destination, reference), []).append((number, body[udh_length + 1 :]))
                if len(messages[(s.destination, reference)]) == total:
                    joined = b"".join(part for _n, part in sorted(messages[(s.destination, reference)]))
                    singles.append(_decode(joined, coding))
            else:
                singles.append(_decode(body, coding))
        return singles

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        stub = Client("127.0.0.1", 0, allow_unknown_opt_params=True)  # PDU numbering only; never connects
        self.connections.add(writer)
        try:
            while True:
                header = await reader.readexactly(4)
                (length,) = struct.unpack(">L", header)
                raw = header + await reader.readexactly(length - 4)
                pdu = smpp.parse_pdu(raw, client=stub, allow_unknown_opt_params=True)
                answer = await self._answer(pdu, stub, writer)
                if answer is not None:
                    # Set after construction: smpplib's constructor keeps its own number
                    # when given one (its client's counter shadows the keyword).
                    answer.sequence = pdu.sequence
                    writer.write(answer.generate())
                    await writer.drain()
                if pdu.command == "unbind":
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            self.connections.discard(writer)
            writer.close()

    async def _answer(self, pdu, stub: Client, writer: asyncio.StreamWriter):
        if pdu.command == "bind_transceiver":
            self.binds += 1
            return smpp.make_pdu("bind_transceiver_resp", client=stub, sequence=pdu.sequence, system_id="sharik-smsc")
        if pdu.command == "enquire_link":
            self.enquire_links += 1
            return smpp.make_pdu("enquire_link_resp", client=stub, sequence=pdu.sequence)
        if pdu.command == "unbind":
            return smpp.make_pdu("unbind_resp", client=stub, sequence=pdu.sequence)
        if pdu.command == "submit_sm":
            if self.throttled < self.throttle_first:
                self.throttled += 1
                return smpp.make_pdu(
                    "submit_sm_resp", client=stub, sequence=pdu.sequence, status=consts.SMPP_ESME_RTHROTTLED,
                    message_id="",
                )
            message_id = uuid.uuid4().hex[:16]
            destination = _text(pdu.destination_addr)
            self.submitted.append(
                Submitted(message_id, destination, pdu.data_coding, pdu.esm_class, bytes(pdu.short_message), time.time())
            )
            if pdu.registered_delivery:
                asyncio.get_running_loop().call_later(
                    RECEIPT_DELAY_SECONDS, lambda: asyncio.ensure_future(self._receipt(stub, writer, message_id, destination))
                )
            return smpp.make_pdu("submit_sm_resp", client=stub, sequence=pdu.sequence, message_id=message_id)
        return None  # deliver_sm_resp, generic_nack: nothing to answer

    async def _receipt(self, stub: Client, writer: asyncio.StreamWriter, message_id: str, destination: str) -> None:
        failed = destination.endswith("0")
        stat = "UNDELIV" if failed else "DELIVRD"
        stamp = time.strftime("%y%m%d%H%M")
        text = f"id:{message_id} sub:001 dlvrd:{'000' if failed else '001'} submit date:{stamp} done date:{stamp} stat:{stat} err:{'001' if failed else '000'} text:"
        receipt = smpp.make_pdu(
            "deliver_sm",
            client=stub,
            source_addr=destination,
            destination_addr="SHARIK",
            esm_class=RECEIPT_ESM_CLASS,
            short_message=text.encode(),
            receipted_message_id=message_id,
            message_state=5 if failed else 2,
        )
        if writer.is_closing():
            return
        writer.write(receipt.generate())
        await writer.drain()
        self.receipts.append((message_id, stat))


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _decode(body: bytes, coding: int) -> str:
    return body.decode("utf-16-be") if coding == consts.SMPP_ENCODING_ISO10646 else body.decode("gsm03.38", "replace")


@dataclass
class RunningSmsCentre:
    centre: SmsCentre
    port: int
    server: asyncio.Server

    async def stop(self) -> None:
        """Stop listening and drop every bind (as an outage would)."""
        self.server.close()
        for writer in list(self.centre.connections):
            writer.close()
        await self.server.wait_closed()


async def serve(centre: SmsCentre, port: int = 0) -> RunningSmsCentre:
    port = port or free_port("127.0.0.1")
    server = await asyncio.start_server(centre.serve, "127.0.0.1", port)
    return RunningSmsCentre(centre, port, server)


DEV_PORT = 2775


def launch(port: int = DEV_PORT) -> Process:
    """Start the SMS centre as a separate process (wait for it with wait_until_ready)."""
    return process.launch(
        f"smsc-{port}", [sys.executable, "-m", "devstack.smsc", "--port", str(port)], url=f"smpp://127.0.0.1:{port}",
        ports=(port,), answers=lambda: is_listening("127.0.0.1", port),
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m devstack.smsc", description=__doc__)
    parser.add_argument("--port", type=int, default=DEV_PORT)
    args = parser.parse_args()

    async def run() -> None:
        running = await serve(SmsCentre(), args.port)
        print(f"SMS centre (SMPP 3.4) on 127.0.0.1:{running.port}", flush=True)
        await asyncio.Event().wait()

    asyncio.run(run())


if __name__ == "__main__":
    main()
