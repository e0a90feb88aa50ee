"""The ``tijdlijn tag`` command: output contract, bad input in a batch, stdin, folders, formats."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tijdlijn.cli import app, iter_annotated
from tijdlijn.document import Document
from tijdlijn.readers import ReadError
from tijdlijn.readers.timeml import parse_timeml
from tijdlijn.writers.timeml import to_timeml

REPO = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("TIJDLIJN_DATA") or REPO.parent / "shared" / "data")
REFERENCE = DATA.parent / "examples" / "is-audio-2018-08.nl.txt"
TBAQ = DATA / "tempeval3" / "TBAQ-cleaned"

NL = "Het kabinet viel vorig jaar. Woensdag werd er opnieuw vergaderd."
EN = "The company was founded last year. On Wednesday it announced new results."


def run(*args: str, input: str | bytes | None = None):
    result = CliRunner().invoke(app, ["tag", *args], input=input, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def records(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


@pytest.fixture
def good(tmp_path: Path) -> list[Path]:
    a = tmp_path / "a.txt"
    a.write_text(f"date 2018-08-24 {NL}\n", encoding="utf-8")
    b = tmp_path / "b.txt"
    b.write_text(f"  date 2018-08\n\n{EN}", encoding="utf-8")
    c = tmp_path / "c.jsonl"
    c.write_text(
        json.dumps({"id": "c1", "text": NL, "date": "2018-03-01", "lang": "nl"}) + "\n"
        + json.dumps({"id": "c2", "text": EN, "published_at": "2018-03-01", "lang": "en"}) + "\n",
        encoding="utf-8",
    )
    return [a, b, c]


# --------------------------------------------------------------------------- the JSONL contract


def test_jsonl_contract(good):
    code, out, err = run(*map(str, good))
    assert code == 0, err
    recs = records(out)
    assert [r["id"] for r in recs] == ["a", "b", "c1", "c2"]
    texts = {"a": NL + "\n", "b": EN, "c1": NL, "c2": EN}
    for r in recs:
        assert set(r) == {"id", "date", "refined_date", "lang", "timexes"}
        for t in r["timexes"]:
            assert set(t) == {"start", "end", "text", "type", "value", "mod"}
            assert texts[r["id"]][t["start"]:t["end"]] == t["text"]
    assert [r["date"] for r in recs] == ["2018-08-24", "2018-08", "2018-03-01", "2018-03-01"]
    assert [r["lang"] for r in recs] == ["nl", "en", "nl", "en"]
    vorig = [t for t in recs[0]["timexes"] if t["text"] == "vorig jaar"]
    assert vorig and vorig[0]["value"] == "2017"


@pytest.mark.skipif(not REFERENCE.is_file(), reason="reference article not available")
def test_reference_article():
    code, out, err = run(str(REFERENCE))
    assert code == 0, err
    (rec,) = records(out)
    assert rec["id"] == "is-audio-2018-08.nl" and rec["date"] == "2018-08" and rec["lang"] == "nl"
    text = REFERENCE.read_text(encoding="utf-8").split("2018-08", 1)[1].lstrip()
    assert rec["timexes"] and all(text[t["start"]:t["end"]] == t["text"] for t in rec["timexes"])


# --------------------------------------------------------------------------- bad input in a batch


def _bad_input(tmp_path: Path, case: str) -> tuple[Path, str]:
    """The bad input for ``case`` and the expected fragment of its error line."""
    p = tmp_path / "bad"
    p.mkdir()
    cases = {}
    (p / "empty.txt").write_text("date 2018-08-24\n\n")
    cases["empty"] = (p / "empty.txt", "empty text")
    (p / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    cases["binary"] = (p / "binary.txt", "binary file")
    big = p / "big.txt"
    if case == "big":  # a 20 MB article
        with big.open("w") as fh:
            fh.write("date 2018-08-24 ")
            chunk = "Vorig jaar gebeurde er niets bijzonders. " * 1000
            while fh.tell() < 20_000_000:
                fh.write(chunk)
    cases["big"] = (big, "5000000")
    (p / "header.txt").write_text(f"date yesterday {NL}")
    cases["header"] = (p / "header.txt", "malformed date header")
    (p / "feb.txt").write_text(f"date 2019-02-30 {NL}")
    cases["feb"] = (p / "feb.txt", "impossible date")
    jl = p / "broken.jsonl"
    jl.write_text(
        json.dumps({"id": "j1", "text": NL}) + "\n"
        + json.dumps({"id": "j2", "text": EN}) + "\n"
        + '{"id": "j3", "text": \n'
        + json.dumps({"id": "j4", "text": NL}) + "\n"
    )
    cases["jsonl"] = (jl, ":3: invalid JSON")
    cases["missing"] = (p / "missing.txt", "no such file")
    return cases[case]


@pytest.mark.parametrize("case", ["empty", "binary", "big", "header", "feb", "jsonl", "missing"])
def test_bad_input_does_not_stop_the_batch(tmp_path, good, case):
    path, fragment = _bad_input(tmp_path, case)
    code, out, err = run(str(good[0]), str(path), str(good[1]))
    assert code == 1
    error_lines = [line for line in err.splitlines() if line.startswith("error: ")]
    assert len(error_lines) == 1, err
    assert error_lines[0].startswith(f"error: {path}")
    assert fragment in error_lines[0]
    ids = [r["id"] for r in records(out)]
    expected = ["a", "j1", "j2", "j4", "b"] if case == "jsonl" else ["a", "b"]
    assert ids == expected
    if case == "big":
        assert "--max-chars" in error_lines[0]


def test_cp1252_is_decoded_with_a_warning(tmp_path, good):
    cp = tmp_path / "cp.txt"
    cp.write_bytes("date 2018-08-24 Het café sloot vorig jaar – helaas.".encode("cp1252"))
    code, out, err = run(str(cp), str(good[0]))
    assert code == 0
    assert f"warning: {cp}" in err and "cp1252" in err
    recs = records(out)
    assert [r["id"] for r in recs] == ["cp", "a"]
    assert any(t["text"] == "vorig jaar" for t in recs[0]["timexes"])


def test_max_chars_option(good):
    code, out, err = run("--max-chars", "20", str(good[0]))
    assert code == 1 and "limit of 20" in err and out == ""


def test_processing_exception_is_reported(tmp_path, good, monkeypatch):
    import tijdlijn.pipeline as pipeline

    real = pipeline.annotate

    def flaky(doc, stages=pipeline.DEFAULT_STAGES):
        if doc.id == "b":
            raise RuntimeError("boom")
        return real(doc, stages)

    monkeypatch.setattr(pipeline, "annotate", flaky)
    code, out, err = run(*map(str, good))
    assert code == 1
    assert f"error: {good[1]}: processing failed: RuntimeError: boom" in err
    assert [r["id"] for r in records(out)] == ["a", "c1", "c2"]


# --------------------------------------------------------------------------- options and input kinds


def test_stdin_text_and_jsonl():
    code, out, err = run("-", input=f"date 2018-08-24\n{NL}")
    assert code == 0, err
    (rec,) = records(out)
    assert rec["id"] == "stdin" and rec["date"] == "2018-08-24"
    code, out, err = run("-", "--date", "2018-08-24", input=json.dumps({"text": EN}) + "\n" + json.dumps({"text": NL}))
    assert code == 0, err
    assert [r["id"] for r in records(out)] == ["stdin-1", "stdin-2"]


def test_stdin_subprocess():
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    proc = subprocess.run(
        [sys.executable, "-m", "tijdlijn", "tag", "-", "--lang", "nl"],
        input=f"date 2018-08-24 {NL}".encode(), capture_output=True, env=env, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    (rec,) = records(proc.stdout.decode())
    assert rec["lang"] == "nl" and rec["timexes"]


def test_folder_input(tmp_path, good):
    code, out, err = run(str(tmp_path))
    assert code == 0, err
    assert [r["id"] for r in records(out)] == ["a", "b", "c1", "c2"]


def test_date_and_lang_overrides(tmp_path):
    f = tmp_path / "noheader.txt"
    f.write_text(NL)
    code, out, err = run(str(f))
    assert code == 0 and "warning:" in err and records(out)[0]["date"] is None
    code, out, err = run(str(f), "--date", "2018-08-24", "--lang", "nl")
    assert code == 0 and "warning" not in err
    rec = records(out)[0]
    assert rec["date"] == "2018-08-24" and rec["lang"] == "nl"
    assert any(t["value"] == "2017" for t in rec["timexes"] if t["text"] == "vorig jaar")


@pytest.mark.parametrize("bad", ["2019-02-30", "yesterday", "2018-13"])
def test_bad_date_option_is_a_usage_error(good, bad):
    code, out, err = run("--date", bad, str(good[0]))
    assert code == 2 and out == ""


def test_usage_errors():
    assert run()[0] == 2
    assert run("--format", "xml", "x.txt")[0] == 2
    assert run("--lang", "fr", "x.txt")[0] == 2


def test_version():
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0 and "tijdlijn" in result.stdout


def test_json_format(good):
    code, out, err = run("--format", "json", str(good[0]))
    assert code == 0
    doc = json.loads(out)
    assert isinstance(doc, dict) and doc["id"] == "a" and "sentences" in doc and "explanation" in doc["timexes"][0]
    code, out, err = run("--format", "json", *map(str, good))
    docs = json.loads(out)
    assert isinstance(docs, list) and [d["id"] for d in docs] == ["a", "b", "c1", "c2"]
    assert Document.from_json(docs[2]).text == NL


def test_table_format(good):
    code, out, err = run("--format", "table", *map(str, good))
    assert code == 0, err
    assert "vorig jaar" in out and "2018-08-24" in out and "explanation" in out
    assert max(len(line) for line in out.splitlines()) <= 100


def test_out_dir_json(tmp_path, good):
    out_dir = tmp_path / "out"
    code, out, err = run("--format", "json", "--out-dir", str(out_dir), *map(str, good))
    assert code == 0 and out == ""
    assert sorted(p.name for p in out_dir.iterdir()) == ["a.json", "b.json", "c1.json", "c2.json"]
    assert json.loads((out_dir / "c1.json").read_text())["text"] == NL


def test_timeml_out_dir_keeps_file_names(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    for name, text, date in [("APW1.tml", EN, "2018-08-24"), ("wsj_2.tml", "Sales rose 5% last year.", "1998-02-06")]:
        from tijdlijn.document import ArticleDate

        (src / name).write_text(to_timeml(Document(text=text, id=name[:-4], date=ArticleDate.parse(date))))
    out_dir = tmp_path / "out"
    code, out, err = run("--format", "timeml", "--out-dir", str(out_dir), str(src / "APW1.tml"), str(src / "wsj_2.tml"))
    assert code == 0, err
    assert sorted(p.name for p in out_dir.iterdir()) == ["APW1.tml", "wsj_2.tml"]
    doc, gold = parse_timeml((out_dir / "wsj_2.tml").read_text(), source="wsj_2.tml")
    assert doc.text == "Sales rose 5% last year."
    assert any(g["text"] == "last year" and g["value"] == "1997" for g in gold)
    code, out, err = run("--format", "timeml", str(src / "APW1.tml"))
    assert code == 0 and out.startswith("<?xml") and "<TIMEX3" in out


@pytest.mark.skipif(not TBAQ.is_dir(), reason="TempEval-3 data not available")
def test_timeml_out_dir_on_tbaq(tmp_path):
    files = sorted(TBAQ.glob("*/*.tml"))[:3]
    code, out, err = run("--format", "timeml", "--out-dir", str(tmp_path), *map(str, files))
    assert code == 0, err
    for f in files:
        gold_doc, _ = parse_timeml(f.read_text(encoding="utf-8"), source=str(f))
        sys_doc, _ = parse_timeml((tmp_path / f.name).read_text(encoding="utf-8"), source=f.name)
        assert sys_doc.text == gold_doc.text


def test_iter_annotated_api(tmp_path, good):
    items = list(iter_annotated([str(good[0]), str(tmp_path / "nope.txt")], lang="nl", date="2018-08-24"))
    assert isinstance(items[0], Document) and items[0].timexes
    assert isinstance(items[1], ReadError)
