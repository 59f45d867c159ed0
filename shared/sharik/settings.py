"""Settings every service shares; each service subclasses with its own env prefix."""

from pathlib import Path
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
    jwt_public_key_file: Path | None = None
    """Where to read the PEM from instead, e.g. a mounted secret or a key volume."""
    jwt_issuer: str = "sharik"
    jwt_audience: str = "sharik"
    pseudonym_key: SecretStr = SecretStr(DEV_PSEUDONYM_KEY)
    consumer_group: str = ""
    """Kafka consumer group; empty means sharik.<service_name>, shared by all replicas."""
    log_level: str = "INFO"
    otel_exporter_otlp_endpoint: str | None = None
    outbox_poll_seconds: float = 1.0
    max_json_body_bytes: int = 256 * 1024
    """The largest JSON request body; larger ones get 413 before they are read in full."""
    max_upload_body_bytes: int = 4 * 1024 * 1024
    """The largest upload (a voters' roll CSV, a .pb file) on the routes that take files."""

    @model_validator(mode="after")
    def _refuse_placeholders_outside_dev(self) -> Self:
        if not self.jwt_public_key.strip() and self.jwt_public_key_file is not None:
            self.jwt_public_key = self.jwt_public_key_file.read_text()
        if not self.jwt_public_key.strip():
            raise ValueError("jwt_public_key is required: every write is authenticated")
        if self.environment == "prod" and _looks_like_a_placeholder(self.pseudonym_key.get_secret_value()):
            raise ValueError("pseudonym_key still has a placeholder: set a random secret of 32+ characters")
        return self


def _looks_like_a_placeholder(secret: str) -> bool:
    lowered = secret.lower()
    return len(secret) < 32 or "change" in lowered or "dev-only" in lowered or "example" in lowered
