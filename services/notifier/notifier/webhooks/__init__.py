"""Webhooks for downstream systems: agencies (and the platform operator, for public
topics) register endpoints; events are POSTed to them as structured-mode CloudEvents,
signed per Standard Webhooks."""
