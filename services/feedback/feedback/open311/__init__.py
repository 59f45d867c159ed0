"""Open311 GeoReport v2 façade over the complaint handlers (https://wiki.open311.org/GeoReport_v2)."""
