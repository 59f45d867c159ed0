"""A competition's stages, in the one order the programme runs them: submission →
screening → one or more jury rounds → shortlist → final → winners, each with its
dates; jury rounds and the final name how many ideas advance."""

import re
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from sharik.errors import Invalid

StageKind = Literal["submission", "screening", "jury_round", "shortlist", "final", "winners"]
JUDGED: frozenset[str] = frozenset({"jury_round", "final"})
_ORDER = re.compile(r"^S C J+ L F W$".replace(" ", ""))
_LETTER = {"submission": "S", "screening": "C", "jury_round": "J", "shortlist": "L", "final": "F", "winners": "W"}


class Stage(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: StageKind
    opens_at: datetime
    closes_at: datetime
    advancing: int | None = Field(default=None, ge=1, le=10_000)
    """Jury rounds and the final: how many ideas go on (the final's are the winners)."""


def check_stages(stages: tuple[Stage, ...]) -> None:
    """Invalid, naming the stage, unless the stages run in order with sane dates and
    every judged stage says how many advance, fewer than the stage before."""
    if not _ORDER.match("".join(_LETTER[s.kind] for s in stages)):
        raise Invalid(
            "stages run submission, screening, one or more jury_round, shortlist, final, winners",
            details=[{"field": "stages", "kinds": [s.kind for s in stages]}],
        )
    previous_advancing = None
    for index, stage in enumerate(stages):
        if stage.closes_at <= stage.opens_at:
            raise Invalid("a stage closes after it opens", details=[{"field": f"stages.{index}.closes_at"}])
        if index and stage.opens_at < stages[index - 1].opens_at:
            raise Invalid("stages open in order", details=[{"field": f"stages.{index}.opens_at"}])
        if stage.kind in JUDGED:
            if stage.advancing is None:
                raise Invalid("say how many ideas advance", details=[{"field": f"stages.{index}.advancing"}])
            if previous_advancing is not None and stage.advancing > previous_advancing:
                raise Invalid(
                    "fewer ideas advance at each judged stage", details=[{"field": f"stages.{index}.advancing"}]
                )
            previous_advancing = stage.advancing
        elif stage.advancing is not None:
            raise Invalid(f"a {stage.kind} stage has no number advancing", details=[{"field": f"stages.{index}.advancing"}])
