"""One line per finding: `path:line:col: CODE [S] message`, then a summary."""

from reprocheck.report import Report, summary_line, suppressed_reasons
from reprocheck.report.style import SEVERITY_COLOUR, paint


def finding_line(finding, color: bool) -> str:
    letter = finding.severity.letter
    code = paint(finding.code, SEVERITY_COLOUR[letter], color)
    fixable = " [*]" if finding.fix else ""
    return f"{paint(finding.location(), 'bold', color)}: {code} [{letter}]{fixable} {finding.message}"


def render(report: Report) -> str:
    lines = [finding_line(f, report.color) for f in report.findings]
    lines.extend(suppressed_reasons(report))
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"
