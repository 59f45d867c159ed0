"""Sharik's local infrastructure without a Docker engine: Kafka, FerretDB, an SMTP sink and the five services."""
