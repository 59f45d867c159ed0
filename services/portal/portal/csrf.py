"""Anti-forgery: every POST carries the session's token in its form."""

import hmac

from fastapi import HTTPException, Request

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def check_csrf(request: Request) -> None:
    """Refuse a POST whose `csrf_token` field is not this session's (403)."""
    if request.method in SAFE_METHODS:
        return
    form = await request.form()
    sent = form.get("csrf_token")
    expected = request.session.get("csrf")
    if not expected or not isinstance(sent, str) or not hmac.compare_digest(sent, expected):
        raise HTTPException(status_code=403, detail="csrf")
