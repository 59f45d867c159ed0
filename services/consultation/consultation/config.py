"""Consultation settings, from CONSULTATION_* environment variables."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from sharik.settings import ServiceSettings


class ConsultationSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CONSULTATION_", extra="ignore")

    service_name: str = "consultation"
    http_port: int = 8001
    mongodb_database: str = "sharik_consultation"
    flags_to_hide: int = Field(default=3, ge=1)
    """Citizen text is hidden automatically after this many flags since its last review."""
    results_max_age_seconds: float = Field(default=30, ge=0)
    """Live survey results are at most this old (one count per survey per interval)."""
    initiative_committee: int = Field(default=3, ge=0)
    """Co-promoters who must accept before an initiative is filed."""
    initiative_clock_seconds: float = Field(default=60, gt=0)
    """How often initiatives past their deadline expire and overdue answers are flagged."""
    live_poll_seconds: float = Field(default=0.25, gt=0)
    """How often each replica looks in the store for changed questions of the sessions it streams."""
