"""A ballot's form, read into the voting API's vote and checked before it is sent.

The voting service checks every vote again; checking here first lets the page show
the mistake next to the field, in the voter's language, without a round trip."""

from dataclasses import dataclass, field

from starlette.datastructures import FormData

from portal.web import gettext as _

WRITE_IN = "__write_in__"
MAX_WRITE_IN = 200


@dataclass
class MarkedVote:
    body: dict = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def read_vote(ballot: dict, form: FormData) -> MarkedVote:
    """The vote body for POST /ballots/{id}/votes, or the errors by field."""
    kind = ballot["kind"]
    ids = [o["option_id"] for o in ballot["options"]]
    if kind == "single_choice" or kind == "constituency":
        return _single(ballot, form, ids)
    if kind == "approval":
        return _approval(ballot, form, ids)
    if kind == "budget":
        return _budget(ballot, form, ids)
    return _ranked(form, ids)


def _single(ballot: dict, form: FormData, ids: list[str]) -> MarkedVote:
    choice = form.get("choice")
    if ballot.get("allow_write_in") and choice == WRITE_IN:
        text = str(form.get("write_in") or "").strip()
        if not text:
            return MarkedVote(errors={"write_in": _("Write your answer, or choose one of the options.")})
        if len(text) > MAX_WRITE_IN:
            return MarkedVote(errors={"write_in": _("Your answer is too long: at most %(n)s characters.", n=MAX_WRITE_IN)})
        return MarkedVote(body={"write_in": text})
    if choice not in ids:
        return MarkedVote(errors={"choice": _("Choose one option.")})
    return MarkedVote(body={"choice": choice})


def _approval(ballot: dict, form: FormData, ids: list[str]) -> MarkedVote:
    chosen = [c for c in dict.fromkeys(form.getlist("choices")) if c in ids]
    fewest = ballot.get("min_selections") or 1
    most = ballot.get("max_selections") or len(ids)
    if len(chosen) < fewest:
        return MarkedVote(errors={"choices": _("Choose at least %(n)s options.", n=fewest)})
    if len(chosen) > most:
        return MarkedVote(errors={"choices": _("Choose at most %(n)s options.", n=most)})
    return MarkedVote(body={"choices": chosen})


def _budget(ballot: dict, form: FormData, ids: list[str]) -> MarkedVote:
    costs = {o["option_id"]: o.get("cost") or 0 for o in ballot["options"]}
    chosen = [c for c in dict.fromkeys(form.getlist("choices")) if c in ids]
    if not chosen:
        return MarkedVote(errors={"choices": _("Choose at least one project.")})
    if ballot.get("max_projects") and len(chosen) > ballot["max_projects"]:
        return MarkedVote(errors={"choices": _("Choose at most %(n)s projects.", n=ballot["max_projects"])})
    if ballot.get("budget_limit", True) and sum(costs[c] for c in chosen) > (ballot.get("total_budget") or 0):
        return MarkedVote(errors={"choices": _("Your projects cost more than the budget. Remove some.")})
    return MarkedVote(body={"choices": chosen})


def _ranked(form: FormData, ids: list[str]) -> MarkedVote:
    ranks: dict[str, int] = {}
    for option_id in ids:
        given = str(form.get(f"rank_{option_id}") or "").strip()
        if not given:
            continue
        if not given.isdigit() or not 1 <= int(given) <= len(ids):
            return MarkedVote(errors={"ranking": _("Each rank is a number from 1 to %(n)s.", n=len(ids))})
        ranks[option_id] = int(given)
    if not ranks:
        return MarkedVote(errors={"ranking": _("Give rank 1 to the option you prefer most.")})
    if len(set(ranks.values())) != len(ranks):
        return MarkedVote(errors={"ranking": _("Give each rank to one option only.")})
    if sorted(ranks.values()) != list(range(1, len(ranks) + 1)):
        return MarkedVote(errors={"ranking": _("Use the ranks 1, 2, 3… without gaps.")})
    return MarkedVote(body={"ranking": sorted(ranks, key=ranks.__getitem__)})
