"""What a subscriber reads: a subject and a plain-text body in their language, with the
other language below, so a message forwarded to a relative still reads."""

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Literal

from babel import Locale

Language = Literal["ar", "en"]

# Oman keeps UTC+4 all year (no daylight saving), so a fixed offset is exact.
MUSCAT = timezone(timedelta(hours=4))


@dataclass(frozen=True)
class Text:
    ar: str
    en: str

    def in_(self, language: Language) -> str:
        return self.ar if language == "ar" else self.en


@dataclass(frozen=True)
class CampaignNotice:
    """A campaign opened to the public."""

    kind: str
    title: Text
    summary: Text
    opens_at: datetime
    closes_at: datetime


@dataclass(frozen=True)
class OptionTally:
    option_id: str
    label: Text
    votes: int
    percent: float


@dataclass(frozen=True)
class ResultNotice:
    """The final count of a ballot."""

    question: Text
    counts: tuple[OptionTally, ...]
    total_votes: int
    outcome: Literal["winner", "tie", "no_votes"]
    winners: tuple[str, ...]
    rule: str | None = None
    """The counting rule; only under plurality is every valid vote in exactly one count."""

    @property
    def write_ins(self) -> int:
        """Votes for answers the voters wrote in. The event counts them in `total_votes`
        but lists only the options, so under plurality they are what the options leave."""
        if self.rule not in (None, "plurality"):
            return 0
        return max(0, self.total_votes - sum(count.votes for count in self.counts))


@dataclass(frozen=True)
class VerificationNotice:
    """Asks the owner of a new address to confirm it, before anything else is sent."""

    link: str


@dataclass(frozen=True)
class ComplaintNotice:
    """A followed complaint changed state."""

    complaint_id: str
    status: str


@dataclass(frozen=True)
class EscalationNotice:
    """A complaint missed a deadline and reached this rung of the ladder."""

    complaint_id: str
    category: str
    target: str
    level: str
    deadline: datetime


@dataclass(frozen=True)
class AlertNotice:
    """A public alert, for subscribers in its area: what the authority wrote."""

    headline: Text
    description: Text
    instruction: Text


Notice = CampaignNotice | ResultNotice | VerificationNotice | ComplaintNotice | EscalationNotice | AlertNotice


@dataclass(frozen=True)
class Message:
    language: Language
    subject: str
    body: str


KINDS = {
    "consultation": Text(ar="استشارة عامة", en="Public consultation"),
    "survey": Text(ar="استبيان", en="Survey"),
    "poll": Text(ar="استطلاع رأي", en="Poll"),
    "idea_competition": Text(ar="مسابقة أفكار", en="Idea competition"),
    "initiative": Text(ar="مبادرة", en="Initiative"),
}

PHRASES = {
    "new": Text(ar="جديد", en="New"),
    "window": Text(
        ar="المشاركة متاحة من {opens} إلى {closes} بتوقيت مسقط",
        en="Open for participation from {opens} to {closes}, Muscat time",
    ),
    "result": Text(ar="النتيجة", en="Result"),
    "total": Text(ar="المجموع: {votes}", en="Total: {votes}"),
    "write_ins": Text(ar="إجابات كتبها المصوّتون", en="Written-in answers"),
    "winner": Text(ar="الخيار الفائز: {options}", en="Winner: {options}"),
    "tie": Text(ar="تعادل بين: {options}", en="Tie between: {options}"),
    "no_votes": Text(ar="لم تُسجَّل أي أصوات.", en="No votes were cast."),
    "footer": Text(
        ar="تصلك هذه الرسالة لأنك اشتركت في تنبيهات منصة شارك. يمكنك إلغاء الاشتراك من حسابك.",
        en="You receive this because you subscribed to Sharik alerts. You can unsubscribe from your account.",
    ),
}

# A count of votes in each CLDR plural form of the language (Arabic has six).
VOTES: dict[Language, dict[str, str]] = {
    "ar": {
        "zero": "لا أصوات",
        "one": "صوت واحد",
        "two": "صوتان",
        "few": "{n} أصوات",
        "many": "{n} صوتًا",
        "other": "{n} صوت",
    },
    "en": {"one": "{n} vote", "other": "{n} votes"},
}


def votes(n: int, language: Language) -> str:
    """`n` votes, worded as the language's plural rules want it."""
    forms = VOTES[language]
    return forms.get(Locale.parse(language).plural_form(n), forms["other"]).format(n=n)


STATUSES = {
    "submitted": Text(ar="مُستلمة", en="received"),
    "routed": Text(ar="أُحيلت إلى الجهة المختصة", en="sent to the responsible unit"),
    "acknowledged": Text(ar="تم الاطلاع عليها", en="acknowledged"),
    "in_progress": Text(ar="قيد المعالجة", en="being worked on"),
    "waiting_for_citizen": Text(ar="بانتظار ردك", en="waiting for your reply"),
    "resolved": Text(ar="تم حلها", en="resolved"),
    "rejected": Text(ar="مرفوضة", en="rejected"),
    "closed": Text(ar="مغلقة", en="closed"),
}

COMPLAINT_PHRASES = {
    "verify_subject": Text(ar="تأكيد عنوانك لدى منصة شارك", en="Confirm your address with Sharik"),
    "verify_body": Text(
        ar="لتأكيد أنك صاحب هذا العنوان افتح الرابط التالي. لن نرسل إليك شيئاً آخر قبل ذلك:\n{link}",
        en="To confirm this address is yours, open the link below. Nothing else is sent to you before that:\n{link}",
    ),
    "complaint_subject": Text(ar="تحديث على بلاغك {ref}", en="Update on your complaint {ref}"),
    "complaint_body": Text(ar="حالة بلاغك {ref} الآن: {status}.", en="Your complaint {ref} is now {status}."),
    "escalation_subject": Text(ar="تصعيد: البلاغ {ref} تجاوز المهلة", en="Escalation: complaint {ref} missed its deadline"),
    "escalation_body": Text(
        ar="البلاغ {ref} (الفئة: {category}) تجاوز مهلة {target} المحددة في {deadline} بتوقيت مسقط، وصُعّد إلى {level}.",
        en="Complaint {ref} (category: {category}) missed its {target} deadline of {deadline} Muscat time "
        "and was escalated to {level}.",
    ),
}

TARGETS = {"acknowledge": Text(ar="الاستلام", en="acknowledgement"), "resolve": Text(ar="الحل", en="resolution")}
LEVELS = {
    "unit_head": Text(ar="رئيس الوحدة", en="the unit head"),
    "agency_admin": Text(ar="مسؤول الجهة", en="the agency administrator"),
    "platform_operator": Text(ar="مشغّل المنصة", en="the platform operator"),
}


def _reference(complaint_id: str) -> str:
    """A short reference a person can read out (the id's last eight characters)."""
    return complaint_id[-8:]


SEPARATOR = "\n\n— — —\n\n"


def render(notice: Notice, language: Language) -> Message:
    """The message for a subscriber who reads `language`."""
    other: Language = "en" if language == "ar" else "ar"
    body = _body(notice, language) + SEPARATOR + _body(notice, other)
    return Message(language=language, subject=_subject(notice, language), body=body + "\n")


def _subject(notice: Notice, language: Language) -> str:
    if isinstance(notice, AlertNotice):
        return notice.headline.in_(language)
    if isinstance(notice, VerificationNotice):
        return COMPLAINT_PHRASES["verify_subject"].in_(language)
    if isinstance(notice, ComplaintNotice):
        return COMPLAINT_PHRASES["complaint_subject"].in_(language).format(ref=_reference(notice.complaint_id))
    if isinstance(notice, EscalationNotice):
        return COMPLAINT_PHRASES["escalation_subject"].in_(language).format(ref=_reference(notice.complaint_id))
    if isinstance(notice, CampaignNotice):
        kind = KINDS.get(notice.kind, PHRASES["new"]).in_(language)
        return f"{kind}: {notice.title.in_(language)}"
    return f"{PHRASES['result'].in_(language)}: {notice.question.in_(language)}"


def _body(notice: Notice, language: Language) -> str:
    if isinstance(notice, AlertNotice):
        return "\n".join((notice.headline.in_(language), notice.description.in_(language), notice.instruction.in_(language)))
    if isinstance(notice, VerificationNotice):
        return COMPLAINT_PHRASES["verify_body"].in_(language).format(link=notice.link)
    if isinstance(notice, ComplaintNotice):
        status = STATUSES.get(notice.status, Text(ar=notice.status, en=notice.status)).in_(language)
        text = COMPLAINT_PHRASES["complaint_body"].in_(language).format(ref=_reference(notice.complaint_id), status=status)
        return f"{text}\n\n{PHRASES['footer'].in_(language)}"
    if isinstance(notice, EscalationNotice):
        return COMPLAINT_PHRASES["escalation_body"].in_(language).format(
            ref=notice.complaint_id,
            category=notice.category,
            target=TARGETS[notice.target].in_(language),
            deadline=_day(notice.deadline),
            level=LEVELS[notice.level].in_(language),
        )
    if isinstance(notice, CampaignNotice):
        lines = [
            _subject(notice, language),
            "",
            notice.summary.in_(language),
            "",
            PHRASES["window"].in_(language).format(opens=_day(notice.opens_at), closes=_day(notice.closes_at)),
        ]
    else:
        lines = [_subject(notice, language), "", *_result_lines(notice, language)]
    return "\n".join([*lines, "", PHRASES["footer"].in_(language)])


def _result_lines(notice: ResultNotice, language: Language) -> list[str]:
    lines = [
        f"- {count.label.in_(language)}: {votes(count.votes, language)} ({_percent(count.percent)}%)"
        for count in notice.counts
    ]
    if notice.write_ins:
        share = 100 * notice.write_ins / notice.total_votes
        lines.append(
            f"- {PHRASES['write_ins'].in_(language)}: {votes(notice.write_ins, language)} ({_percent(share)}%)"
        )
    lines += ["", PHRASES["total"].in_(language).format(votes=votes(notice.total_votes, language))]
    labels = {count.option_id: count.label.in_(language) for count in notice.counts}
    separator = "، " if language == "ar" else ", "
    options = separator.join(labels.get(w, w) for w in notice.winners)
    if notice.outcome == "no_votes":
        lines.append(PHRASES["no_votes"].in_(language))
    else:
        lines.append(PHRASES[notice.outcome].in_(language).format(options=options))
    return lines


def _day(moment: datetime) -> str:
    return moment.astimezone(MUSCAT).strftime("%Y-%m-%d %H:%M")


def _percent(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def with_unsubscribe_link(message: Message, url: str) -> Message:
    """The message with its one-click unsubscribe link at the end."""
    return Message(
        language=message.language,
        subject=message.subject,
        body=f"{message.body}\nإلغاء الاشتراك · Unsubscribe: {url}\n",
    )
