"""Feedback settings, from FEEDBACK_* environment variables."""

from datetime import time

from pydantic_settings import SettingsConfigDict

from sharik.settings import ServiceSettings


class FeedbackSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="FEEDBACK_", extra="ignore")

    service_name: str = "feedback"
    http_port: int = 8002
    mongodb_database: str = "sharik_feedback"
    confidential_categories: list[str] = ["blackmail", "fraud", "cyber-blackmail"]
    """Categories whose reports only the agency's `confidential_team` sees."""
    guess_limit: int = 10
    """Failed checks per window before 429: unknown tracking codes per client address,
    wrong secrets per case."""
    guess_window_seconds: int = 900
    anonymous_filing_limit: int = 5
    """Anonymous filings one client address may make per window before 429."""
    anonymous_filing_window_seconds: int = 3600
    limit_expiry_seconds: float = 300
    """How often finished limit windows are deleted from the store."""
    sla_acknowledge_hours: float = 8
    """Default business hours to acknowledge a complaint: one government working day (7 h) and one more hour."""
    sla_resolve_hours: float = 70
    """Default business hours to resolve one: ten working days of 7 hours."""
    sla_categories: dict[str, dict[str, float]] = {}
    """Per-category overrides as JSON, e.g. {"water-leak": {"acknowledge_hours": 2, "resolve_hours": 14}}."""
    holidays: str = ""
    """Public holidays, ISO dates split by commas, e.g. "2026-11-18,2026-11-19"."""
    business_opens: time = time(7, 30)
    business_closes: time = time(14, 30)
    escalation_poll_seconds: float = 60
    reopen_days: int = 14
    """How long after its resolution the citizen who filed a case may reopen it."""
