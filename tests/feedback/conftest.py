"""Settings of one test's feedback service: its own database, a quick relay."""

import pytest

from feedback.config import FeedbackSettings
from tests.support.service import unique_database


@pytest.fixture
def feedback_settings(kafka_bootstrap_servers, mongodb_url, jwt_keys):
    """Make settings for the test's service; keyword arguments change defaults."""

    def make(**changes) -> FeedbackSettings:
        return FeedbackSettings(
            kafka_bootstrap_servers=kafka_bootstrap_servers,
            mongodb_url=mongodb_url,
            mongodb_database=unique_database("feedback"),
            jwt_public_key=jwt_keys[1],
            environment="test",
            outbox_poll_seconds=0.2,
            **changes,
        )

    return make


@pytest.fixture
def settings(feedback_settings) -> FeedbackSettings:
    return feedback_settings()
