"""Claims whose truth the article qualifies, and their status.

Statuses: ``unverified`` (could not be verified/confirmed), ``retracted``,
``denied``, ``confirmed``, ``speculated`` (zou … zijn, naar verluidt, reportedly),
``reported`` (attributed: indirect speech, "volgens X"). The first status in that
order whose cue occurs in the sentence decides; the cue is recorded. The claim's
span is the clause the cue governs: what follows a complementizer after the cue
("niet kunnen verifiëren *dat …*", "speculaties *dat …*"), else the sentence. A
speculation the article declares over ("een einde aan speculaties dat …", "puts an
end to speculation") gets ``resolution: "ended"``. Sentences without a cue are
plain assertions and are not listed. Cues are per-language data
(``lang/<code>/said.toml``).
"""
from __future__ import annotations

import re
from typing import Any

from tijdlijn.document import Document
from tijdlijn.said.lang import load_said

__all__ = ["extract_claims"]

_WORD = re.compile(r"\w+")


def extract_claims(doc: Document, statements: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Claims of ``doc``. ``statements`` (indirect speech from :func:`extract_quotes`) become
    ``reported`` claims unless a stronger cue qualifies their sentence."""
    L = load_said(doc.lang or "nl")
    text = doc.text
    out: list[dict[str, Any]] = []
    by_sentence: dict[int, dict[str, Any]] = {}
    for si, s in enumerate(doc.sentences):
        for status, rx in L.claim_rules:
            m = rx.search(text, s.start, s.end)
            if m is None:
                continue
            c0, c1 = s.start, s.end
            comp = None
            for w in _WORD.finditer(text, m.end(), s.end):
                if w.start() - m.end() > 40:
                    break
                if w.group(0).lower() in L.complementizers and w.group(0).lower() not in ("om", "to"):
                    comp = w
                    break
            if comp is not None:
                c0 = comp.end()
            seg = text[c0:c1].strip(" ,.;:!?\n")
            if len(_WORD.findall(seg)) < 2:
                seg, c0 = text[s.start:s.end].strip(" \n"), s.start
            c0 = text.index(seg, c0)
            claim = {"start": c0, "end": c0 + len(seg), "text": seg, "status": status, "cue": m.group(0),
                     "cue_start": m.start(), "cue_end": m.end()}
            if status == "speculated" and L.ended_rx is not None:
                e = L.ended_rx.search(text, s.start, s.end)
                if e is not None:
                    claim["resolution"] = "ended"
                    claim["resolution_cue"] = e.group(0)
            by_sentence[si] = claim
            break
    for st in statements or []:
        si = next((i for i, s in enumerate(doc.sentences) if s.start <= st["start"] < s.end), None)
        if si is None or si in by_sentence:
            continue
        by_sentence[si] = {"start": st["start"], "end": st["end"], "text": st["text"], "status": "reported",
                           "cue": st.get("cue"), "speaker": st.get("speaker")}
    out = [by_sentence[i] for i in sorted(by_sentence)]
    return out
