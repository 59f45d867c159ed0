"""Each agency's thresholds for initiatives addressed to it, per scope: a rule for one
governorate or wilayat, else for its level, else the platform's default for the level."""

from pymongo.asynchronous.database import AsyncDatabase

from consultation.initiative.initiative import Level, Rules, Scope

DEFAULTS: dict[Level, Rules] = {
    "national": Rules(supports=10_000, collection_days=90, answer_days=60),
    "governorate": Rules(supports=2_000, collection_days=60, answer_days=45),
    "wilayat": Rules(supports=500, collection_days=60, answer_days=30),
}


def rule_id(agency: str, level: Level, code: str | None) -> str:
    return f"{agency}:{level}:{code or '*'}"


class RuleStore:
    def __init__(self, db: AsyncDatabase) -> None:
        self.collection = db["initiative_rules"]

    async def set(self, agency: str, level: Level, code: str | None, rules: Rules) -> None:
        document = {"agency": agency, "level": level, "code": code, **rules.model_dump()}
        await self.collection.replace_one({"_id": rule_id(agency, level, code)}, document, upsert=True)

    async def of(self, agency: str, scope: Scope) -> Rules:
        """The rule that applies: the scope's own, its level's, or the default."""
        for code in dict.fromkeys((scope.code, None)):
            found = await self.collection.find_one({"_id": rule_id(agency, scope.level, code)})
            if found is not None:
                return Rules.model_validate(found)
        return DEFAULTS[scope.level]

    async def of_agency(self, agency: str) -> list[dict]:
        cursor = self.collection.find({"agency": agency}, {"_id": 0}).sort([("level", 1), ("code", 1)])
        return await cursor.to_list(500)
