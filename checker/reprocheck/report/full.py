"""Each finding with the offending source line and the fix hint, then a summary (the default format)."""

from __future__ import annotations

from pathlib import Path

from reprocheck.report import Report, summary_line, suppressed_reasons
from reprocheck.report.concise import finding_line
from reprocheck.report.style import paint

MAX_SNIPPET = 200
MAX_RELATED = 5  # sites listed under a finding reported once for several; the JSON and SARIF outputs list all


def source_line(root: Path, finding) -> str | None:
    if finding.line is None or finding.cell is not None:
        return None
    try:
        with open(root / finding.path, encoding="utf-8", errors="replace") as handle:
            for number, text in enumerate(handle, start=1):
                if number == finding.line:
                    return text.rstrip("\r\n")[:MAX_SNIPPET]
                if number > finding.line:
                    break
    except OSError:
        return None
    return None


def also_at(places) -> str:
    shown = ", ".join(place.text() for place in places[:MAX_RELATED])
    more = len(places) - MAX_RELATED
    return f"{shown} and {more} more" if more > 0 else shown


def render(report: Report) -> str:
    root = Path(report.root)
    blocks = []
    for finding in report.findings:
        lines = [finding_line(finding, report.color)]
        text = source_line(root, finding)
        if text is not None and text.strip():
            gutter = str(finding.line)
            pad = " " * len(gutter)
            lines.append(f"{pad} |")
            lines.append(f"{paint(gutter, 'dim', report.color)} | {text}")
            if finding.column:
                width = max(
                    1,
                    (finding.end_column - finding.column)
                    if finding.end_column and finding.end_line in (None, finding.line)
                    else 1,
                )
                lines.append(f"{pad} | {' ' * (finding.column - 1)}{paint('^' * width, 'red', report.color)}")
        if finding.project is not None:
            lines.append(f"  = project: {finding.project}")
        if finding.related:
            lines.append(f"  = also at: {also_at(finding.related)}")
        if finding.fix:
            lines.append(f"  = fix: {finding.fix.message} (reprocheck --fix)")
        blocks.append("\n".join(lines))
    tail = [*suppressed_reasons(report), summary_line(report)]
    return "\n\n".join(blocks) + ("\n\n" if blocks else "") + "\n".join(tail) + "\n"
