"""Error messages in the caller's language: one catalogue entry per error code.

An English caller gets the specific message the code raised (it names the ballot, the
field, the limit); an Arabic caller gets the catalogue's Arabic sentence for the code,
and the details that name the fields. Codes never change with the language."""

from dataclasses import dataclass

LANGUAGES = ("en", "ar")


@dataclass(frozen=True)
class Message:
    en: str
    ar: str


CATALOGUE: dict[str, Message] = {
    # The platform's own codes (sharik.errors, sharik.http, sharik.request_body).
    "bad_request": Message("The request cannot be carried out.", "لا يمكن تنفيذ الطلب."),
    "malformed_body": Message("The request body is not valid JSON.", "محتوى الطلب ليس بصيغة JSON صحيحة."),
    "invalid": Message("The request is not valid.", "الطلب غير صالح."),
    "invalid_request": Message("Some fields are not valid.", "بعض الحقول غير صالحة."),
    "control_character": Message(
        "A text field contains a control character.", "يحتوي أحد الحقول النصية على رمز تحكم غير مسموح به."
    ),
    "unauthenticated": Message("Sign in to do this.", "يلزم تسجيل الدخول للقيام بذلك."),
    "forbidden": Message("You are not allowed to do this.", "غير مسموح لك بالقيام بذلك."),
    "not_found": Message("Not found.", "غير موجود."),
    "method_not_allowed": Message("This method is not allowed here.", "هذه الطريقة غير مسموح بها هنا."),
    "conflict": Message("This conflicts with the current state.", "يتعارض هذا مع الحالة الحالية."),
    "concurrent_change": Message(
        "Someone else changed this at the same time; try again.", "غيّر شخص آخر هذا في الوقت نفسه؛ حاول مرة أخرى."
    ),
    "body_too_large": Message("The request body is too large.", "حجم محتوى الطلب أكبر من المسموح به."),
    "unsupported_media_type": Message("This content type is not accepted.", "نوع المحتوى هذا غير مقبول."),
    "not_acceptable": Message("This response format is not available.", "صيغة الرد هذه غير متاحة."),
    "too_many_requests": Message("Too many requests; try again later.", "طلبات كثيرة جدًا؛ حاول لاحقًا."),
    "not_ready": Message("The service is not ready.", "الخدمة غير جاهزة."),
    "internal": Message("Something went wrong on our side.", "حدث خطأ من جهتنا."),
    # Feedback.
    "too_many_attempts": Message(
        "Too many wrong attempts; try again later.", "محاولات خاطئة كثيرة؛ حاول لاحقًا."
    ),
    "too_many_filings": Message(
        "Too many anonymous filings from here; try again later.", "بلاغات مجهولة كثيرة من هنا؛ حاول لاحقًا."
    ),
    # Voting.
    "ballot_not_open": Message("The ballot is not open for voting.", "الاقتراع غير مفتوح للتصويت."),
    "window_closed": Message("The time for this has passed.", "انتهى الوقت المحدد لذلك."),
    "unknown_option": Message("That option is not on the ballot.", "هذا الخيار غير موجود في ورقة الاقتراع."),
    "invalid_selection": Message("The selection is not valid for this ballot.", "الاختيار غير صالح لهذا الاقتراع."),
    "already_voted": Message("You have already voted in this ballot.", "لقد صوّتّ بالفعل في هذا الاقتراع."),
    "roll_frozen": Message(
        "The voters' roll is frozen once the ballot opens.", "سجل الناخبين مُجمّد منذ فتح الاقتراع."
    ),
    "wrong_constituency": Message("You vote in another constituency.", "أنت تصوّت في دائرة انتخابية أخرى."),
    "not_eligible": Message("You are not eligible to vote in this ballot.", "لست مؤهلاً للتصويت في هذا الاقتراع."),
    "candidacy_not_found": Message("No such candidacy.", "لا يوجد ترشّح بهذا المعرّف."),
    "candidacy_decided": Message("This candidacy has already been decided.", "تم البت في هذا الترشّح مسبقًا."),
    "constituency_without_candidates": Message(
        "A constituency has no approved candidates.", "توجد دائرة انتخابية بلا مرشحين معتمدين."
    ),
    "board_not_published": Message("The bulletin board is not published yet.", "لم تُنشر لوحة الإعلانات بعد."),
    "receipt_not_on_board": Message("This receipt is not on the board.", "هذا الإيصال غير موجود على اللوحة."),
    "result_not_final": Message("The result is not final yet.", "النتيجة ليست نهائية بعد."),
    "vote_not_recorded": Message(
        "Your vote could not be confirmed; check your receipt or try again.",
        "تعذّر تأكيد تسجيل صوتك؛ تحقّق من إيصالك أو حاول مرة أخرى."
    ),
}

# A code missing from the catalogue still reads well: the sentence of its status.
BY_STATUS = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "body_too_large",
    415: "unsupported_media_type",
    406: "not_acceptable",
    422: "invalid",
    429: "too_many_requests",
    503: "not_ready",
    500: "internal",
}


def language(accept_language: str | None) -> str:
    """The caller's language among LANGUAGES, from an Accept-Language header (q-values
    honoured); English when nothing matches."""
    best, best_q = "en", -1.0
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        # Equal q-values keep the header's order: the first listed wins.
        if primary in LANGUAGES and q > 0 and q - position * 1e-6 > best_q:
            best, best_q = primary, q - position * 1e-6
    return best


def message_for(code: str, status: int, specific: str, lang: str) -> str:
    """What the caller reads for an error: the specific English message, or the
    catalogue's sentence in the caller's language."""
    if lang == "en" and specific:
        return specific
    entry = CATALOGUE.get(code) or CATALOGUE[BY_STATUS.get(status, "internal" if status >= 500 else "bad_request")]
    return getattr(entry, lang)
