"""Settings every service shares; each service subclasses with its own env prefix."""

from typing import Literal, Self

from pydantic import SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_PSEUDONYM_KEY = "dev-only-pseudonym-key-change-me"


class ServiceSettings(BaseSettings):
    """Read from the environment with the service's prefix, e.g. VOTING_MONGODB_URL."""

    model_config = SettingsConfigDict(extra="ignore")

    service_name: str
    environment: Literal["dev", "test", "prod"] = "dev"
    http_host: str = "127.0.0.1"
    http_port: int
    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    mongodb_url: str = "mongodb://127.0.0.1:27017"
    mongodb_database: str
    jwt_public_key: str = ""
    jwt_issuer: str = "sharik"
    jwt_audience: str = "sharik"
    pseudonym_key: SecretStr = SecretStr(DEV_PSEUDONYM_KEY)
    log_level: str = "INFO"
    otel_exporter_otlp_endpoint: str | None = None
    outbox_poll_seconds: float = 1.0

    @model_validator(mode="after")
    def _refuse_placeholders_outside_dev(self) -> Self:
        if not self.jwt_public_key.strip():
            raise ValueError("jwt_public_key is required: every write is authenticated")
        if self.environment == "prod" and self.pseudonym_key.get_secret_value() == DEV_PSEUDONYM_KEY:
            raise ValueError("pseudonym_key still has the development placeholder")
        return self
