"""Feedback settings, from FEEDBACK_* environment variables."""

from pydantic_settings import SettingsConfigDict

from sharik.settings import ServiceSettings


class FeedbackSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="FEEDBACK_", extra="ignore")

    service_name: str = "feedback"
    http_port: int = 8002
    mongodb_database: str = "sharik_feedback"
