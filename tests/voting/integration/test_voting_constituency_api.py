"""Constituency elections end to end: candidacies approved by the agency, votes only in
the voter's registered wilayat, results per constituency, turnout per governorate."""

import pytest
from pymongo import AsyncMongoClient

from tests.support.service import Tokens
from tests.voting.integration.test_voting_ballot_kinds_api import closed, published
from tests.voting.integration.test_voting_roll_api import CSV, citizen_of

pytestmark = pytest.mark.integration

CONSTITUENCIES = [
    {"wilayat": "Seeb", "governorate": "Muscat", "seats": 2},
    {"wilayat": "Bawshar", "governorate": "Muscat"},
    {"wilayat": "Sohar", "governorate": "North Al Batinah"},
]
# Nizwa is on the roll but elects no one in this ballot.
ROLL = "civil_number,wilayat\n" + "".join(
    f"{9100 + n:08d},{w}\n" for n, w in enumerate(["Seeb"] * 4 + ["Bawshar"] * 2 + ["Sohar"] * 4 + ["Nizwa"])
)


def voter(tokens: Tokens, n: int) -> dict[str, str]:
    """The n-th voter of ROLL (0-3 Seeb, 4-5 Bawshar, 6-9 Sohar, 10 Nizwa)."""
    return citizen_of(tokens, f"{9100 + n:08d}", governorate="Dhofar")


async def drafted(client, officer) -> str:
    body = {
        "question": {"ar": "انتخابات المجلس البلدي", "en": "Municipal council election"},
        "opens_at": "2026-11-01T00:00:00Z",
        "closes_at": "2030-01-01T00:00:00Z",
        "kind": "constituency",
        "binding": True,
        "constituencies": CONSTITUENCIES,
        "eligibility": {"mode": "roll"},
    }
    response = await client.post("/ballots", json=body, headers=officer)
    assert response.status_code == 201, response.text
    return response.json()["ballot_id"]


async def apply(client, ballot_id, officer, wilayat: str, en: str) -> str:
    applied = await client.post(
        f"/ballots/{ballot_id}/candidacies",
        json={"wilayat": wilayat, "name": {"ar": f"المرشح {en}", "en": en}},
        headers=officer,
    )
    assert applied.status_code == 201, applied.text
    return applied.json()["candidacy_id"]


async def test_a_constituency_election_must_be_on_a_roll_and_takes_no_options(voting, tokens):
    officer = tokens.officer("mm")
    body = {
        "question": {"ar": "انتخابات", "en": "Election"},
        "opens_at": "2026-11-01T00:00:00Z",
        "closes_at": "2030-01-01T00:00:00Z",
        "kind": "constituency",
        "constituencies": CONSTITUENCIES,
    }
    open_mode = await voting.post("/ballots", json=body, headers=officer)
    assert (open_mode.status_code, open_mode.json()["error"]["details"]) == (422, [{"field": "eligibility.mode"}])
    with_seats = await voting.post(
        "/ballots", json={**body, "kind": "single_choice", "options": [], "eligibility": {"mode": "roll"}}, headers=officer
    )
    assert "constituencies are for constituency elections" in with_seats.json()["error"]["message"]


async def test_a_constituency_election_end_to_end(voting, tokens, tmp_path, mongodb_url, database, kafka_bootstrap_servers):
    officer = tokens.officer("mcsy", subject="officer-elections")
    ballot_id = await drafted(voting, officer)
    assert (await voting.post(f"/ballots/{ballot_id}/roll", content=ROLL, headers={**officer, **CSV})).status_code == 200

    # Candidacies: entered by the agency's officers, approved or rejected by them.
    candidacies = f"/ballots/{ballot_id}/candidacies"
    body = {"wilayat": "Seeb", "name": {"ar": "سالم", "en": "Salim"}}
    assert (await voting.post(candidacies, json=body, headers=tokens.officer("mm"))).status_code == 403
    assert (await voting.post(candidacies, json=body, headers=tokens.citizen())).status_code == 403
    elsewhere = await voting.post(candidacies, json={**body, "wilayat": "Nizwa"}, headers=officer)
    assert elsewhere.status_code == 422 and "not a constituency of this ballot" in elsewhere.json()["error"]["message"]
    salim = await apply(voting, ballot_id, officer, "Seeb", "Salim")
    aisha = await apply(voting, ballot_id, officer, "seeb", "Aisha")
    said = await apply(voting, ballot_id, officer, "Seeb", "Said")
    rejected = await apply(voting, ballot_id, officer, "Seeb", "Late")
    huda = await apply(voting, ballot_id, officer, "Bawshar", "Huda")
    majid = await apply(voting, ballot_id, officer, "Sohar", "Majid")
    omar = await apply(voting, ballot_id, officer, "Sohar", "Omar")
    for candidacy_id in (salim, aisha, said, huda, majid):
        approved = await voting.post(f"{candidacies}/{candidacy_id}/approve", headers=officer)
        assert (approved.status_code, approved.json()["status"]) == (200, "approved")
    assert (await voting.post(f"{candidacies}/{omar}/approve", headers=tokens.officer("mm"))).status_code == 403
    no_reason = await voting.post(f"{candidacies}/{rejected}/reject", json={"reason": "  "}, headers=officer)
    assert no_reason.status_code == 422
    refused = await voting.post(f"{candidacies}/{rejected}/reject", json={"reason": "papers missing"}, headers=officer)
    assert (refused.json()["status"], refused.json()["reason"]) == ("rejected", "papers missing")
    again = await voting.post(f"{candidacies}/{rejected}/approve", headers=officer)
    assert (again.status_code, again.json()["error"]["code"]) == (409, "candidacy_decided")
    listed = (await voting.get(candidacies, headers=officer)).json()
    assert [(c["wilayat"], c["status"]) for c in listed] == [("Seeb", "approved")] * 3 + [
        ("Seeb", "rejected"),
        ("Bawshar", "approved"),
        ("Sohar", "approved"),
        ("Sohar", "pending"),
    ]

    # Omar stays pending: each constituency has an approved candidate, so the ballot may open.
    # Another ballot whose only candidacy is pending may not.
    empty = await drafted(voting, officer)
    await apply(voting, empty, officer, "Seeb", "Solo")
    cannot = await voting.post(f"/ballots/{empty}/open", headers=officer)
    assert (cannot.status_code, cannot.json()["error"]["code"]) == (409, "constituency_without_candidates")
    assert "no approved candidate in Seeb, Bawshar, Sohar" in cannot.json()["error"]["message"]

    assert (await voting.post(f"/ballots/{ballot_id}/open", headers=officer)).status_code == 200
    ballot = (await voting.get(f"/ballots/{ballot_id}")).json()
    assert [(o["option_id"], o["wilayat"]) for o in ballot["options"]] == [
        (salim, "Seeb"),
        (aisha, "Seeb"),
        (said, "Seeb"),
        (huda, "Bawshar"),
        (majid, "Sohar"),
    ]
    late = await voting.post(candidacies, json=body, headers=officer)
    assert late.status_code == 409

    wrong = await voting.post(f"/ballots/{ballot_id}/votes", json={"choice": majid}, headers=voter(tokens, 0))
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (403, "wrong_constituency")
    assert "stands in Sohar; you may vote only for a candidate of Seeb" in wrong.json()["error"]["message"]
    nizwa = await voting.post(f"/ballots/{ballot_id}/votes", json={"choice": salim}, headers=voter(tokens, 10))
    assert (nizwa.status_code, nizwa.json()["error"]["code"]) == (403, "not_eligible")
    unknown = await voting.post(f"/ballots/{ballot_id}/votes", json={"choice": omar}, headers=voter(tokens, 6))
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (422, "unknown_option")
    votes = {0: salim, 1: salim, 2: aisha, 3: said, 4: huda, 6: majid, 7: majid}
    for n, candidate in votes.items():
        cast = await voting.post(f"/ballots/{ballot_id}/votes", json={"choice": candidate}, headers=voter(tokens, n))
        assert cast.status_code == 201, cast.text

    client = AsyncMongoClient(mongodb_url)
    try:
        db = client[database]
        # The governorate is on who voted (the mark), never on what was voted.
        marks = await db["voters"].find({"ballot_id": ballot_id}).to_list()
        assert sorted(m["governorate"] for m in marks) == ["Muscat"] * 5 + ["North Al Batinah"] * 2
        # In the ballot box, or filed once sealed, until the closed ballot's votes are announced.
        stored = [v for name in ("votes", "ballot_box") for v in await db[name].find({"ballot_id": ballot_id}).to_list()]
        assert len(stored) == 7 and not any("governorate" in v for v in stored)
    finally:
        await client.close()

    result = await closed(voting, tokens, ballot_id, tmp_path)
    seeb, bawshar, sohar = result["constituencies"]
    assert [(c["option_id"], c["votes"], c["percent"]) for c in seeb["counts"]] == [
        (salim, 2, 50.0),
        (aisha, 1, 25.0),
        (said, 1, 25.0),
    ]
    # Two seats: Salim's is certain, the second is tied between Aisha and Said, and declared so.
    assert (seeb["outcome"], seeb["winners"], seeb["tied"], seeb["seats"]) == ("tie", [salim], [aisha, said], 2)
    assert (bawshar["outcome"], bawshar["winners"], bawshar["total_votes"]) == ("winner", [huda], 1)
    assert (sohar["governorate"], sohar["winners"], sohar["total_votes"]) == ("North Al Batinah", [majid], 2)
    assert (result["outcome"], result["total_votes"], result["rule"]) == ("tie", 7, "plurality")
    # Eligible: those registered where a constituency elects (Nizwa's voter could not vote).
    assert result["turnout"] == {
        "eligible": 10,
        "voted": 7,
        "percent": 70.0,
        "by_governorate": [
            {"governorate": "Muscat", "eligible": 6, "voted": 5, "percent": 83.33},
            {"governorate": "North Al Batinah", "eligible": 4, "voted": 2, "percent": 50.0},
        ],
    }

    event = await published(kafka_bootstrap_servers, ballot_id)
    assert [(c["wilayat"], c["winners"], c["tied"]) for c in event["constituencies"]] == [
        ("Seeb", [salim], [aisha, said]),
        ("Bawshar", [huda], []),
        ("Sohar", [majid], []),
    ]
    assert event["turnout"]["by_governorate"][0] == {"governorate": "Muscat", "eligible": 6, "voted": 5, "percent": 83.33}


    auditor = tokens.of(["auditor"])
    entries = (await voting.get(f"/audit?ballot_id={ballot_id}", headers=auditor)).json()
    decisions = [(e["action"], e["details"]["candidacy_id"]) for e in entries if e["action"].startswith("candidate_")]
    assert decisions == [("candidate_approve", c) for c in (salim, aisha, said, huda, majid)] + [
        ("candidate_reject", rejected)
    ]
    assert all("papers missing" not in str(e["details"]) for e in entries)
