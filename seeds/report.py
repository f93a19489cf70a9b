"""What one seed load did, in counts."""

from dataclasses import dataclass, field


@dataclass
class SeedReport:
    """How many rows one load wrote, retracted or left alone."""

    relationships: int = 0
    issues: int = 0
    updates: int = 0
    meetings: int = 0
    links: int = 0
    positions: int = 0
    # Upgrades of a database seeded by an earlier release:
    updates_retracted: int = 0
    positions_retracted: int = 0
    issues_refreshed: int = 0
    issues_left_to_editors: int = 0
    entries_left_retracted: int = 0
    slugs: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        """Every row written or changed."""
        return (
            self.relationships
            + self.issues
            + self.updates
            + self.meetings
            + self.links
            + self.positions
            + self.updates_retracted
            + self.positions_retracted
            + self.issues_refreshed
        )

    def summary(self) -> str:
        """One line of counts, for the command line."""
        parts = [
            f"{self.issues} issues",
            f"{self.updates} updates",
            f"{self.positions} positions",
            f"{self.meetings} meetings",
            f"{self.links} meeting links",
        ]
        written = "added " + ", ".join(parts)
        changed = (
            f"retracted {self.updates_retracted} corrected updates and "
            f"{self.positions_retracted} positions, refreshed "
            f"{self.issues_refreshed} issues"
        )
        kept = (
            f"left alone {self.issues_left_to_editors} editors' issues and "
            f"{self.entries_left_retracted} entries an editor retracted"
        )
        return f"{written}; {changed}; {kept}"
