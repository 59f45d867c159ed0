"""Tracking codes: random, long, readable, forgiving of how people type them."""

from typing import get_args

from feedback.domain.places import GOVERNORATES, Governorate
from feedback.domain.status import LABELS, NEXT
from feedback.domain.tracking import ALPHABET, LENGTH, canonical, grouped, new_tracking_code


def test_codes_are_long_random_and_drawn_from_an_unambiguous_alphabet():
    codes = {new_tracking_code() for _ in range(1000)}
    assert len(codes) == 1000
    for code in codes:
        assert len(code) == LENGTH >= 16
        assert set(code) <= set(ALPHABET)
    assert not set("ILOU") & set(ALPHABET)


def test_codes_are_shown_in_groups_and_read_back_however_typed():
    code = "7K2Q9XM4TR0B8ZC5VD3N"
    assert grouped(code) == "7K2Q9-XM4TR-0B8ZC-5VD3N"
    assert canonical("7K2Q9-XM4TR-0B8ZC-5VD3N") == code
    assert canonical(" 7k2q9 xm4tr ob8zc 5vd3n ") == code
    assert canonical("7K2Q9-XM4TR") is None
    assert canonical("7K2Q9-XM4TR-0B8ZC-5VD3U") is None


def test_every_governorate_and_status_reads_in_arabic_and_english():
    assert set(GOVERNORATES) == set(get_args(Governorate))
    assert len(GOVERNORATES) == 11
    assert set(LABELS) == set(NEXT)
    for text in [*GOVERNORATES.values(), *LABELS.values()]:
        assert text.ar and text.en
