"""TempEval-3 TIMEX3 scoring (extent, type and value), character-offset version.

Importable by path or with ``bench/`` on ``sys.path``; no dependency on tijdlijn.

Input: per document a pair ``(gold, system)`` of lists of dicts with at least
``start``, ``end`` (character offsets, end exclusive), ``type`` and ``value``.

Definitions implemented (TempEval-3, UzZaman et al. 2013, §"Evaluation Metrics",
as in the official ``TE3-evaluation.py`` / ``evaluate_entities.py``):

* **strict match**: a system timex and a gold timex with identical extent
  (``start`` and ``end`` equal).
* **relaxed match**: a system timex and a gold timex whose extents overlap by at
  least one character (``s.start < g.end and g.start < s.end``).
* For either kind: ``P = matched system timexes / all system timexes``,
  ``R = matched gold timexes / all gold timexes``, ``F1 = 2PR/(P+R)``.
  With the default ``one_to_one=False`` a timex counts as matched if it matches
  *any* timex on the other side (this is how the official scorer counts: each
  gold entity is checked against the system annotation for recall, each system
  entity against the gold annotation for precision). With ``one_to_one=True`` a
  maximum one-to-one matching is computed instead (identical extents preferred,
  then larger overlap), which can only lower the scores when one gold timex is
  split into several system timexes or vice versa.
* **attribute scores** (``type``, ``value``): an attribute is *correct* for a
  relaxed-matched timex if the matched timex on the other side has the same
  attribute value (exact string comparison after stripping whitespace; ``type``
  compared case-insensitively). ``attrP = correct system timexes / all system
  timexes``, ``attrR = correct gold timexes / all gold timexes``, ``attrF1`` the
  harmonic mean. This is the paper's definition
  ``attrP = |{x | x ∈ Sys∩Ref ∧ Sys_attr(x) == Ref_attr(x)}| / |Sys|``; when the
  matching is one-to-one it equals ``relaxed F1 × attribute accuracy`` (the
  published "value F1" / "type F1"). In the any-overlap mode a timex is correct
  if *some* relaxed-matched counterpart has the same attribute.

Deviations from the official scorer (state them when quoting numbers):

* Offsets are **characters**, the official scorer works on **tokens** of the
  TimeML text. A partial-token match (system ``1998`` inside gold ``mid-1998``)
  is a strict match for the official scorer if it covers the same tokens, but
  not here; overlaps are the same for whitespace tokens. Expect strict scores
  here to be equal or slightly lower.
* Values are compared as strings: ``1998-02-06T09:00`` ≠ ``1998-02-06T09:00:00``.
* No check that system and gold texts are identical (the caller's job).
* The creation-time TIMEX3 (DCT, ``t0``) must not be in the lists; the official
  scorer also evaluates only the TIMEX3s in ``<TEXT>``.
"""
from __future__ import annotations

from typing import Iterable, Mapping, Sequence

__all__ = ["score", "error_report", "prf", "match_document"]


def prf(correct_sys: int, n_sys: int, correct_gold: int, n_gold: int) -> dict[str, float]:
    p = correct_sys / n_sys if n_sys else 0.0
    r = correct_gold / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": p, "r": r, "f1": f}


def _overlap(a: Mapping, b: Mapping) -> int:
    return min(a["end"], b["end"]) - max(a["start"], b["start"])


def _strict(a: Mapping, b: Mapping) -> bool:
    return a["start"] == b["start"] and a["end"] == b["end"]


def _norm(attr: str, v) -> str:
    s = "" if v is None else str(v).strip()
    return s.upper() if attr == "type" else s


def _one_to_one(gold: Sequence[Mapping], system: Sequence[Mapping]) -> dict[int, int]:
    """Maximum bipartite matching on overlap (Kuhn), preferring identical extents then larger overlap."""
    adj: list[list[int]] = []
    for g in gold:
        cands = [j for j, s in enumerate(system) if _overlap(g, s) > 0]
        cands.sort(key=lambda j: (not _strict(g, system[j]), -_overlap(g, system[j])))
        adj.append(cands)
    sys_to_gold: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for j in adj[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in sys_to_gold or augment(sys_to_gold[j], seen):
                sys_to_gold[j] = i
                return True
        return False

    # strict candidates first so that identical extents are never displaced needlessly
    order = sorted(range(len(gold)), key=lambda i: not (adj[i] and _strict(gold[i], system[adj[i][0]])))
    for i in order:
        augment(i, set())
    return {g: s for s, g in sys_to_gold.items()}


def match_document(gold: Sequence[Mapping], system: Sequence[Mapping], *, one_to_one: bool = False) -> dict:
    """Per-document matching: for every gold/system index the indices of its relaxed/strict partners."""
    if one_to_one:
        pairs = _one_to_one(gold, system)
        g_rel = {i: [j] for i, j in pairs.items()}
        s_rel: dict[int, list[int]] = {j: [i] for i, j in pairs.items()}
    else:
        g_rel = {i: [j for j, s in enumerate(system) if _overlap(g, s) > 0] for i, g in enumerate(gold)}
        s_rel = {j: [i for i, g in enumerate(gold) if _overlap(g, s) > 0] for j, s in enumerate(system)}
        g_rel = {i: v for i, v in g_rel.items() if v}
        s_rel = {j: v for j, v in s_rel.items() if v}
    # strict: identical extent (in one-to-one mode the matched partner must be identical)
    g_str = {i for i, js in g_rel.items() if any(_strict(gold[i], system[j]) for j in js)}
    s_str = {j for j, is_ in s_rel.items() if any(_strict(gold[i], system[j]) for i in is_)}
    return {"gold_relaxed": g_rel, "system_relaxed": s_rel, "gold_strict": g_str, "system_strict": s_str}


def score(pairs: Iterable[tuple[list[dict], list[dict]]], *, one_to_one: bool = False) -> dict:
    """Micro-averaged TempEval-3 timex scores over all documents (see module docstring)."""
    c = {
        "docs": 0,
        "gold": 0,
        "system": 0,
        "strict_gold": 0,
        "strict_system": 0,
        "relaxed_gold": 0,
        "relaxed_system": 0,
        "type_gold": 0,
        "type_system": 0,
        "value_gold": 0,
        "value_system": 0,
    }
    for gold, system in pairs:
        gold, system = list(gold), list(system)
        m = match_document(gold, system, one_to_one=one_to_one)
        c["docs"] += 1
        c["gold"] += len(gold)
        c["system"] += len(system)
        c["strict_gold"] += len(m["gold_strict"])
        c["strict_system"] += len(m["system_strict"])
        c["relaxed_gold"] += len(m["gold_relaxed"])
        c["relaxed_system"] += len(m["system_relaxed"])
        for attr in ("type", "value"):
            c[f"{attr}_gold"] += sum(
                any(_norm(attr, gold[i].get(attr)) == _norm(attr, system[j].get(attr)) for j in js)
                for i, js in m["gold_relaxed"].items()
            )
            c[f"{attr}_system"] += sum(
                any(_norm(attr, gold[i].get(attr)) == _norm(attr, system[j].get(attr)) for i in is_)
                for j, is_ in m["system_relaxed"].items()
            )
    out = {
        kind: prf(c[f"{kind}_system"], c["system"], c[f"{kind}_gold"], c["gold"])
        for kind in ("strict", "relaxed", "type", "value")
    }
    out["counts"] = c
    return out


def format_scores(s: dict) -> str:
    """The scores in the layout of the official scorer's timex block (percentages)."""
    f = lambda d: f"{100 * d['f1']:.2f}\t{100 * d['p']:.2f}\t{100 * d['r']:.2f}"  # noqa: E731
    return (
        "=== Timex Performance ===\n"
        f"Strict Match\tF1\tP\tR\n\t\t{f(s['strict'])}\n"
        f"Relaxed Match\tF1\tP\tR\n\t\t{f(s['relaxed'])}\n"
        f"Attribute F1\tValue\tType\n\t\t{100 * s['value']['f1']:.2f}\t{100 * s['type']['f1']:.2f}\n"
    )


def _ctx(text: str | None, a: int, b: int, width: int = 40) -> str:
    if not text:
        return ""
    left = text[max(0, a - width):a].replace("\n", " ")
    right = text[b:b + width].replace("\n", " ")
    return f"  …{left}[[{text[a:b]}]]{right}…"


def _show(t: Mapping, text: str | None) -> str:
    surface = text[t["start"]:t["end"]] if text else t.get("text", "")
    return f"[{t['start']},{t['end']}) {surface!r} {t.get('type')} {t.get('value')}"


def error_report(
    pairs: Iterable[tuple[list[dict], list[dict]]],
    texts: Sequence[str | None] | None = None,
    *,
    names: Sequence[str] | None = None,
    one_to_one: bool = False,
) -> str:
    """Human-readable list of errors, per document.

    ``texts[i]`` / ``names[i]`` belong to the i-th pair. Lines:
    ``FN`` gold timex without overlapping system timex; ``FP`` system timex
    without overlapping gold timex; ``EXTENT`` relaxed but not strict match;
    ``VALUE`` / ``TYPE`` relaxed match with a different value / type.
    A summary count per category closes the report.
    """
    lines: list[str] = []
    totals = {"FN": 0, "FP": 0, "EXTENT": 0, "VALUE": 0, "TYPE": 0}
    for k, (gold, system) in enumerate(pairs):
        gold, system = list(gold), list(system)
        text = texts[k] if texts is not None and k < len(texts) else None
        name = names[k] if names is not None and k < len(names) else f"doc{k}"
        m = match_document(gold, system, one_to_one=one_to_one)
        doc_lines: list[str] = []
        for i, g in enumerate(gold):
            if i not in m["gold_relaxed"]:
                totals["FN"] += 1
                doc_lines.append(f"  FN     gold {_show(g, text)}{_ctx(text, g['start'], g['end'])}")
                continue
            for j in m["gold_relaxed"][i]:
                s = system[j]
                if not _strict(g, s):
                    totals["EXTENT"] += 1
                    doc_lines.append(f"  EXTENT gold {_show(g, text)} | sys {_show(s, text)}")
                if _norm("value", g.get("value")) != _norm("value", s.get("value")):
                    totals["VALUE"] += 1
                    doc_lines.append(
                        f"  VALUE  gold {_show(g, text)} | sys {s.get('value')}"
                        + (f" (rule {s['rule']})" if s.get("rule") else "")
                        + _ctx(text, g["start"], g["end"])
                    )
                if _norm("type", g.get("type")) != _norm("type", s.get("type")):
                    totals["TYPE"] += 1
                    doc_lines.append(f"  TYPE   gold {_show(g, text)} | sys {s.get('type')}")
        for j, s in enumerate(system):
            if j not in m["system_relaxed"]:
                totals["FP"] += 1
                doc_lines.append(
                    f"  FP     sys  {_show(s, text)}"
                    + (f" (rule {s['rule']})" if s.get("rule") else "")
                    + _ctx(text, s["start"], s["end"])
                )
        if doc_lines:
            lines.append(f"== {name}")
            lines.extend(doc_lines)
    lines.append("TOTAL " + " ".join(f"{k}={v}" for k, v in totals.items()))
    return "\n".join(lines) + "\n"
