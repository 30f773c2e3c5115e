"""What a rule reports: a located finding, its severity and an optional safe fix."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Severity(enum.IntEnum):
    """Ordered so that a threshold compares with `>=`."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def letter(self) -> str:
        return self.name[0]

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        key = text.strip().upper()
        aliases = {"E": "ERROR", "W": "WARNING", "I": "INFO", "WARN": "WARNING"}
        return cls[aliases.get(key, key)]


@dataclass(frozen=True)
class Edit:
    """Replace the text between two 1-based (line, column) positions; end is exclusive.

    A whole-file rewrite is an edit from (1, 1) to (last line + 1, 1).
    """

    start_line: int
    start_column: int
    end_line: int
    end_column: int
    content: str

    def to_dict(self) -> dict:
        return {
            "start_line": self.start_line,
            "start_column": self.start_column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "content": self.content,
        }


@dataclass(frozen=True)
class Fix:
    """A safe, mechanical change that removes the finding; applied only with --fix."""

    message: str
    edits: tuple[Edit, ...]

    def to_dict(self) -> dict:
        return {"message": self.message, "edits": [e.to_dict() for e in self.edits]}


@dataclass(frozen=True)
class Location:
    """Another place of the same problem (SARIF `relatedLocations`): one finding per fix site, the rest listed.

    `line`, `cell` and `json_line` mean what they mean on a :class:`Finding`.
    """

    path: str
    line: int | None = None
    cell: int | None = None
    json_line: int | None = None

    @property
    def file_line(self) -> int | None:
        return self.json_line if self.cell is not None else self.line

    def text(self) -> str:
        if self.cell is not None:
            return f"{self.path}:cell {self.cell}" + (f":line {self.line}" if self.line else "")
        return self.path if self.line is None else f"{self.path}:{self.line}"

    def to_dict(self) -> dict:
        data = {"path": self.path, "line": self.line}
        if self.cell is not None:
            data["cell"] = self.cell
            data["json_line"] = self.json_line
        return data


@dataclass
class Finding:
    """One problem at one place.

    `path` is relative to the checked root with POSIX separators. For a notebook cell, `cell` is the cell's
    1-based index among all the notebook's cells (as the notebook facts number them) and `line` the line inside
    that cell; `json_line` then is the line in the .ipynb file itself (what SARIF and annotations point at).
    `related` lists the other places of the same problem when it is reported once for all of them. `project`
    names the project a finding belongs to when the repository holds several (`./` for the root project).
    """

    code: str
    severity: Severity
    message: str
    path: str
    line: int | None = None
    column: int | None = None
    end_line: int | None = None
    end_column: int | None = None
    fix: Fix | None = None
    cell: int | None = None
    json_line: int | None = None
    related: tuple[Location, ...] = ()
    project: str | None = None  # the sub-project's folder (`services/api/`) in a repository of several projects
    suppressed: str | None = field(default=None, compare=False)

    @property
    def file_line(self) -> int | None:
        """The line in the file on disk (for SARIF, annotations, editors)."""
        if self.cell is not None:
            return self.json_line
        return self.line

    def location(self) -> str:
        if self.cell is not None:
            text = f"{self.path}:cell {self.cell}"
            return f"{text}:line {self.line}" if self.line else text
        if self.line is None:
            return self.path
        if self.column is None:
            return f"{self.path}:{self.line}"
        return f"{self.path}:{self.line}:{self.column}"

    def sort_key(self) -> tuple:
        return (self.path, self.cell or 0, self.line or 0, self.column or 0, self.code, self.message)

    def to_dict(self) -> dict:
        data = {
            "code": self.code,
            "severity": self.severity.label,
            "message": self.message,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "fix": self.fix.to_dict() if self.fix else None,
        }
        if self.cell is not None:
            data["cell"] = self.cell
            data["json_line"] = self.json_line
        if self.related:
            data["related"] = [place.to_dict() for place in self.related]
        if self.project is not None:
            data["project"] = self.project
        if self.suppressed is not None:
            data["suppressed"] = self.suppressed
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Finding:
        """The inverse of :meth:`to_dict` (the cache stores findings as JSON)."""
        fix = data.get("fix")
        return cls(
            code=data["code"],
            severity=Severity.parse(data["severity"]),
            message=data["message"],
            path=data["path"],
            line=data.get("line"),
            column=data.get("column"),
            end_line=data.get("end_line"),
            end_column=data.get("end_column"),
            fix=Fix(fix["message"], tuple(Edit(**edit) for edit in fix["edits"])) if fix else None,
            cell=data.get("cell"),
            json_line=data.get("json_line"),
            related=tuple(Location(**place) for place in data.get("related", ())),
            project=data.get("project"),
            suppressed=data.get("suppressed"),
        )
