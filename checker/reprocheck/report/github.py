"""GitHub Actions workflow commands, which become annotations on the pull request."""

from reprocheck.report import Report

LEVEL = {"E": "error", "W": "warning", "I": "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: Report) -> str:
    lines = []
    for f in report.findings:
        props = [f"file={escape_property(f.path)}"]
        line = f.file_line
        if line:
            props.append(f"line={line}")
            if f.column and f.cell is None:
                props.append(f"col={f.column}")
            if f.end_line and f.cell is None:
                props.append(f"endLine={f.end_line}")
            if f.end_column and f.column and f.cell is None and f.end_line in (None, line):
                props.append(f"endColumn={f.end_column}")
        props.append(f"title={escape_property(f.code)}")
        where = f" ({f.location()})" if f.cell is not None else ""
        lines.append(f"::{LEVEL[f.severity.letter]} {','.join(props)}::{escape_data(f.code + ' ' + f.message + where)}")
    return "\n".join(lines) + ("\n" if lines else "")
