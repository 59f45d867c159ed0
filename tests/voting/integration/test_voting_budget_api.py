"""Participatory budgets end to end: draft (JSON or .pb), vote under the limits, count by
each rule, and recount with `sharik-verify` from the board and from the exported .pb."""

import pytest

from tests.support.service import Tokens
from tests.voting.integration.test_voting_ballot_kinds_api import cast_all, closed, published
from sharik_verify.cli import main as sharik_verify

pytestmark = pytest.mark.integration

PROJECTS = [
    {"option_id": "1", "label": {"ar": "حديقة الحي", "en": "Neighbourhood park"}, "cost": 400, "category": "green"},
    {"option_id": "2", "label": {"ar": "إنارة الشوارع", "en": "Street lights"}, "cost": 300, "area": "Al Khoud"},
    {"option_id": "3", "label": {"ar": "ممشى", "en": "Walkway"}, "cost": 300},
    {"option_id": "4", "label": {"ar": "مكتبة", "en": "Library"}, "cost": 200, "category": "culture"},
    {"option_id": "5", "label": {"ar": "مقاعد", "en": "Benches"}, "cost": 100},
]
SELECTIONS = [["1"]] * 3 + [["2", "3"]] * 2 + [["3", "4", "5"]] * 2 + [["4", "5"]]
PB = {"content-type": "text/plain"}


def budget(**fields) -> dict:
    return {
        "question": {"ar": "ما المشاريع التي تمولها الولاية؟", "en": "Which projects should the wilayat fund?"},
        "options": PROJECTS,
        "opens_at": "2026-11-01T00:00:00Z",
        "closes_at": "2030-01-01T00:00:00Z",
        "kind": "budget",
        "total_budget": 700,
        "rule": "greedy",
        **fields,
    }


async def opened(client, tokens: Tokens, **fields) -> str:
    officer = tokens.officer("mcsy")
    drafted = await client.post("/ballots", json=budget(**fields), headers=officer)
    assert drafted.status_code == 201, drafted.text
    ballot_id = drafted.json()["ballot_id"]
    assert (await client.post(f"/ballots/{ballot_id}/open", headers=officer)).status_code == 200
    return ballot_id


async def test_budget_fields_are_checked_where_they_belong(voting, tokens):
    officer = tokens.officer("mcsy")
    no_rule = await voting.post("/ballots", json=budget(rule=None), headers=officer)
    assert (no_rule.status_code, no_rule.json()["error"]["details"]) == (422, [{"field": "rule"}])
    poll = {**budget(), "kind": "single_choice", "total_budget": None, "rule": None}
    with_costs = await voting.post("/ballots", json=poll, headers=officer)
    assert with_costs.status_code == 422
    assert "are for budget ballots" in with_costs.json()["error"]["message"]
    limitless = await voting.post("/ballots", json=budget(budget_limit=False), headers=officer)
    assert "keep budget_limit or set max_projects" in limitless.json()["error"]["message"]


@pytest.mark.parametrize("rule", ["greedy", "mes", "mes-greedy"])
async def test_a_budget_counts_by_its_rule_and_the_verifier_agrees_from_board_and_pb(
    voting, tokens, tmp_path, capsys, rule, kafka_bootstrap_servers
):
    ballot_id = await opened(voting, tokens, rule=rule, max_projects=3)
    ballot = (await voting.get(f"/ballots/{ballot_id}")).json()
    assert (ballot["total_budget"], ballot["max_projects"], ballot["budget_limit"], ballot["rule"]) == (700, 3, True, rule)
    assert (ballot["options"][0]["cost"], ballot["options"][0]["category"], ballot["options"][1]["area"]) == (
        400,
        "green",
        "Al Khoud",
    )
    over = await voting.post(f"/ballots/{ballot_id}/votes", json={"choices": ["1", "2", "5"]}, headers=tokens.citizen())
    assert (over.status_code, over.json()["error"]) == (
        422,
        {
            "code": "invalid_selection",
            "message": "the selected projects cost 800, more than the budget of 700 (budget_limit)",
            "details": [{"field": "choices"}],
        },
    )
    too_many = await voting.post(
        f"/ballots/{ballot_id}/votes", json={"choices": ["2", "4", "5", "3"]}, headers=tokens.citizen()
    )
    assert (too_many.status_code, too_many.json()["error"]["code"]) == (422, "invalid_selection")
    assert "at most 3 projects (max_projects)" in too_many.json()["error"]["message"]
    early = await voting.get(f"/ballots/{ballot_id}/budget.pb")
    assert (early.status_code, early.json()["error"]["code"]) == (409, "board_not_published")

    await cast_all(voting, tokens, ballot_id, [{"choices": s} for s in SELECTIONS])
    result = await closed(voting, tokens, ballot_id, tmp_path)

    outcome = result["budget"]
    expected = {"greedy": ["3", "4", "5"], "mes": ["3", "5"], "mes-greedy": ["3", "4", "5"]}[rule]
    assert (result["rule"], outcome["selected"], result["winners"]) == (rule, expected, expected)
    assert (outcome["total_budget"], outcome["spent"]) == (700, {"mes": 400}.get(rule, 600))
    assert [(p["project_id"], p["votes"], p["selected"]) for p in outcome["projects"]] == [
        ("1", 3, False),
        ("2", 2, False),
        ("3", 4, True),
        ("4", 3, rule != "mes"),
        ("5", 3, True),
    ]
    assert result["turnout"] == {"eligible": None, "voted": 8, "percent": None, "by_governorate": []}

    pb = await voting.get(f"/ballots/{ballot_id}/budget.pb")
    assert pb.status_code == 200 and pb.headers["content-type"].startswith("text/plain")
    path = tmp_path / "budget.pb"
    path.write_text(pb.text, encoding="utf-8")
    capsys.readouterr()
    assert sharik_verify(["pb", str(path), "--rule", rule]) == 0
    assert capsys.readouterr().out.split() == outcome["selected"]

    event = await published(kafka_bootstrap_servers, ballot_id)
    assert (event["rule"], event["budget"]["selected"], event["budget"]["spent"]) == (rule, expected, outcome["spent"])
    assert event["turnout"]["voted"] == 8 and event["constituencies"] == []


async def test_a_pb_file_imports_as_a_draft_budget_for_officers_only(voting, tokens):
    text = (
        "META\nkey;value\ndescription;Parks 2027\nbudget;1000\nvote_type;approval\nnum_projects;2\n"
        "num_votes;1\nrule;mes\nmax_length;1\n"
        "PROJECTS\nproject_id;cost;name;name_ar;category\n7;600;Sports court;ملعب;sport\n8;500;Shade;مظلات;None\n"
        "VOTES\nvoter_id;vote\nv1;7,8\n"
    )
    query = {
        "question_ar": "ما المشروع؟",
        "question_en": "Which project?",
        "opens_at": "2026-11-01T00:00:00Z",
        "closes_at": "2030-01-01T00:00:00Z",
    }
    citizen = await voting.post("/ballots/pb", params=query, content=text, headers={**tokens.citizen(), **PB})
    assert citizen.status_code == 403
    officer = {**tokens.officer("mm"), **PB}
    imported = await voting.post("/ballots/pb", params=query, content=text, headers=officer)
    assert imported.status_code == 201, imported.text
    ballot = imported.json()
    assert (ballot["kind"], ballot["state"], ballot["total_budget"], ballot["rule"], ballot["max_projects"]) == (
        "budget",
        "draft",
        1000,
        "mes",
        1,
    )
    assert [(o["option_id"], o["label"], o["cost"], o["category"]) for o in ballot["options"]] == [
        ("7", {"ar": "ملعب", "en": "Sports court"}, 600, "sport"),
        ("8", {"ar": "مظلات", "en": "Shade"}, 500, None),
    ]
    miscounted = text.replace("num_votes;1", "num_votes;2")
    broken = await voting.post("/ballots/pb", params=query, content=miscounted, headers=officer)
    assert broken.status_code == 422 and "num_votes is 2 but the file has 1" in broken.json()["error"]["message"]
    no_question = await voting.post("/ballots/pb", params={**query, "question_ar": ""}, content=text, headers=officer)
    assert no_question.status_code == 422
