"""The places layer: every LOC entity geocoded through an offline gazetteer.

* :func:`geocode` — one name → :class:`~tijdlijn.document.Place` (or None), with ``why``;
* :func:`demonym_country` / :func:`demonym_countries` / :func:`demonym_places` — "Iraakse" → IQ;
* :func:`countries_in_text` — the countries an article names (by name, region or demonym);
* :func:`locate_places` — the pipeline stage: ``Document -> Document`` (``Entity.place`` for
  LOC entities, ``Document.related_places`` for demonyms);
* :func:`places_geojson` / :func:`document_geojson` — GeoJSON FeatureCollections for maps.
"""
from __future__ import annotations

from .demonyms import (
    demonym_countries,
    demonym_country,
    demonym_places,
    demonym_targets,
)
from .gazetteer import gazetteer, name_key
from .geocode import countries_in_text, country_place, geocode
from .geojson import document_geojson, places_geojson
from .stage import locate_places

__all__ = [
    "countries_in_text",
    "country_place",
    "demonym_countries",
    "demonym_country",
    "demonym_places",
    "demonym_targets",
    "document_geojson",
    "gazetteer",
    "geocode",
    "locate_places",
    "name_key",
    "places_geojson",
]
