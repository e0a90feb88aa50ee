"""GeoJSON (RFC 7946) FeatureCollections of the places in documents, for maps (Leaflet & co).

One Point feature per distinct place (same gazetteer id, else same name and coordinates);
coordinates are ``[lon, lat]`` as the RFC requires.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..document import Document, Place


def _place_key(place: Place) -> str:
    return place.gazetteer_id or f"{place.name}@{place.lat:.4f},{place.lon:.4f}"


def places_geojson(docs: Iterable[Document]) -> dict[str, Any]:
    """All geocoded LOC entities of ``docs`` as one FeatureCollection.

    Properties per feature: ``name`` (gazetteer name), ``kind``, ``country``, ``population``,
    ``gazetteer_id``, ``why`` (of the first resolution), ``entity_ids``, ``names`` (as written
    in the articles), ``mention_count``, ``article_ids``.
    """
    features: dict[str, dict[str, Any]] = {}
    for doc in docs:
        for entity in doc.entities:
            place = entity.place
            if place is None:
                continue
            key = _place_key(place)
            feat = features.get(key)
            if feat is None:
                feat = features[key] = {
                    "type": "Feature",
                    "id": key,
                    "geometry": {"type": "Point", "coordinates": [round(place.lon, 5), round(place.lat, 5)]},
                    "properties": {
                        "name": place.name,
                        "kind": place.kind,
                        "country": place.country,
                        "population": place.population,
                        "gazetteer_id": place.gazetteer_id,
                        "why": place.why,
                        "entity_ids": [],
                        "names": [],
                        "mention_count": 0,
                        "article_ids": [],
                    },
                }
            props = feat["properties"]
            if entity.id not in props["entity_ids"]:
                props["entity_ids"].append(entity.id)
            for n in [entity.name, *(m.text for m in entity.mentions)]:
                if n and n not in props["names"]:
                    props["names"].append(n)
            props["mention_count"] += max(len(entity.mentions), 1)
            if doc.id not in props["article_ids"]:
                props["article_ids"].append(doc.id)
    return {"type": "FeatureCollection", "features": list(features.values())}


def document_geojson(doc: Document) -> dict[str, Any]:
    """The places of one document as a FeatureCollection (same shape as :func:`places_geojson`)."""
    out = places_geojson([doc])
    out["properties"] = {"article_id": doc.id, "title": doc.title}
    return out
