"""One line of the figures table: the benchmark's figure next to the bare stack's, measured in the same run."""

from __future__ import annotations

from dataclasses import dataclass

from bench.load import Result


@dataclass(frozen=True)
class Figure:
    benchmark: str
    unit: str  # what the figure counts: "req/s", "pairs/s", "msg/s"
    value: float
    bare: float
    p50_ms: float | None
    p99_ms: float | None
    bare_p50_ms: float | None = None
    bare_p99_ms: float | None = None
    count: int = 0
    errors: int = 0
    note: str = ""

    @property
    def ratio(self) -> float:
        return self.value / self.bare if self.bare else 0.0

    @classmethod
    def of(cls, benchmark: str, unit: str, measured: Result, bare: Result, note: str = "") -> Figure:
        return cls(benchmark, unit, measured.per_second, bare.per_second, measured.p50_ms, measured.p99_ms,
                   bare.p50_ms, bare.p99_ms, measured.requests, measured.errors + bare.errors, note)


def _num(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.3g}"


def _ratio(value: float) -> str:
    return f"{value:.2f}" if value >= 0.1 else f"{value:.2g}"


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} ms"


def line(figure: Figure) -> str:
    """A human line for the console, printed as soon as a benchmark ends."""
    text = (f"{figure.benchmark}: {_num(figure.value)} {figure.unit} vs bare {_num(figure.bare)} {figure.unit}"
            f" = {_ratio(figure.ratio)}x; p50 {_ms(figure.p50_ms)}, p99 {_ms(figure.p99_ms)}"
            f" (bare p50 {_ms(figure.bare_p50_ms)}, p99 {_ms(figure.bare_p99_ms)}); n={figure.count}")
    if figure.errors:
        text += f"; {figure.errors} ERRORS"
    return text + (f"; {figure.note}" if figure.note else "")


def markdown(figures: list[Figure]) -> str:
    rows = ["| benchmark | figure | bare reference | ratio | p50 | p99 | bare p50 / p99 | n | errors |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for f in figures:
        rows.append(
            f"| {f.benchmark} | {_num(f.value)} {f.unit} | {_num(f.bare)} {f.unit} | {_ratio(f.ratio)}"
            f" | {_ms(f.p50_ms)} | {_ms(f.p99_ms)} | {_ms(f.bare_p50_ms)} / {_ms(f.bare_p99_ms)}"
            f" | {f.count:,} | {f.errors} |"
        )
    return "\n".join(rows)
