"""The DCAT-AP 3.0 catalogue and the datasets' files on the real broker and store: the
catalogue passes the project's DCAT-AP 3.0 SHACL shapes (no violation, and no warning
for a recommended property beyond MISSING_RECOMMENDED: none), an RDF client following its
Hydra pages reads every dataset, each file matches its checksum and size, CSV and JSON
agree with each other and with figures recomputed from the source events, small cells
are withheld, caches get 304, and a finished day of the participation series never
changes.

Events are applied through the service's own projections straight onto its database
(the Kafka path is tested in test_reporting_service), so the figures are exact."""

import csv
import hashlib
import io
import json
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from pymongo import AsyncMongoClient
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF
from ulid import ULID

from reporting.config import ReportingSettings
from reporting.main import create_app
from reporting.open_data import OpenData
from reporting.projections import project
from reporting.store import ReadModel
from sharik.events import LocalizedText
from sharik.events.consultation import CampaignLaunched
from sharik.events.feedback import ComplaintFiled, ComplaintRated, ComplaintStatusChanged, ServiceRated
from tests.reporting.dcat_ap import MISSING_RECOMMENDED, findings, of
from tests.support.service import running, unique_database

pytestmark = pytest.mark.integration

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
PAGE_SIZE = 2
FILED = datetime(2026, 10, 3, 9, tzinfo=UTC)
RDF_TYPES = {"ttl": "text/turtle; charset=utf-8", "jsonld": "application/ld+json", "rdf": "application/rdf+xml"}


@pytest.fixture(scope="module")
def settings(kafka_bootstrap_servers, mongodb_url, jwt_keys) -> ReportingSettings:
    return ReportingSettings(
        service_name=f"reporting-test-{str(ULID()).lower()}",
        kafka_bootstrap_servers=kafka_bootstrap_servers,
        mongodb_url=mongodb_url,
        mongodb_database=unique_database("reporting"),
        jwt_public_key=jwt_keys[1],
        environment="test",
        catalog_page_size=PAGE_SIZE,
    )


@pytest.fixture(scope="module")
async def reporting(settings, start_group_at_the_end):
    await start_group_at_the_end(f"sharik.{settings.service_name}")
    async with running(create_app(settings)) as client:
        yield client


@pytest.fixture(scope="module")
async def read_model(settings):
    client = AsyncMongoClient(settings.mongodb_url, tz_aware=True)
    yield ReadModel(client[settings.mongodb_database])
    await client.close()


async def apply(model: ReadModel, events) -> None:
    for event in events:
        for change in project(event):
            await model.apply(change)


def complaints(agency: str, *, wilayat: str, count: int, governorate: str = "Muscat", day: datetime = FILED,
               category: str = "roads"):
    """`count` complaints filed in one wilayat; every other one acknowledged and rated."""
    events = []
    for n in range(count):
        complaint_id = str(ULID())
        events.append(ComplaintFiled(complaint_id=complaint_id, agency=agency, kind="complaint", category=category,
                                     governorate=governorate, wilayat=wilayat, filed_at=day + timedelta(minutes=n)))
        if n % 2 == 0:
            events.append(ComplaintStatusChanged(complaint_id=complaint_id, agency=agency, status="acknowledged",
                                                 previous_status="routed", sequence=2,
                                                 changed_at=day + timedelta(hours=2)))
            events.append(ComplaintRated(complaint_id=complaint_id, agency=agency, category=category,
                                         governorate=governorate, score=1 + n % 5, rated_at=day + timedelta(days=1)))
    return events


def ratings(agency: str, service_code: str, scores: list[int]):
    return [ServiceRated(service_code=service_code, agency=agency, rating_id=str(ULID()), revision=1, channel="web",
                         overall=score, dimensions={"speed": score}, rated_at=FILED) for score in scores]


def csv_rows(content: bytes) -> tuple[list[str], list[list[str]]]:
    assert content.startswith(b"\xef\xbb\xbf")
    [header, *rows] = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    return header, rows


def assert_valid_dcat_ap(graph: Graph) -> None:
    found = findings(graph)
    assert of(found, "Violation") == []
    missing = {(f.shape, f.path) for f in of(found, "Warning")}
    assert missing <= MISSING_RECOMMENDED, missing - MISSING_RECOMMENDED


async def harvest(client, first: str) -> Graph:
    """As CKAN's DCAT harvester does: read a page, merge it, follow hydra:next."""
    merged, url, seen = Graph(), first, set()
    while url:
        assert url not in seen, "the pages loop"
        seen.add(url)
        response = await client.get(url)
        assert response.status_code == 200, response.text
        page = Graph().parse(data=response.text, format="turtle")
        merged += page
        nexts = list(page.objects(None, HYDRA.next))
        url = str(nexts[0]) if nexts else None
    return merged


async def test_the_catalogue_is_valid_dcat_ap_and_every_page_is_harvested(reporting, read_model):
    agencies = [f"agency-{str(ULID()).lower()}" for _ in range(3)]
    for agency in agencies:
        await apply(read_model, complaints(agency, wilayat="Bawshar", count=6))
        await apply(read_model, ratings(agency, "passport-renewal", [4, 5, 3, 4, 5]))

    first = await reporting.get("/catalog.ttl")
    assert first.status_code == 200 and first.headers["content-type"] == RDF_TYPES["ttl"]
    harvested = await harvest(reporting, "/catalog.ttl")
    listed = set(harvested.objects(None, DCAT.dataset))
    expected = {f"complaint-volumes-{a}" for a in agencies} | {f"service-ratings-{a}" for a in agencies}
    identifiers = {str(harvested.value(d, DCTERMS.identifier)) for d in listed}
    assert expected <= identifiers
    assert {"participation-by-area", "participation-daily"} <= identifiers
    assert len(listed) == len(identifiers) > PAGE_SIZE

    assert_valid_dcat_ap(harvested)

    dataset = URIRef(f"http://service/datasets/complaint-volumes-{agencies[0]}")
    titles = {t.language: str(t) for t in harvested.objects(dataset, DCTERMS.title)}
    assert set(titles) == {"ar", "en"}
    assert str(harvested.value(dataset, DCTERMS.publisher)).endswith(f"/agencies/{agencies[0]}")
    for predicate in (DCAT.contactPoint, DCAT.keyword, DCAT.theme, DCTERMS.spatial, DCTERMS.temporal,
                      DCTERMS.issued, DCTERMS.modified):
        assert harvested.value(dataset, predicate) is not None, predicate
    distributions = list(harvested.objects(dataset, DCAT.distribution))
    assert len(distributions) == 2
    for distribution in distributions:
        assert harvested.value(distribution, DCTERMS.license) is not None
        file = await reporting.get(str(harvested.value(distribution, DCAT.downloadURL)))
        assert file.status_code == 200
        assert int(harvested.value(distribution, DCAT.byteSize)) == len(file.content)
        checksum = harvested.value(distribution, SPDX.checksum)
        assert str(harvested.value(checksum, SPDX.checksumValue)) == hashlib.sha256(file.content).hexdigest()


async def test_every_serialisation_and_each_dataset_on_its_own(reporting, read_model):
    agency = f"agency-{str(ULID()).lower()}"
    await apply(read_model, complaints(agency, wilayat="Seeb", count=5))
    dataset_id = f"complaint-volumes-{agency}"
    for extension, media in RDF_TYPES.items():
        page = await reporting.get(f"/catalog.{extension}")
        assert (page.status_code, page.headers["content-type"]) == (200, media)
        own = await reporting.get(f"/datasets/{dataset_id}.{extension}")
        assert (own.status_code, own.headers["content-type"]) == (200, media)
        graph = Graph().parse(data=own.content, format={"ttl": "turtle", "jsonld": "json-ld", "rdf": "xml"}[extension])
        assert (URIRef(f"http://service/datasets/{dataset_id}"), RDF.type, DCAT.Dataset) in graph
        assert_valid_dcat_ap(graph)
    assert (await reporting.get("/datasets/no-such-dataset.ttl")).status_code == 404
    assert (await reporting.get(f"/datasets/{dataset_id}.xlsx")).status_code == 422
    assert (await reporting.get("/catalog.ttl", params={"page": 999})).json()["error"]["code"]


async def test_csv_and_json_agree_with_each_other_and_the_events(reporting, read_model):
    agency = f"agency-{str(ULID()).lower()}"
    events = complaints(agency, wilayat="Seeb", count=7) + complaints(agency, wilayat="Sohar", count=5,
                                                                      governorate="North Al Batinah", category="water")
    await apply(read_model, events)
    dataset_id = f"complaint-volumes-{agency}"
    as_csv = (await reporting.get(f"/datasets/{dataset_id}.csv")).content
    as_json = (await reporting.get(f"/datasets/{dataset_id}.json")).json()

    header, rows = csv_rows(as_csv)
    assert header == [f"{c['ar']} / {c['en']}" for c in as_json["columns"]]
    assert "المحافظة / Governorate" in header
    names = [c["name"] for c in as_json["columns"]]
    assert [dict(zip(names, row, strict=True)) for row in rows] == [
        {n: "" if v is None else str(v).lower() if isinstance(v, bool) else str(v) for n, v in row.items()}
        for row in as_json["rows"]
    ]

    filed = Counter((e.category, e.governorate) for e in events if isinstance(e, ComplaintFiled))
    scores: dict[tuple, list[int]] = {}
    for e in events:
        if isinstance(e, ComplaintRated):
            scores.setdefault((e.category, e.governorate), []).append(e.score)
    acknowledged = Counter(
        next((f.category, f.governorate) for f in events if isinstance(f, ComplaintFiled) and f.complaint_id == e.complaint_id)
        for e in events if isinstance(e, ComplaintStatusChanged)
    )

    def kept(count: int) -> int | None:
        return count if count >= 5 else None  # fewer than k people: withheld

    expected = []
    for group in sorted(filed):
        given = scores[group]
        average = round(sum(given) / len(given), 2)
        expected.append(("2026-10", *group, kept(filed[group]), acknowledged[group], kept(len(given)),
                         average if kept(len(given)) else None))
    assert [(r["month"], r["category"], r["governorate"], r["filed"], r["acknowledge_met"], r["rated"],
             r["satisfaction"]) for r in as_json["rows"]] == expected
    assert [r["suppressed"] for r in as_json["rows"]] == [True, True]  # 4 and 3 ratings


async def test_a_wilayat_with_three_participants_is_not_counted(reporting, read_model):
    agency = f"agency-{str(ULID()).lower()}"
    wilayat_few, wilayat_many = f"few-{ULID()}", f"many-{ULID()}"
    await apply(read_model, complaints(agency, wilayat=wilayat_few, count=3, governorate="Dhofar"))
    await apply(read_model, complaints(agency, wilayat=wilayat_many, count=6, governorate="Dhofar"))

    as_json = (await reporting.get("/datasets/participation-by-area.json")).json()
    few = next(r for r in as_json["rows"] if r["wilayat"] == wilayat_few)
    many = next(r for r in as_json["rows"] if r["wilayat"] == wilayat_many)
    assert (few["complaints_filed"], few["suppressed"]) == (None, True)
    assert (many["complaints_filed"], many["suppressed"]) == (6, False)
    header, rows = csv_rows((await reporting.get("/datasets/participation-by-area.csv")).content)
    [row] = [r for r in rows if wilayat_few in r]
    assert row[header.index("البلاغات المقدمة / Complaints filed")] == ""
    # The agency's volumes count the governorate, not the wilayat: 9 filed, 5 rated (1, 3; 1, 3, 5).
    volumes = (await reporting.get(f"/datasets/complaint-volumes-{agency}.json")).json()["rows"]
    assert [(r["filed"], r["rated"], r["satisfaction"], r["suppressed"]) for r in volumes] == [(9, 5, 2.6, False)]
    raw = (await reporting.get("/datasets/participation-by-area.json")).content
    assert agency.encode() not in raw


async def test_caches_revalidate_with_the_etag(reporting, read_model):
    agency = f"agency-{str(ULID()).lower()}"
    await apply(read_model, ratings(agency, "visa", [5, 5, 4, 4, 3]))
    path = f"/datasets/service-ratings-{agency}.csv"
    first = await reporting.get(path)
    assert first.headers["last-modified"] == "Sat, 03 Oct 2026 09:00:00 GMT"
    again = await reporting.get(path, headers={"if-none-match": first.headers["etag"]})
    assert (again.status_code, again.content) == (304, b"")
    await apply(read_model, ratings(agency, "visa", [1]))
    changed = await reporting.get(path, headers={"if-none-match": first.headers["etag"]})
    assert changed.status_code == 200 and changed.headers["etag"] != first.headers["etag"]
    summary = await reporting.get("/transparency/summary", params={"agency": agency})
    assert (await reporting.get("/transparency/summary", params={"agency": agency},
                                headers={"if-none-match": summary.headers["etag"]})).status_code == 304
    catalogue = await reporting.get("/catalog.jsonld")
    assert (await reporting.get("/catalog.jsonld", headers={"if-none-match": catalogue.headers["etag"]})).status_code == 304


async def test_a_finished_day_never_changes_and_today_is_live(reporting, read_model):
    day = datetime(2026, 9, 1, 7, tzinfo=UTC)
    governorate = f"gov-{ULID()}"
    agency = f"agency-{str(ULID()).lower()}"
    await apply(read_model, complaints(agency, wilayat="w", count=6, governorate=governorate, day=day))
    await apply(read_model, complaints(agency, wilayat="w", count=5, governorate=governorate, day=datetime.now(UTC)))

    def of(rows, wanted_day):
        return [r for r in rows if r["governorate"] == governorate and r["day"] == wanted_day]

    before = (await reporting.get("/datasets/participation-daily.json")).json()["rows"]
    assert [r["complaints_filed"] for r in of(before, "2026-09-01")] == [6]
    today = datetime.now(UTC).date().isoformat()
    assert [r["complaints_filed"] for r in of(before, today)] == [5]

    # A late complaint of the finished day, and one more today.
    await apply(read_model, complaints(agency, wilayat="w", count=1, governorate=governorate, day=day))
    await apply(read_model, complaints(agency, wilayat="w", count=1, governorate=governorate, day=datetime.now(UTC)))
    after = (await reporting.get("/datasets/participation-daily.json")).json()["rows"]
    assert of(after, "2026-09-01") == of(before, "2026-09-01")
    assert [r["complaints_filed"] for r in of(after, today)] == [6]
    live = (await reporting.get("/datasets/participation-by-area.json")).json()["rows"]
    assert [r["complaints_filed"] for r in live if r["governorate"] == governorate] == [13]


async def test_daily_snapshots_are_kept_and_served(reporting, read_model, settings):
    open_data = OpenData(read_model, settings)  # the service's job does this every few minutes
    day = datetime(2026, 8, 31, tzinfo=UTC).date()
    assert await open_data.snapshot(day) > 0
    listed = (await reporting.get("/datasets/participation-by-area/snapshots")).json()
    assert "2026-08-31" in listed["days"]
    kept = await reporting.get("/datasets/participation-by-area/snapshots/2026-08-31.json")
    assert kept.status_code == 200 and json.loads(kept.content)["dataset_id"] == "participation-by-area"
    assert (await reporting.get("/datasets/participation-by-area/snapshots/31-08-2026.json")).status_code == 422
    assert (await reporting.get("/datasets/participation-by-area/snapshots/2001-01-01.csv")).status_code == 404


async def test_lists_are_paged_with_a_cursor_in_the_link_header(reporting, read_model):
    agency = f"agency-{str(ULID()).lower()}"
    text = LocalizedText(ar="حملة", en="Campaign")
    launched = [CampaignLaunched(campaign_id=str(ULID()), agency=agency, kind="poll", title=text, summary=text,
                                 opens_at=FILED, closes_at=FILED + timedelta(days=9),
                                 launched_at=FILED + timedelta(hours=n % 2)) for n in range(3)]
    await apply(read_model, launched)
    newest_first = sorted(launched, key=lambda c: (-c.launched_at.timestamp(), c.campaign_id))
    first = await reporting.get("/transparency/campaigns", params={"agency": agency, "limit": 2})
    [url] = [part.strip("<> ") for part in first.headers["link"].split(";") if part.strip().startswith("<")]
    second = await reporting.get(url)
    assert "link" not in second.headers
    ids = [c["campaign_id"] for c in first.json() + second.json()]
    assert ids == [c.campaign_id for c in newest_first]
    bad = await reporting.get("/transparency/campaigns", params={"cursor": "not-a-cursor"})
    assert bad.status_code == 422 and bad.json()["error"]["message"]
