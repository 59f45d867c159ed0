"""Electoral roll CSV parsing and eligibility rules, without I/O."""

from datetime import UTC, date, datetime, timedelta

import pytest

from sharik.errors import Conflict, Invalid
from voting.domain.ballot import Ballot, RollFrozen, Text
from voting.domain.eligibility import Eligibility, NotEligible
from voting.domain.roll import MAX_ROWS, Registration, check_civil_number, parse_roll

NOW = datetime(2026, 11, 22, 8, tzinfo=UTC)


def test_a_roll_csv_gives_its_valid_rows_and_says_why_each_other_line_was_rejected():
    text = (
        "civil_number,wilayat\n"
        "12345678,Bawshar\n"
        "12AB5678,Seeb\n"
        "12345,Seeb\n"
        "1234567890123,Seeb\n"
        "\n"
        " 87654321 ,  Al  Amerat \n"
        "11111111,\n"
        "12345678,Seeb\n"
        "22222222,Seeb,extra\n"
    )
    accepted, rejected = parse_roll(text)
    assert accepted == [
        Registration(line=2, civil_number="12345678", wilayat="Bawshar"),
        Registration(line=7, civil_number="87654321", wilayat="Al Amerat"),
    ]
    assert [(r.line, r.reason) for r in rejected] == [
        (3, "civil_number must be 6 to 12 digits"),
        (4, "civil_number must be 6 to 12 digits"),
        (5, "civil_number must be 6 to 12 digits"),
        (8, "wilayat must be 1 to 100 characters"),
        (9, "civil number repeated (first on line 2)"),
        (10, "expected 2 fields, found 3"),
    ]
    assert not any(number in r.reason for r in rejected for number in ("12345678", "11111111", "22222222"))


def test_a_roll_needs_its_header_row_and_at_most_the_row_limit():
    with pytest.raises(Invalid, match="header"):
        parse_roll("12345678,Bawshar\n")
    with pytest.raises(Invalid, match="header"):
        parse_roll("")
    accepted, _ = parse_roll("\ufeffCivil_Number,Wilayat\r\n12345678,Seeb\r\n")
    assert [r.civil_number for r in accepted] == ["12345678"]
    too_many = "civil_number,wilayat\n" + "".join(f"{10_000_000 + n},Seeb\n" for n in range(MAX_ROWS + 1))
    with pytest.raises(Invalid, match="at most"):
        parse_roll(too_many)


def test_a_civil_number_is_six_to_twelve_digits():
    assert check_civil_number(" 123456 ") == "123456"
    for bad in ("12345", "1234567890123", "12345a", "", "١٢٣٤٥٦"):
        with pytest.raises(Invalid):
            check_civil_number(bad)


def test_rules_by_governorate_and_wilayat_name_the_rule_a_voter_fails():
    rules = Eligibility.of("rules", governorates=("Muscat",), wilayats=("Bawshar", "Seeb"))
    rules.check_claims(governorate="muscat", wilayat=" seeb ")
    with pytest.raises(NotEligible, match="wrong governorate") as wrong_governorate:
        rules.check_claims(governorate="Dhofar", wilayat="Seeb")
    assert wrong_governorate.value.status == 403
    assert wrong_governorate.value.code == "not_eligible"
    with pytest.raises(NotEligible, match="wrong wilayat"):
        rules.check_claims(governorate="Muscat", wilayat="Muttrah")
    with pytest.raises(NotEligible, match="wrong governorate"):
        rules.check_claims(governorate=None, wilayat=None)


def test_eligibility_refuses_rules_its_mode_cannot_evaluate():
    with pytest.raises(Invalid, match="an open ballot takes no rules"):
        Eligibility.of("open", min_age=18)
    with pytest.raises(Invalid, match="needs governorates, wilayats or min_age"):
        Eligibility.of("rules")
    with pytest.raises(Invalid, match="open ballot takes no rules"):
        Eligibility.of("open", wilayats=("Seeb",))
    with pytest.raises(Invalid, match="wilayats only"):
        Eligibility.of("roll", governorates=("Muscat",))
    with pytest.raises(Invalid, match="blank"):
        Eligibility.of("rules", wilayats=("  ",))
    assert Eligibility.of("roll", wilayats=("Seeb", "Seeb ")).wilayats == ("Seeb",)


def draft(eligibility: Eligibility) -> Ballot:
    return Ballot.draft(
        ballot_id="b1",
        agency="mm",
        question=Text(ar="سؤال؟", en="Question?"),
        options=[(None, Text(ar="نعم", en="Yes")), (None, Text(ar="لا", en="No"))],
        opens_at=NOW,
        closes_at=NOW + timedelta(days=7),
        created_by="officer-1",
        now=NOW,
        eligibility=eligibility,
    )


def test_the_roll_can_change_while_the_ballot_is_a_draft_and_freezes_when_it_opens():
    ballot = draft(Eligibility.of("roll"))
    ballot.check_roll_editable()
    with pytest.raises(RollFrozen, match="frozen") as frozen:
        ballot.open(now=NOW).check_roll_editable()
    assert frozen.value.status == 409
    with pytest.raises(Conflict, match="no electoral roll"):
        draft(Eligibility()).check_roll_editable()


def test_minimum_age_is_counted_on_the_day_the_ballot_opens():
    adults = Eligibility.of("rules", min_age=21)
    opens = date(2027, 3, 1)
    adults.check_age(date(2006, 3, 1), on=opens)  # 21 that very day
    with pytest.raises(NotEligible, match="too young"):
        adults.check_age(date(2006, 3, 2), on=opens)
    with pytest.raises(NotEligible, match="carries no birthdate"):
        adults.check_age(None, on=opens)
    Eligibility.of("open").check_age(None, on=opens)  # no age rule, nothing asked
