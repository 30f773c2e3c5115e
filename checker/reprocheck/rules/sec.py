"""SEC001: secrets committed to the repository (SEC002, workflow script injection, lives with the CI rules)."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass

from reprocheck.findings import Location, Severity
from reprocheck.patterns import lazy_pattern
from reprocheck.project import BINARY_SNIFF, UnreadableFile, decode_text
from reprocheck.rule import Rule
from reprocheck.tables import secrets as table

NEEDLES = lazy_pattern(b"|".join(re.escape(n) for p in table.SECRET_PATTERNS for n in p.needles))
CREDENTIAL_URL = re.compile(table.CREDENTIAL_URL, re.IGNORECASE)
# a key id that signs a URL (a presigned S3 link in a download log) is the bucket owner's, not the project's
URL_SIGNING_KEY_ID = lazy_pattern(r"(?:X-Amz-Credential|AWSAccessKeyId)(?:=|%3D)$", re.IGNORECASE)
ENV_ASSIGNMENT = lazy_pattern(r"^\s*(?:export\s+)?(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*=\s*(?P<value>.*)$")


@dataclass(frozen=True)
class SecretHit:
    """A secret-shaped string found in a file (only its masked form is ever shown)."""

    name: str
    line: int
    column: int
    masked: str
    secret: str = ""
    also: tuple[int, ...] = ()


def is_env_file(rel: str) -> bool:
    """`.env`, `.env.local`, `prod.env`, but not `.env.example`, `.env.sample`, `ci.env.template`."""
    name = posixpath.basename(rel)
    if not table.ENV_FILE.match(name):
        return False
    words = {w.lower() for w in re.split(r"[.\-_]", name) if w}
    return not (words & table.ENV_TEMPLATE_WORDS)


# A value that stands for one the user fills in: `<your token>`, `${HF_TOKEN}`, `your_api_key_here`, `changeme`,
# `xxxx`, `...`, `placeholder`, `dummy`.
PLACEHOLDER_VALUE = re.compile(
    r"^(?:<[^<>]*>|\$\{?\w+\}?|\{\{[^{}]*\}\}|x{3,}|\*{3,}|\.{3,}|-+)$"
    r"|\byour(?:[\s_-]|$)|^your[a-z]|change[\s_-]?me|placeholder|replace[\s_-]?(?:me|with|this)|\bdummy\b|_here$",
    re.IGNORECASE,
)


def is_placeholder(name: str, value: str) -> bool:
    """Whether an environment value is a placeholder for the real one: written as such (`<your token>`,
    `your_api_key_here`, `changeme`), or the variable's own name again (`WANDB_API_KEY=wandbapikey`,
    `HF_TOKEN=hf-token`): a template's value, not a credential."""
    if PLACEHOLDER_VALUE.search(value):
        return True
    letters = re.sub(r"[^a-z0-9]", "", value.lower())
    own = re.sub(r"[^a-z0-9]", "", name.lower())
    return len(letters) >= 5 and letters in own


def holds_credentials(name: str, value: str) -> bool:
    """Whether an environment assignment looks like a credential: by a word of its name, or a URL with a password."""
    words = {word.lower() for word in re.split(r"[_\-]+", name) if word}
    return bool(words & table.SECRET_NAME_WORDS) or CREDENTIAL_URL.match(value) is not None


def mask(pattern: table.SecretPattern, secret: str) -> str:
    """Only the public prefix that says what kind of secret it is, and its length; never the secret."""
    prefix = pattern.shown_prefix
    if pattern.name == "private key block":
        return ""  # the header already says what it is
    if prefix == "gh":
        prefix = secret[:4]  # ghp_, gho_, ... name the token type
    elif not prefix and pattern.name == "AWS access key id":
        prefix = secret[:4]  # AKIA (long-term) vs ASIA (temporary)
    return f"{prefix}…, {len(secret)} characters" if prefix else f"{len(secret)} characters"


def signs_url(text: str, start: int) -> bool:
    """Whether the key id at `start` is the value of a presigned URL's credential parameter."""
    return URL_SIGNING_KEY_ID.search(text, max(0, start - 24), start) is not None


def scan(text: str, present: bytes) -> Iterator[SecretHit]:
    """Every secret in `text`, once per secret (with the other lines it is on); only patterns whose needle occurs
    in the bytes are tried."""
    hits: dict[tuple[str, str], tuple[SecretHit, dict[int, None]]] = {}
    for hit in scan_all(text, present):
        key = (hit.name, hit.secret)
        if key not in hits:
            hits[key] = (hit, {})
        elif hit.line != hits[key][0].line:
            hits[key][1][hit.line] = None
    for first, others in hits.values():
        yield SecretHit(first.name, first.line, first.column, first.masked, first.secret, tuple(others))


def scan_all(text: str, present: bytes) -> Iterator[SecretHit]:
    """Every occurrence of a secret in `text`, one per line and kind."""
    seen: set[tuple[int, str]] = set()
    for pattern in table.SECRET_PATTERNS:
        if not any(needle in present for needle in pattern.needles):
            continue
        line, counted = 1, 0  # matches come in order: count newlines from the previous one, not from the top
        for match in pattern.regex.finditer(text):
            secret = match.group("secret")
            if any(example in match.group(0) for example in table.DOCUMENTED_EXAMPLES):
                continue
            if pattern.name == "AWS access key id" and signs_url(text, match.start("secret")):
                continue
            if pattern.mixed_case and not (re.search("[a-z]", secret) and re.search("[A-Z]", secret)):
                continue
            start = match.start("secret") if pattern.name != "private key block" else match.start()
            line += text.count("\n", counted, start)
            counted = start
            if (line, pattern.name) in seen:
                continue
            seen.add((line, pattern.name))
            column = start - (text.rfind("\n", 0, start) + 1) + 1
            name = f"{match.group('kind').strip()} block" if pattern.name == "private key block" else pattern.name
            yield SecretHit(name, line, column, mask(pattern, secret), secret)


class CommittedSecret(Rule):
    """
    ## What it does
    Reports secrets in files tracked by git: a tracked `.env` file with values for credentials (names with a
    word such as `KEY`, `TOKEN`, `SECRET`, `PASSWORD`, or a URL with a password; `.env.example`, `.env.sample`,
    `.env.template` are templates and fine, and a `.env` of plain settings such as `COMPOSE_PROJECT_NAME` is
    not a secret, nor is a placeholder value: `<your token>`, `your_api_key_here`, `changeme`, `${HF_TOKEN}`, or
    the variable's own name again, `WANDB_API_KEY=wandbapikey`), PEM private key blocks, AWS access key ids and
    secret keys, GitHub tokens, Hugging Face tokens (`hf_…`), Weights & Biases API keys (where named as such, or
    in a `.netrc` entry), and OpenAI keys (`sk-…`). Notebook outputs are scanned too. The message names the kind
    of secret and where it is, never the secret itself; documented placeholders (`AKIA…EXAMPLE`) are ignored, and so is
    a token in a code block of a document (Markdown, reStructuredText, text) whose preceding paragraph says it
    holds example values ("example values are random", "the keys below are fake"). A
    secret repeated in one file is reported once, its other lines named and related. An AWS key id that signs a URL
    (`X-Amz-Credential=AKIA…`, `AWSAccessKeyId=AKIA…` in a presigned link, as a download log prints it) is
    the credential of the bucket's owner, not the project's, and is not reported.

    ## Why it matters
    Anything committed is in every clone and in the history forever, deleting the line does not remove it.
    A leaked key costs money (cloud, API usage), exposes data, or lets someone push to your repositories and
    model hub; and a pipeline that only runs with one person's credentials is not reproducible by anyone else.

    ## Example
    ```python
    os.environ["HF_TOKEN"] = "hf_…"   # a real token pasted here
    ```

    ## Fix
    Revoke the secret now (it is compromised), then load it from the environment or a secret manager
    (`os.environ["HF_TOKEN"]`, CI secrets, `huggingface-cli login`), commit a `.env.example` with empty values,
    git-ignore `.env`, and purge the history if the repository was ever shared.
    """

    code = "SEC001"
    name = "committed-secret"
    severity = Severity.ERROR
    summary = "A secret committed to the repository (key, token, or a tracked .env)"

    def check(self, project):
        for rel in project.files:
            if not project.is_tracked(rel) or rel.lower().endswith(table.BINARY_SUFFIXES):
                continue
            env_file = is_env_file(rel)
            if not env_file and not project.remembered(
                "secret-needles", rel, lambda r=rel: may_hold_secret(project, r)
            ):
                continue
            try:
                data = project.read_bytes(rel, table.MAX_SCAN_BYTES)
            except UnreadableFile:
                continue
            try:
                text = decode_text(data)
            except UnreadableFile:
                continue
            if env_file:
                yield from self.env_finding(rel, text)
            examples = example_block_lines(text) if rel.lower().endswith(DOCUMENT_SUFFIXES) else frozenset()
            for hit in scan(text, data):
                if hit.line in examples:
                    continue  # in a code block the text before it calls example values: a documented fake
                shown = f" ({hit.masked})" if hit.masked else ""
                also = ""
                if hit.also:
                    lines = ", ".join(str(n) for n in hit.also[:3]) + (" and more" if len(hit.also) > 3 else "")
                    also = f" (also at line{'s' if len(hit.also) > 1 else ''} {lines})"
                yield self.finding(
                    f"{hit.name}{shown} committed in {rel}{also}; revoke it and load it from the environment "
                    "or a secret store instead",
                    rel,
                    hit.line,
                    hit.column,
                    related=[Location(rel, line) for line in hit.also],
                )

    def env_finding(self, rel: str, text: str):
        assigned = []
        first_line = None
        for number, line in enumerate(text.splitlines(), start=1):
            match = ENV_ASSIGNMENT.match(line)
            value = match.group("value").strip().strip("'\"") if match else ""
            if (
                value
                and holds_credentials(match.group("name"), value)
                and not is_placeholder(match.group("name"), value)
            ):
                assigned.append(match.group("name"))
                first_line = first_line or number
        if not assigned:
            return
        names = ", ".join(assigned[:3]) + (f" and {len(assigned) - 3} more" if len(assigned) > 3 else "")
        yield self.finding(
            f"{rel} is tracked by git with values for {names}; `git rm --cached {rel}`, git-ignore it, commit a "
            f"{posixpath.basename(rel)}.example with empty values, and rotate any secret it held",
            rel,
            first_line,
        )


DOCUMENT_SUFFIXES = (".md", ".markdown", ".rst", ".txt")
FENCE = lazy_pattern(r"^\s{0,3}(```+|~~~+)")
# "example values are random", "the keys below are fake", "replace them with your own (dummy values)".
EXAMPLE_VALUES = re.compile(
    r"\b(?:examples?|sample|dummy|fake|random|placeholder|made[- ]up|fictional)\b[^.\n]{0,30}?"
    r"\b(?:values?|keys?|tokens?|credentials?|secrets?)\b"
    r"|\b(?:values?|keys?|tokens?|credentials?|secrets?)\b[^.\n]{0,30}?\b(?:are|is)\s+(?:(?:just|only|all)\s+)?"
    r"(?:random|fake|dummy|made[- ]up|placeholders?|examples?|not real)\b",
    re.IGNORECASE,
)


def example_block_lines(text: str) -> frozenset[int]:
    """The lines of a document's fenced code blocks that the paragraph right before them says hold example values
    (`rename .env.tmp to .env and replace with your own variables (example values are random)`)."""
    lines = text.splitlines()
    found: set[int] = set()
    opening: tuple[int, str] | None = None
    for index, line in enumerate(lines):
        fence = FENCE.match(line)
        if fence is None:
            continue
        if opening is None:
            opening = (index, fence.group(1))
            continue
        if fence.group(1)[0] != opening[1][0] or len(fence.group(1)) < len(opening[1]):
            continue
        start, opening = opening[0], None
        before: list[str] = []
        for previous in reversed(lines[max(0, start - 4) : start]):
            if not previous.strip():
                if before:
                    break
                continue
            before.append(previous)
        if any(EXAMPLE_VALUES.search(sentence) for sentence in before):
            found.update(range(start + 1, index + 2))
    return frozenset(found)


def may_hold_secret(project, rel: str) -> bool:
    """Whether a file's bytes hold anything shaped like a secret (the cheap test before decoding and scanning)."""
    try:
        data = project.read_bytes(rel, table.MAX_SCAN_BYTES)
    except UnreadableFile:
        return False
    return NEEDLES.search(data) is not None and b"\0" not in data[:BINARY_SNIFF]
