"""Base class of every catalog event, and the value types events share."""

from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field


class LocalizedText(BaseModel):
    """Text a citizen reads, in Arabic (primary) and English."""

    model_config = ConfigDict(frozen=True)

    ar: str = Field(min_length=1, max_length=4000)
    en: str = Field(min_length=1, max_length=4000)


class Event(BaseModel):
    """A public, versioned fact. Consumers ignore fields they do not know, so additive
    changes keep the version; a breaking change is a new class with the next version."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    name: ClassVar[str]
    version: ClassVar[int]
    topic: ClassVar[str]
    subject_field: ClassVar[str]
    """The payload field that names the aggregate: ce_subject, and the Kafka key."""
    key_field: ClassVar[str | None] = None
    """A different field for the Kafka key, where one aggregate must spread over partitions."""

    @classmethod
    def type_name(cls) -> str:
        """CloudEvents `type`, e.g. om.sharik.voting.VoteCast.v1."""
        return f"om.sharik.{cls.topic.split('.')[0]}.{cls.name}.v{cls.version}"

    def subject(self) -> str:
        return str(getattr(self, self.subject_field))

    def partition_key(self) -> str:
        """Kafka key: by default the aggregate id, so one aggregate's events stay in order."""
        return str(getattr(self, self.key_field or self.subject_field))
