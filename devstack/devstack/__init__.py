"""Sharik's local infrastructure without a Docker engine: Kafka, a MongoDB-compatible store, an SMTP sink and the five services."""
