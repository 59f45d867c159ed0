"""A mobile operator's cell broadcast centre, stood in for tests and the devstack: it
accepts CAP 1.2 alerts over HTTP, validates them against the OASIS schema, and
"broadcasts" each to the cells of a synthetic grid of Oman that its area reaches,
recording what every cell got and when. It answers with a CAP Ack (or Error).

The grid: a cell every 0.1° within 40 km of a wilayat's town, each covering a disc of
5 km and belonging to the nearest wilayat (so geocodes select it)."""

import argparse
import asyncio
import json
import math
import sys
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache

import httpx
import xmlschema
from aiohttp import web
from shapely import affinity
from shapely.geometry import Point, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.strtree import STRtree

from devstack import process
from devstack.cap import cap_schema
from devstack.process import Process
from devstack.smtp import free_port
from notifier.alerts.places import nearest_wilayat

NS = "urn:oasis:names:tc:emergency:cap:1.2"
GRID_STEP_DEGREES = 0.1
CELL_RADIUS_KM = 5.0
REACH_KM = 40.0
KM_PER_DEGREE = 111.2


@dataclass(frozen=True)
class Cell:
    cell_id: str
    lat: float
    lon: float
    wilayat: str
    governorate: str


@cache
def grid() -> tuple[Cell, ...]:
    cells = []
    lat = 16.5
    while lat <= 26.5:
        lon = 52.0
        while lon <= 60.0:
            wilayat = nearest_wilayat(lat, lon)
            if _km(lat, lon, wilayat.lat, wilayat.lon) <= REACH_KM:
                cells.append(Cell(f"{wilayat.code}-{len(cells):05d}", round(lat, 2), round(lon, 2), wilayat.code,
                                  wilayat.governorate))
            lon += GRID_STEP_DEGREES
        lat += GRID_STEP_DEGREES
    return tuple(cells)


@cache
def _index() -> tuple[STRtree, tuple[BaseGeometry, ...]]:
    discs = tuple(_disc(c.lat, c.lon, CELL_RADIUS_KM) for c in grid())
    return STRtree(discs), discs


def _disc(lat: float, lon: float, radius_km: float) -> BaseGeometry:
    """A disc in degrees (x = lon), stretched east-west by the latitude's scale."""
    circle = Point(lon, lat).buffer(radius_km / KM_PER_DEGREE)
    return affinity.scale(circle, xfact=1 / math.cos(math.radians(lat)), yfact=1)


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    dx = (lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    return math.hypot(lat2 - lat1, dx) * KM_PER_DEGREE


def cells_in(area: ET.Element) -> set[str]:
    """The cells one CAP <area> reaches: by its polygons, circles and geocodes."""
    shapes: list[BaseGeometry] = []
    for polygon in area.iterfind(f"{{{NS}}}polygon"):
        points = [tuple(map(float, pair.split(","))) for pair in (polygon.text or "").split()]
        shapes.append(Polygon([(lon, lat) for lat, lon in points]))
    for circle in area.iterfind(f"{{{NS}}}circle"):
        centre, radius = (circle.text or "").split()
        lat, lon = map(float, centre.split(","))
        shapes.append(_disc(lat, lon, float(radius)))
    tree, _discs = _index()
    cells = grid()
    reached = {cells[i].cell_id for shape in shapes for i in tree.query(shape, predicate="intersects")}
    for geocode in area.iterfind(f"{{{NS}}}geocode"):
        name, value = geocode.findtext(f"{{{NS}}}valueName"), geocode.findtext(f"{{{NS}}}value")
        reached |= {c.cell_id for c in cells if getattr(c, name or "", None) == value}
    return reached


@dataclass
class Received:
    identifier: str
    sender: str
    msg_type: str
    status: str
    references: str | None
    received_at: datetime
    port: int
    cells: set[str]
    texts: dict[str, str]
    document: bytes


@dataclass
class Centre:
    """What one operator's centre received and broadcast."""

    operator: str
    refuse_first: int = 0
    """Answer 503 to this many alerts before taking any (to exercise retries)."""
    received: list[Received] = field(default_factory=list)
    cell_log: dict[str, list[tuple[str, datetime]]] = field(default_factory=dict)
    refused: int = 0

    async def take(self, request: web.Request) -> web.Response:
        body = await request.read()
        if self.refused < self.refuse_first:
            self.refused += 1
            return web.Response(status=503, text="centre busy")
        try:
            cap_schema().validate(body)
            root = ET.fromstring(body)
        except (xmlschema.XMLSchemaException, ET.ParseError) as error:
            return _answer(None, self.operator, "Error", f"invalid CAP 1.2: {error}"[:500], status=400)
        now = datetime.now(UTC)
        cells: set[str] = set()
        texts: dict[str, str] = {}
        for info in root.iterfind(f"{{{NS}}}info"):
            language = info.findtext(f"{{{NS}}}language") or "en-US"
            texts[language] = info.findtext(f"{{{NS}}}headline") or ""
            for area in info.iterfind(f"{{{NS}}}area"):
                cells |= cells_in(area)
        identifier = root.findtext(f"{{{NS}}}identifier") or ""
        for cell in cells:
            self.cell_log.setdefault(cell, []).append((identifier, now))
        self.received.append(
            Received(
                identifier=identifier,
                sender=root.findtext(f"{{{NS}}}sender") or "",
                msg_type=root.findtext(f"{{{NS}}}msgType") or "",
                status=root.findtext(f"{{{NS}}}status") or "",
                references=root.findtext(f"{{{NS}}}references"),
                received_at=now,
                port=request.transport.get_extra_info("sockname")[1] if request.transport else 0,
                cells=cells,
                texts=texts,
                document=body,
            )
        )
        return _answer(root, self.operator, "Ack", f"broadcast to {len(cells)} cells")

    async def list_received(self, _request: web.Request) -> web.Response:
        return web.json_response(
            [
                {
                    "identifier": r.identifier,
                    "msg_type": r.msg_type,
                    "status": r.status,
                    "references": r.references,
                    "received_at": r.received_at.isoformat(),
                    "port": r.port,
                    "cells": len(r.cells),
                    "wilayats": sorted({c.rsplit("-", 1)[0] for c in r.cells}),
                    "texts": r.texts,
                }
                for r in self.received
            ]
        )

    async def cell(self, request: web.Request) -> web.Response:
        cell_id = request.match_info["cell_id"]
        log = self.cell_log.get(cell_id, [])
        return web.json_response([{"identifier": i, "at": at.isoformat()} for i, at in log])

    async def health(self, _request: web.Request) -> web.Response:
        return web.json_response({"operator": self.operator, "cells": len(grid())})

    def app(self) -> web.Application:
        app = web.Application(client_max_size=1024 * 1024)
        app.router.add_post("/cap", self.take)
        app.router.add_get("/broadcasts", self.list_received)
        app.router.add_get("/cells/{cell_id}", self.cell)
        app.router.add_get("/healthz", self.health)
        return app


def _answer(received: ET.Element | None, operator: str, msg_type: str, note: str, *, status: int = 200) -> web.Response:
    """A CAP message of type Ack or Error, referencing the alert it answers."""
    sent = datetime.now(UTC).replace(microsecond=0).isoformat()
    parts = [
        f"<identifier>{operator}-{uuid.uuid4().hex}</identifier>",
        f"<sender>cbc@{operator}</sender>",
        f"<sent>{sent}</sent>",
        f"<status>{received.findtext(f'{{{NS}}}status') if received is not None else 'Actual'}</status>",
        f"<msgType>{msg_type}</msgType>",
        "<scope>Public</scope>",
        f"<note>{_escape(note)}</note>",
    ]
    if received is not None:
        ref = ",".join(received.findtext(f"{{{NS}}}{n}") or "" for n in ("sender", "identifier", "sent"))
        parts.append(f"<references>{_escape(ref)}</references>")
    body = f'<?xml version="1.0" encoding="UTF-8"?><alert xmlns="{NS}">{"".join(parts)}</alert>'
    return web.Response(status=status, body=body.encode(), content_type="application/cap+xml")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@dataclass
class RunningCentre:
    """A centre serving in the current event loop on one or more loopback ports."""

    centre: Centre
    ports: tuple[int, ...]
    runner: web.AppRunner

    def url(self, n: int = 0) -> str:
        return f"http://127.0.0.1:{self.ports[n]}/cap"

    async def stop(self) -> None:
        await self.runner.cleanup()


async def serve(centre: Centre, ports: tuple[int, ...] = (0,)) -> RunningCentre:
    """Serve `centre` on `ports` (0: a free one)."""
    runner = web.AppRunner(centre.app(), access_log=None)
    await runner.setup()
    chosen = tuple(port or free_port("127.0.0.1") for port in ports)
    for port in chosen:
        await web.TCPSite(runner, "127.0.0.1", port).start()
    return RunningCentre(centre, chosen, runner)


DEV_CENTRES = {"omantel": (8101, 8102), "ooredoo": (8103, 8104)}
"""The devstack's operators: a primary and a secondary endpoint each."""


def dev_config() -> str:
    """NOTIFIER_CELL_BROADCAST_CENTRES for the devstack's centres."""
    return json.dumps(
        {
            operator: {"primary": f"http://127.0.0.1:{primary}/cap", "secondary": f"http://127.0.0.1:{secondary}/cap"}
            for operator, (primary, secondary) in DEV_CENTRES.items()
        }
    )


def launch(operator: str, ports: tuple[int, ...]) -> Process:
    """Start one operator's centre as a separate process (wait for it with wait_until_ready)."""
    argv = [sys.executable, "-m", "devstack.cbc", "--operator", operator]
    for port in ports:
        argv += ["--port", str(port)]
    return process.launch(
        f"cbc-{operator}", argv, url=f"http://127.0.0.1:{ports[0]}/broadcasts", ports=ports,
        answers=lambda: all(answers(port) for port in ports),
    )


def answers(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def main() -> None:
    """Run one operator's centre until SIGTERM or Ctrl-C."""
    parser = argparse.ArgumentParser(prog="python -m devstack.cbc", description=__doc__)
    parser.add_argument("--operator", required=True)
    parser.add_argument("--port", type=int, action="append", required=True, help="once per endpoint")
    args = parser.parse_args()

    async def run() -> None:
        running = await serve(Centre(args.operator), tuple(args.port))
        print(f"cell broadcast centre {args.operator} on {', '.join(running.url(n) for n in range(len(args.port)))}"
              f" ({len(grid())} cells)", flush=True)
        await asyncio.Event().wait()

    asyncio.run(run())


if __name__ == "__main__":
    main()
