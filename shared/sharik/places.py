"""Oman's 11 governorates and 63 wilayats, the places every service takes: their codes
and their Arabic and English names.

The governorates are those of Royal Decree 114/2011; the wilayats are the 61 of that
decree and Al Jabal Al Akhdar (Ad Dakhiliyah) and Sinaw (North Ash Sharqiyah), made
wilayats in 2022. A place may be given by its code or by a name in either language
(with or without the article, e.g. "Seeb", "As Seeb", "السيب"); `check_place` refuses
a wilayat outside the governorate given with it."""

from dataclasses import dataclass
from typing import Literal

from sharik.errors import Invalid
from sharik_verify.text import normalize


@dataclass(frozen=True)
class Place:
    code: str
    ar: str
    en: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Wilayat(Place):
    governorate: str = ""


def _governorate(code: str, ar: str, en: str, *aliases: str) -> Place:
    return Place(code, ar, en, aliases)


GOVERNORATES: dict[str, Place] = {
    g.code: g
    for g in (
        _governorate("muscat", "مسقط", "Muscat"),
        _governorate("dhofar", "ظفار", "Dhofar"),
        _governorate("musandam", "مسندم", "Musandam"),
        _governorate("al_buraimi", "البريمي", "Al Buraimi"),
        _governorate("ad_dakhiliyah", "الداخلية", "Ad Dakhiliyah", "Dakhliyah", "Ad Dakhliyah"),
        _governorate("al_batinah_north", "شمال الباطنة", "Al Batinah North", "North Al Batinah", "North Batinah"),
        _governorate("al_batinah_south", "جنوب الباطنة", "Al Batinah South", "South Al Batinah", "South Batinah"),
        _governorate(
            "ash_sharqiyah_north", "شمال الشرقية", "Ash Sharqiyah North", "North Ash Sharqiyah", "North Sharqiyah"
        ),
        _governorate(
            "ash_sharqiyah_south", "جنوب الشرقية", "Ash Sharqiyah South", "South Ash Sharqiyah", "South Sharqiyah"
        ),
        _governorate("adh_dhahirah", "الظاهرة", "Adh Dhahirah", "Dhahirah", "Ad Dhahirah"),
        _governorate("al_wusta", "الوسطى", "Al Wusta"),
    )
}

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

_W = [
    # Muscat
    ("muscat", "muscat", "مسقط", "Muscat"),
    ("muscat", "muttrah", "مطرح", "Muttrah", "Mutrah"),
    ("muscat", "bawshar", "بوشر", "Bawshar", "Bausher", "Bowsher"),
    ("muscat", "seeb", "السيب", "As Seeb"),
    ("muscat", "al_amerat", "العامرات", "Al Amerat", "Al Amirat"),
    ("muscat", "qurayyat", "قريات", "Qurayyat", "Quriyat"),
    # Dhofar
    ("dhofar", "salalah", "صلالة", "Salalah"),
    ("dhofar", "taqah", "طاقة", "Taqah"),
    ("dhofar", "mirbat", "مرباط", "Mirbat"),
    ("dhofar", "rakhyut", "رخيوت", "Rakhyut"),
    ("dhofar", "thumrait", "ثمريت", "Thumrait"),
    ("dhofar", "dhalkut", "ضلكوت", "Dhalkut"),
    ("dhofar", "al_mazyunah", "المزيونة", "Al Mazyunah", "Al Mazyona"),
    ("dhofar", "muqshin", "مقشن", "Muqshin"),
    ("dhofar", "shalim_and_hallaniyat", "شليم وجزر الحلانيات", "Shalim and the Hallaniyat Islands", "Shalim"),
    ("dhofar", "sadah", "سدح", "Sadah"),
    # Musandam
    ("musandam", "khasab", "خصب", "Khasab"),
    ("musandam", "daba", "دبا", "Daba"),
    ("musandam", "bukha", "بخا", "Bukha"),
    ("musandam", "madha", "مدحاء", "Madha"),
    # Al Buraimi
    ("al_buraimi", "al_buraimi", "البريمي", "Al Buraimi"),
    ("al_buraimi", "mahdah", "محضة", "Mahdah", "Mahdha"),
    ("al_buraimi", "as_sunaynah", "السنينة", "As Sunaynah", "Al Sinainah"),
    # Ad Dakhiliyah
    ("ad_dakhiliyah", "nizwa", "نزوى", "Nizwa"),
    ("ad_dakhiliyah", "bahla", "بهلاء", "Bahla"),
    ("ad_dakhiliyah", "manah", "منح", "Manah"),
    ("ad_dakhiliyah", "al_hamra", "الحمراء", "Al Hamra"),
    ("ad_dakhiliyah", "adam", "أدم", "Adam"),
    ("ad_dakhiliyah", "izki", "إزكي", "Izki"),
    ("ad_dakhiliyah", "samail", "سمائل", "Samail", "Sumail"),
    ("ad_dakhiliyah", "bidbid", "بدبد", "Bidbid"),
    ("ad_dakhiliyah", "al_jabal_al_akhdar", "الجبل الأخضر", "Al Jabal Al Akhdar", "Jebel Akhdar"),
    # Al Batinah North
    ("al_batinah_north", "sohar", "صحار", "Sohar"),
    ("al_batinah_north", "shinas", "شناص", "Shinas"),
    ("al_batinah_north", "liwa", "لوى", "Liwa"),
    ("al_batinah_north", "saham", "صحم", "Saham"),
    ("al_batinah_north", "al_khaburah", "الخابورة", "Al Khaburah", "Khabourah"),
    ("al_batinah_north", "as_suwayq", "السويق", "As Suwayq", "Suwaiq"),
    # Al Batinah South
    ("al_batinah_south", "ar_rustaq", "الرستاق", "Ar Rustaq", "Rustaq"),
    ("al_batinah_south", "al_awabi", "العوابي", "Al Awabi"),
    ("al_batinah_south", "nakhal", "نخل", "Nakhal", "Nakhl"),
    ("al_batinah_south", "wadi_al_maawil", "وادي المعاول", "Wadi Al Maawil"),
    ("al_batinah_south", "barka", "بركاء", "Barka"),
    ("al_batinah_south", "al_musannah", "المصنعة", "Al Musannah"),
    # Ash Sharqiyah South
    ("ash_sharqiyah_south", "sur", "صور", "Sur"),
    ("ash_sharqiyah_south", "al_kamil_wal_wafi", "الكامل والوافي", "Al Kamil Wal Wafi"),
    ("ash_sharqiyah_south", "jaalan_bani_bu_hassan", "جعلان بني بو حسن", "Jaalan Bani Bu Hassan"),
    ("ash_sharqiyah_south", "jaalan_bani_bu_ali", "جعلان بني بو علي", "Jaalan Bani Bu Ali"),
    ("ash_sharqiyah_south", "masirah", "مصيرة", "Masirah"),
    # Ash Sharqiyah North
    ("ash_sharqiyah_north", "ibra", "إبراء", "Ibra"),
    ("ash_sharqiyah_north", "al_mudaybi", "المضيبي", "Al Mudaybi", "Al Mudhaibi"),
    ("ash_sharqiyah_north", "bidiyah", "بدية", "Bidiyah"),
    ("ash_sharqiyah_north", "al_qabil", "القابل", "Al Qabil"),
    ("ash_sharqiyah_north", "wadi_bani_khalid", "وادي بني خالد", "Wadi Bani Khalid"),
    ("ash_sharqiyah_north", "dima_wat_taiyyin", "دماء والطائيين", "Dima Wa At Taiyyin", "Dima wal Taeen"),
    ("ash_sharqiyah_north", "sinaw", "سناو", "Sinaw"),
    # Adh Dhahirah
    ("adh_dhahirah", "ibri", "عبري", "Ibri"),
    ("adh_dhahirah", "yanqul", "ينقل", "Yanqul"),
    ("adh_dhahirah", "dhank", "ضنك", "Dhank"),
    # Al Wusta
    ("al_wusta", "haima", "هيماء", "Haima"),
    ("al_wusta", "duqm", "الدقم", "Ad Duqm"),
    ("al_wusta", "mahout", "محوت", "Mahout"),
    ("al_wusta", "al_jazir", "الجازر", "Al Jazir", "Al Jazer"),
]

WILAYATS: dict[str, Wilayat] = {
    code: Wilayat(code, ar, en, tuple(aliases), governorate=governorate)
    for governorate, code, ar, en, *aliases in _W
}

_ARTICLES = ("al", "as", "ar", "ad", "adh", "ash", "az", "at", "a", "el")


def _key(text: str) -> str:
    """The form names are compared in: normalized, without a leading article."""
    words = normalize(text.replace("_", " ").replace("-", " ")).split()
    if len(words) > 1 and words[0] in _ARTICLES:
        words = words[1:]
    if words and words[0].startswith("ال") and len(words[0]) > 3:
        words[0] = words[0][2:]
    return " ".join(words)


def _index(places: dict[str, Place]) -> dict[str, Place]:
    index: dict[str, Place] = {}
    for place in places.values():
        for name in (place.code, place.ar, place.en, *place.aliases):
            index.setdefault(_key(name), place)
    return index


_GOVERNORATE_NAMES = _index(GOVERNORATES)
_WILAYAT_NAMES = _index(WILAYATS)


def governorate_named(text: str) -> Place | None:
    """The governorate a code or a name (Arabic or English) stands for, if any."""
    return _GOVERNORATE_NAMES.get(_key(text))


def wilayat_named(text: str) -> Wilayat | None:
    """The wilayat a code or a name (Arabic or English) stands for, if any."""
    return _WILAYAT_NAMES.get(_key(text))  # type: ignore[return-value]


def same_place(a: str, b: str) -> bool:
    """Whether two spellings name the same wilayat (or the same governorate)."""
    if _key(a) == _key(b):
        return True
    wilayats = wilayat_named(a), wilayat_named(b)
    if None not in wilayats:
        return wilayats[0] == wilayats[1]
    governorates = governorate_named(a), governorate_named(b)
    return None not in governorates and governorates[0] == governorates[1]


def check_place(governorate: str | None, wilayat: str | None, *, field: str = "wilayat") -> Wilayat | None:
    """The wilayat given, after checking that the governorate and the wilayat exist
    and that the wilayat lies in that governorate; Invalid naming the field otherwise."""
    region = None
    if governorate is not None:
        region = governorate_named(governorate)
        if region is None:
            raise Invalid(f"{governorate!r} is not one of Oman's governorates", details=[{"field": "governorate"}])
    if wilayat is None:
        return None
    place = wilayat_named(wilayat)
    if place is None:
        raise Invalid(f"{wilayat!r} is not one of Oman's wilayats", details=[{"field": field}])
    if region is not None and place.governorate != region.code:
        raise Invalid(
            f"the wilayat {place.en} is in {GOVERNORATES[place.governorate].en}, not in {region.en}",
            details=[{"field": field}],
        )
    return place
