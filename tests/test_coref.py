"""Within-article aliases and coreference (tijdlijn.entities.coref), with hand-made NER spans."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tijdlijn.entities import coref
from tijdlijn.entities.coref import (
    CorefResult,
    EntityCluster,
    acronym_matches,
    cluster_mentions,
    clusters_to_entities,
    demonym_countries,
    normalise_name,
)

ROOT = Path(__file__).resolve().parents[1]


def spans_for(text: str, items: list[tuple[str, str]]) -> list[tuple[int, int, str]]:
    """Every whole-word occurrence of each surface (not inside hyphen compounds)."""
    out = []
    for surface, typ in items:
        for m in re.finditer(r"(?<![\w-])" + re.escape(surface) + r"(?!\w)(?!-\w)", text):
            out.append((m.start(), m.end(), typ))
    return out


def cluster_of(res, surface: str) -> EntityCluster:
    hits = [c for c in res if any(m.text == surface for m in c.mentions)]
    assert len(hits) == 1, f"{surface!r} in {len(hits)} clusters"
    return hits[0]


# --------------------------------------------------------------------------- reference article

REF_NER = [
    ("Islamitische Staat", "ORG"), ("Abu Bakr al-Baghdadi", "PER"), ("IS", "ORG"), ("Al-Baghdadi", "PER"),
    ("Turkije", "LOC"), ("Verenigde Staten", "LOC"), ("Al-Fuqan", "ORG"), ("Canada", "LOC"), ("Europa", "LOC"),
    ("Bahrain", "LOC"), ("Saoedi-Arabië", "LOC"), ("Jordanië", "LOC"), ("Irak", "LOC"), ("Syrië", "LOC"),
    ("Idlib", "LOC"), ("Syrische", "MISC"), ("Rusland", "LOC"), ("Al Qaida", "ORG"), ("Mosul", "LOC"),
    ("Iraakse", "MISC"), ("Iraaks-Syrische", "MISC"), ("Offerfeest", "MISC"),
]


@pytest.fixture
def reference(reference_article):
    from tijdlijn.readers.dateheader import split_dateheader

    _, text = split_dateheader(reference_article.read_text(encoding="utf-8"))
    return text, cluster_mentions(text, spans_for(text, REF_NER), "nl")


def test_reference_baghdadi_cluster(reference):
    text, res = reference
    per = [c for c in res if c.type == "PER"]
    assert len(per) == 1
    b = per[0]
    assert b.name == "Abu Bakr al-Baghdadi"
    texts = [m.text for m in b.mentions]
    assert texts.count("Al-Baghdadi") == 7
    assert texts.count("De IS-leider") == 2
    assert "de ‘kalief’" in texts  # quotes inside the description
    assert "De leider van Islamitische Staat" in texts
    assert "de zelfverklaarde ‘kalief’ van IS" in texts
    assert "de leider" not in [t.lower() for t in texts if t.lower() == "de leider"]  # predicative "tot de leider alle moslims"
    for m in b.mentions:
        assert text[m.start:m.end] == m.text
    reasons = " | ".join(b.merge_reasons)
    assert "‘Al-Baghdadi’ is the surname of ‘Abu Bakr al-Baghdadi’" in reasons
    assert ("‘De IS-leider’ is a role description of ‘Abu Bakr al-Baghdadi’ "
            "(‘De leider van Islamitische Staat, Abu Bakr al-Baghdadi’)") in reasons
    assert any("leider van" in r for r in b.roles) and any("kalief" in r for r in b.roles)


def test_reference_is_acronym_and_demonyms(reference):
    text, res = reference
    is_ = cluster_of(res, "Islamitische Staat")
    assert is_.type == "ORG" and is_.name == "Islamitische Staat"
    assert [m.text for m in is_.mentions].count("IS") == 4
    assert "‘IS’ is the acronym of ‘Islamitische Staat’" in is_.merge_reasons
    assert is_.acronyms == {"IS": "Islamitische Staat"}
    # demonyms are not entities but related places
    assert not any(m.text in ("Iraakse", "Syrische", "Iraaks-Syrische") for c in res for m in c.mentions)
    rel = {p["text"]: p["countries"] for p in res.related_places}
    assert rel == {"Syrische": ["SY"], "Iraakse": ["IQ"], "Iraaks-Syrische": ["IQ", "SY"]}
    assert len(res.related_places) == 5
    # "de Iraakse stad Mosul" teaches "De stad"
    assert [m.text for m in cluster_of(res, "Mosul").mentions] == ["Mosul", "De stad"]


def test_reference_to_entities(reference):
    _, res = reference
    ents = clusters_to_entities(res)
    assert ents[0].id.startswith("per:") or ents[0].id.startswith("org:")
    ids = {e.id for e in ents}
    assert "per:abu-bakr-al-baghdadi" in ids and "org:islamitische-staat" in ids
    json.dumps([e.to_json() for e in ents])
    c = res[0]
    assert EntityCluster.from_json(c.to_json()) == c


# --------------------------------------------------------------------------- mechanisms

@pytest.mark.parametrize("acr,exp,lang", [
    ("IS", "Islamitische Staat", "nl"), ("VN", "Verenigde Naties", "nl"), ("EU", "Europese Unie", "nl"),
    ("CDA", "Christen-Democratisch Appèl", "nl"), ("FBI", "Federal Bureau of Investigation", "en"),
    ("PvdA", "Partij van de Arbeid", "nl"), ("VVD", "Volkspartij voor Vrijheid en Democratie", "nl"),
    ("OECD", "Organisation for Economic Co-operation and Development", "en"),
])
def test_acronym_matches(acr, exp, lang):
    fw = coref._load_lang(lang).function_words
    assert acronym_matches(acr, exp, fw)


@pytest.mark.parametrize("acr,exp", [("IS", "Verenigde Staten"), ("VS", "Verenigde Naties"), ("EU", "Europa"), ("Rutte", "Rutte")])
def test_acronym_mismatch(acr, exp):
    assert not acronym_matches(acr, exp, coref._load_lang("nl").function_words)


def test_normalise_name():
    assert normalise_name("de VS") == normalise_name("VS")
    assert normalise_name("Kim Jong-un") == normalise_name("Kim Jong Un")
    assert normalise_name("U.S.") == "us"
    assert normalise_name("Syrië") == "syrie"
    assert normalise_name("Trump’s") == "trump"


def test_acronym_by_initials_in_article():
    t = "De Verenigde Naties waarschuwen voor hongersnood. Volgens de VN dreigen miljoenen mensen te sterven."
    res = cluster_mentions(t, spans_for(t, [("Verenigde Naties", "ORG"), ("VN", "ORG")]), "nl")
    assert len(res) == 1 and res[0].name == "Verenigde Naties"


def test_parenthetical_definition_adds_mention():
    t = "De Internationale Atoomenergieorganisatie (IAEA) stuurt inspecteurs. Het IAEA wil antwoorden."
    res = cluster_mentions(t, [(t.find("Internationale"), t.find(" (IAEA)"), "ORG")], "nl")
    assert len(res) == 1
    assert [m.text for m in res[0].mentions] == ["Internationale Atoomenergieorganisatie", "IAEA", "IAEA"]
    assert any("in parentheses" in r for r in res[0].merge_reasons)


def test_party_in_parentheses_is_not_an_alias():
    t = "Wethouder Jan de Vries (VVD) stemde tegen. De VVD wil een nieuw plan."
    res = cluster_mentions(t, spans_for(t, [("Jan de Vries", "PER"), ("VVD", "ORG")]), "nl")
    assert len(res) == 2


def test_alias_table_merges_known_aliases():
    t = "De Verenigde Staten dreigen met sancties. Amerika wil dat Europa volgt. De VS zijn bezorgd."
    res = cluster_mentions(t, spans_for(t, [("Verenigde Staten", "LOC"), ("Amerika", "LOC"), ("VS", "LOC"), ("Europa", "LOC")]), "nl")
    vs = cluster_of(res, "Amerika")
    assert {m.text for m in vs.mentions} == {"Verenigde Staten", "Amerika", "VS"}
    assert any("alias table" in r for r in vs.merge_reasons)
    assert len(cluster_of(res, "Europa").mentions) == 1


def test_surname_particles_case_insensitive():
    t = "De voorzitter van de Europese Commissie, Ursula von der Leyen, sprak in Brussel. Von der Leyen wil snel handelen."
    res = cluster_mentions(t, spans_for(t, [("Europese Commissie", "ORG"), ("Ursula von der Leyen", "PER"), ("Von der Leyen", "PER"), ("Brussel", "LOC")]), "nl")
    p = cluster_of(res, "Von der Leyen")
    assert p.name == "Ursula von der Leyen"
    assert "De voorzitter van de Europese Commissie" in [m.text for m in p.mentions]


def test_surname_only_matches_type_compatible_person():
    t = "Jan Peters leidt Peters. De omzet van Peters steeg."
    a = t.find("Peters.")
    b = t.find("Peters steeg")
    spans = [(0, 10, "PER"), (a, a + 6, "ORG"), (b, b + 6, "ORG")]
    res = cluster_mentions(t, spans, "nl")
    assert [m.text for m in cluster_of(res, "Jan Peters").mentions] == ["Jan Peters"]
    org = [c for c in res if c.type == "ORG"]
    assert len(org) == 1 and len(org[0].mentions) == 2


def test_ambiguous_surname_goes_to_nearest_preceding_full_name():
    t = ("Wethouder Jan de Vries en raadslid Petra de Vries botsten in Zwolle. Jan de Vries wil een station. "
         "Petra de Vries vindt dat te duur. De Vries wil eerst een onderzoek.")
    res = cluster_mentions(t, spans_for(t, [("Jan de Vries", "PER"), ("Petra de Vries", "PER"), ("De Vries", "PER"), ("Zwolle", "LOC")]), "nl")
    petra = cluster_of(res, "Petra de Vries")
    assert "De Vries" in [m.text for m in petra.mentions]
    assert "De Vries" not in [m.text for m in cluster_of(res, "Jan de Vries").mentions]


def test_first_name_only_when_unambiguous():
    t = "Serena Williams versloeg haar zus Venus Williams. Serena won in drie sets. Venus was teleurgesteld."
    res = cluster_mentions(t, spans_for(t, [("Serena Williams", "PER"), ("Venus Williams", "PER"), ("Serena", "PER"), ("Venus", "PER")]), "nl")
    assert len(res) == 2
    t2 = "Mark Rutte en Mark Harbers spraken. Mark zei niets."
    res2 = cluster_mentions(t2, spans_for(t2, [("Mark Rutte", "PER"), ("Mark Harbers", "PER"), ("Mark", "PER")]), "nl")
    assert len(res2) == 3


def test_title_roles_and_demonym_modifiers_choose_the_right_person():
    t = ("De Amerikaanse president Donald Trump en de Franse president Emmanuel Macron spraken in Parijs. "
         "Macron was terughoudend. De Amerikaanse president vertrekt donderdag. De Franse president blijft.")
    spans = spans_for(t, [("Amerikaanse", "MISC"), ("Franse", "MISC"), ("Donald Trump", "PER"), ("Emmanuel Macron", "PER"), ("Macron", "PER"), ("Parijs", "LOC")])
    res = cluster_mentions(t, spans, "nl")
    trump = cluster_of(res, "Donald Trump")
    macron = cluster_of(res, "Emmanuel Macron")
    assert [m.text for m in trump.mentions] == ["Donald Trump", "De Amerikaanse president"]
    assert "De Franse president" in [m.text for m in macron.mentions]
    # an unqualified "de president" is ambiguous here: not linked
    t2 = t + " De president zwijgt."
    res2 = cluster_mentions(t2, spans_for(t2, [("Amerikaanse", "MISC"), ("Franse", "MISC"), ("Donald Trump", "PER"), ("Emmanuel Macron", "PER")]), "nl")
    assert not any(m.text == "De president" for c in res2 for m in c.mentions)


def test_org_compound_links_the_only_person_tied_to_the_org():
    t = "De leider van Hezbollah, Hassan Nasrallah, waarschuwde Israël. De Hezbollah-chef sprak vanuit Beiroet."
    res = cluster_mentions(t, spans_for(t, [("Hezbollah", "ORG"), ("Hassan Nasrallah", "PER"), ("Israël", "LOC"), ("Beiroet", "LOC")]), "nl")
    n = cluster_of(res, "Hassan Nasrallah")
    assert "De Hezbollah-chef" in [m.text for m in n.mentions]
    assert any("only person the article links to ‘Hezbollah’" in r for r in n.merge_reasons)


def test_role_without_antecedent_is_not_linked():
    t = "Minister Hugo de Jonge bezocht Rotterdam. De premier was er niet bij."
    res = cluster_mentions(t, spans_for(t, [("Hugo de Jonge", "PER"), ("Rotterdam", "LOC")]), "nl")
    assert not any(m.text == "De premier" for c in res for m in c.mentions)


def test_english_roles():
    t = ("Islamic State released a video. It shows Abu Bakr al-Baghdadi, the self-proclaimed caliph of IS, on a cushion. "
         "Baghdadi has not been seen since 2014. The caliph praised the attacks. Prime Minister Theresa May condemned the video. "
         "The prime minister spoke in London.")
    spans = spans_for(t, [("Islamic State", "ORG"), ("Abu Bakr al-Baghdadi", "PER"), ("IS", "ORG"), ("Baghdadi", "PER"), ("Theresa May", "PER"), ("London", "LOC")])
    res = cluster_mentions(t, spans, "en")
    b = cluster_of(res, "Baghdadi")
    assert [m.text for m in b.mentions] == ["Abu Bakr al-Baghdadi", "the self-proclaimed caliph of IS", "Baghdadi", "The caliph"]
    assert "The prime minister" in [m.text for m in cluster_of(res, "Theresa May").mentions]
    assert cluster_of(res, "IS") is cluster_of(res, "Islamic State")


def test_type_voting_one_name_one_type():
    t = "Feyenoord won van Ajax. Trainer Arne Slot prees Feyenoord. Feyenoord staat tweede."
    occ = [m.start() for m in re.finditer("Feyenoord", t)]
    spans = [(occ[0], occ[0] + 9, "ORG"), (occ[1], occ[1] + 9, "ORG"), (occ[2], occ[2] + 9, "LOC"),
             (t.find("Ajax"), t.find("Ajax") + 4, "ORG"), (t.find("Arne Slot"), t.find("Arne Slot") + 9, "PER")]
    res = cluster_mentions(t, spans, "nl")
    f = cluster_of(res, "Feyenoord")
    assert f.type == "ORG" and len(f.mentions) == 3
    assert any("document-level consistency" in r and "ORG 2×, LOC 1×" in r for r in f.merge_reasons)


def test_propagation_of_unlabelled_repeats():
    t = "Hamas vuurde raketten af. Volgens Israël is Hamas verantwoordelijk."
    res = cluster_mentions(t, [(0, 5, "ORG"), (t.find("Israël"), t.find("Israël") + 6, "LOC")], "nl")
    assert len(cluster_of(res, "Hamas").mentions) == 2
    res2 = cluster_mentions(t, [(0, 5, "ORG")], "nl", propagate=False)
    assert len(res2[0].mentions) == 1


def test_demonyms_fallback_and_places_helper(monkeypatch):
    assert demonym_countries("Iraaks-Syrische", "nl") == ["IQ", "SY"]
    assert demonym_countries("Iraqis", "en") == ["IQ"]
    assert demonym_countries("Europese", "nl") == []  # a demonym of no single country
    assert demonym_countries("Syrië", "nl") is None  # a country name is an entity
    # with a places helper present, it is consulted for adjectival words the table lacks
    import sys
    import types

    fake = types.ModuleType("tijdlijn.places")
    fake.demonym_country = lambda w, lang: "MX" if w.lower().startswith("mexica") else None
    monkeypatch.setitem(sys.modules, "tijdlijn.places", fake)
    assert demonym_countries("Mexicaanse", "nl") == ["MX"]
    t = "De Mexicaanse regering protesteert."
    res = cluster_mentions(t, [(3, 13, "MISC")], "nl")
    assert len(res) == 0 and res.related_places[0]["countries"] == ["MX"]


def test_result_is_a_list_and_offsets_are_exact():
    t = "Het Christen-Democratisch Appèl wil meer geld. CDA-leider Henri Bontenbal zei dat in Utrecht. Het CDA betaalt mee. De CDA-leider sprak later."
    res = cluster_mentions(t, spans_for(t, [("Christen-Democratisch Appèl", "ORG"), ("CDA", "ORG"), ("Henri Bontenbal", "PER"), ("Utrecht", "LOC")]), "nl")
    assert isinstance(res, CorefResult) and isinstance(res, list)
    for c in res:
        for m in c.mentions:
            assert t[m.start:m.end] == m.text
    assert "De CDA-leider" in [m.text for m in cluster_of(res, "Henri Bontenbal").mentions]
    cda = cluster_of(res, "CDA")
    assert cda.name == "CDA"  # the alias table's canonical name wins
    assert "Christen-Democratisch Appèl" in cda.aliases
    assert "‘CDA’ is the acronym of ‘Christen-Democratisch Appèl’" in cda.merge_reasons


def test_empty_and_garbage_spans():
    assert cluster_mentions("", [], "nl") == []
    t = "Rutte sprak."
    res = cluster_mentions(t, [(0, 5, "PER"), (0, 5, "PER"), (0, 5, "PERSON"), (3, 2, "ORG")], "nl")
    assert len(res) == 1 and res[0].type == "PER"


def test_alias_gold_file_is_valid():
    lines = (ROOT / "tests" / "data" / "alias_gold.jsonl").read_text(encoding="utf-8").splitlines()
    items = [json.loads(x) for x in lines if x.strip()]
    assert 15 <= len(items) <= 25
    for it in items:
        seen = set()
        for cl in it["gold"]:
            for a, b in cl:
                assert 0 <= a < b <= len(it["text"])
                assert (a, b) not in seen
                seen.add((a, b))


def test_alias_eval_scores_do_not_regress(capsys):
    import importlib.util

    spec = importlib.util.spec_from_file_location("alias_eval", ROOT / "bench" / "alias_eval.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    scores = mod.evaluate(ROOT / "tests" / "data" / "alias_gold.jsonl")
    assert scores["b3_f1"] >= 0.95 and scores["pair_f1"] >= 0.9


def test_demonyms_without_places_helper(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "tijdlijn.places", None)  # import now raises ImportError
    assert demonym_countries("Iraakse", "nl") == ["IQ"]
    assert demonym_countries("Iraaks-Syrische", "nl") == ["IQ", "SY"]
    assert demonym_countries("Europese", "nl") == []
    assert demonym_countries("Syrië", "nl") is None
    assert demonym_countries("Yemenis", "en") == ["YE"]
