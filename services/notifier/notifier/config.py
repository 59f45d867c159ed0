"""Notifier settings, from NOTIFIER_* environment variables."""

from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import SettingsConfigDict

from notifier.alerts.centres import CentreEndpoints
from notifier.webhooks.delivery import DEFAULT_SCHEDULE_SECONDS
from sharik.settings import ServiceSettings


class NotifierSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NOTIFIER_", extra="ignore")

    service_name: str = "notifier"
    http_port: int = 8004
    mongodb_database: str = "sharik_notifier"

    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    smtp_sender: str = "Sharik <no-reply@sharik.local>"
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = False

    public_url: str = "http://127.0.0.1:8004"
    """Where people reach this service: the base of confirmation and unsubscribe links."""
    escalation_recipients: dict[str, dict[Literal["unit_head", "agency_admin", "platform_operator"], list[str]]] = {}
    """Who is emailed when a complaint escalates, per agency and rung, as JSON:
    {"<agency>": {"unit_head": [...], "agency_admin": [...]}, "*": {"platform_operator": [...]}}
    ("*": every agency)."""

    smpp_host: str | None = None
    """The SMS centre (SMPP 3.4); without it the SMS channel is off."""
    smpp_port: int = 2775
    smpp_system_id: str = "sharik"
    smpp_password: SecretStr = SecretStr("")
    smpp_source_addr: str = "Sharik"
    smpp_window: int = Field(default=10, ge=1)
    """submit_sm in flight at once, waiting for their submit_sm_resp."""
    smpp_enquire_link_seconds: float = Field(default=30.0, gt=0)

    delivery_attempts: int = Field(default=5, ge=1)
    retry_base_seconds: float = Field(default=2.0, gt=0)
    delivery_poll_seconds: float = Field(default=1.0, gt=0)
    delivery_concurrency: int = Field(default=4, ge=1)
    """Deliveries one replica sends at the same time."""

    cell_broadcast_centres: dict[str, CentreEndpoints] = {}
    """Each mobile operator's cell broadcast centre, as JSON:
    {"omantel": {"primary": "https://...", "secondary": "https://..."}, ...}."""
    alert_sender_domain: str = "sharik.om"
    """An alert's CAP <sender> is <agency>@<this domain>."""
    broadcast_attempts: int = Field(default=8, ge=1)
    broadcast_retry_base_seconds: float = Field(default=1.0, gt=0)
    broadcast_timeout_seconds: float = Field(default=5.0, gt=0)
    broadcast_concurrency: int = Field(default=4, ge=1)

    webhook_allowed_networks: list[str] = []
    """Networks (CIDR) endpoints may point to although private or loopback, e.g. a
    partner reached over a private link; empty in production unless needed."""
    webhook_timeout_seconds: float = Field(default=10.0, gt=0)
    webhook_retry_schedule_seconds: tuple[float, ...] = DEFAULT_SCHEDULE_SECONDS
    """Waits after the 1st, 2nd, … failed attempt; when they run out the delivery fails."""
    webhook_secret_grace_hours: float = Field(default=24.0, ge=0)
    """How long a rotated-out secret keeps signing beside the new one."""
    webhook_concurrency: int = Field(default=4, ge=1)
