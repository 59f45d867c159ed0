"""Settings of a test's in-process voting service."""

from voting.config import VotingSettings


def voting_settings(*, kafka_bootstrap_servers: str, mongodb_url: str, public_key: str, database: str) -> VotingSettings:
    """Its own database and consumer group (otherwise two tests' services share the
    partitions of voting.votes and count each other's votes into the wrong database),
    and quick background jobs."""
    return VotingSettings(
        kafka_bootstrap_servers=kafka_bootstrap_servers,
        mongodb_url=mongodb_url,
        mongodb_database=database,
        jwt_public_key=public_key,
        environment="test",
        consumer_group=f"sharik.voting.{database}",
        outbox_poll_seconds=0.2,
        seal_poll_seconds=0.2,
        close_poll_seconds=0.2,
    )
