"""ANSI colour for terminal formats; empty strings when colour is off."""

COLOURS = {"bold": "1", "red": "31", "yellow": "33", "cyan": "36", "blue": "34", "dim": "2"}
SEVERITY_COLOUR = {"E": "red", "W": "yellow", "I": "blue"}


def paint(text: str, colour: str, enabled: bool) -> str:
    return f"\033[{COLOURS[colour]}m{text}\033[0m" if enabled else text
