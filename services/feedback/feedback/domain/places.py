"""Oman's eleven governorates, the unit participation figures are reported by, as
feedback's bilingual texts; the reference data itself is shared (sharik.places)."""

from feedback.domain.text import Text
from sharik.places import GOVERNORATES as PLACES
from sharik.places import Governorate

__all__ = ["GOVERNORATES", "Governorate"]

GOVERNORATES: dict[str, Text] = {code: Text(ar=place.ar, en=place.en) for code, place in PLACES.items()}
