"""Home: what is open now, near the citizen by governorate; and the language chooser."""

import asyncio

from fastapi import APIRouter, Form, Request

from portal import i18n
from portal.places import GOVERNORATES
from portal.web import MaybeUser, redirect, render, safe_next

router = APIRouter()


def near(ballot: dict, governorate: str | None) -> bool:
    """Whether a ballot is for people of `governorate` (every ballot when none is chosen)."""
    if not governorate:
        return True
    if ballot["kind"] == "constituency":
        return any(c["governorate"] == governorate for c in ballot.get("constituencies") or [])
    rules = ballot.get("eligibility") or {}
    return not rules.get("governorates") or governorate in rules["governorates"]


@router.get("/", name="home")
async def home(request: Request, user: MaybeUser, governorate: str | None = None):
    services = request.app.state.services
    token = user.token if user else None
    if governorate is None and user is not None:
        governorate = user.governorate
    if governorate not in GOVERNORATES:
        governorate = None
    ballots, campaigns = await asyncio.gather(
        services.get("voting", "/ballots", token=token, params={"limit": 100}),
        services.get("consultation", "/campaigns", token=token, params={"limit": 50}),
    )
    open_ballots = [b for b in ballots if b["state"] == "open" and near(b, governorate)]
    launched = [c for c in campaigns if c["state"] == "launched"]
    return render(
        request, "home.html", ballots=open_ballots, campaigns=launched, governorate=governorate,
        governorates=GOVERNORATES,
    )


@router.get("/campaigns/{campaign_id}")
async def campaign(request: Request, campaign_id: str, user: MaybeUser):
    """A campaign with the ballots that belong to it (its other tools come with their APIs)."""
    services = request.app.state.services
    token = user.token if user else None
    found = await services.get("consultation", f"/campaigns/{campaign_id}", token=token)
    ballots = await services.get("voting", "/ballots", token=token, params={"limit": 200})
    return render(
        request, "campaign.html", campaign=found, ballots=[b for b in ballots if b.get("campaign_id") == campaign_id]
    )


@router.post("/language")
async def choose_language(request: Request, lang: str = Form(), next: str = Form("/")):
    """Remember the chosen language for a year."""
    response = redirect(safe_next(next))
    response.set_cookie(
        i18n.COOKIE, i18n.chosen(lang), max_age=365 * 24 * 3600, httponly=True, samesite="lax",
        secure=request.app.state.settings.secure_cookies,
    )
    return response
