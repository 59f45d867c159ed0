"""The complaint form, read into the feedback API's body and checked before it is sent.

Each error names its field, so the page shows it beside that field in the user's language;
the feedback service checks the same rules again."""

from dataclasses import dataclass, field

from starlette.datastructures import FormData

from portal.places import GOVERNORATES, WILAYATS
from portal.web import gettext as _

KINDS = ("complaint", "suggestion", "report")
DESCRIPTION_MAX = 4000
LINKS_MAX = 5
# Oman's bounding box, as the feedback service checks it.
LATITUDES = (16.6, 26.5)
LONGITUDES = (51.8, 59.9)


@dataclass
class FiledForm:
    body: dict = field(default_factory=dict)
    anonymous: bool = False
    errors: dict[str, str] = field(default_factory=dict)


def read_complaint(form: FormData, *, categories: list[dict], language: str, signed_in: bool) -> FiledForm:
    errors: dict[str, str] = {}
    kind = form.get("kind")
    if kind not in KINDS:
        errors["kind"] = _("Choose what you are sending: a complaint, a suggestion or a report.")
    chosen = next((c for c in categories if f'{c["agency"]}:{c["category"]}' == form.get("category")), None)
    if chosen is None:
        errors["category"] = _("Choose what it is about.")
    description = str(form.get("description") or "").strip()
    if not description:
        errors["description"] = _("Describe what happened.")
    elif len(description) > DESCRIPTION_MAX:
        errors["description"] = _("The description is too long: at most %(n)s characters.", n=DESCRIPTION_MAX)
    governorate = form.get("governorate") or None
    wilayat = form.get("wilayat") or None
    if governorate is not None and governorate not in GOVERNORATES:
        errors["governorate"] = _("Choose a governorate from the list.")
    if wilayat is not None and (governorate is None or wilayat not in WILAYATS.get(governorate, {})):
        errors["wilayat"] = _("Choose a wilayat of the governorate you chose.")
    latitude, longitude = _location(form, errors)
    links = [line.strip() for line in str(form.get("links") or "").splitlines() if line.strip()]
    if len(links) > LINKS_MAX:
        errors["links"] = _("At most %(n)s links.", n=LINKS_MAX)
    elif any(not link.startswith("https://") or " " in link or len(link) > 2048 for link in links):
        errors["links"] = _("Each link starts with https:// and is on its own line.")
    anonymous = not signed_in or form.get("anonymous") == "yes"
    if errors:
        return FiledForm(errors=errors, anonymous=anonymous)
    body = {
        "kind": kind,
        "agency": chosen["agency"],
        "category": chosen["category"],
        "description": description,
        "governorate": governorate,
        "wilayat": wilayat,
        "language": language,
        "channel": "web",
        "latitude": latitude,
        "longitude": longitude,
        "attachments": links,
    }
    return FiledForm(body={k: v for k, v in body.items() if v is not None}, anonymous=anonymous)


def _location(form: FormData, errors: dict[str, str]) -> tuple[float | None, float | None]:
    given = {name: str(form.get(name) or "").strip() for name in ("latitude", "longitude")}
    if not any(given.values()):
        return None, None
    values = {}
    for name, (low, high) in (("latitude", LATITUDES), ("longitude", LONGITUDES)):
        try:
            value = float(given[name])
        except ValueError:
            errors[name] = _("Give both latitude and longitude as numbers, or neither.")
            continue
        if not low <= value <= high:
            errors[name] = _("This place is outside Oman.")
        values[name] = value
    return values.get("latitude"), values.get("longitude")
