"""Survey templates an agency starts from. The satisfaction survey asks what seed 004
reports on: overall satisfaction (78% there) and, for those not satisfied, what to fix
(simpler procedures, a better interface, a faster call centre, better escalation)."""

from datetime import datetime

from consultation.survey.questions import Choice, Condition, DisplayRule, Question, Section
from consultation.survey.survey import Questionnaire
from sharik.events import LocalizedText as T

NOT_SATISFIED = ("neutral", "dissatisfied", "very_dissatisfied")


def satisfaction(*, service: T, opens_at: datetime, closes_at: datetime, campaign_id: str | None) -> Questionnaire:
    """A satisfaction survey of one service."""
    levels = [
        ("very_satisfied", "راضٍ جداً", "Very satisfied"),
        ("satisfied", "راضٍ", "Satisfied"),
        ("neutral", "محايد", "Neutral"),
        ("dissatisfied", "غير راضٍ", "Dissatisfied"),
        ("very_dissatisfied", "غير راضٍ إطلاقاً", "Very dissatisfied"),
    ]
    fixes = [
        ("procedures", "تبسيط الإجراءات", "Simpler procedures"),
        ("interface", "تحسين واجهة الاستخدام", "A better interface"),
        ("call_centre", "سرعة استجابة مركز الاتصال", "A faster call centre response"),
        ("escalation", "تحسين تصعيد الشكاوى", "Better complaint escalation"),
        ("other", "أخرى", "Other"),
    ]
    return Questionnaire(
        campaign_id=campaign_id,
        title=T(ar=f"استبيان الرضا عن {service.ar}", en=f"Satisfaction with {service.en}"),
        sections=(Section(section_id="overall", title=T(ar="الرضا العام", en="Overall satisfaction")),),
        questions=(
            Question(
                question_id="overall",
                type="single_choice",
                section_id="overall",
                required=True,
                text=T(ar="ما مدى رضاك عن الخدمة بشكل عام؟", en="How satisfied are you with the service overall?"),
                options=tuple(Choice(option_id=i, label=T(ar=ar, en=en)) for i, ar, en in levels),
            ),
            Question(
                question_id="ease",
                type="rating",
                section_id="overall",
                min=1,
                max=5,
                text=T(ar="ما مدى سهولة إنجاز معاملتك؟ (1-5)", en="How easy was it to get it done? (1-5)"),
            ),
            Question(
                question_id="what_to_fix",
                type="multiple_choice",
                section_id="overall",
                required=True,
                min=1,
                text=T(ar="ما الذي يجب تحسينه؟", en="What should be fixed?"),
                options=tuple(Choice(option_id=i, label=T(ar=ar, en=en)) for i, ar, en in fixes),
                show_if=DisplayRule(
                    combine="any_of",
                    conditions=tuple(Condition(question_id="overall", operator="equals", value=v) for v in NOT_SATISFIED),
                ),
            ),
            Question(
                question_id="suggestions",
                type="long_text",
                section_id="overall",
                text=T(ar="اقتراحات أخرى", en="Other suggestions"),
            ),
        ),
        opens_at=opens_at,
        closes_at=closes_at,
    )
