"""Cross-article identity (tijdlijn.entities.identity)."""
from __future__ import annotations

import json
import random
import re

import pytest

from tijdlijn.entities.coref import EntityCluster as C
from tijdlijn.entities.coref import cluster_mentions
from tijdlijn.entities.identity import DocContext, IdentityResolver, entity_slug


def spans_for(text, items):
    out = []
    for surface, typ in items:
        for m in re.finditer(r"(?<![\w-])" + re.escape(surface) + r"(?!\w)(?!-\w)", text):
            out.append((m.start(), m.end(), typ))
    return out


# invented mini-articles (Dutch and English)
ARTICLES = {
    "a-nl-is": ("nl", "De leider van Islamitische Staat, Abu Bakr al-Baghdadi, riep op tot strijd. IS verspreidde de opname. "
                      "Al-Baghdadi zou zich ophouden in Syrië of Irak.",
                [("Islamitische Staat", "ORG"), ("Abu Bakr al-Baghdadi", "PER"), ("IS", "ORG"), ("Al-Baghdadi", "PER"),
                 ("Syrië", "LOC"), ("Irak", "LOC")]),
    "b-nl-is-kort": ("nl", "Al-Baghdadi is volgens Irak nog in leven. IS ontkent berichten uit Syrië.",
                     [("Al-Baghdadi", "PER"), ("Irak", "LOC"), ("IS", "ORG"), ("Syrië", "LOC")]),
    "c-en-is": ("en", "Islamic State leader Abu Bakr al-Baghdadi appeared in a video. Baghdadi praised attacks in Sri Lanka.",
                [("Islamic State", "ORG"), ("Abu Bakr al-Baghdadi", "PER"), ("Baghdadi", "PER"), ("Sri Lanka", "LOC")]),
    "d-nl-vries-politiek": ("nl", "Kamerlid Jan de Vries (VVD) wil strengere regels. De Vries sprak in Den Haag.",
                            [("Jan de Vries", "PER"), ("VVD", "ORG"), ("De Vries", "PER"), ("Den Haag", "LOC")]),
    "e-nl-vries-voetbal": ("nl", "Doelman De Vries van Ajax keerde geblesseerd terug uit Madrid.",
                           [("De Vries", "PER"), ("Ajax", "ORG"), ("Madrid", "LOC")]),
    "f-nl-vries-politiek-2": ("nl", "De Vries (VVD) kreeg in Den Haag steun voor zijn voorstel.",
                              [("De Vries", "PER"), ("VVD", "ORG"), ("Den Haag", "LOC")]),
    "g-nl-vn": ("nl", "De Verenigde Naties (VN) vragen geld voor Jemen.", [("Verenigde Naties", "ORG"), ("VN", "ORG"), ("Jemen", "LOC")]),
    "h-nl-vn-kort": ("nl", "De VN waarschuwen voor honger in Jemen.", [("VN", "ORG"), ("Jemen", "LOC")]),
    "i-en-un": ("en", "The United Nations warned of famine in Yemen.", [("United Nations", "ORG"), ("Yemen", "LOC")]),
}


def clusters(doc_id):
    lang, text, ner = ARTICLES[doc_id]
    return list(cluster_mentions(text, spans_for(text, ner), lang))


def build(order):
    r = IdentityResolver()
    for d in order:
        r.add_document(d, clusters(d), ARTICLES[d][0])
    r.recompute()
    return r


def id_of(r, doc_id, name):
    cl = clusters(doc_id)
    ids = r.ids_for(doc_id)
    hits = [i for c, i in zip(cl, ids) if c.name == name or name in c.aliases]
    assert len(hits) == 1, (doc_id, name, [c.name for c in cl])
    return hits[0]


@pytest.fixture(scope="module")
def resolver():
    return build(sorted(ARTICLES))


def test_slug():
    assert entity_slug("Abu Bakr al-Baghdadi") == "abu-bakr-al-baghdadi"
    assert entity_slug("Syrië") == "syrie"
    assert entity_slug("’s-Gravenhage") == "s-gravenhage"


def test_ids_have_type_and_slug(resolver):
    assert id_of(resolver, "a-nl-is", "Abu Bakr al-Baghdadi") == "per:abu-bakr-al-baghdadi"
    assert id_of(resolver, "a-nl-is", "Islamitische Staat") == "org:islamitische-staat"
    assert id_of(resolver, "a-nl-is", "Syrië") == "loc:syrie"


def test_full_name_and_alias_across_languages(resolver):
    a = id_of(resolver, "a-nl-is", "Abu Bakr al-Baghdadi")
    assert id_of(resolver, "c-en-is", "Abu Bakr al-Baghdadi") == a
    # "Islamic State" (en) and "Islamitische Staat" (nl) through the alias table
    assert id_of(resolver, "c-en-is", "Islamic State") == id_of(resolver, "a-nl-is", "Islamitische Staat")
    assert any("identical full name" in x for x in resolver.reasons(a))


def test_bare_surname_needs_context(resolver):
    # b has only "Al-Baghdadi", but shares IS, Syrië and Irak with a
    assert id_of(resolver, "b-nl-is-kort", "Al-Baghdadi") == "per:abu-bakr-al-baghdadi"
    why = resolver.reasons("per:abu-bakr-al-baghdadi")
    assert any("shared context" in x and "Al-Baghdadi" in x for x in why)


def test_de_vries_conservative(resolver):
    politician = id_of(resolver, "d-nl-vries-politiek", "Jan de Vries")
    goalkeeper = id_of(resolver, "e-nl-vries-voetbal", "De Vries")
    assert politician == "per:jan-de-vries"
    assert goalkeeper != politician
    assert goalkeeper.startswith("per:de-vries")
    # f shares VVD and Den Haag with d: the bare surname joins Jan de Vries
    assert id_of(resolver, "f-nl-vries-politiek-2", "De Vries") == politician


def test_bare_surname_not_merged_with_one_shared_entity():
    r = IdentityResolver()
    r.add_document("x", [C("Jan de Vries", "PER"), C("VVD", "ORG")], "nl")
    r.add_document("y", [C("De Vries", "PER"), C("VVD", "ORG")], "nl")
    r.recompute()
    assert r.ids_for("x")[0] != r.ids_for("y")[0]
    assert r.ids_for("x")[1] == r.ids_for("y")[1] == "org:vvd"


def test_two_bare_surnames_with_shared_context_merge_and_collisions_get_suffix():
    r = IdentityResolver()
    r.add_document("x", [C("De Vries", "PER"), C("Ajax", "ORG"), C("Madrid", "LOC")], "nl")
    r.add_document("y", [C("De Vries", "PER"), C("Ajax", "ORG"), C("Madrid", "LOC")], "nl")
    r.add_document("z", [C("De Vries", "PER"), C("PSV", "ORG")], "nl")
    r.recompute()
    assert r.ids_for("x")[0] == r.ids_for("y")[0] == "per:de-vries"
    assert r.ids_for("z")[0] == "per:de-vries-2"


def test_ambiguous_surname_candidates_not_merged():
    r = IdentityResolver()
    r.add_document("a", [C("Jan de Vries", "PER"), C("VVD", "ORG"), C("Den Haag", "LOC")], "nl")
    r.add_document("b", [C("Piet de Vries", "PER"), C("VVD", "ORG"), C("Den Haag", "LOC")], "nl")
    r.add_document("c", [C("De Vries", "PER"), C("VVD", "ORG"), C("Den Haag", "LOC")], "nl")
    r.recompute()
    ids = {d: r.ids_for(d)[0] for d in "abc"}
    assert len(set(ids.values())) == 3


def test_acronym_seen_with_expansion(resolver):
    vn = id_of(resolver, "g-nl-vn", "Verenigde Naties")
    assert id_of(resolver, "h-nl-vn-kort", "VN") == vn
    assert id_of(resolver, "i-en-un", "United Nations") == vn  # alias table


def test_acronym_evidence_without_alias_table():
    r = IdentityResolver(use_alias_table=False)
    r.add_document("a", [C("Koninklijke Hollandsche Zeilvereniging", "ORG", aliases=["KHZ"],
                           acronyms={"KHZ": "Koninklijke Hollandsche Zeilvereniging"})], "nl")
    r.add_document("b", [C("KHZ", "ORG")], "nl")
    r.add_document("c", [C("Koninklijke Hollandsche Zeilvereniging", "ORG")], "nl")
    r.recompute()
    assert len(set(r.ids_for("a") + r.ids_for("b") + r.ids_for("c"))) == 1
    assert any("seen together in a" in x for x in r.reasons(r.ids_for("a")[0]))


def test_ambiguous_acronym_links_nothing():
    r = IdentityResolver(use_alias_table=False)
    r.add_document("a", [C("Partij van de Dieren", "ORG", aliases=["PvdD"], acronyms={"PvdD": "Partij van de Dieren"})], "nl")
    r.add_document("b", [C("Partij voor de Dieren", "ORG", aliases=["PvdD"], acronyms={"PvdD": "Partij voor de Dieren"})], "nl")
    r.add_document("c", [C("PvdD", "ORG")], "nl")
    r.recompute()
    ids = [r.ids_for(d)[0] for d in "abc"]
    assert len(set(ids)) == 3


def test_person_never_merges_with_org():
    r = IdentityResolver()
    r.add_document("a", [C("Peters", "ORG")], "nl")
    r.add_document("b", [C("Peters", "PER")], "nl")
    r.recompute()
    assert r.ids_for("a") != r.ids_for("b")


@pytest.mark.parametrize("seed", range(6))
def test_order_independence(seed, resolver):
    order = sorted(ARTICLES)
    random.Random(seed).shuffle(order)
    r = build(order)
    assert r.all_ids() == resolver.all_ids()
    for i in set(sum(resolver.all_ids().values(), [])):
        assert r.reasons(i) == resolver.reasons(i)


def test_incremental_resolve_equals_batch(resolver):
    r = IdentityResolver()
    for d in reversed(sorted(ARTICLES)):
        ids = r.resolve(clusters(d), DocContext(d, ARTICLES[d][0]))
        assert len(ids) == len(clusters(d))
    assert r.all_ids() == resolver.all_ids()
    # resolving the same article again is idempotent
    before = r.all_ids()
    r.resolve(clusters("a-nl-is"), "a-nl-is")
    assert r.all_ids() == before


def test_json_round_trip(resolver):
    data = resolver.to_json()
    text = json.dumps(data, ensure_ascii=False)
    again = IdentityResolver.from_json(text)
    assert again.all_ids() == resolver.all_ids()
    assert again.to_json() == data
    # and it keeps learning after being restored
    again.add_document("j-nl-is-3", [C("Al-Baghdadi", "PER"), C("IS", "ORG"), C("Irak", "LOC")], "nl")
    again.recompute()
    assert again.ids_for("j-nl-is-3") == ["per:abu-bakr-al-baghdadi", "org:islamitische-staat", "loc:irak"]


def test_remove_document_recomputes():
    r = IdentityResolver()
    r.add_document("a", [C("Jan de Vries", "PER"), C("VVD", "ORG"), C("Den Haag", "LOC")], "nl")
    r.add_document("b", [C("De Vries", "PER"), C("VVD", "ORG"), C("Den Haag", "LOC")], "nl")
    assert r.ids_for("b")[0] == "per:jan-de-vries"
    r.remove_document("a")
    assert r.ids_for("b")[0] == "per:de-vries"


def test_doc_context_forms():
    r = IdentityResolver()
    assert r.resolve([C("Syrië", "LOC")], {"doc_id": "x", "lang": "nl"}) == ["loc:syrie"]
    with pytest.raises(TypeError):
        r.resolve([C("Syrië", "LOC")], 42)


def test_incremental_assign_is_never_more_eager_than_recompute():
    r = IdentityResolver()
    a = r.assign([C("Islamitische Staat", "ORG"), C("Jan de Vries", "PER")], DocContext("a", "nl"))
    b = r.assign([C("IS", "ORG"), C("Jan de Vries", "PER"), C("De Vries", "PER")], DocContext("b", "nl"))
    assert a[1] == b[1] == "per:jan-de-vries"  # identical full name
    assert b[0] == a[0]  # IS = Islamitische Staat through the alias table
    r2 = IdentityResolver()
    r2.add_document("a", [C("Islamitische Staat", "ORG"), C("Jan de Vries", "PER")], "nl")
    r2.add_document("b", [C("IS", "ORG"), C("Jan de Vries", "PER"), C("De Vries", "PER")], "nl")
    full = r2.ids_for("a") + r2.ids_for("b")
    inc = a + b
    # every pair merged incrementally is also merged by the full recomputation
    for i in range(len(inc)):
        for j in range(len(inc)):
            if inc[i] == inc[j]:
                assert full[i] == full[j]
