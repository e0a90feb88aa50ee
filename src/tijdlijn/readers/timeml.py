"""Reader for TimeML 1.2.1 inline-XML files (``.tml``, e.g. TempEval-3 TBAQ-cleaned).

``parse_timeml`` returns the Document (plain text of ``<TEXT>``, DCT as article
date) together with the gold TIMEX3 annotations as plain dicts with character
offsets into ``Document.text``. The gold timexes are *not* put into
``doc.timexes`` (that layer is for system output); callers that want them there
can build ``Timex`` objects from the dicts.

Text fidelity: ``Document.text`` is the content of ``<TEXT>`` exactly as it is in
the file with the tags removed and entity/character references replaced. Unlike
a conforming XML parser we do **not** normalise ``\\r\\n`` line ends to ``\\n``
(23 TBAQ files have CRLF line ends), so offsets are offsets into the original
character stream minus markup. Well-formedness is still checked with a real XML
parser before the regex-based extraction runs.

``doc.meta["timeml"]`` holds what a writer needs to rebuild the file:

* ``prefix``: everything up to and including the ``<TEXT …>`` start tag
  (XML declaration, ``<TimeML>``, DOCID, DCT, TITLE, EXTRAINFO, …);
* ``suffix``: everything from ``</TEXT>`` to the end (MAKEINSTANCE, TLINK, …);
* ``text_raw``: the inner XML of ``<TEXT>`` with the TIMEX3 tags removed (their
  content kept) but EVENT/SIGNAL tags and entity references kept verbatim;
* ``dct``: the attributes of the DCT TIMEX3 (``tid``, ``value``, ``type``, …) and
  its text under the key ``text``; ``docid``.

So ``prefix + text_raw-with-TIMEX3-tags-inserted + suffix`` is the original file.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Iterator

from tijdlijn.document import ArticleDate, DateError, Document
from tijdlijn.readers import ReadError, decode_legacy

__all__ = ["parse_timeml", "read_timeml", "unescape_xml", "normalize_dct_value"]

# one token of inner XML: comment, CDATA, processing instruction, tag, reference or character data
_TOKEN_RE = re.compile(
    r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|<[^>]*>|&[^;<&\s]*;|[^<&]+|[<&]",
    re.S,
)
_TAG_RE = re.compile(r"<\s*(?P<close>/)?\s*(?P<name>[A-Za-z_][\w.:-]*)(?P<attrs>[^>]*?)(?P<empty>/)?\s*>$", re.S)
_ATTR_RE = re.compile(r"""([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_TEXT_OPEN_RE = re.compile(r"<TEXT(?:\s[^>]*)?>")
_TEXT_CLOSE_RE = re.compile(r"</TEXT\s*>")
_PREDEFINED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_DCT_RE = re.compile(
    r"^(?P<y>\d{4})-?(?P<m>\d{2})-?(?P<d>\d{2})"
    r"(?:[T ]?(?P<H>\d{2}):?(?P<M>\d{2})(?::?\d{2}(?:\.\d+)?)?)?"
    r"(?:Z|[+-]\d{2}:?\d{2})?$"
)


def unescape_xml(s: str) -> str:
    """Replace the five predefined XML entities and numeric character references."""

    def rep(m: re.Match[str]) -> str:
        ref = m.group(1)
        if ref.startswith("#x") or ref.startswith("#X"):
            return chr(int(ref[2:], 16))
        if ref.startswith("#"):
            return chr(int(ref[1:]))
        if ref in _PREDEFINED:
            return _PREDEFINED[ref]
        raise ValueError(f"undefined XML entity &{ref};")

    return re.sub(r"&([^;<&\s]*);", rep, s)


def _attrs(s: str) -> dict[str, str]:
    return {m.group(1): unescape_xml(m.group(2) if m.group(2) is not None else m.group(3)) for m in _ATTR_RE.finditer(s)}


def _plain(xml_fragment: str) -> str:
    """Character content of a fragment (tags dropped, references replaced)."""
    out = []
    for tok in _TOKEN_RE.findall(xml_fragment):
        if tok.startswith("<![CDATA["):
            out.append(tok[9:-3])
        elif tok.startswith("<"):
            continue
        elif tok.startswith("&"):
            out.append(unescape_xml(tok))
        else:
            out.append(tok)
    return "".join(out)


def normalize_dct_value(value: str) -> str:
    """``19980206`` / ``1998-02-06`` / ``1998-02-06T09:42:00`` → ``YYYY-MM-DD[THH:MM]``.

    Anything else (``1998-02``, ``1998``, …) is returned stripped, for
    ``ArticleDate.parse`` to accept or reject.
    """
    s = value.strip()
    m = _DCT_RE.match(s)
    if not m:
        return s
    day = f"{m['y']}-{m['m']}-{m['d']}"
    return f"{day}T{m['H']}:{m['M']}" if m["H"] else day


def parse_timeml(xml: str, source: str = "") -> tuple[Document, list[dict]]:
    """Parse one TimeML document. Raises ``ValueError`` with a clear message if malformed."""
    if xml.startswith("\ufeff"):
        xml = xml[1:]
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as exc:
        raise ValueError(f"malformed XML: {exc}") from None
    if root.tag != "TimeML":
        raise ValueError(f"root element is <{root.tag}>, expected <TimeML>")

    opens = list(_TEXT_OPEN_RE.finditer(xml))
    closes = list(_TEXT_CLOSE_RE.finditer(xml))
    if not opens or not closes:
        raise ValueError("no <TEXT> element")
    if len(opens) > 1 or len(closes) > 1:
        raise ValueError(f"{len(opens)} <TEXT> elements, expected exactly one")
    t_open, t_close = opens[0], closes[0]
    if t_close.start() < t_open.end():
        raise ValueError("</TEXT> before <TEXT>")
    prefix = xml[: t_open.end()]
    suffix = xml[t_close.start():]
    inner = xml[t_open.end(): t_close.start()]

    warnings: list[str] = []
    text_parts: list[str] = []
    raw_parts: list[str] = []
    pos = 0  # length of the plain text so far
    gold: list[dict] = []
    open_timex: dict | None = None
    for tok in _TOKEN_RE.findall(inner):
        if tok.startswith("<!--") or tok.startswith("<?"):
            raw_parts.append(tok)
            continue
        if tok.startswith("<![CDATA["):
            content = tok[9:-3]
            text_parts.append(content)
            raw_parts.append(tok)
            pos += len(content)
            continue
        if tok.startswith("<"):
            m = _TAG_RE.match(tok)
            if not m:
                raise ValueError(f"unparsable markup {tok[:60]!r} in <TEXT>")
            if m["name"] != "TIMEX3":
                raw_parts.append(tok)
                continue
            if m["close"]:
                if open_timex is None:
                    raise ValueError("</TIMEX3> without start tag in <TEXT>")
                open_timex["end"] = pos
                open_timex["text"] = "".join(text_parts)[open_timex["start"]:pos]
                open_timex = None
                continue
            a = _attrs(m["attrs"])
            if open_timex is not None:
                raise ValueError(f"nested TIMEX3 {a.get('tid')!r} inside {open_timex['tid']!r}")
            entry = {
                **a,
                "tid": a.get("tid", ""),
                "start": pos,
                "end": pos,
                "text": "",
                "type": a.get("type", ""),
                "value": a.get("value", ""),
                "mod": a.get("mod"),
                "anchorTimeID": a.get("anchorTimeID"),
            }
            gold.append(entry)
            if m["empty"]:
                warnings.append(f"empty (non-consuming) TIMEX3 {entry['tid']!r} at offset {pos}")
            else:
                open_timex = entry
            continue
        if tok.startswith("&"):
            ch = unescape_xml(tok)
        else:
            ch = tok
        text_parts.append(ch)
        raw_parts.append(tok)
        pos += len(ch)
    if open_timex is not None:
        raise ValueError(f"unclosed TIMEX3 {open_timex['tid']!r}")
    text = "".join(text_parts)

    # header fields from the parsed tree
    docid_el = root.find("DOCID")
    docid = (docid_el.text or "").strip() if docid_el is not None else ""
    if not docid:
        docid = Path(source).stem if source else ""
        if source:
            warnings.append("no <DOCID>; using the file name")
    title = None
    for tag in ("TITLE", "HEADLINE"):
        el = root.find(f".//{tag}")
        if el is not None:
            t = " ".join("".join(el.itertext()).split())
            if t:
                title = t
                break

    dct_attrs: dict[str, str] = {}
    date = None
    dct_el = root.find("DCT")
    dct_timex = dct_el.find("TIMEX3") if dct_el is not None else None
    if dct_timex is None:
        for el in root.iter("TIMEX3"):
            if el.get("functionInDocument") == "CREATION_TIME":
                dct_timex = el
                break
    if dct_timex is None:
        warnings.append("no DCT (creation-time TIMEX3); document has no article date")
    else:
        dct_attrs = dict(dct_timex.attrib)
        dct_attrs["text"] = "".join(dct_timex.itertext())
        raw_value = dct_timex.get("value", "")
        try:
            date = ArticleDate.parse(normalize_dct_value(raw_value))
        except DateError as exc:
            warnings.append(f"DCT value {raw_value!r} not usable as article date: {exc}")

    doc = Document(
        text=text,
        id=docid,
        source=source or None,
        lang="en",
        title=title,
        date=date,
        warnings=warnings,
        meta={
            "timeml": {
                "prefix": prefix,
                "suffix": suffix,
                "text_raw": "".join(raw_parts),
                "docid": docid,
                "dct": dct_attrs,
            }
        },
    )
    return doc, gold


def read_timeml_file(path: str | Path) -> tuple[Document, list[dict]]:
    """Read one ``.tml`` file; raises ``OSError`` or ``ValueError``."""
    p = Path(path)
    xml, warnings = decode_legacy(p.read_bytes())
    doc, gold = parse_timeml(xml, source=str(p))
    doc.warnings[:0] = warnings
    return doc, gold


def read_timeml(path: str | Path) -> Iterator[Document | ReadError]:
    """Yield one Document per TimeML file (the gold timexes are in ``doc.meta["timeml"]["gold"]``).

    ``path`` may be a file or a directory (all ``*.tml`` files in it, sorted).
    """
    p = Path(path)
    files = sorted(p.glob("*.tml")) if p.is_dir() else [p]
    for f in files:
        try:
            doc, gold = read_timeml_file(f)
        except (OSError, ValueError) as exc:
            yield ReadError(str(f), str(exc))
            continue
        doc.meta["timeml"]["gold"] = gold
        yield doc
