"""Validation of one page of answers: allowed values only, required answers, one row per chosen option."""

from __future__ import annotations

from multidict import MultiDict

from surveys.answering import first_unanswered_page, validate_page
from surveys.model import Question


def question(qid: int, kind: str, *, required: bool = True, dont_know: bool = False, options: int = 0,
             page: int = 1) -> Question:
    labels = tuple(f"Alternativ {n}" for n in range(1, options + 1))
    return Question(qid, 1, qid, page, kind, f"Fråga {qid}", "", required, dont_know, labels, ())


SINGLE = question(1, "single_choice", options=3)
MULTI = question(2, "multiple_choice", options=3, required=False)
SCALE = question(3, "scale_10", dont_know=True)
FREE = question(4, "free_text", required=False)


def test_valid_answers_become_values_per_question() -> None:
    form = MultiDict([("q1", "2"), ("q2", "1"), ("q2", "3"), ("q2", "3"), ("q3", "0"), ("q4", "  Mer bänkar ")])
    values, problems = validate_page([SINGLE, MULTI, SCALE, FREE], form)
    assert problems == []
    assert values == {1: ["2"], 2: ["1", "3"], 3: ["0"], 4: ["Mer bänkar"]}


def test_skipped_optional_questions_store_nothing_but_are_listed() -> None:
    values, problems = validate_page([MULTI, FREE], MultiDict())
    assert problems == [] and values == {2: [], 4: []}


def test_invalid_and_missing_answers_are_problems_on_their_question() -> None:
    form = MultiDict([("q1", "4"), ("q3", "dont_know"), ("q3", "5")])
    values, problems = validate_page([SINGLE, SCALE, question(5, "yes_no")], form)
    assert [p.field for p in problems] == ["q1", "q3", "q5"]
    assert values == {}


def test_dont_know_only_where_offered_and_one_answer_to_a_single_choice() -> None:
    assert validate_page([SCALE], MultiDict([("q3", "dont_know")]))[0] == {3: ["dont_know"]}
    assert validate_page([SINGLE], MultiDict([("q1", "dont_know")]))[1]
    assert validate_page([SINGLE], MultiDict([("q1", "1"), ("q1", "2")]))[1]


def test_overlong_free_text_is_refused() -> None:
    assert validate_page([FREE], MultiDict([("q4", "x" * 4001)]))[1]


def test_resume_at_the_first_page_with_a_required_question_left() -> None:
    pages = [[question(1, "yes_no")], [question(2, "yes_no", page=2)], [question(3, "free_text", required=False)]]
    assert first_unanswered_page(pages, set()) == 1
    assert first_unanswered_page(pages, {1}) == 2
    assert first_unanswered_page(pages, {1, 2}) == 3
