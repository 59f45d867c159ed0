"""Frequent terms and phrases, Arabic-normalised, stop words removed."""

from consultation.analysis.terms import frequent_terms, tokens


def test_arabic_variants_count_as_one_and_stop_words_go():
    assert tokens("إلى المدرسةِ في الصباح") == ["المدرسه", "الصباح"]
    assert tokens("The market is far from the bus stop") == ["market", "far", "bus", "stop"]


def test_terms_are_counted_once_per_text_and_phrases_need_two_texts():
    texts = [
        "توسيع مواقف السيارات في السوق",
        "نريد توسيع مواقف السيارات",
        "السوق مزدحم، السوق مزدحم جداً",
    ]
    analysis = frequent_terms(texts, top=3)
    assert analysis["terms"][0] == {"term": "السوق", "count": 2}
    assert {"phrase": "توسيع مواقف", "count": 2} in analysis["phrases"]
    assert all(p["count"] > 1 for p in analysis["phrases"])
