"""Normalising free text typed in Arabic or English, so the same answer written two
ways counts as one (write-in ballot answers, likely-duplicate complaints)."""

import re
import unicodedata

# Letter variants that people type interchangeably: alef with hamza or madda → bare
# alef, alef maqsura → yaa, taa marbuta → haa, hamza on waw/yaa → the bare letter.
_ARABIC_VARIANTS = str.maketrans(
    {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ؤ": "و", "ئ": "ي"}
)
# Tashkeel (short vowels, shadda, sukun), superscript alef, and tatweel (ـ) decorate
# but do not change a word.
_DECORATION = re.compile("[\u064b-\u065f\u0670\u0640]")
_PUNCTUATION = re.compile(r"[^\w\s]", re.UNICODE)
_SPACES = re.compile(r"\s+")


def normalize(text: str) -> str:
    """Canonical form: case-folded, Arabic letter variants unified, diacritics,
    tatweel and punctuation removed, white space collapsed."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _DECORATION.sub("", text).translate(_ARABIC_VARIANTS)
    text = _PUNCTUATION.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def words(text: str) -> frozenset[str]:
    """The text's distinct words, normalised."""
    return frozenset(normalize(text).split())


def similarity(a: str, b: str) -> float:
    """Jaccard index of the two texts' normalised word sets: 0 (nothing shared) to 1."""
    first, second = words(a), words(b)
    if not first or not second:
        return 0.0
    return len(first & second) / len(first | second)
