"""Finding likely duplicates: text similarity of two cases and the distance between their locations.

A pothole is often reported by several residents within days. A handler sees the recent cases most like the
one in front of them and can merge a duplicate. Pure: the store fetches candidates, this module scores them.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

_WORD = re.compile(r"[a-zåäöéü0-9]+")
# Frequent Swedish and English words that say nothing about the matter.
_STOPWORD_TEXT = (
    "och i att det som en på är av för med till den har de inte om ett han men var jag sig från vi så kan man "
    "när år säga hon under också efter eller nu sin där vid mycket dem vara då ska alla andra detta denna "
    "mot än någon hade skulle blir bli blev här hur vad varit sedan mig mitt min oss er ni du din ditt "
    "eftersom just bara redan igen samt hej tack vänliga hälsningar mvh "
    "the a an and or of to in on at is are was were it this that for with be have has not"
)
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())
EARTH_RADIUS_M = 6_371_000.0
# Within this distance two reports are likely about the same spot; beyond it location adds nothing.
NEAR_METRES = 250.0
# How far a shared place moves the score towards 1.
PLACE_WEIGHT = 0.5


def words(text: str) -> set[str]:
    """The meaningful words of a text, lower-cased, with a crude Swedish stem (plural and definite endings)."""
    found = set()
    for word in _WORD.findall(text.lower()):
        if word in _STOPWORDS or len(word) < 3:
            continue
        for ending in ("arna", "erna", "orna", "en", "et", "ar", "er", "or", "na"):
            if len(word) - len(ending) >= 4 and word.endswith(ending):
                word = word[: -len(ending)]
                break
        found.add(word)
    return found


def text_similarity(a: str, b: str) -> float:
    """Jaccard similarity of the two texts' words: 0 (nothing shared) to 1 (the same words)."""
    first, second = words(a), words(b)
    if not first or not second:
        return 0.0
    return len(first & second) / len(first | second)


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


@dataclass(frozen=True)
class Located:
    """What similarity needs of a case."""

    id: int
    text: str
    location_text: str = ""
    latitude: float | None = None
    longitude: float | None = None


def similarity(a: Located, b: Located) -> float:
    """A score from 0 to 1: the text decides, and being at the same place raises it.

    Two different matters at one spot (a pothole and a broken lamp) are not duplicates, so a place shared
    without shared words scores nothing; shared words at the same place score higher than shared words apart.
    """
    text = text_similarity(a.text, b.text)
    if text == 0:
        return 0.0
    place = 0.0
    if a.latitude is not None and a.longitude is not None and b.latitude is not None and b.longitude is not None:
        place = max(0.0, 1.0 - distance_m(a.latitude, a.longitude, b.latitude, b.longitude) / NEAR_METRES)
    elif a.location_text and b.location_text:
        place = text_similarity(a.location_text, b.location_text)
    return text + PLACE_WEIGHT * place * (1.0 - text)


def most_similar(case: Located, candidates: list[Located], *, limit: int = 5,
                 threshold: float = 0.15) -> list[tuple[Located, float]]:
    """The candidates scoring at least `threshold`, best first (ties: newest, i.e. highest id, first)."""
    scored = [(other, similarity(case, other)) for other in candidates if other.id != case.id]
    scored = [pair for pair in scored if pair[1] >= threshold]
    scored.sort(key=lambda pair: (-pair[1], -pair[0].id))
    return scored[:limit]
