"""The figures a decision's input carries: a survey question's result or a section's
comments by stance, as they stood when the decision was recorded."""

from typing import Any

from sharik.events import LocalizedText
from sharik.events.consultation import Figure

STANCES = {
    "for": LocalizedText(ar="مؤيد", en="For"),
    "against": LocalizedText(ar="معارض", en="Against"),
    "neutral": LocalizedText(ar="محايد", en="Neutral"),
}


def survey_figures(result: dict[str, Any]) -> tuple[Figure, ...]:
    """Options (single and multiple choice) or scale points with counts and percents;
    nothing for other question types."""
    if "options" in result and result["type"] != "ranking":
        return tuple(
            Figure(label=LocalizedText(**o["label"]), count=o["count"], percent=o["percent"]) for o in result["options"]
        )
    if "points" in result:
        return tuple(
            Figure(label=LocalizedText(ar=str(p["point"]), en=str(p["point"])), count=p["count"], percent=p["percent"])
            for p in result["points"]
        )
    return ()


def stance_figures(counts: dict[str, int]) -> tuple[Figure, ...]:
    total = sum(counts.get(s, 0) for s in STANCES)
    return tuple(
        Figure(label=label, count=counts.get(stance, 0), percent=round(100 * counts.get(stance, 0) / total, 1) if total else None)
        for stance, label in STANCES.items()
    )
