"""Allow-lists for git's reading sub-commands, and what git may take before the sub-command.

Names come from git's manual pages and `git <cmd> --git-completion-helper-all`. Left out on
purpose, everywhere: `--output` (writes), `--ext-diff` and `--textconv` (run diff drivers),
`--show-signature` and the `%G` placeholders of `--format` (run gpg), `--remerge-diff` (writes
temporary objects), `--filters` (runs smudge filters), and before the sub-command `-C`, `-c`,
`--git-dir`, `--work-tree`, `--exec-path`, `--config-env`, `--namespace`, `-p` (another
repository's hooks and config, other programs, a pager).

Options whose value is optional are listed as `long_optional` (only `--name=value`): git never
takes the next word for them, so a word after them is checked as an option of its own.
"""

from __future__ import annotations

from collections.abc import Sequence

from vibe.policy.programs.grammar import RUNTIME_WORD, Options, Scan, scan
from vibe.policy.simple_command import Word

# What log, show, diff, rev-list, shortlog, `stash list` and `reflog show` read: revision
# walking, commit formatting and diff output.
_HISTORY_FLAGS = (
    "abbrev-commit no-abbrev-commit all all-match alternate-refs author-date-order basic-regexp "
    "bisect boundary cc check cherry cherry-mark cherry-pick children clear-decorations "
    "combined-all-paths compact-summary cumulative date-order dense do-walk "
    "exclude-first-parent-only extended-regexp find-copies-harder first-parent fixed-strings "
    "follow full-diff full-history full-index function-context no-function-context graph "
    "histogram ignore-all-space ignore-blank-lines ignore-cr-at-eol ignore-missing "
    "ignore-space-at-eol ignore-space-change indent-heuristic invert-grep irreversible-delete "
    "ita-invisible-in-index ita-visible-in-index left-only left-right log-size merge merges "
    "minimal name-only name-status no-color no-color-moved no-color-moved-ws no-decorate "
    "no-diff-merges no-expand-tabs no-ext-diff no-indent-heuristic no-max-parents no-merges "
    "no-min-parents no-notes no-patch no-prefix no-relative no-renames no-textconv not numstat "
    "oneline parents patch patch-with-raw patch-with-stat patience perl-regexp pickaxe-all "
    "pickaxe-regex raw reflog regexp-ignore-case relative-date remove-empty reverse right-only "
    "shortstat show-pulls simplify-by-decoration simplify-merges single-worktree source sparse "
    "stdin summary text no-text topo-order walk-reflogs binary use-mailmap no-use-mailmap "
    "mailmap no-mailmap quiet no-quiet rename-empty no-rename-empty minimal no-minimal "
    "full-index no-full-index no-abbrev no-compact-summary no-follow no-find-copies-harder "
    "no-ignore-matching-lines no-exit-code exit-code no-standard-notes standard-notes "
    # rev-list
    "count objects objects-edge objects-edge-aggressive unpacked in-commit-order "
    "indexed-objects header no-object-names object-names timestamp bisect-all bisect-vars "
    "use-bitmap-index commit-header no-commit-header exclude-promisor-objects "
    "filter-print-omitted filter-provided-objects no-filter "
    # diff
    "cached staged merge-base no-index base ours theirs help"
)
_HISTORY_OPTIONAL = (
    "abbrev color color-moved color-words word-diff decorate notes show-notes expand-tabs stat "
    "dirstat dirstat-by-file find-renames find-copies break-rewrites relative submodule "
    "ignore-submodules pretty ancestry-path branches tags remotes no-walk show-linear-break "
    "disk-usage"
)
_HISTORY_VALUED = (
    "max-count skip since after until before author committer grep grep-reflog min-parents "
    "max-parents encoding format date glob exclude exclude-hidden since-as-filter diff-algorithm "
    "diff-filter anchored color-moved-ws ignore-matching-lines inter-hunk-context "
    "output-indicator-new output-indicator-old output-indicator-context src-prefix dst-prefix "
    "line-prefix rotate-to skip-to find-object stat-width stat-name-width stat-graph-width "
    "stat-count ws-error-highlight word-diff-regex decorate-refs decorate-refs-exclude unified "
    "diff-merges max-age min-age missing filter progress group"
)
HISTORY = Options(
    flags="pusRabwWcmgtrzDiEFPhne0123",
    valued="UlSGOLI",
    attached="MCBX",
    long_flags=_HISTORY_FLAGS,
    long_optional=_HISTORY_OPTIONAL,
    long_valued=_HISTORY_VALUED,
    numbers=True,
)
# `-n` takes a value in log (`-n 5`); shortlog's `-n` (numbered) and `-e` (email) are flags.
_LOG = Options(
    flags="pusRabwWcmgtrzDiEFPh0123",
    valued="nUlSGOLI",
    attached="MCBX",
    long_flags=_HISTORY_FLAGS,
    long_optional=_HISTORY_OPTIONAL,
    long_valued=_HISTORY_VALUED,
    numbers=True,
)
_STATUS = Options(
    flags="sbvz",
    attached="u",
    long_optional=(
        "verbose short branch show-stash ahead-behind porcelain long null untracked-files ignored "
        "ignore-submodules column no-renames find-renames renames no-verbose no-short no-branch "
        "no-show-stash no-ahead-behind no-porcelain no-long no-null no-untracked-files no-ignored "
        "no-ignore-submodules no-column"
    ),
)
_BLAME = Options(
    flags="bltpshcfnew",
    valued="LS",
    attached="MC",
    long_optional=(
        "incremental root show-stats progress score-debug show-name show-number porcelain "
        "line-porcelain show-email color-lines color-by-age minimal abbrev no-abbrev reverse "
        "first-parent no-textconv"
    ),
    long_valued="ignore-rev ignore-revs-file contents since date encoding",
)
_LS_FILES = Options(
    flags="cdmoisukztvf",
    valued="xX",
    long_optional=(
        "cached deleted modified others ignored stage killed directory eol empty-directory "
        "unmerged resolve-undo exclude-standard full-name recurse-submodules error-unmatch abbrev "
        "debug deduplicate sparse no-empty-directory"
    ),
    long_valued="exclude exclude-from exclude-per-directory with-tree format",
)
_LS_TREE = Options(
    flags="drtlz",
    long_optional="long name-only name-status object-only full-name full-tree abbrev no-abbrev",
    long_valued="format",
)
_DESCRIBE = Options(
    long_optional=(
        "contains debug all tags long first-parent abbrev exact-match always dirty broken no-abbrev"
    ),
    long_valued="candidates match exclude",
)
_CAT_FILE = Options(
    flags="tsepz",
    long_optional=(
        "allow-unknown-type use-mailmap mailmap batch batch-check batch-command "
        "batch-all-objects buffer follow-symlinks unordered"
    ),
    long_valued="path",
)
_MERGE_BASE = Options(flags="a", long_optional="all octopus independent is-ancestor fork-point")
_SHOW_REF = Options(
    flags="dsq",
    long_optional="tags heads verify head dereference hash abbrev quiet exclude-existing",
)
_COUNT_OBJECTS = Options(flags="vH", long_optional="verbose human-readable")
_VERSION = Options(long_optional="build-options")
_CONFIG = Options(
    flags="lz",
    valued="f",
    long_optional=(
        "global system local worktree get get-all get-regexp get-urlmatch list fixed-value "
        "get-color get-colorbool bool int bool-or-int bool-or-str path expiry-date null "
        "name-only includes no-includes show-origin show-scope"
    ),
    long_valued="file blob type default",
)
_CONFIG_READS = ("--get", "--get-all", "--get-regexp", "--get-urlmatch", "--list", "-l",
                 "--get-color", "--get-colorbool")  # fmt: skip
_BRANCH = Options(
    flags="arvliq",
    long_optional=(
        "verbose quiet color no-color remotes all list show-current column no-column ignore-case "
        "abbrev no-abbrev omit-empty"
    ),
    long_valued="contains no-contains merged no-merged sort points-at format",
)
_TAG = Options(
    flags="li",
    attached="n",
    long_optional="list column no-column color ignore-case omit-empty",
    long_valued="contains no-contains merged no-merged sort points-at format",
)
_REMOTE = Options(flags="v", long_optional="verbose")
_REV_PARSE = Options(anything=True)  # prints names and paths; nothing it takes writes or runs

SUBCOMMANDS: dict[tuple[str, ...], Options] = {
    ("status",): _STATUS, ("diff",): HISTORY, ("log",): _LOG, ("show",): _LOG,
    ("rev-list",): _LOG, ("shortlog",): HISTORY, ("stash", "list"): _LOG,
    ("reflog",): _LOG, ("reflog", "show"): _LOG, ("blame",): _BLAME, ("ls-files",): _LS_FILES,
    ("ls-tree",): _LS_TREE, ("describe",): _DESCRIBE, ("cat-file",): _CAT_FILE,
    ("merge-base",): _MERGE_BASE, ("show-ref",): _SHOW_REF, ("count-objects",): _COUNT_OBJECTS,
    ("version",): _VERSION, ("config",): _CONFIG, ("branch",): _BRANCH, ("tag",): _TAG,
    ("remote",): _REMOTE, ("rev-parse",): _REV_PARSE,
}  # fmt: skip
# Before the sub-command: only these change nothing but how paths and output are read.
_GLOBAL = frozenset(
    {"--no-pager", "-P", "--no-optional-locks", "--literal-pathspecs", "--glob-pathspecs",
     "--noglob-pathspecs", "--icase-pathspecs", "--no-replace-objects", "--version", "-v"}
)  # fmt: skip
_FORMATS = ("--format", "--pretty")
_REFLOG_CHANGES = frozenset({"expire", "delete", "drop", "write"})


def git_subcommand(words: Sequence[Word]) -> tuple[str, ...] | None:
    """The sub-command of `git WORDS` (after the global options vibe allows); () for none, None if
    it is one vibe has no table for (so it does not know whether it only reads)."""
    i = 1
    while i < len(words) and words[i] in _GLOBAL:
        i += 1
    rest = words[i:]
    if not rest or rest[0] is None or rest[0].startswith("-"):
        return ()  # nothing, a word known at run time, or an option vibe does not allow there
    for length in (2, 1):
        key = tuple(w or "" for w in rest[:length])
        if key in SUBCOMMANDS and None not in rest[:length]:
            return key
    return None


def git_problem(words: Sequence[Word]) -> str | None:
    """Why `git WORDS` may do more than read, or None (also when the sub-command is not known)."""
    i = 1
    while i < len(words) and words[i] in _GLOBAL:
        i += 1
    if i == len(words):
        return None  # `git --version`, `git`: usage and version
    word = words[i]
    if word is None:
        return f"the git sub-command is {RUNTIME_WORD}"
    if word.startswith("-"):
        written = word.partition("=")[0]
        return f"`{written}` before the sub-command is not among the options vibe knows git to only read with"
    key = git_subcommand(words)
    if not key:
        return None
    name = "git " + " ".join(key)
    result = scan(SUBCOMMANDS[key], words, name, i + len(key))
    if result.problem is not None:
        return result.problem
    return _operand_problem(key, result, name)


def _operand_problem(key: tuple[str, ...], result: Scan, name: str) -> str | None:
    for value in result.values(*_FORMATS):
        if value is not None and "%G" in value:
            return f"the format of {name} asks for signature checks (%G), which run gpg"
    operands = result.operands
    if key == ("config",) and not result.has(*_CONFIG_READS):
        return "git config without --get or --list sets a value"
    if key == ("reflog",) and operands and operands[0] in _REFLOG_CHANGES:
        return f"git reflog {operands[0]} changes the reflog"
    listing = key != ("remote",) and result.has("--list", "-l")
    if key in (("branch",), ("tag",), ("remote",)) and operands and not listing:
        return f"{name} with a name creates or changes it"
    return None
