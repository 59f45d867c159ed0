"""The CAP 1.2 schema, for validating alerts (see SOURCE.md)."""

from functools import cache
from importlib.resources import files

import xmlschema


@cache
def cap_schema() -> xmlschema.XMLSchema10:
    return xmlschema.XMLSchema10(str(files(__package__) / "CAP-v1.2.xsd"))
