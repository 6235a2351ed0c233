"""The pure rules of case handling: decisions per state, what the resident is told, deadlines, duplicates,
inbox filters."""

from __future__ import annotations

from datetime import date

import pytest

from feedback.handling import (
    DECISIONS,
    DecisionError,
    DecisionRequest,
    allowed_decisions,
    due_date,
    is_overdue,
    parse_decision,
    public_event_label,
    resident_message,
    state_after_resident_message,
)
from feedback.inbox_query import InboxQuery, QueryError, page_count, parse_inbox_query
from feedback.similar import Located, distance_m, most_similar, text_similarity

DEPARTMENTS = ["Samhällsbyggnad", "Utbildning"]


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("new", {"answer", "request_completion", "forward", "reject", "close", "note"}),
        ("waiting", {"answer", "forward", "reject", "close", "note"}),
        ("answered", {"answer", "close", "reopen", "note"}),
        ("closed", {"reopen", "note"}),
        ("rejected", {"reopen", "note"}),
    ],
)
def test_allowed_decisions_per_state(state: str, expected: set[str]) -> None:
    assert set(allowed_decisions(state)) == expected


def test_an_answer_needs_a_comment_and_leads_to_answered() -> None:
    with pytest.raises(DecisionError, match="kommentar"):
        parse_decision({"decision": "answer", "comment": "  "}, "open", DEPARTMENTS)
    request = parse_decision({"decision": "answer", "comment": " Vi lagar hålet i veckan. "}, "open", DEPARTMENTS)
    assert request.new_state == "answered"
    assert request.comment == "Vi lagar hålet i veckan."


def test_a_decision_not_allowed_in_the_state_is_refused() -> None:
    with pytest.raises(DecisionError, match="Avslutad"):
        parse_decision({"decision": "answer", "comment": "Svar"}, "closed", DEPARTMENTS)
    with pytest.raises(DecisionError, match="Välj ett beslut"):
        parse_decision({"decision": "delete_everything"}, "open", DEPARTMENTS)


def test_forwarding_needs_a_known_department() -> None:
    with pytest.raises(DecisionError, match="förvaltning"):
        parse_decision({"decision": "forward", "department": "Okänd"}, "open", DEPARTMENTS)
    request = parse_decision({"decision": "forward", "department": "Utbildning"}, "new", DEPARTMENTS)
    assert (request.new_state, request.department) == ("open", "Utbildning")


def test_an_overlong_comment_is_refused() -> None:
    with pytest.raises(DecisionError, match="för lång"):
        parse_decision({"decision": "note", "comment": "x" * 5001}, "open", DEPARTMENTS)


def test_what_the_resident_is_told() -> None:
    link = "http://127.0.0.1/t/abc"
    answer = resident_message(DecisionRequest(DECISIONS["answer"], "Hålet lagas."), "SYN-2026-00001", link)
    assert answer == ("Svar på ditt ärende SYN-2026-00001", f"Hålet lagas.\n\nFölj ärendet: {link}")
    forward = resident_message(DecisionRequest(DECISIONS["forward"], "internt", "Utbildning"), "SYN-1", link)
    assert forward is not None and "Utbildning" in forward[1] and "internt" not in forward[1]
    closed = resident_message(DecisionRequest(DECISIONS["close"], ""), "SYN-1", link)
    assert closed is not None and "avslutat" in closed[1]
    assert resident_message(DecisionRequest(DECISIONS["note"], "internt"), "SYN-1", link) is None
    assert resident_message(DecisionRequest(DECISIONS["reopen"], ""), "SYN-1", link) is None


def test_a_resident_writing_puts_the_case_back_with_the_municipality() -> None:
    for state in ("waiting", "answered", "closed"):
        assert state_after_resident_message(state) == "open"
    assert state_after_resident_message("new") == "new"
    assert state_after_resident_message("rejected") == "rejected"
    assert state_after_resident_message("closed", merged=True) == "closed"


def test_internal_events_are_not_public() -> None:
    assert public_event_label("answered")
    for kind in ("assigned", "priority", "note", "secrecy", "contacts_purged"):
        assert public_event_label(kind) is None


def test_due_dates_and_overdue() -> None:
    # Intake stores the end of the due day in Stockholm as UTC text: 22:59:59 UTC in winter.
    assert due_date("2026-12-03T22:59:59.999Z") == date(2026, 12, 3)
    assert due_date("2026-12-03") == date(2026, 12, 3)
    assert due_date(None) is None
    assert not is_overdue("open", "2026-12-03T22:59:59.999Z", date(2026, 12, 3))
    assert is_overdue("open", "2026-12-03T22:59:59.999Z", date(2026, 12, 4))
    assert not is_overdue("waiting", "2026-12-03T22:59:59.999Z", date(2026, 12, 4))  # the resident's turn
    assert not is_overdue("answered", "2026-12-03T22:59:59.999Z", date(2026, 12, 4))


# -- duplicates ---------------------------------------------------------------------------------------------


def test_text_similarity_ignores_filler_words_and_inflection() -> None:
    assert text_similarity("Potthålet på Storgatan", "potthål storgatan") == 1.0
    assert text_similarity("och det är på", "och det är på") == 0.0  # nothing meaningful in common
    assert 0 < text_similarity("Trasig lampa i parken", "Lampa trasig vid skolan") < 1


def test_distance() -> None:
    # One hundredth of a degree of latitude is about 1.1 km.
    assert distance_m(57.70, 11.97, 57.71, 11.97) == pytest.approx(1112, rel=0.01)


def test_most_similar_prefers_same_text_and_place() -> None:
    case = Located(1, "Stort potthål på Storgatan vid nummer 12", "Storgatan 12", 57.7800, 11.9700)
    near_same = Located(2, "Potthål Storgatan 12, farligt för cyklister", "Storgatan", 57.7801, 11.9701)
    far_same = Located(3, "Potthål Storgatan 12", "Storgatan", 57.9000, 11.9700)
    other = Located(4, "Biblioteket har för korta öppettider")
    ranked = most_similar(case, [other, far_same, near_same, case])
    assert [found.id for found, _ in ranked] == [2, 3]


# -- inbox filters --------------------------------------------------------------------------------------------


def test_inbox_query_defaults_and_values() -> None:
    assert parse_inbox_query({}) == InboxQuery()
    query = parse_inbox_query({"state": "waiting", "kind": "idea", "category": "3", "channel": "sms",
                               "assignee": "me", "overdue": "1", "sort": "created", "page": "2"})
    assert (query.state, query.category, query.assignee, query.overdue) == ("waiting", 3, "me", True)
    assert query.order == "desc"  # newest first is the natural order for "created"
    assert query.offset == 25


@pytest.mark.parametrize(
    "raw",
    [{"state": "deleted"}, {"kind": "spam"}, {"category": "x"}, {"assignee": "bob"}, {"page": "0"},
     {"page": "-1"}, {"sort": "random"}, {"order": "sideways"}],
)
def test_inbox_query_refuses_unknown_values(raw: dict[str, str]) -> None:
    with pytest.raises(QueryError):
        parse_inbox_query(raw)


def test_inbox_links_keep_filters_and_flip_the_sort() -> None:
    query = parse_inbox_query({"state": "open", "sort": "due", "page": "3"})
    assert query.link(sort="due") == "/staff/cases?state=open&order=desc"
    assert query.link(sort="created") == "/staff/cases?state=open&sort=created"
    assert query.link(page=4) == "/staff/cases?state=open&page=4"
    assert InboxQuery().link() == "/staff/cases"
    assert (page_count(0), page_count(25), page_count(26)) == (1, 1, 2)


def test_a_shared_place_alone_is_not_a_duplicate() -> None:
    pothole = Located(1, "Potthål i körbanan", "Källvägen 3, Brunnsberg", 57.85, 12.01)
    lamp = Located(2, "Gatlampan är släckt", "Källvägen 3, Brunnsberg", 57.85, 12.01)
    assert most_similar(pothole, [lamp]) == []
