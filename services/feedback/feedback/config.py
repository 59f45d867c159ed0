"""Feedback settings, from FEEDBACK_* environment variables."""

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
    """Failed tracking-code or secret checks one address may make per window before 429."""
    guess_window_seconds: int = 900
