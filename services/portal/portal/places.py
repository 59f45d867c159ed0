"""Oman's governorates and their wilayats, as the services name them (slugs) and as people read them."""

# (slug, Arabic, English) per governorate, then its wilayats the same way.
_PLACES: list[tuple[tuple[str, str, str], list[tuple[str, str, str]]]] = [
    (("muscat", "مسقط", "Muscat"), [
        ("muscat", "مسقط", "Muscat"), ("muttrah", "مطرح", "Muttrah"), ("bawshar", "بوشر", "Bawshar"),
        ("seeb", "السيب", "As Seeb"), ("al_amerat", "العامرات", "Al Amerat"), ("qurayyat", "قريات", "Qurayyat"),
    ]),
    (("dhofar", "ظفار", "Dhofar"), [
        ("salalah", "صلالة", "Salalah"), ("taqah", "طاقة", "Taqah"), ("mirbat", "مرباط", "Mirbat"),
        ("rakhyut", "رخيوت", "Rakhyut"), ("thumrait", "ثمريت", "Thumrait"), ("dhalkut", "ضلكوت", "Dhalkut"),
        ("al_mazyunah", "المزيونة", "Al Mazyunah"), ("muqshin", "مقشن", "Muqshin"),
        ("shalim", "شليم وجزر الحلانيات", "Shalim and the Hallaniyat Islands"), ("sadah", "سدح", "Sadah"),
    ]),
    (("musandam", "مسندم", "Musandam"), [
        ("khasab", "خصب", "Khasab"), ("bukha", "بخا", "Bukha"), ("daba", "دبا", "Daba"), ("madha", "مدحاء", "Madha"),
    ]),
    (("al_buraimi", "البريمي", "Al Buraimi"), [
        ("al_buraimi", "البريمي", "Al Buraimi"), ("mahdah", "محضة", "Mahdah"), ("as_sunaynah", "السنينة", "As Sunaynah"),
    ]),
    (("ad_dakhiliyah", "الداخلية", "Ad Dakhiliyah"), [
        ("nizwa", "نزوى", "Nizwa"), ("bahla", "بهلاء", "Bahla"), ("manah", "منح", "Manah"),
        ("al_hamra", "الحمراء", "Al Hamra"), ("adam", "أدم", "Adam"), ("izki", "إزكي", "Izki"),
        ("samail", "سمائل", "Samail"), ("bidbid", "بدبد", "Bidbid"),
        ("al_jabal_al_akhdar", "الجبل الأخضر", "Al Jabal Al Akhdar"),
    ]),
    (("al_batinah_north", "شمال الباطنة", "Al Batinah North"), [
        ("sohar", "صحار", "Sohar"), ("shinas", "شناص", "Shinas"), ("liwa", "لوى", "Liwa"), ("saham", "صحم", "Saham"),
        ("al_khaburah", "الخابورة", "Al Khaburah"), ("as_suwayq", "السويق", "As Suwayq"),
    ]),
    (("al_batinah_south", "جنوب الباطنة", "Al Batinah South"), [
        ("ar_rustaq", "الرستاق", "Ar Rustaq"), ("al_awabi", "العوابي", "Al Awabi"), ("nakhal", "نخل", "Nakhal"),
        ("wadi_al_maawil", "وادي المعاول", "Wadi Al Maawil"), ("barka", "بركاء", "Barka"),
        ("al_musannah", "المصنعة", "Al Musannah"),
    ]),
    (("ash_sharqiyah_north", "شمال الشرقية", "Ash Sharqiyah North"), [
        ("ibra", "إبراء", "Ibra"), ("al_mudaybi", "المضيبي", "Al Mudaybi"), ("bidiyah", "بدية", "Bidiyah"),
        ("al_qabil", "القابل", "Al Qabil"), ("wadi_bani_khalid", "وادي بني خالد", "Wadi Bani Khalid"),
        ("dima_wa_at_taiyyin", "دماء والطائيين", "Dima Wa At Taiyyin"),
    ]),
    (("ash_sharqiyah_south", "جنوب الشرقية", "Ash Sharqiyah South"), [
        ("sur", "صور", "Sur"), ("al_kamil_wa_al_wafi", "الكامل والوافي", "Al Kamil Wa Al Wafi"),
        ("jaalan_bani_bu_hassan", "جعلان بني بو حسن", "Jaalan Bani Bu Hassan"),
        ("jaalan_bani_bu_ali", "جعلان بني بو علي", "Jaalan Bani Bu Ali"), ("masirah", "مصيرة", "Masirah"),
    ]),
    (("adh_dhahirah", "الظاهرة", "Adh Dhahirah"), [
        ("ibri", "عبري", "Ibri"), ("yanqul", "ينقل", "Yanqul"), ("dhank", "ضنك", "Dhank"),
    ]),
    (("al_wusta", "الوسطى", "Al Wusta"), [
        ("haima", "هيماء", "Haima"), ("mahout", "محوت", "Mahout"), ("ad_duqm", "الدقم", "Ad Duqm"),
        ("al_jazir", "الجازر", "Al Jazir"),
    ]),
]

GOVERNORATES: dict[str, dict[str, str]] = {slug: {"ar": ar, "en": en} for (slug, ar, en), _ in _PLACES}
WILAYATS: dict[str, dict[str, dict[str, str]]] = {
    governorate: {slug: {"ar": ar, "en": en} for slug, ar, en in wilayats} for (governorate, _, _), wilayats in _PLACES
}
WILAYAT_NAMES: dict[str, dict[str, str]] = {slug: name for wilayats in WILAYATS.values() for slug, name in wilayats.items()}


def governorate_of(wilayat: str) -> str | None:
    return next((g for g, wilayats in WILAYATS.items() if wilayat in wilayats), None)
