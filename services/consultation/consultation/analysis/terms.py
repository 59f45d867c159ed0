"""Free-text analysis without external services: the most frequent terms and two-word
phrases in citizens' texts, Arabic-normalised (sharik_verify.text) with Arabic and English
stop words removed."""

from collections import Counter
from collections.abc import Iterable

from sharik_verify.text import normalize

# Written for this project: function words that carry no topic, already in normalised
# form (so "إلى" appears as "الي", "هذه" as "هذه").
ARABIC_STOP_WORDS = frozenset(
    normalize(" ".join("""
    في من على الى إلى عن مع هذا هذه ذلك تلك التي الذي الذين اللذين ما ماذا لا لم لن ان أن إن
    كان كانت يكون تكون هو هي هم هن نحن انا أنا انت أنت او أو ثم بل قد لقد كل بعض غير بين عند
    حتى اذا إذا كما لكن لأن لان فيه فيها منه منها عليه عليها به بها له لها لهم و ف ب ل ك يا اي أي
    ايضا أيضا جدا فقط كذلك هناك هنا حيث التى الى الا إلا
    """.split())).split()
)
ENGLISH_STOP_WORDS = frozenset(
    """
    a an the and or but if then so of to in on at by for with from as is are was were be been being
    it its this that these those there here i me my we our you your he she they them their his her
    not no do does did done have has had will would should can could may might must also very just
    more most than too about into over under again only own same such what which who whom why how
    all any both each few other some nor up down out off
    """.split()
)
STOP_WORDS = ARABIC_STOP_WORDS | ENGLISH_STOP_WORDS


def tokens(text: str) -> list[str]:
    """Normalised words of a text, stop words and one-letter words removed."""
    return [word for word in normalize(text).split() if word not in STOP_WORDS and len(word) > 1 and not word.isdigit()]


def frequent_terms(texts: Iterable[str], *, top: int = 10) -> dict[str, list[dict]]:
    """The `top` most frequent terms and phrases (adjacent word pairs), each counted
    once per text so one long text does not outweigh many short ones."""
    terms: Counter[str] = Counter()
    phrases: Counter[str] = Counter()
    for text in texts:
        words = tokens(text)
        terms.update(set(words))
        phrases.update({f"{a} {b}" for a, b in zip(words, words[1:])})
    return {
        "terms": [{"term": t, "count": n} for t, n in _top(terms, top)],
        "phrases": [{"phrase": p, "count": n} for p, n in _top(phrases, top) if n > 1],
    }


def _top(counter: Counter[str], n: int) -> list[tuple[str, int]]:
    # Ties broken alphabetically, so the answer is the same on every run.
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))[:n]
