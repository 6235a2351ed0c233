"""Validation of what analysts build: every mistake is reported against its field, nothing half-parsed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from surveys import builder
from surveys.model import Question

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
GOOD = {"title": "Parker", "invitation_text": "Svara: {link}", "closes_at": "2026-12-01T18:00",
        "reminder_after_days": "3", "reminder_max": "2"}


def fields(problems: list[builder.Problem]) -> set[str]:
    return {p.field for p in problems}


def test_a_good_survey_parses_with_stockholm_times() -> None:
    draft, problems = builder.parse_survey(GOOD, now=NOW)
    assert problems == [] and draft is not None
    assert draft.closes_at == datetime(2026, 12, 1, 17, 0, tzinfo=UTC)  # 18:00 in Stockholm is 17:00 UTC in winter
    assert (draft.reminder_after_days, draft.reminder_max) == (3, 2)


@pytest.mark.parametrize(("changes", "field"), [
    ({"title": " "}, "title"),
    ({"invitation_text": "Svara snart"}, "invitation_text"),  # no personal link
    ({"invitation_text": "Svara {lnk}"}, "invitation_text"),  # misspelt placeholder
    ({"invitation_text": "{link} " + "x" * 700}, "invitation_text"),
    ({"reminder_text": "Påminnelse utan länk"}, "reminder_text"),
    ({"closes_at": ""}, "closes_at"),
    ({"closes_at": "1 december"}, "closes_at"),
    ({"closes_at": "0001-01-01T00:30"}, "closes_at"),  # out of datetime's range once in UTC
    ({"closes_at": "9999-12-31T23:30"}, "closes_at"),
    ({"closes_at": "2026-11-01T18:00"}, "closes_at"),  # already past
    ({"opens_at": "2026-12-02T08:00"}, "opens_at"),  # opens after closing
    ({"reminder_after_days": "-1"}, "reminder_after_days"),
    ({"reminder_max": "9"}, "reminder_max"),
])
def test_each_mistake_is_reported_on_its_field(changes: dict[str, str], field: str) -> None:
    draft, problems = builder.parse_survey({**GOOD, **changes}, now=NOW)
    assert draft is None
    assert field in fields(problems)


def test_no_reminder_days_means_no_reminders() -> None:
    draft, _ = builder.parse_survey({**GOOD, "reminder_after_days": "0", "reminder_max": "3"}, now=NOW)
    assert draft is not None and draft.reminder_max == 0


def test_choice_question_needs_distinct_options_and_matching_translations() -> None:
    base = {"kind": "single_choice", "text": "Hur reser du?"}
    assert "options" in fields(builder.parse_question({**base, "options": "Bil"})[1])
    assert "options" in fields(builder.parse_question({**base, "options": "Bil\nbil"})[1])
    assert "options_en" in fields(builder.parse_question({**base, "options": "Bil\nBuss", "options_en": "Car"})[1])
    draft, problems = builder.parse_question({**base, "options": " Bil \n\nBuss\n", "required": "on"})
    assert problems == [] and draft is not None
    assert draft.options == ("Bil", "Buss") and draft.required


def test_other_kinds_drop_leftover_options_and_free_text_has_no_dont_know() -> None:
    draft, _ = builder.parse_question({"kind": "free_text", "text": "Övrigt?", "options": "a\nb", "dont_know": "on"})
    assert draft is not None and draft.options == () and not draft.dont_know
    assert "kind" in fields(builder.parse_question({"kind": "ranking", "text": "?"})[1])
    assert "page" in fields(builder.parse_question({"kind": "yes_no", "text": "?", "page": "0"})[1])


def test_a_survey_without_questions_or_with_a_past_closing_time_cannot_be_sent() -> None:
    question = Question(1, 1, 1, 1, "yes_no", "?", "", True, False, (), ())
    assert fields(builder.problems_before_sending([], NOW.replace(day=30), NOW)) == {"questions"}
    assert fields(builder.problems_before_sending([question], NOW.replace(day=1), NOW)) == {"closes_at"}
    assert builder.problems_before_sending([question], NOW.replace(day=30), NOW) == []
