"""Hand-computed checks of bench/tempeval.py (TempEval-3 timex scoring)."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

_spec = importlib.util.spec_from_file_location("tempeval", Path(__file__).resolve().parents[1] / "bench" / "tempeval.py")
te = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(te)


def tx(start, end, type_="DATE", value="X", **kw):
    return {"start": start, "end": end, "type": type_, "value": value, **kw}


def approx(d, p, r, f1):
    assert d["p"] == pytest.approx(p) and d["r"] == pytest.approx(r) and d["f1"] == pytest.approx(f1)


def test_strict_relaxed_type_value():
    gold = [tx(0, 10, "DATE", "1998-02-06"), tx(20, 25, "DURATION", "P1W"), tx(40, 45, "DATE", "1998")]
    system = [
        tx(0, 10, "DATE", "1998-02-06"),  # strict, type+value right
        tx(18, 25, "DATE", "P1W"),  # relaxed only, type wrong, value right
        tx(50, 55, "DATE", "1999"),  # false positive
    ]  # gold [40,45) is a false negative
    s = te.score([(gold, system)])
    approx(s["strict"], 1 / 3, 1 / 3, 1 / 3)
    approx(s["relaxed"], 2 / 3, 2 / 3, 2 / 3)
    approx(s["type"], 1 / 3, 1 / 3, 1 / 3)
    approx(s["value"], 2 / 3, 2 / 3, 2 / 3)
    assert s["counts"]["gold"] == 3 and s["counts"]["system"] == 3 and s["counts"]["relaxed_gold"] == 2


def test_type_case_insensitive_value_exact():
    s = te.score([([tx(0, 4, "DATE", "1998-02")], [tx(0, 4, "date", "1998-02-XX")])])
    approx(s["type"], 1, 1, 1)
    approx(s["value"], 0, 0, 0)


def test_split_timex_any_overlap_vs_one_to_one():
    gold = [tx(0, 20, value="A")]  # "last week of June"
    system = [tx(0, 9, value="A"), tx(13, 20, value="B")]  # "last week" + "June"
    s = te.score([(gold, system)])
    approx(s["strict"], 0, 0, 0)
    approx(s["relaxed"], 1, 1, 1)  # both system timexes overlap gold, gold overlaps a system timex
    approx(s["value"], 1 / 2, 1, 2 / 3)  # S2 has the wrong value
    s1 = te.score([(gold, system)], one_to_one=True)
    approx(s1["relaxed"], 1 / 2, 1, 2 / 3)  # only S1 (larger overlap) is paired with the gold timex
    approx(s1["value"], 1 / 2, 1, 2 / 3)


def test_one_to_one_prefers_identical_extent():
    gold = [tx(0, 5, value="A")]
    system = [tx(0, 3, value="B"), tx(0, 5, value="A")]  # overlapping system output
    s = te.score([(gold, system)], one_to_one=True)
    approx(s["strict"], 1 / 2, 1, 2 / 3)
    approx(s["value"], 1 / 2, 1, 2 / 3)


def test_touching_extents_do_not_overlap():
    s = te.score([([tx(0, 5)], [tx(5, 9)])])
    approx(s["relaxed"], 0, 0, 0)


def test_micro_average_over_documents_and_empty_inputs():
    doc1 = ([tx(0, 4)], [tx(0, 4)])
    doc2 = ([tx(0, 4)], [])
    doc3 = ([], [])
    s = te.score([doc1, doc2, doc3])
    approx(s["strict"], 1, 1 / 2, 2 / 3)
    assert s["counts"]["docs"] == 3
    empty = te.score([])
    approx(empty["strict"], 0, 0, 0)


def test_error_report_lists_errors():
    text = "On 6 Feb. last week we met in 1999 ok."
    gold = [tx(3, 9, "DATE", "1998-02-06"), tx(10, 19, "DATE", "1998-W05"), tx(30, 34, "DATE", "1999")]
    system = [tx(3, 9, "DATE", "1998-02-06"), tx(15, 19, "DURATION", "P1W"), tx(23, 26, "DATE", "XXXX", rule="we")]
    rep = te.error_report([(gold, system)], [text], names=["d1"])
    assert "== d1" in rep
    assert "FN     gold [30,34) '1999'" in rep
    assert "FP     sys  [23,26) 'met'" in rep and "(rule we)" in rep
    assert "VALUE  gold [10,19) 'last week' DATE 1998-W05 | sys P1W" in rep
    assert "TYPE" in rep and "EXTENT" in rep
    assert rep.rstrip().endswith("TOTAL FN=1 FP=1 EXTENT=1 VALUE=1 TYPE=1")


def test_format_scores():
    s = te.score([([tx(0, 4)], [tx(0, 4)])])
    out = te.format_scores(s)
    assert "Strict Match" in out and "100.00" in out
