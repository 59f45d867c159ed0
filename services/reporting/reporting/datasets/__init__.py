"""The open datasets: one registry of sources, each turning read-model documents into
tables (one per dataset) that the catalogue describes and the file routes render.

A read model joins the open data with one `register(source)` call: the catalogue, the
CSV and JSON files, the checksums, the daily snapshots and the suppression rule then
apply to it unchanged."""

from reporting.datasets.table import Column, Related, Source, Table, register, sources
from reporting.datasets import ballots, complaints, data_requests, participation, services  # noqa: F401  (registrations)
from reporting.datasets import alerts, campaigns, consultation, kpi  # noqa: F401  (registrations)

__all__ = ["Column", "Related", "Source", "Table", "register", "sources"]
