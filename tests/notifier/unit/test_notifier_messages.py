from dataclasses import replace
from datetime import UTC, datetime

import pytest

from notifier.domain.messages import CampaignNotice, OptionTally, ResultNotice, Text, render, votes

CAMPAIGN = CampaignNotice(
    kind="poll",
    title=Text(ar="اختر موضوع منتدى معاً نتقدم", en="Choose the Together We Progress topic"),
    summary=Text(ar="ثلاثة مواضيع مقترحة", en="Three proposed topics"),
    opens_at=datetime(2026, 11, 22, 4, tzinfo=UTC),
    closes_at=datetime(2026, 12, 6, 20, tzinfo=UTC),
)


def result(outcome: str, winners: tuple[str, ...], votes: tuple[int, int, int]) -> ResultNotice:
    labels = [
        ("human", Text(ar="الإنسان والمجتمع", en="Human and society")),
        ("economy", Text(ar="الاقتصاد", en="Economy")),
        ("environment", Text(ar="البيئة", en="Environment")),
    ]
    total = sum(votes)
    return ResultNotice(
        question=Text(ar="موضوع المنتدى", en="Forum topic"),
        counts=tuple(
            OptionTally(option_id=o, label=label, votes=v, percent=round(100 * v / total, 1) if total else 0.0)
            for (o, label), v in zip(labels, votes, strict=True)
        ),
        total_votes=total,
        outcome=outcome,
        winners=winners,
    )


def test_an_arabic_reader_gets_an_arabic_subject_and_arabic_first_then_english():
    message = render(CAMPAIGN, "ar")
    assert message.language == "ar"
    assert message.subject == "استطلاع رأي: اختر موضوع منتدى معاً نتقدم"
    arabic, english = message.body.split("— — —")
    assert "ثلاثة مواضيع مقترحة" in arabic and "Three proposed topics" not in arabic
    assert "Poll: Choose the Together We Progress topic" in english


def test_an_english_reader_gets_english_first_then_arabic():
    message = render(CAMPAIGN, "en")
    assert message.subject == "Poll: Choose the Together We Progress topic"
    english, arabic = message.body.split("— — —")
    assert "Three proposed topics" in english
    assert "ثلاثة مواضيع مقترحة" in arabic


def test_the_window_is_given_in_muscat_time():
    body = render(CAMPAIGN, "en").body
    assert "from 2026-11-22 08:00 to 2026-12-07 00:00, Muscat time" in body


def test_a_result_lists_every_option_with_its_votes_and_names_the_winner():
    message = render(result("winner", ("human",), (2248, 1500, 752)), "en")
    assert message.subject == "Result: Forum topic"
    english = message.body.split("— — —")[0]
    assert "- Human and society: 2248 votes (50%)" in english
    assert "- Economy: 1500 votes (33.3%)" in english
    assert "- Environment: 752 votes (16.7%)" in english
    assert "Total: 4500 votes" in english
    assert "Winner: Human and society" in english
    assert "الخيار الفائز: الإنسان والمجتمع" in message.body


def test_a_tie_names_every_tied_option_in_the_reader_language():
    message = render(result("tie", ("human", "economy"), (10, 10, 3)), "ar")
    arabic = message.body.split("— — —")[0]
    assert "تعادل بين: الإنسان والمجتمع، الاقتصاد" in arabic
    assert "Tie between: Human and society, Economy" in message.body


def test_a_ballot_without_votes_says_so():
    message = render(result("no_votes", (), (0, 0, 0)), "en")
    assert "No votes were cast." in message.body
    assert "Winner" not in message.body


def test_written_in_answers_are_counted_so_the_lines_add_up_to_the_total():
    # The case the review found: options adding up to 2 under "Total votes: 6".
    notice = replace(result("winner", ("human",), (1, 1, 0)), total_votes=6, rule="plurality")
    english = render(notice, "en").body.split("— — —")[0]
    assert "- Human and society: 1 vote (50%)" in english
    assert "- Written-in answers: 4 votes (66.7%)" in english
    assert "Total: 6 votes" in english
    arabic = render(notice, "ar").body.split("— — —")[0]
    assert "- إجابات كتبها المصوّتون: 4 أصوات (66.7%)" in arabic


def test_an_approval_ballot_has_no_written_in_line_though_its_counts_exceed_the_voters():
    notice = replace(result("winner", ("human",), (5, 4, 3)), total_votes=6, rule="approval")
    assert "Written-in" not in render(notice, "en").body


@pytest.mark.parametrize(
    ("n", "arabic"),
    [
        (0, "لا أصوات"),
        (1, "صوت واحد"),
        (2, "صوتان"),
        (3, "3 أصوات"),
        (10, "10 أصوات"),
        (11, "11 صوتًا"),
        (99, "99 صوتًا"),
        (100, "100 صوت"),
        (102, "102 صوت"),
        (103, "103 أصوات"),
    ],
)
def test_arabic_counts_take_each_of_the_six_plural_forms(n, arabic):
    assert votes(n, "ar") == arabic


def test_english_counts_are_singular_for_one_only():
    assert [votes(n, "en") for n in (0, 1, 2)] == ["0 votes", "1 vote", "2 votes"]
