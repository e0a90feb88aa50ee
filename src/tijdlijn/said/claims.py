"""Claims whose truth the article qualifies, and their status.

Statuses: ``unverified`` (not established: could not be verified, onduidelijk, unknown,
could not be reached for comment), ``retracted``, ``denied`` (ontkent, geen sprake van,
klopt niet, denied), ``confirmed``, ``speculated`` (zou … zijn, naar verluidt, naar
verwachting, lijkt, vermeende, alleged, expected), ``reported`` (attributed: every
indirect statement whose content is a proposition, and "volgens X"). Cues are
per-language data (``lang/<code>/said.toml``); in a sentence the first status in that
order whose cue occurs decides. The claim's span is the clause the cue governs: what
follows a complementizer after the cue ("niet kunnen verifiëren *dat …*", "speculaties
*dat …*"), else the sentence. A denial that opens with an anaphor or stands alone
("Daarvan is geen sprake", "Dat klopt niet", "Nee, …") denies the previous sentence's
claim, so its span is that claim (or that sentence). One span can carry several
statuses: a reported statement that a cue also qualifies is listed twice, the
cue-based status last. A speculation the article declares over ("een einde aan
speculaties dat …", "puts an end to speculation") gets ``resolution: "ended"``.
Sentences without a cue are plain assertions and are not listed.
"""
from __future__ import annotations

import re
from typing import Any

from tijdlijn.document import Document
from tijdlijn.said.lang import load_said
from tijdlijn.said.quotes import _attr

__all__ = ["extract_claims"]

_WORD = re.compile(r"\w+")


def _sentence_of(sents: list[tuple[int, int]], pos: int) -> int | None:
    lo, hi = 0, len(sents)
    while lo < hi:
        mid = (lo + hi) // 2
        if sents[mid][1] <= pos:
            lo = mid + 1
        else:
            hi = mid
    return lo if lo < len(sents) and sents[lo][0] <= pos else None


def extract_claims(doc: Document, statements: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Claims of ``doc``. ``statements`` (indirect speech from :func:`extract_quotes`) become
    ``reported`` claims; a cue in their sentence adds its own status."""
    L = load_said(doc.lang or "nl")
    A = _attr(L.code)
    text = doc.text
    sents = [(s.start, s.end) for s in doc.sentences]
    reported: list[dict[str, Any]] = []
    stated_sents: set[int] = set()
    for st in statements or []:
        if st.get("lemma") in A.directive:
            continue  # calls, demands and promises are not claims
        if len(_WORD.findall(st["text"])) < 2:
            continue
        si = _sentence_of(sents, st["start"])
        if si is not None:
            stated_sents.add(si)
        reported.append({"start": st["start"], "end": st["end"], "text": st["text"], "status": "reported",
                         "cue": st.get("cue"), "cue_start": st.get("cue_start"), "cue_end": st.get("cue_end"),
                         "speaker": st.get("speaker"), "_si": si})
    cued: dict[int, dict[str, Any]] = {}
    for si, (s0, s1) in enumerate(sents):
        for status, rx in L.claim_rules:
            if status == "reported" and si in stated_sents:
                continue
            m = rx.search(text, s0, s1)
            if m is None:
                continue
            claim = _span_claim(text, L, A, sents, si, m, status, cued)
            if claim is None:
                continue
            if status == "speculated" and L.ended_rx is not None:
                e = L.ended_rx.search(text, s0, s1)
                if e is not None:
                    claim["resolution"] = "ended"
                    claim["resolution_cue"] = e.group(0)
            cued[si] = claim
            break
    # a status verb that is itself the speech cue ("X ontkent dat …", "police confirmed that …") replaces
    # "reported"; both stay when the status comes from another cue (a rumour reported, then denied)
    own = {(c["cue_start"], c["cue_end"]) for c in cued.values()}
    reported = [r for r in reported if r.get("cue_start") is None or
                not any(r["cue_start"] <= a < r["cue_end"] for a, _b in own)]
    out = reported + list(cued.values())
    out.sort(key=lambda c: (c["start"], c["status"] != "reported"))
    for c in out:
        c.pop("_si", None)
    return out


def _span_claim(text: str, L, A, sents, si: int, m: re.Match[str], status: str,
                cued: dict[int, dict[str, Any]]) -> dict[str, Any] | None:
    s0, s1 = sents[si]
    cue = {"cue": m.group(0), "cue_start": m.start(), "cue_end": m.end()}
    if status == "denied" and si > 0:
        head = text[s0:m.start()]
        first = _WORD.search(text, s0, s1)
        own = _WORD.findall(text[s0:s1])
        anaphoric = first is not None and (first.group(0).lower() in A.anaphors or
                                           first.group(0).lower() in A.denial_openers)
        if (anaphoric and len(_WORD.findall(head)) <= 3) or len(own) <= 5:
            prev = cued.get(si - 1)
            if prev is not None:
                return {"start": prev["start"], "end": prev["end"], "text": prev["text"], "status": status, **cue}
            p0, p1 = sents[si - 1]
            seg = text[p0:p1].strip(" \n,.;:!?")
            if len(_WORD.findall(seg)) >= 2:
                a = text.index(seg, p0)
                return {"start": a, "end": a + len(seg), "text": seg, "status": status, **cue}
    c0, c1 = s0, s1
    comp = None
    for w in _WORD.finditer(text, m.end(), s1):
        if w.start() - m.end() > 40:
            break
        if w.group(0).lower() in L.complementizers and w.group(0).lower() not in ("om", "to"):
            comp = w
            break
    if comp is not None:
        c0 = comp.end() if comp.group(0).lower() in ("dat", "that") else comp.start()
    seg = text[c0:c1].strip(" ,.;:!?\n\"'’”")
    if len(_WORD.findall(seg)) < 2:
        seg, c0 = text[s0:s1].strip(" \n"), s0
    if not seg:
        return None
    c0 = text.index(seg, c0)
    return {"start": c0, "end": c0 + len(seg), "text": seg, "status": status, **cue}
