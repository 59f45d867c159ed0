"""Results per question from counts the store grouped (never from every response
loaded): counts and percentages of choices, mean and median of scales from their
point counts, per governorate too."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from consultation.survey.questions import Question

ALL = "all"


@dataclass(frozen=True)
class Tally:
    """Grouped counts of one survey: per (question, governorate) how many answered and
    the sum of their numbers; per (question, token, governorate) how many chose it."""

    answered: Mapping[tuple[str, str], int]
    sums: Mapping[tuple[str, str], float]
    tokens: Mapping[tuple[str, str, str], int]
    responses: Mapping[str, int]


def median_of_counts(counts: Mapping[float, int]) -> float | None:
    """The median of values given as value → how many times it occurs."""
    total = sum(counts.values())
    if total == 0:
        return None
    ordered = sorted((v, c) for v, c in counts.items() if c > 0)

    def nth(n: int) -> float:
        seen = 0
        for value, count in ordered:
            seen += count
            if seen > n:
                return value
        raise AssertionError("n is below the total")

    if total % 2:
        return nth(total // 2)
    return (nth(total // 2 - 1) + nth(total // 2)) / 2


def percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def question_result(question: Question, tally: Tally, governorate: str = ALL) -> dict:
    """One question's figures for one governorate (or all)."""
    qid = question.question_id
    answered = tally.answered.get((qid, governorate), 0)
    result: dict = {"question_id": qid, "type": question.type, "text": question.text.model_dump(), "answered": answered}
    counts = {tok: n for (q, tok, g), n in tally.tokens.items() if q == qid and g == governorate}
    match question.type:
        case "single_choice" | "multiple_choice":
            result["options"] = [
                {
                    "option_id": o.option_id,
                    "label": o.label.model_dump(),
                    "count": counts.get(o.option_id, 0),
                    "percent": percent(counts.get(o.option_id, 0), answered),
                }
                for o in question.options
            ]
        case "rating":
            points = range(int(question.min), int(question.max) + 1)
            by_point = {float(p): counts.get(str(p), 0) for p in points}
            result["points"] = [{"point": p, "count": by_point[float(p)], "percent": percent(by_point[float(p)], answered)} for p in points]
            result["mean"] = round(tally.sums.get((qid, governorate), 0) / answered, 2) if answered else None
            result["median"] = median_of_counts(by_point)
        case "number":
            result["mean"] = round(tally.sums.get((qid, governorate), 0) / answered, 2) if answered else None
        case "matrix":
            result["rows"] = [
                {
                    "row_id": r.option_id,
                    "label": r.label.model_dump(),
                    "options": [
                        {"option_id": o.option_id, "count": counts.get(f"{r.option_id}:{o.option_id}", 0)}
                        for o in question.options
                    ],
                }
                for r in question.rows
            ]
        case "ranking":
            result["options"] = [_ranked(o.option_id, o.label.model_dump(), counts, len(question.options)) for o in question.options]
            result["options"].sort(key=lambda row: (row["mean_rank"] is None, row["mean_rank"]))
        case "date":
            result["dates"] = [{"date": d, "count": n} for d, n in sorted(counts.items())]
    return result


def _ranked(option_id: str, label: dict, counts: Mapping[str, int], size: int) -> dict:
    ranks = {r: counts.get(f"{option_id}:{r}", 0) for r in range(1, size + 1)}
    total = sum(ranks.values())
    mean = round(sum(r * n for r, n in ranks.items()) / total, 2) if total else None
    return {"option_id": option_id, "label": label, "mean_rank": mean, "first_choice": ranks.get(1, 0)}


def survey_results(questions: Iterable[Question], tally: Tally, governorate: str = ALL) -> dict:
    return {
        "responses": tally.responses.get(governorate, 0),
        "governorate": governorate,
        "governorates": sorted(g for g in tally.responses if g != ALL),
        "questions": [question_result(q, tally, governorate) for q in questions],
    }
