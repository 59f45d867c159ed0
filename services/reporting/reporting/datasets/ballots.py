"""Ballot results: one dataset per published result, in the voting service's result
table (turnout and budget rows included), linked to its bulletin board and `.pb` file.

A result is the official count, which the board publishes vote by vote anyway, so no
cell of it is suppressed."""

from datetime import datetime
from urllib.parse import quote

from reporting.catalogue import BINDING_LISTS, CONSULTATIVE_LISTS, PUBLISHED
from reporting.config import ReportingSettings
from reporting.datasets.table import Column, Related, Source, Table, register
from reporting.projections.change import BALLOTS
from reporting.store import ReadModel
from sharik.open_data import result_rows

COLUMNS = (
    Column("section", "القسم", "Section"),
    Column("constituency", "الدائرة", "Constituency"),
    Column("governorate", "المحافظة", "Governorate"),
    Column("option_id", "رمز الخيار", "Option id"),
    Column("label_ar", "الوصف بالعربية", "Label (Arabic)"),
    Column("label_en", "الوصف بالإنجليزية", "Label (English)"),
    Column("votes", "الأصوات", "Votes"),
    Column("percent", "النسبة المئوية", "Percent"),
    Column("eligible", "عدد المؤهلين", "Eligible"),
    Column("cost", "التكلفة", "Cost"),
    Column("status", "الحالة", "Status"),
)
BOARD = {"ar": "لوحة النشر كاملة: كل قيد بتجزئته، للتحقق من النتيجة صوتاً صوتاً.",
         "en": "The whole bulletin board: every entry with its hash, to verify the result vote by vote."}
BOARD_LIST = {"ar": "قائمة من قوائم لوحة النشر بصيغة CSV.", "en": "One list of the bulletin board, as CSV."}
BUDGET = {"ar": "الميزانية التشاركية بصيغة pabulib النصية: المشاريع وتكاليفها والأصوات.",
          "en": "The participatory budget in pabulib's text format: the projects, their costs and the votes."}


async def ballot_results(read_model: ReadModel, settings: ReportingSettings) -> list[Table]:
    cursor = read_model[BALLOTS].find(PUBLISHED).sort("_id", 1)
    return [_table(doc, settings.voting_public_url.rstrip("/")) async for doc in cursor]


def _table(ballot: dict, voting_url: str) -> Table:
    ballot_id, result, question = ballot["_id"], ballot["result"], ballot["question"]
    published: datetime = result["published_at"]
    board = f"{voting_url}/ballots/{quote(ballot_id)}"
    lists = BINDING_LISTS if ballot.get("binding") else CONSULTATIVE_LISTS
    related = [Related("bulletin board (sharik-board/1)", f"{board}/board/export", "json", BOARD)]
    related += [Related(f"bulletin board, list {name} (CSV)", f"{board}/open-data/board.csv?list={name}", "csv",
                        BOARD_LIST) for name in lists]
    if ballot.get("kind") == "budget":
        related.append(Related("participatory budget (pabulib .pb)", f"{board}/budget.pb", "txt", BUDGET))
    opened: datetime = ballot.get("opens_at") or published
    return Table(
        dataset_id=f"ballot-result-{ballot_id}",
        publisher=ballot["agency"],
        title={"ar": f"نتيجة التصويت: {question['ar']}", "en": f"Ballot result: {question['en']}"},
        description={
            "ar": "النتيجة المعلنة للتصويت: الأصوات لكل خيار والمجموع ونسبة المشاركة، ومعها رابط لوحة النشر للتحقق.",
            "en": "The published result of the ballot: votes per option, total and turnout, with the bulletin"
            " board to verify it against.",
        },
        keywords=({"ar": "تصويت", "en": "ballot"}, {"ar": "نتائج", "en": "results"},
                  {"ar": "نسبة المشاركة", "en": "turnout"}),
        theme="GOVE",
        columns=COLUMNS,
        rows=result_rows(result),
        issued=published,
        modified=published,
        temporal=(opened, ballot.get("closed_at") or published),
        related=tuple(related),
    )


register(Source("ballot results", ballot_results))
