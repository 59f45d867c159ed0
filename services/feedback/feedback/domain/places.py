"""Oman's eleven governorates, the unit participation figures are reported by."""

from typing import Literal

from feedback.domain.text import Text

Governorate = Literal[
    "muscat",
    "dhofar",
    "musandam",
    "al_buraimi",
    "ad_dakhiliyah",
    "al_batinah_north",
    "al_batinah_south",
    "ash_sharqiyah_north",
    "ash_sharqiyah_south",
    "adh_dhahirah",
    "al_wusta",
]

GOVERNORATES: dict[str, Text] = {
    "muscat": Text(ar="مسقط", en="Muscat"),
    "dhofar": Text(ar="ظفار", en="Dhofar"),
    "musandam": Text(ar="مسندم", en="Musandam"),
    "al_buraimi": Text(ar="البريمي", en="Al Buraimi"),
    "ad_dakhiliyah": Text(ar="الداخلية", en="Ad Dakhiliyah"),
    "al_batinah_north": Text(ar="شمال الباطنة", en="Al Batinah North"),
    "al_batinah_south": Text(ar="جنوب الباطنة", en="Al Batinah South"),
    "ash_sharqiyah_north": Text(ar="شمال الشرقية", en="Ash Sharqiyah North"),
    "ash_sharqiyah_south": Text(ar="جنوب الشرقية", en="Ash Sharqiyah South"),
    "adh_dhahirah": Text(ar="الظاهرة", en="Adh Dhahirah"),
    "al_wusta": Text(ar="الوسطى", en="Al Wusta"),
}
