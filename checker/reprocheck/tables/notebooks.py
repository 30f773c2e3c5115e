"""How a repository declares that its notebooks are committed without outputs (NB001's severity).

A project that strips outputs on purpose (a pre-commit hook, a git clean filter, a CI check) wants every
committed notebook clean, so outputs that slipped past are a warning; elsewhere outputs may be kept for readers.
"""

from __future__ import annotations

import re

from reprocheck.patterns import lazy_pattern

# pre-commit hook ids of tools that clear notebook outputs (kynan/nbstripout, srstevenson/nb-clean,
# roy-ht/pre-commit-jupyter, deshaw/nbstripout-fast).
STRIP_HOOK_IDS = frozenset({"nbstripout", "nb-clean", "jupyter-notebook-cleanup", "nbstripout-fast"})
# A command line (hook entry, CI step) that clears or checks notebook outputs. nbQA (linters on notebook code)
# and nbdev_clean (metadata only, outputs kept for the docs) say nothing about outputs.
STRIP_COMMAND = lazy_pattern(
    r"\bnbstripout(-fast)?\b|\bnb-clean\b|--clear-output\b|ClearOutputPreprocessor\.enabled[= ]+True"
)
# Configuration tables of stripping tools: pyproject.toml `[tool.<name>]`, setup.cfg `[<name>]`.
STRIP_CONFIG_TABLES = ("nbstripout", "nb-clean", "nb_clean")
# `.gitattributes` filters that are not output strippers.
NON_STRIP_FILTERS = frozenset({"lfs"})

# IPython's line magics (its own, the aliases it defines on POSIX and ipykernel's), which automagic runs without the
# `%` in a one-line cell (`pip install -r requirements.txt`); the package managers' magics of newer releases too.
AUTOMAGICS = frozenset(
    {
        # IPython 8 line magics
        "alias", "alias_magic", "autoawait", "autocall", "automagic", "bookmark", "cd", "colors", "conda", "config",
        "debug", "dhist", "dirs", "doctest_mode", "ed", "edit", "env", "gui", "hist", "history", "killbgscripts",
        "load", "load_ext", "loadpy", "logoff", "logon", "logstart", "logstate", "logstop", "lsmagic", "macro",
        "magic", "matplotlib", "notebook", "page", "pastebin", "pdb", "pdef", "pdoc", "pfile", "pinfo", "pinfo2",
        "pip", "popd", "pprint", "precision", "prun", "psearch", "psource", "pushd", "pwd", "pycat", "pylab",
        "quickref", "recall", "rehashx", "reload_ext", "rep", "rerun", "reset", "reset_selective", "run", "save",
        "sc", "set_env", "sx", "system", "tb", "time", "timeit", "unalias", "unload_ext", "who", "who_ls", "whos",
        "xdel", "xmode",
        # the shell aliases IPython defines on POSIX
        "cat", "cp", "ldir", "lf", "lk", "ll", "ls", "lx", "mkdir", "mv", "rm", "rmdir",
        # ipykernel's, and the package managers' of later IPython releases
        "autosave", "clear", "connect_info", "less", "man", "more", "qtconsole", "mamba", "micromamba", "uv",
    }
)  # fmt: skip

# Line magics that set up how a notebook shows things, or show something from outside the kernel, and leave nothing
# a later cell reads (NB002: where such a cell ran says nothing about the results shown): `%matplotlib inline`,
# `%load_ext tensorboard`, `%tensorboard --logdir logs/`, `%watermark -v -p torch`.
DISPLAY_MAGICS = frozenset(
    {"matplotlib", "config", "load_ext", "reload_ext", "tensorboard", "watermark", "version_information", "precision"}
)
# IPython's display helpers (IPython.display): a call to one with written-out arguments shows a fixed thing.
DISPLAY_CALLS = frozenset(
    {
        "display", "Image", "HTML", "Markdown", "SVG", "Latex", "Math", "JSON", "Javascript", "IFrame",
        "YouTubeVideo", "VimeoVideo", "Video", "Audio", "FileLink", "FileLinks",
    }
)  # fmt: skip
DISPLAY_MODULES = frozenset({"IPython.display", "IPython.core.display"})

# The header of a Python block a notebook line may sit in: `if cond:` / `elif cond:` (a trailing comment allowed).
CONDITION_HEADER = lazy_pattern(r"^(?P<indent>[ \t]*)(?:if|elif)\s+(?P<condition>.+?)\s*:\s*(?:#.*)?$")
# A condition true only on Colab: `'google.colab' in sys.modules`, `IN_COLAB`, `"google.colab" in str(get_ipython())`.
# A hosted notebook service that ships its own environment (only an install there is guarded off locally).
HOSTED_CONDITION = lazy_pattern(r"colab|kaggle", re.IGNORECASE)
NEGATION = lazy_pattern(r"\bnot\b")
# `FLAG = False` (or 0): an opt-in switch that is off as committed.
FLAG_OFF = r"^[ \t]*{name}[ \t]*=[ \t]*(False|0)[ \t]*(#.*)?$"
FLAG_ASSIGNED = r"^[ \t]*{name}[ \t]*(:[^=]*)?=(?!=)"
# An archive URL that names the release it holds, in a folder or in the file name (`.../release/0.1.3/kfp.tar.gz`,
# `torch-2.1.0+cu118-cp310-cp310-linux_x86_64.whl`), and a VCS URL at a full commit: an install of a fixed version.
VERSIONED_ARCHIVE = lazy_pattern(
    r"(?:/v?\d+(?:\.\d+)+/[^/]+|[-_]v?\d+(?:\.\d+)+[^/]*)\.(?:whl|tar\.gz|tgz|tar\.bz2|tar\.xz|zip)$", re.IGNORECASE
)
VCS_AT_COMMIT = lazy_pattern(r"^(?:git|hg)\+.*@[0-9a-fA-F]{40}(?:[#&]|$)")
# A repository a notebook clones: its name is the URL's last path part (`.git` dropped).
CLONE_NAME = lazy_pattern(r"([^/:]+?)(?:\.git)?/?$")

# A blank left for the reader of an exercise notebook: a TODO or "your code" marker (`x = # TODO`, `[TODO Dense
# layer]`, `# YOUR CODE HERE`), an assignment of nothing, or of nothing but a comment (`num_epochs = `, `seed = # your
# favourite seed`), or an angle-bracket placeholder where an expression goes or as a whole line (`model = <>`,
# `<write the loop here>`), or a run of four or more dots where an expression goes (`test_embeddings_norm = ....`).
# Python has no assignment of nothing and no `....`, so a notebook holding one is an exercise.
EXERCISE_BLANK = lazy_pattern(
    r"\bTODO\b|YOUR CODE|\bFILL (?:IN|ME)\b|#\s*your\b|<[ \t]*YOUR\b[^<>\n]{0,160}>"
    r"|#[^\n]*\b(?:add|write|put|insert|enter|place) your (?:own )?(?:solution|code|answer|implementation)\b"
    r"|#[^\n]*\byour (?:solution|answer|implementation) (?:goes )?here\b"
    r"|^[ \t]*[\w.\[\]'\"]+(?:[ \t]*,[ \t]*[\w.\[\]'\"]+)*[ \t]*=[ \t]*(?:#|$)"
    r"|(?:^[ \t]*|[=(,:][ \t]*)<(?:->|[^<>\n]){0,160}>[ \t]*[),]?[ \t]*(?:#.*)?$"
    r"|(?:^[ \t]*|[=(,:[][ \t]*)\.{4,}[ \t]*(?:[),\]#]|$)",
    re.IGNORECASE | re.MULTILINE,
)
# Shapes of such blanks that a parse can be repaired at, each replaced by `...` (Ellipsis) on the same line so
# that line numbers stay: an angle-bracket placeholder (`seed = <YOUR CODE: a seed>`, `<dict of symbol -> index>`),
# a TODO in brackets (`[TODO Dense layer]`), a run of dots (`x = ....`), and an assignment of nothing (`x =`,
# `seed = # your favourite seed`).
BLANK_PLACEHOLDER = lazy_pattern(
    r"(?P<lead>^[ \t]*|[=(,:[][ \t]*)(?:<(?:->|[^<>\n]){0,160}>|\[[ \t]*TODO\b[^\]\n]{0,160}\]|\.{4,}(?![\w.]))",
    re.IGNORECASE | re.MULTILINE,
)
BLANK_ASSIGNMENT = lazy_pattern(
    r"^(?P<head>[ \t]*[\w.\[\]'\"]+(?:[ \t]*,[ \t]*[\w.\[\]'\"]+)*[ \t]*(?:[-+*/@%|&^]|//|\*\*|>>|<<)?=)"
    r"(?P<tail>[ \t]*(?:#.*)?)$",
    re.MULTILINE,
)
# A comment-only or empty line, where an empty block's body can go.
BLANK_LINE = lazy_pattern(r"^[ \t]*(?:#.*)?$")

# Kernels of languages other than Python, by name (the version dropped: `julia-1.5`), for notebooks whose metadata
# names the kernel but not its language.
OTHER_KERNELS = {
    "ir": "r",
    "julia": "julia",
    "ijulia": "julia",
    "javascript": "javascript",
    "ijavascript": "javascript",
    "deno": "typescript",
    "tslab": "typescript",
    "scala": "scala",
    "almond": "scala",
    "spylon-kernel": "scala",
    "xcpp": "c++",
    "xcpp11": "c++",
    "xcpp14": "c++",
    "xcpp17": "c++",
    "evcxr": "rust",
    "rust": "rust",
    "gophernotes": "go",
    "octave": "octave",
    "matlab": "matlab",
    "imatlab": "matlab",
    "bash": "bash",
    "wolframlanguage": "wolfram language",
    "sagemath": "sage",
    "sas": "sas",
    "stata": "stata",
    "java": "java",
    "kotlin": "kotlin",
    ".net-csharp": "c#",
    ".net-fsharp": "f#",
    "haskell": "haskell",
}
