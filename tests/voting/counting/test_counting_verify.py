from pathlib import Path

import pytest

from sharik_verify.cli import main

DATA = Path(__file__).parent / "data"


def verify(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str], str]:
    """Exit status, printed lines and error text of `sharik-verify argv`."""
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out.splitlines(), err


@pytest.mark.parametrize(
    ("rule", "funded"),
    [
        ("greedy", [str(i) for i in range(1, 11)]),
        # Numeric ids print in numeric order: 11 after 6, not after 1.
        ("mes", ["1", "2", "3", "4", "5", "6", "11", "12", "13", "14"]),
        ("mes-greedy", ["1", "2", "3", "4", "5", "6", "11", "12", "13", "14"]),
    ],
)
def test_pb_prints_the_funded_projects_of_the_ward_budget(capsys, rule, funded):
    assert verify(capsys, "pb", str(DATA / "ward-budget.pb"), "--rule", rule) == (0, funded, "")


@pytest.mark.parametrize(("rule", "funded"), [("greedy", ["library", "park"]), ("mes", ["clinic", "library"])])
def test_pb_prints_text_ids_in_text_order(capsys, rule, funded):
    assert verify(capsys, "pb", str(DATA / "lenient.pb"), "--rule", rule) == (0, funded, "")


def test_pb_names_the_fault_in_an_invalid_file(capsys):
    status, out, err = verify(capsys, "pb", str(DATA / "missing-cost.pb"), "--rule", "mes")

    assert status == 1 and out == []
    assert "missing-cost.pb: line 9: PROJECTS header lacks columns: cost" in err


def test_pb_reports_a_missing_file(capsys):
    status, _, err = verify(capsys, "pb", str(DATA / "nowhere.pb"), "--rule", "mes")

    assert status == 1 and "nowhere.pb" in err


@pytest.mark.parametrize("argv", [["pb", "x.pb"], ["pb", "x.pb", "--rule", "random"], []])
def test_usage_errors_exit_with_status_2(argv):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
