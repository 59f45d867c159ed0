"""Service-level agreements on complaints: business time, SLA clocks, escalation. Pure."""
