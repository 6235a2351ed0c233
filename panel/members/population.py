"""The panel against the population: reading population counts and comparing shares. Pure, no I/O.

Population counts come as CSV with one row per district × age band × gender (as Statistics Sweden
publishes them). The comparison is made per dimension — district, age band, gender — because a 200-member
panel is too small to judge each of the 50 cells. A group is flagged when its share in the panel is below
80 % or above 125 % of its share in the population.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from panel.i18n import _
from panel.members.vocab import AGE_BANDS, age_band
from panel.numbers import whole

UNDER, OVER = 0.8, 1.25
_GENDERS = {"kvinna": "woman", "kvinnor": "woman", "k": "woman", "woman": "woman", "women": "woman",
            "man": "man", "män": "man", "m": "man", "men": "man"}
_HEADINGS = {
    "district": ("område", "stadsdel", "district", "area"),
    "age_band": ("åldersgrupp", "ålder", "age band", "age_band", "age"),
    "gender": ("kön", "gender"),
    "count": ("antal", "folkmängd", "count", "population"),
}


class PopulationError(ValueError):
    """The file cannot be used; `problems` lists every line that is wrong."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Cell:
    district_id: int
    age_band: str
    gender: str
    count: int


def parse_population(data: bytes, district_ids: Mapping[str, int]) -> list[Cell]:
    """Read the CSV; raise PopulationError listing all problems, so nothing half-valid is stored."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:2048], delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
    rows = [row for row in csv.reader(io.StringIO(text), dialect) if any(c.strip() for c in row)]
    if len(rows) < 2:
        raise PopulationError([_("Filen har inga rader under rubrikraden.")])
    columns = {key: i for i, heading in enumerate(rows[0]) for key, names in _HEADINGS.items()
               if heading.strip().lower() in names}
    missing = [key for key in _HEADINGS if key not in columns]
    if missing:
        raise PopulationError([_("Kolumner saknas. Rubrikerna ska vara: Område, Åldersgrupp, Kön, Antal.")])
    cells: dict[tuple[int, str, str], Cell] = {}
    problems: list[str] = []
    for line, row in enumerate(rows[1:], start=2):
        def value(key: str, row: list[str] = row) -> str:
            return row[columns[key]].strip() if columns[key] < len(row) else ""

        district_id = district_ids.get(value("district").lower())
        band = value("age_band").replace("–", "-").replace(" ", "")
        gender = _GENDERS.get(value("gender").lower())
        count_text = value("count").replace(" ", "").replace("\u00a0", "")
        if district_id is None:
            problems.append(_("Rad {line}: okänt område {name!r}.").format(line=line, name=value("district")))
        if band not in AGE_BANDS:
            problems.append(_("Rad {line}: åldersgruppen ska vara en av {bands}.").format(
                line=line, bands=", ".join(AGE_BANDS)))
        if gender is None:
            problems.append(_("Rad {line}: kön ska vara kvinna eller man.").format(line=line))
        count = whole(count_text, max_digits=9)
        if count is None:
            problems.append(_("Rad {line}: antal ska vara ett heltal.").format(line=line))
        if district_id is not None and band in AGE_BANDS and gender and count is not None:
            key = (district_id, band, gender)
            if key in cells:
                problems.append(_("Rad {line}: samma grupp finns två gånger.").format(line=line))
            cells[key] = Cell(district_id, band, gender, count)
    if problems:
        raise PopulationError(problems[:50])
    return list(cells.values())


@dataclass(frozen=True)
class Share:
    group: str
    label: str
    panel: int
    population: int
    panel_share: float
    population_share: float

    @property
    def ratio(self) -> float | None:
        return self.panel_share / self.population_share if self.population_share else None

    @property
    def verdict(self) -> str:
        """'under', 'over' or 'ok'; '' when the population count is unknown."""
        if self.ratio is None:
            return ""
        return "under" if self.ratio < UNDER else "over" if self.ratio > OVER else "ok"


def compare(
    groups: Iterable[tuple[str, str]], panel: Mapping[str, int], population: Mapping[str, int]
) -> list[Share]:
    """Shares of each (group, label) in the panel and in the population."""
    panel_total = sum(panel.values()) or 1
    population_total = sum(population.values()) or 1
    return [
        Share(group, label, panel.get(group, 0), population.get(group, 0),
              panel.get(group, 0) / panel_total, population.get(group, 0) / population_total)
        for group, label in groups
    ]


@dataclass(frozen=True)
class Marginals:
    by_district: dict[str, int]
    by_age_band: dict[str, int]
    by_gender: dict[str, int]


def marginals(groups: Iterable[tuple[str, str, int | None, int]], today: date) -> Marginals:
    """Totals per district, age band and gender from counts by (district, gender, birth year)."""
    result = Marginals(defaultdict(int), defaultdict(int), defaultdict(int))
    for district, gender, birth_year, count in groups:
        result.by_district[district] += count
        result.by_gender[gender] += count
        band = age_band(birth_year, today)
        if band:
            result.by_age_band[band] += count
    return result


@dataclass(frozen=True)
class Month:
    month: str
    joined: int
    departed: int
    total: int  # members at the end of the month


def growth(joined: Mapping[str, int], departed: Mapping[str, int]) -> list[Month]:
    """Joins, departures and the running size of the panel, month by month."""
    months = sorted(set(joined) | set(departed))
    total = 0
    result = []
    for month in months:
        total += joined.get(month, 0) - departed.get(month, 0)
        result.append(Month(month, joined.get(month, 0), departed.get(month, 0), total))
    return result
