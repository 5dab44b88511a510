"""What is wrong with an imported file, said so that its author can fix it."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One error in one file: which file, which field, which line when known, and what."""

    path: str
    message: str
    field: str | None = None
    line: int | None = None

    def __str__(self):
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class ImportFailed(Exception):
    """Raised with every problem found; nothing has been written."""

    def __init__(self, problems):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems
