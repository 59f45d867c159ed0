"""Reporting settings, from REPORTING_* environment variables."""

from datetime import timedelta

from pydantic_settings import SettingsConfigDict

from sharik.settings import ServiceSettings


class ReportingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REPORTING_", extra="ignore")

    service_name: str = "reporting"
    http_port: int = 8005
    mongodb_database: str = "sharik_reporting"
    voting_public_url: str = "http://127.0.0.1:8003"
    """The voting service's public base URL, for the open-data catalogue's board and .pb links."""
    suppression_k: int = 5
    """Small-cell suppression: a count of people under this is withheld from every dataset."""
    catalog_page_size: int = 100
    """Datasets per page of the DCAT catalogue (Hydra paging beyond it)."""
    open_data_contact_email: str = "opendata@sharik.om"
    """The catalogue's contact point for questions about the datasets."""
    data_request_answer_within: timedelta = timedelta(days=15)
    """How long an agency has to answer a data request before it counts as late."""
    data_request_overdue_poll_seconds: float = 60
    """How often open data requests past their due time are marked overdue."""
