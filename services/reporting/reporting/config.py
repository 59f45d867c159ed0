"""Reporting settings, from REPORTING_* environment variables."""

from pydantic_settings import SettingsConfigDict

from sharik.settings import ServiceSettings


class ReportingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REPORTING_", extra="ignore")

    service_name: str = "reporting"
    http_port: int = 8005
    mongodb_database: str = "sharik_reporting"
