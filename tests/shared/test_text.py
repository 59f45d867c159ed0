import pytest

from sharik_verify.text import normalize


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("سوق العمل والتوظيف", "  سوق  العمل والتوظيف. "),
        ("أمانة", "امانه"),  # hamza on alef, taa marbuta
        ("إدارة", "ادارة"),
        ("مستشفى", "مستشفي"),  # alef maqsura
        ("الـتـعـلـيـم", "التعليم"),  # tatweel
        ("مَدْرَسَة", "مدرسه"),  # tashkeel
        ("Labour Market", "labour   market!"),
        ("Ｌａｂｏｕｒ", "labour"),  # full-width forms
    ],
)
def test_variants_of_the_same_answer_normalise_alike(one, other):
    assert normalize(one) == normalize(other)


def test_different_answers_stay_different():
    assert normalize("الصحة") != normalize("التعليم")
