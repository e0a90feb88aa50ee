"""Cross-article identity: stable collection-wide entity ids.

An :class:`IdentityResolver` holds the entity clusters of every article it has
seen and partitions them into collection-wide identities. It is conservative: two
clusters share an id only with evidence, and every merge records why:

* identical normalised full name and compatible type (PER only with PER);
* a known alias (``lang/<code>/aliases.toml``, shared ids across languages);
* an acronym and its expansion seen together in some article ("IS" in one article,
  "Islamitische Staat (IS)" in another); an acronym attested with two different
  expansions is ambiguous and links nothing;
* a bare surname ("De Vries", "Al-Baghdadi") only joins a person when a shared context
  supports it: at least ``min_context_overlap`` co-mentioned entities in common, and
  exactly one candidate person.

Ids are ``<type>:<slug of the canonical name>`` (``per:abu-bakr-al-baghdadi``,
``org:islamitische-staat``, ``loc:syrie``); alias-table entities use the table id;
colliding slugs get ``-2``, ``-3`` … in a fixed order. The partition is a pure
function of the set of articles (not of the order they arrived in), so
``recompute()`` after ``add_document`` is deterministic.
"""
from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from tijdlijn.entities.coref import (
    EntityCluster,
    fold,
    is_acronym,
    is_full_person_name,
    load_alias_table,
    normalise_name,
    person_name_parts,
    surname_key,
)

__all__ = ["DocContext", "IdentityResolver", "MemoryKeyIndex", "assign_records", "cluster_records", "entity_slug",
           "STATE_VERSION"]

STATE_VERSION = 1
_TYPE_ORDER = ("PER", "ORG", "LOC", "MISC")


def entity_slug(name: str) -> str:
    """"Abu Bakr al-Baghdadi" -> "abu-bakr-al-baghdadi"; "Syrië" -> "syrie"."""
    s = fold(name).replace("’", "").replace("'", "")
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")
    return s or "x"


@dataclass(frozen=True)
class DocContext:
    """Which article the clusters come from (``doc_id`` must be unique in the collection)."""

    doc_id: str
    lang: str | None = None


@dataclass
class _Record:
    doc: str
    idx: int
    name: str
    type: str
    aliases: tuple[str, ...]
    acronyms: tuple[tuple[str, str], ...]
    lang: str | None

    @property
    def key(self) -> tuple[str, int]:
        return (self.doc, self.idx)

    def forms(self) -> list[str]:
        out = []
        for n in (self.name, *self.aliases):
            if n not in out:
                out.append(n)
        return out

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.type, "aliases": list(self.aliases),
                "acronyms": dict(self.acronyms)}


def _compatible(a: str, b: str) -> bool:
    return a == b or ("PER" not in (a, b))


def _as_context(doc_context: Any) -> DocContext:
    if isinstance(doc_context, DocContext):
        return doc_context
    if isinstance(doc_context, str):
        return DocContext(doc_context)
    if isinstance(doc_context, Mapping):
        return DocContext(str(doc_context.get("doc_id") or doc_context.get("id")), doc_context.get("lang"))
    if hasattr(doc_context, "id"):  # a Document
        return DocContext(str(doc_context.id), getattr(doc_context, "lang", None))
    raise TypeError(f"doc_context must be a DocContext, doc id, mapping or Document, not {type(doc_context).__name__}")


class IdentityResolver:
    """Collection-wide entity ids, recomputed from all articles seen so far.

    >>> r = IdentityResolver()
    >>> ids = r.resolve(clusters_of_article, DocContext("nrc-2018-08-23-1", "nl"))
    """

    def __init__(self, *, min_context_overlap: int = 2, use_alias_table: bool = True) -> None:
        self.min_context_overlap = min_context_overlap
        self.use_alias_table = use_alias_table
        self._docs: dict[str, list[_Record]] = {}
        self._ids: dict[tuple[str, int], str] = {}
        self._reasons: dict[str, list[str]] = {}
        self._names: dict[str, str] = {}
        self._dirty = False

    # ---- input ---------------------------------------------------------------
    def add_document(self, doc_id: str, clusters: Sequence[EntityCluster | Mapping[str, Any]], lang: str | None = None) -> None:
        """Add (or replace) the clusters of one article; call :meth:`recompute` afterwards."""
        recs = []
        for i, c in enumerate(clusters):
            if isinstance(c, Mapping):
                c = EntityCluster(name=c["name"], type=c["type"], aliases=list(c.get("aliases", [])),
                                  acronyms=dict(c.get("acronyms", {})))
            recs.append(_Record(str(doc_id), i, c.name, c.type, tuple(c.aliases),
                                tuple(sorted(c.acronyms.items())), lang))
        self._docs[str(doc_id)] = recs
        self._dirty = True
        self._incremental_current = False

    def remove_document(self, doc_id: str) -> None:
        self._docs.pop(str(doc_id), None)
        self._dirty = True
        self._incremental_current = False

    def resolve(self, doc_entities: Sequence[EntityCluster], doc_context: Any) -> list[str]:
        """Add one article's clusters, recompute, and return their ids (aligned with the input)."""
        ctx = _as_context(doc_context)
        self.add_document(ctx.doc_id, doc_entities, ctx.lang)
        self.recompute()
        return self.ids_for(ctx.doc_id)

    def assign(self, doc_entities: Sequence[EntityCluster], doc_context: Any) -> list[str]:
        """Incremental ids for one new article, in time independent of the collection size.

        Each cluster takes the id of the first existing identity that shares strong
        evidence with it (identical full name, identical non-person name, alias-table
        entry, or an acronym whose expansion is already known); otherwise it gets a
        fresh ``type:slug`` id. Context-only merges (bare surnames) and renaming are
        left to :meth:`recompute`, which a knowledge base runs on demand; the
        streaming ids are therefore conservative, never more eager than recompute.
        """
        ctx = _as_context(doc_context)
        self.add_document(ctx.doc_id, doc_entities, ctx.lang)
        if "_key_index" not in self.__dict__:
            self._key_index = MemoryKeyIndex(set(self._ids.values()))
        out = []
        for r, (eid, _why, name) in zip(self._docs[ctx.doc_id],
                                        assign_records(self._docs[ctx.doc_id], self._key_index, self.use_alias_table)):
            self._ids[r.key] = eid
            self._names.setdefault(eid, name)
            out.append(eid)
        self._incremental_current = True  # ids are current for assign()'s purposes until the next add/remove
        return out

    @staticmethod
    def _strong_keys(r: "_Record", table) -> set[tuple[str, str]]:
        keys: set[tuple[str, str]] = set()
        lang = r.lang or "nl"
        for f in r.forms():
            if r.type == "PER":
                if is_full_person_name(f, lang):
                    keys.add(("per-full", " ".join(person_name_parts(f, lang)[0])))
            elif is_acronym(f):
                keys.add(("acronym", normalise_name(f)))
            else:
                keys.add(("name", normalise_name(f)))
            if table is not None:
                for eid in table.ids_of(f):
                    if _compatible(r.type, table.entries[eid]["type"]):
                        keys.add(("alias", eid))
        for acr, _exp in r.acronyms:
            keys.add(("acronym", normalise_name(acr)))
        return keys

    # ---- output --------------------------------------------------------------
    def ids_for(self, doc_id: str) -> list[str]:
        if self._dirty and not self.__dict__.get("_incremental_current", False):
            self.recompute()
        return [self._ids[r.key] for r in self._docs.get(str(doc_id), [])]

    def all_ids(self) -> dict[str, list[str]]:
        """doc id -> ids of its clusters."""
        return {d: self.ids_for(d) for d in sorted(self._docs)}

    def reasons(self, entity_id: str) -> list[str]:
        """Why the clusters with this id were merged (empty for a single-article entity)."""
        if self._dirty:
            self.recompute()
        return list(self._reasons.get(entity_id, []))

    def name(self, entity_id: str) -> str:
        if self._dirty:
            self.recompute()
        return self._names[entity_id]

    def members(self, entity_id: str) -> list[tuple[str, int]]:
        if self._dirty:
            self.recompute()
        return sorted(k for k, v in self._ids.items() if v == entity_id)

    # ---- the partition -----------------------------------------------------------
    def recompute(self) -> None:
        recs: list[_Record] = [r for d in sorted(self._docs) for r in self._docs[d]]
        n = len(recs)
        parent = list(range(n))
        reasons: dict[int, list[str]] = defaultdict(list)

        def find(i: int) -> int:
            while parent[i] != i:
                parent[i] = parent[parent[i]]
                i = parent[i]
            return i

        def union(a: int, b: int, why: str) -> None:
            ra, rb = find(a), find(b)
            if ra == rb:
                return
            keep, drop = min(ra, rb), max(ra, rb)
            parent[drop] = keep
            reasons[keep].extend(reasons.pop(drop, []))
            reasons[keep].append(why)

        def show(i: int) -> str:
            return f"‘{recs[i].name}’ ({recs[i].doc})"

        table = load_alias_table() if self.use_alias_table else None

        # acronym evidence: acronym -> expansions attested (mapped to alias-table entries when known)
        attested: dict[str, set[str]] = defaultdict(set)
        attested_in: dict[tuple[str, str], str] = {}
        for r in recs:
            for acr, exp in r.acronyms:
                a, e = normalise_name(acr), normalise_name(exp)
                ids = table.ids_of(exp) if table else set()
                attested[a].add(min(ids) if ids else e)
                attested_in[(a, e)] = min(attested_in.get((a, e), r.doc), r.doc)
        acronyms_of_expansion: dict[str, set[str]] = defaultdict(set)
        for a, e in attested_in:
            acronyms_of_expansion[e].add(a)

        # index the evidence, then link every pair of records sharing a key (order independent)
        by_key: dict[tuple[str, str], list[int]] = defaultdict(list)
        for i, r in enumerate(recs):
            keys: set[tuple[str, str]] = set()
            if r.type == "PER":
                for f in r.forms():
                    if is_full_person_name(f, r.lang or "nl"):
                        keys.add(("per-full", " ".join(person_name_parts(f, r.lang or "nl")[0])))
            else:
                for f in r.forms():
                    k = normalise_name(f)
                    if is_acronym(f):
                        exps = attested.get(k, set())
                        if len(exps) <= 1:
                            keys.add(("acronym", k))
                    else:
                        keys.add(("name", k))
            if table is not None:
                for f in r.forms():
                    for eid in table.ids_of(f):
                        if _compatible(r.type, table.entries[eid]["type"]):
                            keys.add(("alias", eid))
            for k in sorted(keys):
                by_key[k].append(i)
            # acronym <-> expansion attested in some article
            if r.type != "PER":
                for f in r.forms():
                    if not is_acronym(f):
                        k = normalise_name(f)
                        for a in sorted(acronyms_of_expansion.get(k, ())):
                            if len(attested.get(a, ())) == 1:
                                by_key[("acronym", a)].append(i)

        for (kind, k), idx in sorted(by_key.items()):
            idx = sorted(set(idx))
            for j in idx[1:]:
                i0 = idx[0]
                if not _compatible(recs[i0].type, recs[j].type):
                    continue
                if kind == "alias":
                    why = f"{show(j)} = {show(i0)}: known alias ({k})"
                elif kind == "acronym":
                    a_forms = [f for f in (*recs[i0].forms(), *recs[j].forms()) if normalise_name(f) == k]
                    src = sorted({d for (a, _), d in attested_in.items() if a == k})
                    why = (f"{show(j)} = {show(i0)}: acronym ‘{a_forms[0] if a_forms else k}’"
                           + (f" and its expansion seen together in {', '.join(src)}" if src else ""))
                elif kind == "per-full":
                    why = f"{show(j)} = {show(i0)}: identical full name"
                else:
                    why = f"{show(j)} = {show(i0)}: identical name"
                union(i0, j, why)

        # bare surnames / first names: only with shared context, decided against the fixed pass-1 partition
        pass1 = [find(i) for i in range(n)]
        doc_members: dict[str, list[int]] = defaultdict(list)
        for i, r in enumerate(recs):
            doc_members[r.doc].append(i)
        ctx = {i: {pass1[j] for j in doc_members[recs[i].doc] if j != i} for i in range(n)}
        group_ctx: dict[int, set[int]] = defaultdict(set)
        group_docs: dict[int, set[str]] = defaultdict(set)
        for i in range(n):
            group_ctx[pass1[i]] |= ctx[i]
            group_docs[pass1[i]].add(recs[i].doc)

        def is_bare(i: int) -> bool:
            r = recs[i]
            return r.type == "PER" and not any(is_full_person_name(f, r.lang or "nl") for f in r.forms())

        sur = {i: surname_key(recs[i].name, recs[i].lang or "nl") for i in range(n) if recs[i].type == "PER"}
        full_by_sur: dict[str, set[int]] = defaultdict(set)
        bare_by_sur: dict[str, set[int]] = defaultdict(set)
        for i, s in sur.items():
            if not s:
                continue
            if is_bare(i):
                bare_by_sur[s].add(i)
            else:
                for f in recs[i].forms():
                    full_by_sur[surname_key(f, recs[i].lang or "nl")].add(pass1[i])

        def support(i: int, g: int) -> list[int]:
            return sorted(ctx[i] & group_ctx[g] - {g, pass1[i]})

        decisions: list[tuple[int, int, str]] = []
        unresolved: list[int] = []
        for i in sorted(x for v in bare_by_sur.values() for x in v):
            s = sur[i]
            ok = []
            for g in sorted(full_by_sur.get(s, ())):
                if g == pass1[i]:
                    continue
                common = support(i, g)
                if len(common) >= self.min_context_overlap:
                    ok.append((g, common))
            if len(ok) == 1:
                g, common = ok[0]
                decisions.append((i, g, self._context_reason(recs, i, g, common, pass1, "surname of")))
            elif not ok:
                unresolved.append(i)
        unresolved_set = set(unresolved)
        for i in unresolved:
            for j in sorted(bare_by_sur.get(sur[i], ())):
                if j <= i or j not in unresolved_set or pass1[j] == pass1[i]:
                    continue
                common = sorted(ctx[i] & ctx[j] - {pass1[i], pass1[j]})
                if len(common) >= self.min_context_overlap:
                    decisions.append((j, i, self._context_reason(recs, j, pass1[i], common, pass1, "same person as")))
        for i, g, why in decisions:
            union(g, i, why)

        # canonical name, type and id per group
        groups: dict[int, list[int]] = defaultdict(list)
        for i in range(n):
            groups[find(i)].append(i)
        proposals: list[tuple[str, tuple[str, int], int, str]] = []
        for root, idx in groups.items():
            typ, name, fixed = self._canonical(recs, idx, table)
            base = fixed or f"{typ.lower()}:{entity_slug(name)}"
            proposals.append((base, min(recs[i].key for i in idx), root, name))
        ids: dict[tuple[str, int], str] = {}
        new_reasons: dict[str, list[str]] = {}
        names: dict[str, str] = {}
        by_base: dict[str, list[tuple[tuple[str, int], int, str]]] = defaultdict(list)
        for base, first, root, name in proposals:
            by_base[base].append((first, root, name))
        for base in sorted(by_base):
            for k, (first, root, name) in enumerate(sorted(by_base[base])):
                eid = base if k == 0 else f"{base}-{k + 1}"
                names[eid] = name
                new_reasons[eid] = list(reasons.get(root, []))
                for i in groups[root]:
                    ids[recs[i].key] = eid
        self._ids, self._reasons, self._names = ids, new_reasons, names
        self._dirty = False
        self.__dict__.pop("_key_index", None)
        self.__dict__.pop("_taken_ids", None)

    @staticmethod
    def _context_reason(recs, i, g, common, pass1, rel) -> str:
        group_name = next(recs[j].name for j in range(len(recs)) if pass1[j] == g)
        shared = ", ".join(f"‘{next(recs[j].name for j in range(len(recs)) if pass1[j] == c)}’" for c in common[:5])
        return (f"‘{recs[i].name}’ ({recs[i].doc}) is the {rel} ‘{group_name}’, supported by shared context "
                f"({len(common)} co-mentioned entities: {shared})")

    @staticmethod
    def _canonical(recs: list[_Record], idx: list[int], table) -> tuple[str, str, str | None]:
        types = Counter(recs[i].type for i in idx)
        non_misc = [t for t in types if t != "MISC"]
        pool = non_misc or list(types)
        typ = max(pool, key=lambda t: (types[t], -_TYPE_ORDER.index(t)))
        if table is not None:
            eids = Counter(e for i in idx for f in recs[i].forms() for e in table.ids_of(f)
                           if _compatible(recs[i].type, table.entries[e]["type"]))
            if eids:
                eid = max(sorted(eids), key=lambda e: eids[e])
                langs = Counter(recs[i].lang or "nl" for i in idx)
                lang = max(sorted(langs), key=lambda l: (langs[l], l == "nl"))
                return table.entries[eid]["type"], table.canonical(eid, lang), eid
        names = Counter(recs[i].name for i in idx)

        def rank(nm: str):
            full = is_full_person_name(nm) if typ == "PER" else not is_acronym(nm)
            return (full, names[nm], len(nm.split()), len(nm), nm)

        return typ, max(sorted(names), key=rank), None

    # ---- persistence -----------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        return {
            "version": STATE_VERSION,
            "config": {"min_context_overlap": self.min_context_overlap, "use_alias_table": self.use_alias_table},
            "documents": {d: {"lang": (recs[0].lang if recs else None), "clusters": [r.to_json() for r in recs]}
                          for d, recs in sorted(self._docs.items())},
            "ids": self.all_ids(),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | str) -> "IdentityResolver":
        if isinstance(data, str):
            data = json.loads(data)
        if int(data.get("version", 0)) != STATE_VERSION:
            raise ValueError(f"unsupported identity state version {data.get('version')!r}")
        r = cls(**data.get("config", {}))
        for d, doc in data.get("documents", {}).items():
            r.add_document(d, doc.get("clusters", []), doc.get("lang"))
        r.recompute()
        return r


class MemoryKeyIndex:
    """The evidence index :func:`assign_records` uses, in memory (a store keeps it in a table)."""

    def __init__(self, taken: set[str] | None = None) -> None:
        self.keys: dict[tuple[str, str], tuple[str, str]] = {}
        self.taken: set[str] = set(taken or ())

    def lookup(self, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], tuple[str, str]]:
        return {k: self.keys[k] for k in keys if k in self.keys}

    def is_taken(self, eid: str) -> bool:
        return eid in self.taken

    def add(self, eid: str, name: str, typ: str, keys: Sequence[tuple[str, str]], new: bool) -> None:
        self.taken.add(eid)
        for k in keys:
            self.keys.setdefault(k, (eid, typ))


def cluster_records(doc_id: str, clusters: Sequence[EntityCluster | Mapping[str, Any]], lang: str | None) -> list[_Record]:
    out = []
    for i, c in enumerate(clusters):
        if isinstance(c, Mapping):
            c = EntityCluster(name=c["name"], type=c["type"], aliases=list(c.get("aliases", [])),
                              acronyms=dict(c.get("acronyms", {})))
        out.append(_Record(str(doc_id), i, c.name, c.type, tuple(c.aliases), tuple(sorted(c.acronyms.items())), lang))
    return out


def _describe_key(key: tuple[str, str]) -> str:
    kind, value = key
    return {"per-full": "same full name", "name": "same name", "acronym": "same acronym",
            "alias": "alias-table entry"}.get(kind, kind) + f" ‘{value}’"


def assign_records(records: Sequence[_Record], index: Any, use_alias_table: bool = True) -> list[tuple[str, str, str]]:
    """Streaming identity for one article's clusters: ``(id, why, canonical name)`` per record.

    ``index`` offers ``lookup(keys) -> {key: (id, type)}``, ``is_taken(id)`` and
    ``add(id, name, type, keys, new)``; :class:`MemoryKeyIndex` keeps it in memory,
    the knowledge base in its database, so memory does not grow with the collection.
    """
    table = load_alias_table() if use_alias_table else None
    out: list[tuple[str, str, str]] = []
    all_keys = [sorted(IdentityResolver._strong_keys(r, table)) for r in records]
    known = index.lookup(sorted({k for ks in all_keys for k in ks}))
    for r, keys in zip(records, all_keys):
        hit = next(((k, known[k][0]) for k in keys if k in known and _compatible(known[k][1], r.type)), None)
        if hit is not None:
            eid, why, new, name = hit[1], _describe_key(hit[0]), False, r.name
        else:
            typ, name, fixed = IdentityResolver._canonical([r], [0], table)
            base = fixed or f"{typ.lower()}:{entity_slug(name)}"
            eid, n = base, 1
            while index.is_taken(eid):
                n += 1
                eid = f"{base}-{n}"
            why, new = ("alias-table entry" if fixed else "new identity"), True
        index.add(eid, name, r.type, keys, new)
        for k in keys:
            known.setdefault(k, (eid, r.type))
        out.append((eid, why, name))
    return out
