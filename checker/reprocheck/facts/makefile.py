"""Makefiles: targets, prerequisites and recipe lines with make variables expanded, so recipes can be split
into shell commands like any other script. Conditionals are read through (both branches count), `define`
blocks and `include`s are skipped: a recipe is what make would hand to the shell.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reprocheck import filekinds
from reprocheck.facts import fact
from reprocheck.patterns import lazy_pattern

ASSIGNMENT = lazy_pattern(
    r"^(?:export\s+|override\s+)*([A-Za-z_][A-Za-z0-9_.\-]*)\s*(::=|:::=|:=|\?=|\+=|!=|=)\s*(.*)$"
)
RULE = lazy_pattern(r"^([^:=#]+?)\s*(::?)(?!=)\s*(.*)$")
DIRECTIVES = ("ifeq", "ifneq", "ifdef", "ifndef", "else", "endif", "include", "-include", "sinclude", "vpath")
REFERENCE = lazy_pattern(r"\$(?:\(([^()$]+)\)|\{([^{}$]+)\}|([@<^+*?%|]))")
MAX_EXPANSION_DEPTH = 10


@dataclass
class RecipeLine:
    """One line of a target's recipe, as make runs it."""

    line: int  # first line of the recipe line (continuations keep their newlines)
    text: str  # make variables expanded, `@`/`-`/`+` prefixes removed, `$$` turned into `$`
    ignore_errors: bool = False  # a `-` prefix, or the target is named by `.IGNORE`: a failure does not stop make


@dataclass
class Target:
    """A Makefile target with its prerequisites and recipe."""

    name: str
    line: int
    prerequisites: list[str]
    recipe: list[RecipeLine] = field(default_factory=list)


@dataclass
class Makefile:
    """A parsed Makefile: its targets and variables."""

    path: str
    targets: dict[str, Target]
    variables: dict[str, str]

    def recipe_closure(self, name: str) -> list[tuple[str, RecipeLine]]:
        """Recipe lines run by `make name`: prerequisites first (depth first, each target once), then its own."""
        out: list[tuple[str, RecipeLine]] = []
        seen: set[str] = set()
        # Without recursion: a generated Makefile may chain thousands of targets.
        stack: list[tuple[str, bool]] = [(name, False)]
        while stack:
            target_name, prerequisites_done = stack.pop()
            if prerequisites_done:
                out.extend((target_name, line) for line in self.targets[target_name].recipe)
                continue
            if target_name in seen or target_name not in self.targets:
                continue
            seen.add(target_name)
            stack.append((target_name, True))
            stack.extend((p, False) for p in reversed(self.targets[target_name].prerequisites))
        return out

    @property
    def default_target(self) -> str | None:
        return next((t for t in self.targets if not t.startswith(".")), None)


def parse_makefile(path: str, text: str) -> Makefile:
    lines = text.split("\n")
    variables: dict[str, str] = {}
    targets: dict[str, Target] = {}
    current: list[Target] = []
    raw_recipes: list[tuple[list[Target], int, str]] = []
    i, n = 0, len(lines)
    in_define = False
    while i < n:
        start = i
        line = lines[i].rstrip("\r")
        if line.startswith("\t") and current:  # recipe line; continuations stay for the shell
            parts = [line[1:]]
            while parts[-1].endswith("\\") and i + 1 < n:
                i += 1
                following = lines[i].rstrip("\r")
                parts.append(following[1:] if following.startswith("\t") else following)
            raw_recipes.append((current, start + 1, "\n".join(parts)))
            i += 1
            continue
        parts = [line]
        while parts[-1].endswith("\\") and i + 1 < n:
            i += 1
            parts.append(lines[i].rstrip("\r"))
        i += 1
        logical = " ".join(p[:-1] if p.endswith("\\") else p for p in parts)
        stripped = _strip_comment(logical).strip()
        if in_define:
            in_define = not stripped.startswith("endef")
            continue
        if not stripped:
            continue
        if stripped.startswith(("define ", "define\t")) or stripped == "define":
            in_define = True
            continue
        if stripped.split()[0] in DIRECTIVES:
            continue
        assignment = ASSIGNMENT.match(stripped)
        if assignment:
            name, op, value = assignment.groups()
            if op == "+=":
                variables[name] = f"{variables.get(name, '')} {value}".strip()
            elif op == "?=":
                variables.setdefault(name, value)
            elif op != "!=":
                variables[name] = value
            current = []
            continue
        rule = RULE.match(stripped)
        if rule:
            names, _, rest = rule.groups()
            prerequisites, _, inline = rest.partition(";")
            current = []
            for name in names.split():
                if "%" in name:
                    continue
                target = targets.setdefault(name, Target(name, start + 1, []))
                target.prerequisites.extend(prerequisites.split())
                current.append(target)
            if inline.strip():
                raw_recipes.append((current, start + 1, inline.strip()))
            continue
        current = []
    ignored = targets.get(".IGNORE")
    ignored_names = None if ignored is None else set(ignored.prerequisites)  # no prerequisites: every target
    for owners, line_number, raw in raw_recipes:
        for target in owners:
            body, ignore_errors = _strip_prefixes(raw)
            if ignored_names is not None and (not ignored_names or target.name in ignored_names):
                ignore_errors = True
            target.recipe.append(RecipeLine(line_number, expand(body, variables, target), ignore_errors))
    for target in targets.values():
        target.prerequisites = [expand(p, variables, target) for p in target.prerequisites]
    return Makefile(path=path, targets=targets, variables=variables)


def _strip_comment(text: str) -> str:
    index = text.find("#")
    while index > 0 and text[index - 1] == "\\":
        index = text.find("#", index + 1)
    return text if index < 0 else text[:index]


def _strip_prefixes(text: str) -> tuple[str, bool]:
    """The command without make's `@`/`-`/`+` prefixes, and whether `-` (ignore its failure) was among them."""
    stripped = text.lstrip(" ")
    ignore_errors = False
    while stripped[:1] in ("@", "-", "+") and stripped:
        ignore_errors = ignore_errors or stripped[0] == "-"
        stripped = stripped[1:].lstrip(" ")
    return stripped, ignore_errors


def expand(text: str, variables: dict[str, str], target: Target | None = None, depth: int = 0) -> str:
    """Expand make references; unknown ones and functions (`$(shell ...)`) stay as written; `$$` -> `$`."""
    out: list[str] = []
    i = 0
    while i < len(text):
        if text[i] != "$":
            out.append(text[i])
            i += 1
            continue
        if text.startswith("$$", i):
            out.append("$")
            i += 2
            continue
        match = REFERENCE.match(text, i)
        if not match:
            out.append("$")
            i += 1
            continue
        name = match.group(1) or match.group(2)
        automatic = match.group(3)
        if automatic and target is not None:
            value = (
                target.name
                if automatic == "@"
                else " ".join(target.prerequisites[:1] if automatic == "<" else target.prerequisites)
            )
            out.append(value)
        elif name is not None and name in variables and depth < MAX_EXPANSION_DEPTH:
            out.append(expand(variables[name], variables, target, depth + 1))
        else:
            out.append(match.group(0))
        i = match.end()
    return "".join(out)


def _build(project, rel: str) -> Makefile | None:
    text = project.try_read_text(rel, "Makefile")
    if text is None:
        return None
    try:
        return parse_makefile(rel, text)
    except (RecursionError, ValueError) as error:  # pragma: no cover - defensive
        project.problem(rel, f"invalid Makefile: {error}")
        return None


def load_makefile(project, rel: str) -> Makefile | None:
    return project.parsed("makefile", rel, _build)


@fact
def makefiles(project) -> dict[str, Makefile]:
    """Every Makefile (`Makefile`, `makefile`, `GNUmakefile`, `*.mk`) of the project, parsed once."""
    out = {}
    for rel in project.select(filekinds.is_makefile):
        parsed = load_makefile(project, rel)
        if parsed is not None:
            out[rel] = parsed
    return out
