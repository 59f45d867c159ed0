"""Oman's governorates and wilayats, by the slugs the platform's tokens carry, with an
approximate centre of each wilayat. The centres decide which wilayat a point of an
alert's polygon or circle falls in (the nearest centre), for telling the SMS
subscribers of the area and for the cell broadcast stand-in's synthetic grid; they are
a wilayat's town, not its boundary."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Wilayat:
    code: str
    governorate: str
    lat: float
    lon: float


_TABLE: dict[str, list[tuple[str, float, float]]] = {
    "muscat": [
        ("muscat", 23.61, 58.59),
        ("muttrah", 23.62, 58.56),
        ("bawshar", 23.58, 58.40),
        ("seeb", 23.67, 58.19),
        ("al-amerat", 23.52, 58.50),
        ("qurayyat", 23.26, 58.92),
    ],
    "dhofar": [
        ("salalah", 17.02, 54.09),
        ("taqah", 17.04, 54.40),
        ("mirbat", 16.99, 54.69),
        ("sadah", 17.05, 55.07),
        ("rakhyut", 16.74, 53.42),
        ("dhalkut", 16.71, 53.25),
        ("thumrait", 17.67, 54.03),
        ("muqshin", 19.55, 54.88),
        ("shalim-and-hallaniyat", 17.95, 55.60),
        ("al-mazyona", 17.85, 52.65),
    ],
    "musandam": [
        ("khasab", 26.18, 56.25),
        ("bukha", 26.14, 56.15),
        ("daba", 25.62, 56.26),
        ("madha", 25.28, 56.33),
    ],
    "al-buraimi": [
        ("al-buraimi", 24.25, 55.79),
        ("mahdah", 24.40, 55.97),
        ("as-sunaynah", 23.60, 55.90),
    ],
    "ad-dakhiliyah": [
        ("nizwa", 22.93, 57.53),
        ("samail", 23.30, 57.97),
        ("bahla", 22.96, 57.30),
        ("adam", 22.38, 57.53),
        ("al-hamra", 23.12, 57.28),
        ("manah", 22.80, 57.60),
        ("izki", 22.93, 57.77),
        ("bidbid", 23.41, 58.13),
    ],
    "al-batinah-north": [
        ("sohar", 24.35, 56.71),
        ("shinas", 24.74, 56.47),
        ("liwa", 24.53, 56.56),
        ("saham", 24.17, 56.89),
        ("al-khaburah", 23.97, 57.09),
        ("as-suwaiq", 23.85, 57.44),
    ],
    "al-batinah-south": [
        ("rustaq", 23.39, 57.42),
        ("al-awabi", 23.30, 57.53),
        ("nakhal", 23.39, 57.83),
        ("wadi-al-maawil", 23.45, 57.77),
        ("barka", 23.68, 57.89),
        ("al-musannah", 23.74, 57.62),
    ],
    "ash-sharqiyah-north": [
        ("ibra", 22.69, 58.53),
        ("al-mudhaibi", 22.58, 58.12),
        ("bidiyah", 22.45, 58.80),
        ("al-qabil", 22.57, 58.69),
        ("wadi-bani-khalid", 22.60, 59.09),
        ("dima-wa-at-taiyyin", 22.97, 58.60),
    ],
    "ash-sharqiyah-south": [
        ("sur", 22.57, 59.53),
        ("al-kamil-wal-wafi", 22.23, 59.20),
        ("jaalan-bani-bu-hassan", 22.09, 59.35),
        ("jaalan-bani-bu-ali", 21.97, 59.55),
        ("masirah", 20.67, 58.87),
    ],
    "ad-dhahirah": [
        ("ibri", 23.23, 56.51),
        ("yanqul", 23.59, 56.54),
        ("dhank", 23.55, 56.26),
    ],
    "al-wusta": [
        ("haima", 19.96, 56.28),
        ("duqm", 19.66, 57.70),
        ("mahout", 20.47, 57.99),
        ("al-jazer", 19.07, 57.40),
    ],
}

WILAYATS: dict[str, Wilayat] = {
    code: Wilayat(code, governorate, lat, lon) for governorate, rows in _TABLE.items() for code, lat, lon in rows
}
GOVERNORATES: frozenset[str] = frozenset(_TABLE)


def nearest_wilayat(lat: float, lon: float) -> Wilayat:
    """The wilayat whose centre is nearest (a flat approximation is enough at this scale)."""
    return min(WILAYATS.values(), key=lambda w: (w.lat - lat) ** 2 + (w.lon - lon) ** 2)


def wilayats_of(geocode_name: str, value: str) -> frozenset[str]:
    """The wilayats a CAP geocode names: one wilayat, or every wilayat of a governorate."""
    if geocode_name == "wilayat":
        return frozenset({value}) if value in WILAYATS else frozenset()
    return frozenset(w.code for w in WILAYATS.values() if w.governorate == value)
