"""The suite's results: medians of rounds, the ratios, and the markdown table."""

import statistics
from dataclasses import dataclass, field
from pathlib import Path

RESULTS = Path(__file__).parent / "results"


@dataclass
class Row:
    """One measurement, every round of it."""

    name: str
    against: str
    requests_per_second: list[float] = field(default_factory=list)
    p50_ms: list[float] = field(default_factory=list)
    p99_ms: list[float] = field(default_factory=list)
    errors: int = 0
    requests: int = 0
    note: str = ""

    def add(
        self, rps: float, p50: float, p99: float, requests: int, errors: int
    ) -> None:
        """Record one round."""
        self.requests_per_second.append(rps)
        self.p50_ms.append(p50)
        self.p99_ms.append(p99)
        self.requests += requests
        self.errors += errors

    @property
    def rps(self) -> float:
        """The median of the rounds' requests per second."""
        return statistics.median(self.requests_per_second)

    def cells(self) -> list[str]:
        """The table cells: name, against, req/s, p50, p99, errors, note."""
        if self.requests == 0:
            late = "no request finished within a round"
            return [self.name, self.against, "0", "-", "-", "-", late]
        return [
            self.name,
            self.against,
            f"{self.rps:,.0f}",
            f"{statistics.median(self.p50_ms):.1f}",
            f"{statistics.median(self.p99_ms):.1f}",
            f"{self.errors} of {self.requests:,}",
            self.note,
        ]


HEADER = ["measurement", "against", "req/s", "p50 ms", "p99 ms", "errors", "notes"]


def table(rows: list[Row]) -> str:
    """A markdown table of the rows."""
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(row.cells()) + " |" for row in rows]
    return "\n".join(lines)


def ratio(numerator: Row, denominator: Row) -> str:
    """Median req/s of one row over another's, e.g. `0.42x`."""
    return f"{numerator.rps / denominator.rps:.2f}x"


def document(
    title: str,
    command: str,
    facts: dict[str, str],
    rows: list[Row],
    ratios: dict[str, str],
) -> str:
    """The results file: what ran where, the table, the ratios."""
    parts = [f"# {title}", "", f"Command: `{command}`", ""]
    parts += [f"- {key}: {value}" for key, value in facts.items()]
    parts += ["", table(rows), "", "Ratios (median req/s, same run):", ""]
    parts += [f"- {key}: {value}" for key, value in ratios.items()]
    return "\n".join(parts) + "\n"
