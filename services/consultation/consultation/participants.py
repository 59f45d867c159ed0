"""How citizens appear in events: a pseudonym per campaign, so a person's
contributions to one campaign count once and cannot be joined across campaigns."""

from sharik.auth import Principal
from sharik.pseudonym import pseudonym


def participant(key: str, by: Principal, *, campaign_id: str | None, tool_id: str) -> str:
    """A citizen's pseudonym within one campaign (or one tool outside a campaign)."""
    return pseudonym(key, by.subject, purpose=f"participant:{campaign_id or tool_id}")
