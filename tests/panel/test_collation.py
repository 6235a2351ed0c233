"""Swedish alphabetical order for names shown to Swedish readers."""

from __future__ import annotations

from panel.collation import swedish_key


def test_a_ring_a_diaeresis_and_o_diaeresis_come_after_z_in_that_order() -> None:
    names = ["Östra Kvarnbyn", "Ängby", "Åsen", "Zinkgruvan", "Centrum"]
    assert sorted(names, key=swedish_key) == ["Centrum", "Zinkgruvan", "Åsen", "Ängby", "Östra Kvarnbyn"]


def test_case_does_not_decide_the_order() -> None:
    assert sorted(["öster", "Norrby", "Åby", "aby", "västerhamn"], key=swedish_key) == [
        "aby", "Norrby", "västerhamn", "Åby", "öster"]


def test_other_accents_sort_with_their_letter() -> None:
    assert sorted(["Essinge", "Émile", "Edsberg", "Ödeshög"], key=swedish_key) == [
        "Edsberg", "Émile", "Essinge", "Ödeshög"]
    assert sorted(["Zürich", "Yxlan", "Ystad"], key=swedish_key) == ["Ystad", "Yxlan", "Zürich"]


def test_the_demo_districts_in_the_order_the_forms_list_them() -> None:
    names = ["Östra Kvarnbyn", "Söderås", "Byarna på landet", "Skogslund", "Brunnsberg", "Västerhamn",
             "Sjövik", "Lindängen", "Norrby", "Centrum"]
    assert sorted(names, key=swedish_key) == [
        "Brunnsberg", "Byarna på landet", "Centrum", "Lindängen", "Norrby", "Sjövik", "Skogslund", "Söderås",
        "Västerhamn", "Östra Kvarnbyn"]


def test_words_sort_before_longer_words_and_names_that_differ_only_in_case_keep_one_order() -> None:
    assert sorted(["Norrbyn", "Norr", "Norrby"], key=swedish_key) == ["Norr", "Norrby", "Norrbyn"]
    assert sorted(["norrby", "Norrby"], key=swedish_key) == sorted(["Norrby", "norrby"], key=swedish_key)
