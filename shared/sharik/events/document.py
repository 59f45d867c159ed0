"""Renders the catalog as Markdown (docs/events.md); a contract test keeps the file
equal to this output, so the published document is always the code's.

    python -m sharik.events.document > docs/events.md
"""

from sharik.events.catalog import CATALOG, TOPICS

HEADER = """# Event catalog

Generated from `shared/sharik/events/` by `python -m sharik.events.document`; do not edit.

Every event is a CloudEvents 1.0 message in Kafka **binary mode**: the record value is
the JSON payload below, the attributes are headers: `ce_specversion` (`1.0`), `ce_id`
(ULID, unique per event), `ce_source` (the service), `ce_type` (below), `ce_time`
(RFC 3339), `ce_subject` (the aggregate id), `content-type` (`application/json`), and
the extensions `ce_agency`, `ce_correlationid`, `ce_causationid`, plus W3C
`traceparent`. The record key keeps one aggregate's events in order.

Versioning: consumers ignore unknown fields, so adding a field keeps the version; a
breaking change publishes a new `…vN+1` type beside the old one for a deprecation
period. Delivery is at least once: deduplicate on `ce_id`. Personal data never
travels in clear; citizens appear as pseudonymous ids. A message a consumer cannot
handle goes to `<topic>.dlq` with `dlq_origin_topic`, `dlq_origin_partition`,
`dlq_origin_offset`, `dlq_consumer_group` and `dlq_error` headers.
"""


def render() -> str:
    lines = [HEADER]
    for topic, partitions in TOPICS.items():
        lines += [f"## Topic `{topic}`", "", f"{partitions} partitions.", ""]
        for type_name, cls in CATALOG.items():
            if cls.topic != topic:
                continue
            key = cls.key_field or cls.subject_field
            lines += [f"### {cls.name} — `{type_name}`", "", " ".join((cls.__doc__ or "").split()), ""]
            lines += [f"Subject: `{cls.subject_field}`. Key: `{key}`.", ""]
            lines += ["| field | type | required |", "|---|---|---|"]
            schema = cls.model_json_schema()
            required = set(schema.get("required", []))
            for name, prop in schema["properties"].items():
                lines.append(f"| `{name}` | {_type(prop)} | {'yes' if name in required else 'no'} |")
            lines.append("")
    return "\n".join(lines)


def _type(prop: dict) -> str:
    if "$ref" in prop:
        return prop["$ref"].rsplit("/", 1)[-1]
    if "anyOf" in prop:
        return " or ".join(_type(p) for p in prop["anyOf"])
    if "enum" in prop:
        return " \\| ".join(f"`{v}`" for v in prop["enum"])
    if prop.get("type") == "array":
        return f"list of {_type(prop.get('items', {}))}"
    if prop.get("format"):
        return prop["format"]
    return prop.get("type", "any")


if __name__ == "__main__":
    print(render(), end="")
