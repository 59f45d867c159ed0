"""Voting settings, from VOTING_* environment variables."""

from pydantic_settings import SettingsConfigDict

from sharik.settings import ServiceSettings


class VotingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="VOTING_", extra="ignore")

    service_name: str = "voting"
    http_port: int = 8003
    mongodb_database: str = "sharik_voting"
    close_poll_seconds: float = 3.0
    """How often the close job looks for ballots whose closing time has passed."""
    votes_in_flight_wait_seconds: float = 10.0
    """How long a close waits for a replica's votes in flight once that replica stops
    vouching for them (it died); a live replica's are always waited for."""
    seal_poll_seconds: float = 1.0
    """How often the sealer puts recorded votes on the bulletin board."""
