"""Electoral rolls, eligibility rules and the audit log on the real broker and store."""

from datetime import date, timedelta

import pytest
from pymongo import AsyncMongoClient

from sharik.pseudonym import pseudonym
from sharik.settings import DEV_PSEUDONYM_KEY
from tests.support.service import Tokens

pytestmark = pytest.mark.integration

OPTIONS = [
    {"option_id": "rebuild", "label": {"ar": "إعادة البناء", "en": "Rebuild"}},
    {"option_id": "renovate", "label": {"ar": "الترميم", "en": "Renovate"}},
]
CSV = {"content-type": "text/csv"}


def ballot(**overrides) -> dict:
    return {
        "question": {"ar": "السوق المركزي؟", "en": "The central market?"},
        "options": OPTIONS,
        "opens_at": "2026-11-01T00:00:00Z",
        "closes_at": "2030-01-01T00:00:00Z",
        **overrides,
    }


def citizen_of(tokens: Tokens, civil_number: str, **claims: str) -> dict[str, str]:
    """The token the identity provider issues: its subject is the citizen pseudonym of the civil number."""
    return tokens.citizen(pseudonym(DEV_PSEUDONYM_KEY, civil_number, purpose="citizen"), **claims)


async def drafted(client, officer, **overrides) -> str:
    response = await client.post("/ballots", json=ballot(**overrides), headers=officer)
    assert response.status_code == 201, response.text
    return response.json()["ballot_id"]


async def transfer(client, ballot_id, civil_number, to_wilayat, officer):
    body = {"civil_number": civil_number, "to_wilayat": to_wilayat}
    return await client.post(f"/ballots/{ballot_id}/roll/transfer", json=body, headers=officer)


async def vote(client, ballot_id, citizen):
    return await client.post(f"/ballots/{ballot_id}/votes", json={"choice": "rebuild"}, headers=citizen)


async def test_a_roll_ballot_takes_votes_only_from_those_on_its_roll(voting, tokens, mongodb_url, database):
    officer = tokens.officer("mm", subject="officer-roll")
    ballot_id = await drafted(voting, officer, eligibility={"mode": "roll"})

    imported = await voting.post(
        f"/ballots/{ballot_id}/roll",
        content="civil_number,wilayat\n90000001,Bawshar\n90000002,Seeb\n9000X003,Seeb\n90000004,Seeb\n",
        headers={**officer, **CSV},
    )
    assert imported.status_code == 200, imported.text
    assert imported.json() == {
        "imported": 3,
        "rejected": [{"line": 4, "reason": "civil_number must be 6 to 12 digits"}],
    }
    summary = await voting.get(f"/ballots/{ballot_id}/roll/summary", headers=officer)
    assert summary.json() == {"total": 3, "by_wilayat": {"Bawshar": 1, "Seeb": 2}}

    moved = await transfer(voting, ballot_id, "90000002", "Muttrah", officer)
    assert moved.json() == {"from_wilayat": "Seeb", "to_wilayat": "Muttrah"}
    unknown = await transfer(voting, ballot_id, "90000009", "Seeb", officer)
    assert unknown.status_code == 404
    summary = await voting.get(f"/ballots/{ballot_id}/roll/summary", headers=officer)
    assert summary.json()["by_wilayat"] == {"Bawshar": 1, "Muttrah": 1, "Seeb": 1}

    assert (await voting.post(f"/ballots/{ballot_id}/open", headers=officer)).status_code == 200

    assert (await vote(voting, ballot_id, citizen_of(tokens, "90000001"))).status_code == 201
    outsider = await vote(voting, ballot_id, citizen_of(tokens, "90000005"))
    assert outsider.status_code == 403
    assert outsider.json()["error"]["code"] == "not_eligible"
    assert "not on this ballot's electoral roll" in outsider.json()["error"]["message"]

    frozen = await transfer(voting, ballot_id, "90000001", "Seeb", officer)
    assert frozen.status_code == 409
    assert frozen.json()["error"]["code"] == "roll_frozen"
    late = await voting.post(
        f"/ballots/{ballot_id}/roll", content="civil_number,wilayat\n90000005,Seeb\n", headers={**officer, **CSV}
    )
    assert (late.status_code, late.json()["error"]["code"]) == (409, "roll_frozen")

    assert (await voting.post(f"/ballots/{ballot_id}/close", headers=officer)).status_code == 200

    audit = await voting.get("/audit", params={"ballot_id": ballot_id}, headers=tokens.of(["auditor"]))
    assert audit.status_code == 200, audit.text
    entries = audit.json()
    assert [e["action"] for e in entries] == ["create", "roll_import", "roll_transfer", "open", "close"]
    assert {(e["ballot_id"], e["agency"], e["actor"]) for e in entries} == {(ballot_id, "mm", "officer-roll")}
    assert entries[1]["details"] == {"imported": 3, "rejected": 1}
    assert entries[2]["details"] == {"from_wilayat": "Seeb", "to_wilayat": "Muttrah"}
    assert entries[4]["details"] == {"votes_cast": 1}

    # No civil number in the clear anywhere in the service's database.
    client = AsyncMongoClient(mongodb_url)
    try:
        db = client[database]
        stored = [str(d) for name in await db.list_collection_names() async for d in db[name].find()]
    finally:
        await client.close()
    assert stored
    assert not any(n in doc for doc in stored for n in ("90000001", "90000002", "90000004", "90000005"))


async def test_a_roll_ballot_restricted_to_wilayats_follows_transfers(voting, tokens):
    officer = tokens.officer("mm")
    ballot_id = await drafted(voting, officer, eligibility={"mode": "roll", "wilayats": ["Seeb"]})
    await voting.post(
        f"/ballots/{ballot_id}/roll",
        content="civil_number,wilayat\n91000001,Seeb\n91000002,Bawshar\n91000003,Bawshar\n",
        headers={**officer, **CSV},
    )
    moved = await transfer(voting, ballot_id, "91000003", "Seeb", officer)
    assert moved.status_code == 200, moved.text
    await voting.post(f"/ballots/{ballot_id}/open", headers=officer)

    assert (await vote(voting, ballot_id, citizen_of(tokens, "91000001"))).status_code == 201
    assert (await vote(voting, ballot_id, citizen_of(tokens, "91000003"))).status_code == 201
    elsewhere = await vote(voting, ballot_id, citizen_of(tokens, "91000002"))
    assert (elsewhere.status_code, elsewhere.json()["error"]["code"]) == (403, "not_eligible")
    assert "wrong wilayat" in elsewhere.json()["error"]["message"]


async def test_a_rules_ballot_admits_residents_by_the_token_s_governorate_and_wilayat(voting, tokens):
    officer = tokens.officer("mm")
    ballot_id = await drafted(
        voting, officer, eligibility={"mode": "rules", "governorates": ["Muscat"], "wilayats": ["Seeb"]}
    )
    viewed = await voting.get(f"/ballots/{ballot_id}", headers=officer)
    assert viewed.json()["eligibility"] == {"mode": "rules", "governorates": ["Muscat"], "wilayats": ["Seeb"]}
    await voting.post(f"/ballots/{ballot_id}/open", headers=officer)

    resident = tokens.citizen(governorate="Muscat", wilayat="Seeb")
    assert (await vote(voting, ballot_id, resident)).status_code == 201
    wrong_wilayat = await vote(voting, ballot_id, tokens.citizen(governorate="Muscat", wilayat="Bawshar"))
    assert (wrong_wilayat.status_code, wrong_wilayat.json()["error"]["code"]) == (403, "not_eligible")
    assert "wrong wilayat" in wrong_wilayat.json()["error"]["message"]
    wrong_governorate = await vote(voting, ballot_id, tokens.citizen(governorate="Dhofar", wilayat="Salalah"))
    assert "wrong governorate" in wrong_governorate.json()["error"]["message"]


async def test_a_minimum_age_ballot_reads_the_birthdate_claim(voting, tokens):
    officer = tokens.officer("mm")
    ballot_id = await drafted(voting, officer, eligibility={"mode": "rules", "min_age": 21})
    await voting.post(f"/ballots/{ballot_id}/open", headers=officer)

    assert (await vote(voting, ballot_id, tokens.citizen(birthdate=date(1990, 5, 1)))).status_code == 201
    young = await vote(voting, ballot_id, tokens.citizen(birthdate=date.today() - timedelta(days=365 * 18)))
    assert (young.status_code, young.json()["error"]["details"]) == (403, [{"rule": "min_age"}])
    unknown = await vote(voting, ballot_id, tokens.citizen())
    assert "carries no birthdate" in unknown.json()["error"]["message"]


async def test_eligibility_and_roll_requests_are_checked(voting, tokens):
    officer = tokens.officer("mm")
    min_age = await voting.post("/ballots", json=ballot(eligibility={"mode": "open", "min_age": 18}), headers=officer)
    assert min_age.status_code == 422

    ballot_id = await drafted(voting, officer, eligibility={"mode": "roll"})
    roll = f"/ballots/{ballot_id}/roll"
    not_csv = await voting.post(roll, json={"civil_number": "12345678"}, headers=officer)
    assert not_csv.status_code == 422
    no_header = await voting.post(roll, content="12345678,Seeb\n", headers={**officer, **CSV})
    assert no_header.status_code == 422
    assert "header row" in no_header.json()["error"]["message"]
    other_agency = await voting.post(
        roll, content="civil_number,wilayat\n12345678,Seeb\n", headers={**tokens.officer("mtcit"), **CSV}
    )
    assert other_agency.status_code == 403
    one_row = "civil_number,wilayat\n12345678,Seeb\n"
    citizen = await voting.post(roll, content=one_row, headers={**tokens.citizen(), **CSV})
    assert citizen.status_code == 403
    assert (await voting.get(f"{roll}/summary", headers=tokens.officer("mtcit"))).status_code == 403

    open_ballot = await drafted(voting, officer)
    no_roll = await voting.post(
        f"/ballots/{open_ballot}/roll", content="civil_number,wilayat\n12345678,Seeb\n", headers={**officer, **CSV}
    )
    assert no_roll.status_code == 409


async def test_the_audit_log_is_for_auditors_and_each_agency_s_admins(voting, tokens):
    mm_ballot = await drafted(voting, tokens.officer("mm"))
    mtcit_ballot = await drafted(voting, tokens.officer("mtcit"))

    everything = await voting.get("/audit", headers=tokens.of(["auditor"]))
    assert {mm_ballot, mtcit_ballot} <= {e["ballot_id"] for e in everything.json()}
    own = await voting.get("/audit", headers=tokens.officer("mm", role="agency_admin"))
    assert own.status_code == 200
    assert {e["agency"] for e in own.json()} == {"mm"}
    assert mm_ballot in {e["ballot_id"] for e in own.json()}
    mm_admin = tokens.officer("mm", role="agency_admin")
    other = await voting.get("/audit", params={"ballot_id": mtcit_ballot}, headers=mm_admin)
    assert other.json() == []
    assert (await voting.get("/audit", headers=tokens.officer("mm"))).status_code == 403
    assert (await voting.get("/audit", headers=tokens.citizen())).status_code == 403
    assert (await voting.get("/audit")).status_code == 401
