"""Who may vote in a ballot: any citizen, those on its electoral roll, or those whose
token places them where the ballot's rules allow (DOMAIN.md: electoral rolls)."""

from dataclasses import dataclass
from datetime import date
from typing import Literal

from sharik.errors import Forbidden, Invalid
from sharik.places import governorate_named, same_place, wilayat_named

EligibilityMode = Literal["open", "roll", "rules"]


class NotEligible(Forbidden):
    code = "not_eligible"


@dataclass(frozen=True)
class Eligibility:
    mode: EligibilityMode = "open"
    governorates: tuple[str, ...] = ()
    wilayats: tuple[str, ...] = ()
    """For `roll`, the wilayats of registration that may vote (none: all on the roll)."""
    min_age: int | None = None

    @classmethod
    def of(
        cls,
        mode: EligibilityMode = "open",
        *,
        governorates: tuple[str, ...] = (),
        wilayats: tuple[str, ...] = (),
        min_age: int | None = None,
    ) -> "Eligibility":
        """Checked eligibility; rules only where the mode can evaluate them."""
        if mode == "open" and (governorates or wilayats or min_age is not None):
            raise Invalid("an open ballot takes no rules; use mode `rules`", details=[{"field": "eligibility.mode"}])
        if mode == "roll" and governorates:
            raise Invalid(
                "the roll records wilayats only; restrict a roll ballot by `wilayats`",
                details=[{"field": "eligibility.governorates"}],
            )
        if mode == "rules" and not (governorates or wilayats or min_age is not None):
            raise Invalid("mode `rules` needs governorates, wilayats or min_age", details=[{"field": "eligibility"}])
        governorates, wilayats = _names(governorates), _names(wilayats)
        for governorate in governorates:
            if governorate_named(governorate) is None:
                raise Invalid(
                    f"{governorate!r} is not one of Oman's governorates", details=[{"field": "eligibility.governorates"}]
                )
        for wilayat in wilayats:
            if wilayat_named(wilayat) is None:
                raise Invalid(f"{wilayat!r} is not one of Oman's wilayats", details=[{"field": "eligibility.wilayats"}])
        return cls(mode=mode, governorates=governorates, wilayats=wilayats, min_age=min_age)

    def check_age(self, birthdate: date | None, *, on: date) -> None:
        """Raise NotEligible unless someone born on `birthdate` is `min_age` by `on`
        (the day the ballot opens, so the same rule holds for every voter)."""
        if self.min_age is None:
            return
        if birthdate is None:
            raise NotEligible(
                f"you are not eligible: this ballot needs age {self.min_age} and your identity carries no birthdate",
                details=[{"rule": "min_age"}],
            )
        age = on.year - birthdate.year - ((on.month, on.day) < (birthdate.month, birthdate.day))
        if age < self.min_age:
            raise NotEligible(
                f"you are not eligible: this ballot needs age {self.min_age} on {on.isoformat()} (too young)",
                details=[{"rule": "min_age"}],
            )

    def check_claims(self, *, governorate: str | None, wilayat: str | None) -> None:
        """Raise NotEligible, naming the rule, unless a resident of `governorate`/`wilayat` may vote."""
        if self.governorates and not _among(governorate, self.governorates):
            raise NotEligible(
                "you are not eligible: this ballot is for residents of "
                f"{', '.join(self.governorates)} (wrong governorate)",
                details=[{"rule": "governorate"}],
            )
        self.check_wilayat(wilayat)

    def check_wilayat(self, wilayat: str | None) -> None:
        """Raise NotEligible unless `wilayat` (of residence or of registration) may vote."""
        if self.wilayats and not _among(wilayat, self.wilayats):
            raise NotEligible(
                f"you are not eligible: this ballot is for {', '.join(self.wilayats)} (wrong wilayat)",
                details=[{"rule": "wilayat"}],
            )


def not_on_roll() -> NotEligible:
    return NotEligible("you are not eligible: you are not on this ballot's electoral roll", details=[{"rule": "roll"}])


def _names(names: tuple[str, ...]) -> tuple[str, ...]:
    cleaned = tuple(dict.fromkeys(_name(n) for n in names))
    if "" in cleaned:
        raise Invalid("governorate and wilayat names must not be blank", details=[{"field": "eligibility"}])
    return cleaned


def _name(name: str | None) -> str:
    return " ".join((name or "").split())


def _among(name: str | None, names: tuple[str, ...]) -> bool:
    """Place names compared as places: tokens and CSVs spell them apart."""
    return name is not None and any(same_place(name, n) for n in names)
