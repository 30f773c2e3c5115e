"""SEC001: committed secrets. Every fake token is assembled at run time, so this file holds none."""

from __future__ import annotations

import json

from tests.conftest import findings

LETTERS = "AbCdEfGhIjKlMnOpQrStUvWxYz"


def fake(prefix: str, length: int, alphabet: str = LETTERS + "0123456789") -> str:
    body = (alphabet * (length // len(alphabet) + 1))[:length]
    return prefix + body


AWS_ID = "AK" + "IA" + "Q3EGRIUXZ7KLMN4P"
AWS_SECRET = fake("", 30) + "Ab/9+xYz0q"
GITHUB = fake("gh" + "p_", 36)
GITHUB_PAT = "github" + "_pat_" + fake("", 22) + "_" + fake("", 59)
HF = fake("h" + "f_", 34, LETTERS)
WANDB = fake("", 40, "0123456789abcdef")
OPENAI = "sk" + "-" + fake("", 20) + "T3Blbk" + "FJ" + fake("", 20)
OPENAI_PROJECT = "sk" + "-proj-" + fake("", 60)
PEM = "-----BEGIN " + "RSA PRIVATE KEY-----\n" + fake("MIIEow", 58) + "\n" + fake("", 64) + "\n-----END RSA KEY-----\n"
ALL_SECRETS = (AWS_ID, AWS_SECRET, GITHUB, GITHUB_PAT, HF, WANDB, OPENAI, OPENAI_PROJECT)


def sec(root) -> list[dict]:
    found = [f for f in findings(root, select="SEC001") if f["code"] == "SEC001"]
    for f in found:
        assert not any(secret in f["message"] for secret in ALL_SECRETS), f["message"]
        assert fake("", 20) not in f["message"]
    return found


def test_token_patterns(make_repo):
    root = make_repo(
        {
            "src/settings.py": (
                f'AWS_KEY = "{AWS_ID}"\n'
                f'GH = "{GITHUB}"\n'
                f"pat = {GITHUB_PAT!r}\n"
                f'login(token="{HF}")\n'
                f'wandb.login(key="{WANDB}")\n'
                f'client = OpenAI(api_key="{OPENAI}")\n'
                f"other = {OPENAI_PROJECT!r}\n"
            ),
            "deploy/credentials": f"[default]\naws_secret_access_key = {AWS_SECRET}\n",
            "keys/id_rsa": PEM,
            "home/.netrc": f"machine api.wandb.ai\n  login user\n  password {WANDB}\n",
        }
    )
    found = sec(root)
    where = [(f["path"], f["line"], f["message"].split(" committed")[0]) for f in found]
    assert where == [
        ("deploy/credentials", 2, "AWS secret access key (40 characters)"),
        ("home/.netrc", 3, "Weights & Biases API key (40 characters)"),
        ("keys/id_rsa", 1, "RSA PRIVATE KEY block"),
        ("src/settings.py", 1, "AWS access key id (AKIA…, 20 characters)"),
        ("src/settings.py", 2, "GitHub token (ghp_…, 40 characters)"),
        ("src/settings.py", 3, "GitHub fine-grained token (github_pat_…, 93 characters)"),
        ("src/settings.py", 4, "Hugging Face token (hf_…, 37 characters)"),
        ("src/settings.py", 5, "Weights & Biases API key (40 characters)"),
        ("src/settings.py", 6, "OpenAI API key (sk-…, 51 characters)"),
        ("src/settings.py", 7, "OpenAI API key (sk-…, 68 characters)"),
    ]
    assert found[3]["column"] == 12
    assert "revoke it" in found[0]["message"]


def test_secret_in_notebook_output(make_repo):
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": 1,
                "id": "c",
                "metadata": {},
                "outputs": [{"name": "stdout", "output_type": "stream", "text": [f"token={HF}\n"]}],
                "source": ["print(os.environ)"],
            }
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    text = json.dumps(nb, indent=1)
    root = make_repo({"explore.ipynb": text})
    (found,) = sec(root)
    assert "Hugging Face token" in found["message"]
    assert HF in text.splitlines()[found["line"] - 1]


def test_private_key_inside_json_string(make_repo):
    root = make_repo({"sa.json": json.dumps({"private_key": PEM})})
    (found,) = sec(root)
    assert found["message"].startswith("RSA PRIVATE KEY block")


def test_look_alikes(make_repo):
    root = make_repo(
        {
            "docs/aws.md": "Use AKIA" + "IOSFODNN7EXAMPLE as the key id, "
            "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCY" + "EXAMPLEKEY\n",
            "docs/keys.md": "Paste the block starting with -----BEGIN " + "RSA PRIVATE KEY----- ...\n",
            "src/hub.py": "from huggingface_hub import hf_hub_download, snapshot_download\n"
            + fake("h" + "f_", 34, "abcdefghijklmnopqrstuvwxyz")
            + " = 1\n",
            "src/tasks.py": 'name = "task-' + fake("", 40) + '"\nrisk = "sk-short"\n',
            "src/revision.py": f'REVISION = "{WANDB}"  # a commit sha, not named as a W&B key\n',
            "uv.lock": 'hash = "sha256:' + "ab" * 32 + '"\n',
            "weights.bin": b"\x00\x01" + GITHUB.encode() + b"\x00",
            "image.png": GITHUB.encode(),
        }
    )
    assert sec(root) == []


def test_tracked_env_files(make_repo):
    root = make_repo(
        {
            ".env": "# local settings\nexport WANDB_PROJECT=demo\nDB_PASSWORD='hunter2'\nEMPTY=\n",
            ".env.example": "WANDB_API_KEY=\nHF_TOKEN=\n",
            "config/.env.sample": "OPENAI_API_KEY=your-key-here\n",
            "deploy/prod.env": "TOKEN=abc\n",
            "deploy/ci.env.template": "TOKEN=\n",
            "blank/.env": "# nothing set\n\n",
        }
    )
    found = sec(root)
    assert [(f["path"], f["line"]) for f in found] == [(".env", 3), ("deploy/prod.env", 1)]
    assert "values for DB_PASSWORD;" in found[0]["message"]
    assert "hunter2" not in found[0]["message"] and "`git rm --cached .env`" in found[0]["message"]


def test_env_files_of_plain_settings_hold_no_secret(make_repo):
    root = make_repo(
        {
            "docker/.env": "COMPOSE_PROJECT_NAME=handson-ml3\nTZ=UTC\nPYTHONPATH=/app\nKEYBOARD_LAYOUT=us\n",
            "db/.env": "DATABASE_URL=postgres://app:hunter2@db:5432/app\n",
            "api/.env": "OPENAI_API_KEY=abc\n",
            "ok/.env": "REDIS_URL=redis://cache:6379/0\nTOKENIZERS_PARALLELISM=false\n",
        }
    )
    found = findings(root, select="SEC001")
    assert [(f["path"], f["line"]) for f in found] == [("api/.env", 1), ("db/.env", 1)]
    assert "OPENAI_API_KEY" in found[0]["message"] and "hunter2" not in found[1]["message"]


def test_placeholder_values_of_a_committed_env_template_are_no_secret(make_repo):
    root = make_repo(
        {
            # the judged shape: a template under another name whose values repeat the variable names
            ".env.tmp": "DIR_LOGS=/logs\nWANDB_PROJECT=wandbprojectname\nWANDB_API_KEY=wandbapikey\n"
            "HUGGINGFACE_TOKEN=huggingfacetoken\n",
            # other placeholder spellings
            "deploy/.env": "HF_TOKEN=<your token>\nOPENAI_API_KEY=your_openai_api_key_here\nDB_PASSWORD=changeme\n"
            "AWS_SECRET_ACCESS_KEY=${AWS_SECRET}\nAPI_KEY=xxxx\n",
            # look-alikes that stay reported: a real-looking value next to a placeholder, a short made-up password
            "svc/.env": "WANDB_API_KEY=wandbapikey\nDB_PASSWORD=s3cr3tP4ss\n",
            "api/.env": "OPENAI_API_KEY=abc\n",
        }
    )
    found = sec(root)
    assert [(f["path"], f["line"]) for f in found] == [("api/.env", 1), ("svc/.env", 2)]
    assert "DB_PASSWORD" in found[1]["message"] and "WANDB_API_KEY" not in found[1]["message"]


def test_token_in_a_readme_block_said_to_hold_example_values(make_repo):
    block = f"```bash\nWANDB_API_KEY=a21dzbqly\nHUGGINGFACE_TOKEN={HF}\n```\n"
    root = make_repo(
        {
            # the judged shape: the text before the block says the values are examples
            "README.md": "## Setup\n\nRename `.env.tmp` to `.env` and replace with your own variables (example "
            f"values are random)\n{block}\nThen add the token, for example `HUGGINGFACE_TOKEN={HF}`.\n",
            # another shape: in docs, the keys below are fake
            "docs/setup.md": f"Set these (the keys below are fake):\n\n{block}",
            # look-alikes that stay reported: a block with no such sentence, one that says only "for example"
            # about something else, a sentence far above the block
            "docs/deploy.md": f"Set your credentials:\n\n{block}",
            "docs/run.md": f"Run for example the small model:\n\n{block}",
            "docs/far.md": f"Example values are random.\n\nSome text.\n\n{block}",
        }
    )
    found = sec(root)
    assert [(f["path"], f["line"]) for f in found] == [("docs/deploy.md", 5), ("docs/far.md", 7), ("docs/run.md", 5)]


def test_untracked_env_is_not_committed(make_repo):
    root = make_repo({".gitignore": ".env\n", "README.md": "x\n"})
    (root / ".env").write_text(f"HF_TOKEN={HF}\n")
    assert sec(root) == []


def test_secret_in_env_example_is_still_a_secret(make_repo):
    root = make_repo({".env.example": f"WANDB_API_KEY={WANDB}\n"})
    (found,) = sec(root)
    assert (found["path"], found["line"]) == (".env.example", 1)
    assert found["message"].startswith("Weights & Biases API key (40 characters)")


def test_key_id_signing_a_url_is_not_the_projects(make_repo):
    log = (
        "Location: https://objects.githubusercontent.com/asset?X-Amz-Algorithm=AWS4-HMAC-SHA256"
        f"&X-Amz-Credential={AWS_ID}%2F20211120%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=ab [following]\n"
    )
    legacy = f"--2021-01-01--  https://bucket.s3.amazonaws.com/w.h5?AWSAccessKeyId={AWS_ID}&Expires=1&Signature=x\n"
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": 1,
                "id": "c",
                "metadata": {},
                "outputs": [{"name": "stderr", "output_type": "stream", "text": [log, log, legacy]}],
                "source": ["!wget https://github.com/o/r/releases/download/v1/w.h5"],
            }
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    root = make_repo(
        {
            "download.ipynb": json.dumps(nb, indent=1),
            "encoded.txt": f"url=https://x.s3.amazonaws.com/a?X-Amz-Credential%3D{AWS_ID}%2F2021\n",
            # look-alikes that stay secrets: the same key id assigned, or in a URL under another parameter
            "src/settings.py": f'AWS_ACCESS_KEY_ID = "{AWS_ID}"\n',
            "src/fetch.py": f'URL = "https://example.com/upload?key={AWS_ID}"\n',
        }
    )
    found = sec(root)
    assert [(f["path"], f["line"]) for f in found] == [("src/fetch.py", 1), ("src/settings.py", 1)]


def test_one_finding_per_secret_per_file(make_repo):
    root = make_repo(
        {
            "src/a.py": f'KEY = "{AWS_ID}"\nprint("{AWS_ID}")\n\nOTHER = "{GITHUB}"\nclient(key="{AWS_ID}")\n',
        }
    )
    found = sec(root)
    assert [(f["line"], f["message"].split(" committed")[0]) for f in found] == [
        (1, "AWS access key id (AKIA…, 20 characters)"),
        (4, "GitHub token (ghp_…, 40 characters)"),
    ]
    assert "(also at lines 2, 5)" in found[0]["message"]
    assert [r["line"] for r in found[0]["related"]] == [2, 5]
