"""The staff's ballot draft form, read into the voting API's ballot body.

Options are one per line: `Arabic label | English label`, and for a budget `| cost`.
Constituencies are one per line: `wilayat | seats`. Times are Muscat time."""

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from starlette.datastructures import FormData

from portal.places import GOVERNORATES, governorate_of
from portal.web import gettext as _

KINDS = ("single_choice", "approval", "ranked", "budget", "constituency")
RULES = ("greedy", "mes", "mes-greedy")
ELIGIBILITY = ("open", "roll", "rules")
MUSCAT = ZoneInfo("Asia/Muscat")


@dataclass
class DraftForm:
    body: dict = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def read_draft(form: FormData) -> DraftForm:
    errors: dict[str, str] = {}
    kind = form.get("kind")
    if kind not in KINDS:
        errors["kind"] = _("Choose the kind of ballot.")
    question = {lang: str(form.get(f"question_{lang}") or "").strip() for lang in ("ar", "en")}
    for lang, text in question.items():
        if not text:
            errors[f"question_{lang}"] = _("Write the question in this language.")
    opens_at, closes_at = _when(form, "opens_at", errors), _when(form, "closes_at", errors)
    if opens_at and closes_at and closes_at <= opens_at:
        errors["closes_at"] = _("The ballot must close after it opens.")
    options = _options(form, kind, errors)
    body: dict = {
        "kind": kind,
        "question": question,
        "options": options,
        "opens_at": opens_at.isoformat() if opens_at else None,
        "closes_at": closes_at.isoformat() if closes_at else None,
        "show_preliminary": form.get("show_preliminary") == "yes",
        "binding": form.get("binding") == "yes",
        "campaign_id": str(form.get("campaign_id") or "").strip() or None,
        "eligibility": _eligibility(form, errors),
    }
    if kind == "single_choice":
        body["allow_write_in"] = form.get("allow_write_in") == "yes"
    if kind == "approval":
        for name in ("min_selections", "max_selections", "seats"):
            body[name] = _whole(form, name, errors)
    if kind == "budget":
        body["total_budget"] = _whole(form, "total_budget", errors, required=True)
        body["max_projects"] = _whole(form, "max_projects", errors)
        body["budget_limit"] = form.get("budget_limit") != "no"
        body["rule"] = form.get("rule") if form.get("rule") in RULES else "greedy"
    if kind == "constituency":
        body["options"] = []
        body["constituencies"] = _constituencies(form, errors)
    return DraftForm(body=body if not errors else {}, errors=errors)


def _when(form: FormData, name: str, errors: dict[str, str]) -> datetime | None:
    given = str(form.get(name) or "").strip()
    try:
        return datetime.fromisoformat(given).replace(tzinfo=MUSCAT)
    except ValueError:
        errors[name] = _("Give a date and time, e.g. 2026-05-01 08:00.")
        return None


def _whole(form: FormData, name: str, errors: dict[str, str], *, required: bool = False) -> int | None:
    given = str(form.get(name) or "").strip()
    if not given and not required:
        return None
    if not given.isdigit() or int(given) < 1:
        errors[name] = _("Give a whole number above 0.")
        return None
    return int(given)


def _options(form: FormData, kind: str | None, errors: dict[str, str]) -> list[dict]:
    if kind == "constituency":
        return []
    options = []
    for line in str(form.get("options") or "").splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) < 2 or not parts[0] or not parts[1] or (kind == "budget" and len(parts) < 3):
            errors["options"] = (
                _("Each project line is: Arabic | English | cost.") if kind == "budget"
                else _("Each option line is: Arabic | English.")
            )
            return []
        option = {"label": {"ar": parts[0], "en": parts[1]}}
        if kind == "budget":
            if not parts[2].isdigit() or int(parts[2]) < 1:
                errors["options"] = _("A project's cost is a whole number above 0.")
                return []
            option["cost"] = int(parts[2])
        options.append(option)
    if len(options) < 2 and "options" not in errors:
        errors["options"] = _("Give at least two options, one per line.")
    return options


def _constituencies(form: FormData, errors: dict[str, str]) -> list[dict]:
    found = []
    for line in str(form.get("constituencies") or "").splitlines():
        if not line.strip():
            continue
        wilayat, _sep, seats = (p.strip() for p in line.partition("|"))
        governorate = governorate_of(wilayat)
        if governorate is None or (seats and not seats.isdigit()):
            errors["constituencies"] = _("Each line is: wilayat id | seats, e.g. seeb | 2.")
            return []
        found.append({"wilayat": wilayat, "governorate": governorate, "seats": int(seats or 1)})
    if not found:
        errors["constituencies"] = _("Give at least one wilayat that elects.")
    return found


def _eligibility(form: FormData, errors: dict[str, str]) -> dict:
    mode = form.get("eligibility") if form.get("eligibility") in ELIGIBILITY else "open"
    governorates = [g for g in form.getlist("governorates") if g in GOVERNORATES]
    if form.get("kind") == "constituency" and mode != "roll":
        errors["governorates"] = _("A constituency election is for those on its electoral roll.")
    if mode == "rules" and not governorates:
        errors["governorates"] = _("Choose the governorates whose residents vote.")
    return {"mode": mode, "governorates": governorates if mode == "rules" else []}
