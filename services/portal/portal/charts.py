"""Accessible bar charts drawn on the server as SVG; the page shows the same figures in a table.

In Arabic the bars grow from the right and the labels sit on the right, as a reader
of a right-to-left page expects."""

from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from portal import i18n

ROW = 34
BAR = 20
WIDTH = 640
LABEL = 220
FIGURE = 90


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str
    """The figure as the reader reads it, e.g. "1,234 (56%)"."""


def bars(items, *, language: str, percent: bool = True) -> list[Bar]:
    """Bars from (label, value, percent or None) rows; labels may be {"ar","en"} texts."""
    formats = i18n.Formats(language)
    made = []
    for label, value, share in items:
        name = i18n.localized(label, language) if isinstance(label, dict) else str(label)
        text = formats.number(value)
        if percent and share is not None:
            text += f" ({formats.percent(share)})"
        made.append(Bar(name, value or 0, text))
    return made


def bar_chart(items, *, language: str, title: str, percent: bool = True) -> Markup:
    """An SVG of horizontal bars; its title names it for screen readers, whose users read the table."""
    drawn = bars(items, language=language, percent=percent)
    rtl = i18n.direction(language) == "rtl"
    largest = max((b.value for b in drawn), default=0) or 1
    span = WIDTH - LABEL - FIGURE
    height = max(ROW, ROW * len(drawn))
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for row, bar in enumerate(drawn):
        y = row * ROW
        length = round(span * bar.value / largest, 1)
        if rtl:
            label_x, label_anchor = WIDTH, "start"
            bar_x = WIDTH - LABEL - length
            figure_x, figure_anchor = bar_x - 6, "start"
        else:
            label_x, label_anchor = 0, "start"
            bar_x = LABEL
            figure_x, figure_anchor = LABEL + length + 6, "start"
        direction = ' direction="rtl"' if rtl else ""
        parts.append(
            f'<text x="{label_x}" y="{y + 20}" text-anchor="{label_anchor}"{direction} class="chart-label">'
            f"{escape(_shorten(bar.label))}</text>"
            f'<rect x="{bar_x}" y="{y + 6}" width="{length}" height="{BAR}" class="chart-bar"/>'
            f'<text x="{figure_x}" y="{y + 20}" text-anchor="{figure_anchor}"{direction} class="chart-figure">'
            f"{escape(bar.text)}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def _shorten(label: str, most: int = 28) -> str:
    return label if len(label) <= most else label[: most - 1] + "…"
