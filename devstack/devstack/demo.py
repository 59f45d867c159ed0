"""A small demo loaded by `./sharik run`: an agency's campaign to choose the national
forum's topic, its open ballot, and bearer tokens to try the APIs with."""

from datetime import UTC, datetime, timedelta

import httpx

from devstack.keys import dev_keys
from sharik.auth import mint_token

AGENCY = "mjd"  # a demo ministry slug; any agency id works
FORUM_TOPICS = [
    {"option_id": "human-and-society", "label": {"ar": "الإنسان والمجتمع", "en": "Human and society"}},
    {"option_id": "economy", "label": {"ar": "الاقتصاد والتنويع", "en": "Economy and diversification"}},
    {"option_id": "governance", "label": {"ar": "الحوكمة والأداء المؤسسي", "en": "Governance and performance"}},
]


def demo_tokens() -> dict[str, str]:
    """Twelve-hour development tokens for the three demo roles."""
    private = dev_keys()[0]
    return {
        "citizen": mint_token(private, subject="demo-citizen", roles=["citizen"], governorate="muscat", wilayat="bawshar"),
        "officer": mint_token(private, subject="demo-officer", roles=["officer"], agency=AGENCY),
        "agency_admin": mint_token(private, subject="demo-admin", roles=["agency_admin"], agency=AGENCY),
        "operator": mint_token(private, subject="demo-operator", roles=["operator"]),
    }


def load(urls: dict[str, str], tokens: dict[str, str]) -> dict[str, str]:
    """Create and launch the demo campaign and open its ballot; return their ids."""
    officer = {"authorization": f"Bearer {tokens['officer']}"}
    now = datetime.now(UTC)
    window = {"opens_at": now.isoformat(), "closes_at": (now + timedelta(days=30)).isoformat()}
    with httpx.Client(timeout=30, headers=officer) as http:
        campaign = _ok(
            http.post(
                f"{urls['consultation']}/campaigns",
                json={
                    "kind": "poll",
                    "title": {"ar": "معاً نتقدم: اختر موضوع المنتدى", "en": "Together We Progress: choose the forum topic"},
                    "summary": {
                        "ar": "اختر أحد المواضيع الثلاثة المقترحة لجلسات المنتدى الوطني",
                        "en": "Choose one of three proposed topics for the national forum's sessions",
                    },
                    **window,
                },
            )
        )["campaign_id"]
        _ok(http.post(f"{urls['consultation']}/campaigns/{campaign}/launch"))
        ballot = _ok(
            http.post(
                f"{urls['voting']}/ballots",
                json={
                    "question": {"ar": "ما الموضوع الذي يناقشه المنتدى؟", "en": "Which topic should the forum discuss?"},
                    "options": FORUM_TOPICS,
                    "campaign_id": campaign,
                    "show_preliminary": True,
                    **window,
                },
            )
        )["ballot_id"]
        _ok(http.post(f"{urls['voting']}/ballots/{ballot}/open"))
    register_categories(urls, tokens)
    return {"campaign": campaign, "ballot": ballot}


# The demo agency's complaint categories, so the portal's complaint form has a choice.
CATEGORIES = [
    {"category": "office-service", "unit": "customer-service",
     "name": {"ar": "الخدمة في مكاتبنا", "en": "Service at our offices"}},
    {"category": "website", "unit": "digital", "name": {"ar": "موقعنا الإلكتروني", "en": "Our website"}},
]


def register_categories(urls: dict[str, str], tokens: dict[str, str]) -> None:
    """Register the demo categories; those already registered (409) stay as they are."""
    admin = {"authorization": f"Bearer {tokens['agency_admin']}"}
    with httpx.Client(timeout=30, headers=admin) as http:
        for category in CATEGORIES:
            response = http.post(f"{urls['feedback']}/categories", json=category)
            if response.status_code != 409:
                _ok(response)


def _ok(response: httpx.Response) -> dict:
    if response.is_error:
        raise RuntimeError(f"demo: {response.request.method} {response.request.url} → {response.status_code} {response.text}")
    return response.json()
