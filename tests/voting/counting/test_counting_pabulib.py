from fractions import Fraction
from pathlib import Path

import pytest

from sharik_verify.counting.budget import Project
from sharik_verify.counting.pabulib import PabulibError, PbFile, PbVote, parse_pb, write_pb

DATA = Path(__file__).parent / "data"

MINIMAL = """META
key;value
num_projects;2
num_votes;2
budget;100
vote_type;approval
PROJECTS
project_id;cost;name
1;60;Walking track
2;40;Bus shelter
VOTES
voter_id;vote
1;1,2
2;2
"""


def read(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


def test_reads_a_ward_budget():
    pb = parse_pb(read("ward-budget.pb"))

    assert pb.budget == 1000
    assert pb.meta["country"] == "Oman" and pb.meta["rule"] == "greedy"
    assert len(pb.projects) == 20 and len(pb.votes) == 100
    assert pb.projects[1] == Project("2", 100, "Shaded bus stop, Al Khoud", "school area")
    assert pb.votes[99] == PbVote("100", tuple(str(i) for i in range(11, 21)), {})
    election = pb.participatory_budget()
    assert election.votes()["1"] == 60 and election.votes()["20"] == 40


def test_writing_what_was_read_gives_back_the_same_file():
    text = read("ward-budget.pb")

    assert write_pb(parse_pb(text)) == text


def test_reading_is_lenient_on_what_counting_does_not_use():
    pb = parse_pb(read("lenient.pb"))  # starts with a byte order mark, too

    assert pb.budget == 100  # written "100,0", with a decimal comma
    park, library, clinic = pb.projects
    assert park == Project("park", 50, "Park; shaded seating", None)  # a quoted ";", a None cell
    assert library.cost == 50  # written "50.00"
    assert clinic.name == ""
    assert pb.project_extra["park"] == {"votes": "6", "selected": "1", "target": "families"}
    assert pb.meta["min_length"] == "1"
    assert pb.votes[2].projects == ("park", "library")  # space after the comma
    assert pb.votes[0].extra == {"age": "34", "sex": "F"}
    assert pb.votes[9].extra == {"age": "", "sex": ""}  # a short row


def test_extra_columns_and_meta_keys_survive_a_round_trip():
    pb = parse_pb(read("lenient.pb"))

    again = parse_pb(write_pb(pb))

    assert (again.budget, again.projects, again.votes, again.project_extra) == (
        pb.budget,
        pb.projects,
        pb.votes,
        pb.project_extra,
    )
    assert again.meta == pb.meta | {"budget": "100"}  # the amount is written in one canonical way


def test_writing_takes_counts_and_budget_from_the_data():
    pb = PbFile(
        meta={
            "description": "Al Amerat budget",
            "num_projects": "9",
            "num_votes": "9",
            "budget": "1",
            "vote_type": "approval",
        },
        budget=Fraction(5001, 2),
        projects=(Project("1", Fraction(1201, 2), "Shade sails"),),
        votes=(PbVote("a", ("1",), {}), PbVote("b", (), {})),
        project_extra={},
    )

    text = write_pb(pb)

    assert "num_projects;1\nnum_votes;2\nbudget;2500.5\n" in text
    assert "1;600.5;Shade sails\n" in text
    assert "b;\n" in text
    assert parse_pb(text).budget == Fraction(5001, 2)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("budget;100\n", "", "META: missing required keys: budget"),
        ("vote_type;approval", "vote_type;ordinal", "vote_type 'ordinal' is not supported"),
        ("project_id;cost;name", "project_id;name", "line 8: PROJECTS header lacks columns: cost"),
        ("voter_id;vote", "voter_id;choice", "line 12: VOTES header lacks columns: vote"),
        ("2;2\n", "2;3\n", "line 14: vote for unknown projects: 3"),
        ("2;2\n", "2;2,2\n", "line 14: a project is approved twice"),
        ("2;2\n", "1;2\n", "line 14: voter 1 votes twice"),
        ("2;40;Bus shelter", "1;40;Bus shelter", "line 10: project 1 is listed twice"),
        ("2;40;", "2;forty;", "line 10: cost 'forty' is not a number"),
        ("2;40;", "2;-40;", "line 10: cost '-40' is negative"),
        ("1;60;Walking track", "1;60;Walking track;extra", "line 9: 4 cells but the header has 3"),
        ("num_votes;2", "num_votes;3", "META: num_votes is 3 but the file has 2"),
        ("VOTES\nvoter_id;vote\n1;1,2\n2;2\n", "", "missing sections: VOTES"),
        ("META\n", "", "line 1: expected a META, PROJECTS or VOTES section"),
        ("VOTES\n", "META\n", "line 11: section META appears twice"),
        ("budget;100", "budget;lots", "META: budget 'lots' is not a number"),
    ],
)
def test_what_counting_needs_is_checked_and_the_fault_named(old, new, message):
    assert old in MINIMAL
    with pytest.raises(PabulibError, match=message):
        parse_pb(MINIMAL.replace(old, new))


def test_the_minimal_file_is_valid():
    pb = parse_pb(MINIMAL)

    assert [v.projects for v in pb.votes] == [("1", "2"), ("2",)]
