"""The open-data catalogue: every published ballot result as a dataset, with links to
its files here and to its bulletin board at the voting service. Built from the read
model alone, so a rebuild from the topics gives it back."""

from typing import Any
from urllib.parse import quote

from reporting.projections.change import BALLOTS
from reporting.store import ReadModel
from sharik.errors import NotFound

# The lists of a ballot's board at the voting service (docs/services/voting.md, "Bulletin board").
BINDING_LISTS = ("receipts", "contents")
CONSULTATIVE_LISTS = ("votes",)

# The opening says the kind and the board's lists; it travels before the result on the
# ballot's partition, so a result without it is only a moment in a replay.
PUBLISHED = {"result": {"$exists": True}, "opened": True}

# The ballot's facts a result file repeats beside the result itself.
BALLOT_FIELDS = ("agency", "kind", "binding", "campaign_id", "question", "options", "opens_at", "closes_at",
                 "closed_at", "votes_cast")


class OpenDataCatalogue:
    def __init__(self, read_model: ReadModel, *, voting_url: str) -> None:
        self._db = read_model
        self._voting = voting_url.rstrip("/")

    async def datasets(self, *, agency: str | None, limit: int, base_url: str) -> list[dict[str, Any]]:
        """Published ballot results, latest first, each with its download links."""
        query = {**PUBLISHED, **({"agency": agency} if agency else {})}
        cursor = self._db[BALLOTS].find(query).sort([("result.published_at", -1), ("_id", 1)]).limit(limit)
        return [self._dataset(doc, base_url.rstrip("/")) async for doc in cursor]

    async def result(self, ballot_id: str) -> dict[str, Any]:
        """One published result with the ballot's facts, as the result files give it."""
        document = await self._db[BALLOTS].find_one({"_id": ballot_id, **PUBLISHED})
        if document is None:
            raise NotFound(f"no published result for ballot {ballot_id}")
        return {"ballot_id": ballot_id, **{f: document.get(f) for f in BALLOT_FIELDS}, **document["result"]}

    def _dataset(self, document: dict[str, Any], base_url: str) -> dict[str, Any]:
        ballot_id = document["_id"]
        own = f"{base_url}/open-data/ballots/{quote(ballot_id)}"
        voting = f"{self._voting}/ballots/{quote(ballot_id)}"
        lists = BINDING_LISTS if document.get("binding") else CONSULTATIVE_LISTS
        downloads: dict[str, Any] = {
            "result_json": f"{own}/result.json",
            "result_csv": f"{own}/result.csv",
            "board_export": f"{voting}/board/export",
            "board_csv": {name: f"{voting}/open-data/board.csv?list={name}" for name in lists},
        }
        if document.get("kind") == "budget":
            downloads["budget_pb"] = f"{voting}/budget.pb"
        return {
            "ballot_id": ballot_id,
            "title": document["question"],
            "agency": document["agency"],
            "kind": document.get("kind"),
            "binding": document.get("binding", False),
            "closed_at": document.get("closed_at"),
            "published_at": document["result"]["published_at"],
            "board_head": document["result"].get("board_head"),
            "downloads": downloads,
        }

