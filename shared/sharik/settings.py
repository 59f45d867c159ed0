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
    forwarded_allow_ips: str = ""
    """Proxies whose X-Forwarded-For / X-Forwarded-Proto are believed: addresses or
    networks split by commas (e.g. the ingress's pod range "10.42.0.0/16"). Empty, the
    default, believes nobody: the client is the connecting peer, so a client cannot
    choose the address that limits count (docs/operations.md)."""
    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    mongodb_url: str = "mongodb://127.0.0.1:27017"
    mongodb_database: str
    jwt_public_key: str = ""
    """PEM public keys (one or several blocks) that sign tokens; a token names its key by
    `kid`, the key's RFC 7638 thumbprint."""
    jwt_public_key_file: Path | None = None
    """Where to read the PEM from instead, e.g. a mounted secret or a key volume."""
    jwt_issuer: str = "sharik"
    """The `iss` of tokens signed by the PEM keys, and of the JWKS's unless jwks_issuer is set."""
    jwt_audience: str = "sharik"
    jwks_url: str | None = None
    """The identity provider's published keys (its discovery document's jwks_uri),
    fetched again when a token names a new key, so keys rotate without a restart."""
    jwks_issuer: str | None = None
    """The `iss` of tokens signed by the JWKS's keys (the provider's issuer URL)."""
    jwks_refresh_seconds: float = 10.0
    """At most one fetch of the JWKS per this many seconds for an unknown kid."""
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
        if not self.jwt_public_key.strip() and not self.jwks_url:
            raise ValueError("jwt_public_key or jwks_url is required: every write is authenticated")
        if self.environment == "prod" and _looks_like_a_placeholder(self.pseudonym_key.get_secret_value()):
            raise ValueError("pseudonym_key still has a placeholder: set a random secret of 32+ characters")
        return self


def _looks_like_a_placeholder(secret: str) -> bool:
    lowered = secret.lower()
    return len(secret) < 32 or "change" in lowered or "dev-only" in lowered or "example" in lowered
