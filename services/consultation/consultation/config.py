"""Consultation settings, from CONSULTATION_* environment variables."""

from pydantic_settings import SettingsConfigDict

from sharik.settings import ServiceSettings


class ConsultationSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CONSULTATION_", extra="ignore")

    service_name: str = "consultation"
    http_port: int = 8001
    mongodb_database: str = "sharik_consultation"
