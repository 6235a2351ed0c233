"""What staff see while writing an SMS: segments, cost and a warning, as words in the page's language.

Other packages call `counter(text, price)` in their compose handlers and pass the result to the macro in
`sms/_segment_counter.html`; the optional script asks POST /staff/outbox/segments for the same words, so the
counting rules live in one place (`sms.segments`).
"""

from __future__ import annotations

from dataclasses import dataclass

from panel.i18n import _
from panel.numbers import number
from sms import segments


@dataclass(frozen=True)
class Counter:
    info: segments.SegmentInfo
    cost: float
    summary: str
    warning: str

    def as_json(self) -> dict[str, object]:
        info = self.info
        return {
            "encoding": info.encoding, "characters": info.characters, "units": info.units,
            "segments": info.segments, "chars_left": info.chars_left, "cost": self.cost,
            "non_gsm": list(info.non_gsm), "summary": self.summary, "warning": self.warning,
        }


def _money(amount: float) -> str:
    return number(amount, 2)


def counter(text: str, price_per_segment: float) -> Counter:
    info = segments.count(text)
    cost = info.cost(price_per_segment)
    summary = _("%(chars)d tecken · %(segments)d SMS (%(encoding)s) · %(left)d tecken kvar i sista · %(cost)s kr") % {
        "chars": info.characters, "segments": info.segments, "encoding": info.encoding,
        "left": info.chars_left, "cost": _money(cost),
    }
    return Counter(info, cost, summary, _warning(info))


def _warning(info: segments.SegmentInfo) -> str:
    if info.too_long:
        return _("Texten är för lång: ett SMS får ha högst %(max)d tecken.") % {"max": segments.MAX_CHARACTERS}
    if not info.non_gsm:
        return ""
    shown = " ".join(info.non_gsm[:8])
    if info.fixable:
        return _("Tecknen %(chars)s gör att texten skickas som UCS-2 (70 tecken per SMS i stället för 160). "
                 "Byt dem mot vanliga citattecken, bindestreck och punkter.") % {"chars": shown}
    return _("Tecknen %(chars)s (till exempel emoji) gör att texten skickas som UCS-2: 70 tecken per SMS "
             "i stället för 160, så samma text kan kosta tre gånger så mycket.") % {"chars": shown}
