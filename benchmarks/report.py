"""The results table: each figure with its same-run baseline, ratio, target and verdict."""

from __future__ import annotations

import operator
from dataclasses import asdict, dataclass

_COMPARE = {"<=": operator.le, ">=": operator.ge}
HEADERS = ("benchmark", "figure", "measured", "baseline (same run)", "ratio", "target", "result")


@dataclass(frozen=True)
class Target:
    """``on`` (the ``value`` or the ``ratio``) must be ``op`` (``<=``/``>=``) ``limit``."""

    on: str
    op: str
    limit: float

    def met(self, value: float | None, ratio: float | None) -> bool | None:
        """Whether the figure meets the target; None when it was not measured."""
        measured = ratio if self.on == "ratio" else value
        return None if measured is None else _COMPARE[self.op](measured, self.limit)

    def __str__(self) -> str:
        limit = f"{self.limit:,.0f}" if self.limit == int(self.limit) else f"{self.limit:g}"
        return f"ratio {self.op} {limit}" if self.on == "ratio" else f"{self.op} {limit}"


@dataclass(frozen=True)
class Figure:
    """One measured figure, optionally against a baseline measured in the same run."""

    benchmark: str
    name: str
    value: float | None
    unit: str
    baseline: float | None = None
    baseline_name: str = ""
    target: Target | None = None

    @property
    def ratio(self) -> float | None:
        """value / baseline."""
        if self.value is None or not self.baseline:
            return None
        return self.value / self.baseline

    @property
    def passed(self) -> bool | None:
        """Whether the target is met (None without a target or a value)."""
        return self.target.met(self.value, self.ratio) if self.target else None

    def cells(self) -> list[str]:
        """The table row."""
        baseline = (f"{_number(self.baseline)} {self.unit} {self.baseline_name}".strip()
                    if self.baseline is not None else "")
        verdict = {True: "PASS", False: "FAIL", None: ""}[self.passed]
        return [self.benchmark, self.name, f"{_number(self.value)} {self.unit}".strip(), baseline,
                _number(self.ratio, 2) if self.ratio is not None else "",
                str(self.target or ""), verdict]

    def to_json(self) -> dict:
        """All fields, with ratio and verdict."""
        data = asdict(self)
        data["target"] = str(self.target) if self.target else None
        return {**data, "ratio": self.ratio, "passed": self.passed}


def _number(value: float | None, digits: int | None = None) -> str:
    """A figure for the table: 3 significant digits, thousands grouped.

    >>> _number(0.123456), _number(52345.6), _number(None), _number(1.5, 2)
    ('0.123', '52,346', '-', '1.50')
    """
    if value is None:
        return "-"
    if digits is not None:
        return f"{value:.{digits}f}"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def plain_table(figures: list[Figure]) -> str:
    """Columns aligned with spaces."""
    rows = [list(HEADERS)] + [figure.cells() for figure in figures]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADERS))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip()
                     for row in rows)


def markdown_table(figures: list[Figure]) -> str:
    """A Markdown table."""
    rows = [list(HEADERS), ["---"] * len(HEADERS)] + [figure.cells() for figure in figures]
    return "\n".join("| " + " | ".join(row) + " |" for row in rows)


def machine_lines(info: dict[str, str], markdown: bool) -> str:
    """The machine block above the table."""
    bullet = "- " if markdown else ""
    return "\n".join(f"{bullet}{name}: {value}" for name, value in info.items())
