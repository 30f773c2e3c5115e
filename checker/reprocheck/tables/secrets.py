"""Secret patterns (SEC001) as data: a small, precise set, each with the cheap byte needle that must be present
before its regular expression runs, and the public prefix a message may show instead of the secret.

Formats: AWS IAM key ids (AKIA/ASIA...), GitHub tokens (ghp_/gho_/ghu_/ghs_/ghr_, github_pat_), Hugging Face
user access tokens (hf_ + 34 letters), Weights & Biases API keys (40 hex, only where named as a W&B key),
OpenAI keys (`sk-` with the `T3BlbkFJ` marker, or `sk-proj-`/`sk-svcacct-`/`sk-admin-`), PEM private key blocks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class SecretPattern:
    """A kind of secret: the needles that pre-filter files and the pattern that finds it."""

    name: str  # what it is, for the message
    needles: tuple[bytes, ...]  # at least one must occur in the file's bytes
    regex: re.Pattern[str]  # group "secret" is the part never shown
    shown_prefix: str  # the public, type-identifying prefix a message may show
    mixed_case: bool = False  # the secret must mix upper- and lower-case letters (random, not an identifier)


SECRET_PATTERNS: tuple[SecretPattern, ...] = (
    SecretPattern(
        "private key block",
        (b"PRIVATE KEY",),
        re.compile(
            r"-----BEGIN (?P<kind>(?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?)-----"
            r"(?:\r?\n|(?:\\r)?\\n)(?:[A-Za-z\-]+: [^\n\\]*(?:\r?\n|(?:\\r)?\\n))*(?P<secret>[A-Za-z0-9+/=]{40,})"
        ),
        "",
    ),
    SecretPattern(
        "AWS access key id",
        (b"AKIA", b"ASIA", b"ABIA", b"ACCA", b"A3T"),
        re.compile(r"(?<![A-Z0-9])(?P<secret>(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16})(?![A-Z0-9])"),
        "",
    ),
    SecretPattern(
        "AWS secret access key",
        (b"aws_secret_access_key", b"AWS_SECRET_ACCESS_KEY", b"SecretAccessKey"),
        re.compile(
            r"(?i:aws_secret_access_key|secretaccesskey)[\"']?\s*[:=]\s*[\"']?(?P<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])"
        ),
        "",
        mixed_case=True,
    ),
    SecretPattern(
        "GitHub token",
        (b"ghp_", b"gho_", b"ghu_", b"ghs_", b"ghr_"),
        re.compile(r"(?<![A-Za-z0-9_])(?P<secret>gh[pousr]_[A-Za-z0-9]{36,251})(?![A-Za-z0-9_])"),
        "gh",
    ),
    SecretPattern(
        "GitHub fine-grained token",
        (b"github_pat_",),
        re.compile(r"(?<![A-Za-z0-9_])(?P<secret>github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})(?![A-Za-z0-9_])"),
        "github_pat_",
    ),
    SecretPattern(
        "Hugging Face token",
        (b"hf_",),
        re.compile(r"(?<![A-Za-z0-9_])(?P<secret>hf_[A-Za-z0-9]{34,40})(?![A-Za-z0-9_])"),
        "hf_",
        mixed_case=True,
    ),
    SecretPattern(
        "Weights & Biases API key",
        (b"wandb", b"WANDB"),
        re.compile(
            r"(?i:wandb[_\-]?api[_\-]?key|wandb\.login\([^)\n]{0,200}key)[\"']?\s*[:=]\s*[\"']?(?P<secret>[0-9a-f]{40})"
            r"(?![0-9a-zA-Z])"
        ),
        "",
    ),
    SecretPattern(
        "Weights & Biases API key",
        (b"api.wandb.ai",),
        re.compile(r"machine\s+api\.wandb\.ai\s+login\s+\S+\s+password\s+(?P<secret>[0-9a-f]{40})(?![0-9a-zA-Z])"),
        "",
    ),
    SecretPattern(
        "OpenAI API key",
        (b"sk-",),
        re.compile(
            r"(?<![A-Za-z0-9_\-])(?P<secret>sk-(?:(?:proj|svcacct|admin)-[A-Za-z0-9_\-]{40,}"
            r"|[A-Za-z0-9_\-]{20,}T3BlbkFJ[A-Za-z0-9_\-]{20,}))(?![A-Za-z0-9_\-])"
        ),
        "sk-",
    ),
)

# Placeholders from vendor documentation: a match containing one of these is an example, not a secret.
DOCUMENTED_EXAMPLES = ("EXAMPLE", "example", "xxxxxxxx", "XXXXXXXX", "00000000000000000000")

# Environment files that hold real values (`.env`, `.env.production`, `prod.env`), and the template suffixes
# that mark a committed example instead.
ENV_FILE = re.compile(r"^(\.env(\.[\w.\-]+)?|[\w.\-]+\.env)$")
# Names of environment variables that hold credentials (matched as words of the name: HF_TOKEN, DB_PASSWORD,
# AWS_SECRET_ACCESS_KEY); a .env that sets only other names (COMPOSE_PROJECT_NAME, TZ, PYTHONPATH) holds settings.
SECRET_NAME_WORDS = frozenset(
    {
        "key",
        "apikey",
        "token",
        "secret",
        "password",
        "passwd",
        "pass",
        "pwd",
        "credential",
        "credentials",
        "auth",
        "private",
        "session",
        "cookie",
        "signature",
        "dsn",
    }
)
# A value that carries credentials whatever its name: `scheme://user:password@host`.
CREDENTIAL_URL = r"^[a-z][a-z0-9+.\-]*://[^/\s:@]+:[^/\s@]+@"
ENV_TEMPLATE_WORDS = frozenset({"example", "sample", "template", "tpl", "dist", "defaults", "default", "schema", "ci"})

# Never scanned: formats that cannot hold a pasted token as text, or are too large to be config.
BINARY_SUFFIXES = (
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".bmp",
    ".ico",
    ".webp",
    ".svg",
    ".pdf",
    ".zip",
    ".gz",
    ".bz2",
    ".xz",
    ".zst",
    ".tar",
    ".tgz",
    ".whl",
    ".egg",
    ".pt",
    ".pth",
    ".ckpt",
    ".safetensors",
    ".onnx",
    ".pkl",
    ".pickle",
    ".joblib",
    ".npy",
    ".npz",
    ".parquet",
    ".feather",
    ".arrow",
    ".h5",
    ".hdf5",
    ".tfrecord",
    ".so",
    ".dylib",
    ".dll",
    ".exe",
    ".bin",
    ".o",
    ".a",
    ".pyc",
    ".class",
    ".jar",
    ".mp3",
    ".mp4",
    ".wav",
    ".flac",
    ".avi",
    ".mov",
    ".woff",
    ".woff2",
    ".ttf",
    ".otf",
    ".eot",
)
MAX_SCAN_BYTES = 8 * 1024 * 1024
