"""Settings of the portal (env prefix PORTAL_): where the services and the OpenID provider are."""

from typing import Literal, Self

from pydantic import SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SESSION_SECRET = "dev-only-session-secret-change-me"


class PortalSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PORTAL_", extra="ignore")

    environment: Literal["dev", "test", "prod"] = "dev"
    http_host: str = "127.0.0.1"
    http_port: int = 8000
    log_level: str = "INFO"

    consultation_url: str = "http://127.0.0.1:8001"
    feedback_url: str = "http://127.0.0.1:8002"
    voting_url: str = "http://127.0.0.1:8003"
    notifier_url: str = "http://127.0.0.1:8004"
    reporting_url: str = "http://127.0.0.1:8005"
    service_timeout_seconds: float = 10.0

    oidc_issuer: str = "http://127.0.0.1:8090"
    """The OpenID provider; production points at the national eID's."""
    oidc_client_id: str = "sharik-portal"
    oidc_client_secret: SecretStr = SecretStr("")
    oidc_scope: str = "openid profile"

    session_secret: SecretStr = SecretStr(DEV_SESSION_SECRET)
    """Signs the session cookie; one value shared by every replica."""
    secure_cookies: bool = True
    """Cookies only over HTTPS; turn off for plain-http loopback development."""
    session_max_age_seconds: int = 8 * 3600

    @model_validator(mode="after")
    def _refuse_placeholders_outside_dev(self) -> Self:
        if self.environment == "prod":
            secret = self.session_secret.get_secret_value()
            if len(secret) < 32 or "dev-only" in secret or "change" in secret.lower():
                raise ValueError("session_secret still has a placeholder: set a random secret of 32+ characters")
            if not self.secure_cookies:
                raise ValueError("secure_cookies must stay on in prod")
        return self

    def service_url(self, name: str) -> str:
        return getattr(self, f"{name}_url").rstrip("/")
