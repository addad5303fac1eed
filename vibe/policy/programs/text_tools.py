"""Allow-lists for the built-in read-only commands that read files and text (GNU coreutils & co).

Each table lists only options that read and print; the names come from the programs' own
`--help`. `inert` marks programs none of whose options, on any implementation vibe knows (GNU,
BSD, busybox), writes or runs anything: for them a word known only at run time (`cat "$f"`,
`wc -l *`) is harmless, whatever option it turns out to be. The others (`sort`, `uniq`, `tee`,
`date`) keep such words out of option positions.
"""

from __future__ import annotations

from vibe.policy.programs.grammar import Options

_HELP = "help version"

LS = Options(
    flags="aAbBcCdDfFgGhHiklLmnNopqQrRsStuUvxXZ1",
    valued="ITw",
    long_flags=(
        "all almost-all author escape directory dired file-type full-time group-directories-first "
        "no-group human-readable si dereference-command-line dereference-command-line-symlink-to-dir "
        "hide-control-chars kibibytes literal numeric-uid-gid show-control-chars quote-name recursive "
        f"reverse size ignore-backups inode dereference context zero {_HELP}"
    ),
    long_valued=(
        "block-size format hide ignore indicator-style quoting-style sort time time-style tabsize width"
    ),
    long_optional="color classify hyperlink",
    inert=True,
)
CAT = Options(
    flags="AbeEnstTuv",
    long_flags=f"show-all number-nonblank show-ends number squeeze-blank show-tabs show-nonprinting {_HELP}",
    inert=True,
)
HEAD = Options(
    flags="qvz",
    valued="cn",
    long_flags=f"quiet silent verbose zero-terminated {_HELP}",
    long_valued="bytes lines",
    numbers=True,
    inert=True,
)
TAIL = Options(
    flags="fFqvz",
    valued="cns",
    long_flags=f"quiet silent verbose zero-terminated retry {_HELP}",
    long_valued="bytes lines max-unchanged-stats pid sleep-interval",
    long_optional="follow",
    numbers=True,
    inert=True,
)
WC = Options(
    flags="clmwL",
    long_flags=f"bytes chars lines max-line-length words {_HELP}",
    long_valued="files0-from",
    inert=True,
)
PWD = Options(flags="LP", long_flags=_HELP, inert=True)
GREP = Options(
    flags="EFGPiyvwxcLloqsbHhnTZzUaIrRV",
    valued="efmABCdD",
    long_flags=(
        "extended-regexp fixed-strings basic-regexp perl-regexp ignore-case no-ignore-case "
        "word-regexp line-regexp null-data no-messages invert-match byte-offset line-number "
        "line-buffered with-filename no-filename only-matching quiet silent recursive "
        "dereference-recursive files-without-match files-with-matches count initial-tab null text "
        f"no-group-separator binary {_HELP}"
    ),
    long_valued=(
        "regexp file max-count label binary-files directories devices exclude exclude-from "
        "exclude-dir include after-context before-context context group-separator"
    ),
    long_optional="color colour",
    numbers=True,
    inert=True,
)
STAT = Options(
    flags="Lft",
    valued="c",
    long_flags=f"dereference file-system terse {_HELP}",
    long_valued="format printf cached",
    inert=True,
)
DU = Options(
    flags="0abcDhHkLlmPSsx",
    valued="BdtX",
    long_flags=(
        "null all apparent-size bytes total dereference-args count-links dereference no-dereference "
        f"separate-dirs summarize one-file-system human-readable si inodes {_HELP}"
    ),
    long_valued="block-size max-depth threshold time-style exclude-from exclude files0-from",
    long_optional="time",
    inert=True,
)
DF = Options(
    flags="ahHiklPTv",
    valued="Btx",
    long_flags=f"all human-readable si inodes local no-sync sync portability print-type total {_HELP}",
    long_valued="block-size type exclude-type",
    long_optional="output",
    inert=True,
)
BASENAME = Options(
    flags="az", valued="s", long_flags=f"multiple zero {_HELP}", long_valued="suffix", inert=True
)
DIRNAME = Options(flags="z", long_flags=f"zero {_HELP}", inert=True)
REALPATH = Options(
    flags="eLmPqsz",
    long_flags=(
        f"canonicalize-existing canonicalize-missing logical physical quiet strip no-symlinks zero {_HELP}"
    ),
    long_valued="relative-to relative-base",
    inert=True,
)
READLINK = Options(
    flags="efmnqsvz",
    long_flags=(
        "canonicalize canonicalize-existing canonicalize-missing no-newline quiet silent verbose "
        f"zero {_HELP}"
    ),
    inert=True,
)
# `-l`/`--paginate` is left out: it runs `pr`.
DIFF = Options(
    flags="abBcdeEfhinNpqrstTuvwyZ",
    valued="xXSIFWDCUL",
    long_flags=(
        "normal brief report-identical-files ed rcs side-by-side left-column suppress-common-lines "
        "show-c-function expand-tabs initial-tab suppress-blank-empty new-file "
        "unidirectional-new-file ignore-case ignore-file-name-case no-ignore-file-name-case "
        "ignore-tab-expansion ignore-trailing-space ignore-space-change ignore-all-space "
        "ignore-blank-lines strip-trailing-cr text minimal speed-large-files recursive "
        f"no-dereference {_HELP}"
    ),
    long_valued=(
        "ignore-matching-lines exclude exclude-from starting-file from-file to-file horizon-lines "
        "ifdef line-format old-line-format new-line-format unchanged-line-format old-group-format "
        "new-group-format changed-group-format unchanged-group-format label show-function-line "
        "tabsize width palette"
    ),
    long_optional="color context unified",
    inert=True,
)
CMP = Options(
    flags="blsv",
    valued="in",
    long_flags=f"print-bytes verbose quiet silent {_HELP}",
    long_valued="ignore-initial bytes",
    inert=True,
)
COMM = Options(
    flags="123z",
    long_flags=f"check-order nocheck-order total zero-terminated {_HELP}",
    long_valued="output-delimiter",
    inert=True,
)
# Not -o/--output (writes), --compress-program (runs), -T/--temporary-directory (writes there).
SORT = Options(
    flags="bdfgiMhnRrVcCmsuz",
    valued="kSt",
    long_flags=(
        "ignore-leading-blanks dictionary-order ignore-case general-numeric-sort ignore-nonprinting "
        "month-sort human-numeric-sort numeric-sort random-sort reverse version-sort merge stable "
        f"unique zero-terminated debug {_HELP}"
    ),
    long_valued="sort key field-separator buffer-size random-source parallel batch-size files0-from",
    long_optional="check",
)
# Its second operand is a file it writes (found as a write by option_effects).
UNIQ = Options(
    flags="cdDiuz",
    valued="fsw",
    long_flags=f"count repeated ignore-case unique zero-terminated {_HELP}",
    long_valued="skip-fields skip-chars check-chars",
    long_optional="all-repeated group",
)
CUT = Options(
    flags="nsz",
    valued="bcdf",
    long_flags=f"complement only-delimited zero-terminated {_HELP}",
    long_valued="bytes characters delimiter fields output-delimiter",
    inert=True,
)
TR = Options(flags="cCdst", long_flags=f"complement delete squeeze-repeats truncate-set1 {_HELP}", inert=True)
NL = Options(
    flags="p",
    valued="bdfhilnsvw",
    long_flags=f"no-renumber {_HELP}",
    long_valued=(
        "body-numbering section-delimiter footer-numbering header-numbering line-increment "
        "join-blank-lines number-format number-separator starting-line-number number-width"
    ),
    inert=True,
)
COLUMN = Options(
    flags="tdeLJxhV",
    valued="nONlEHRTWripcos",
    long_flags=f"table table-noheadings table-header-repeat keep-empty-lines json fillrows {_HELP}",
    long_valued=(
        "table-name table-order table-columns table-columns-limit table-noextreme table-hide "
        "table-right table-truncate table-wrap tree tree-id tree-parent output-width "
        "output-separator separator"
    ),
    inert=True,
)
PASTE = Options(
    flags="sz", valued="d", long_flags=f"serial zero-terminated {_HELP}", long_valued="delimiters", inert=True
)
FOLD = Options(flags="bs", valued="w", long_flags=f"bytes spaces {_HELP}", long_valued="width", inert=True)
EXPAND = Options(
    flags="i", valued="t", long_flags=f"initial {_HELP}", long_valued="tabs", numbers=True, inert=True
)
SEQ = Options(
    flags="w",
    valued="fs",
    long_flags=f"equal-width {_HELP}",
    long_valued="format separator",
    numbers=True,  # negative numbers: `seq -5 5`
    inert=True,
)
JQ = Options(
    flags="nrjasceCMSRhV",
    valued="fL",
    long_flags=(
        "tab args jsonargs seq stream stream-errors null-input raw-input slurp compact-output "
        "ascii-output sort-keys color-output monochrome-output join-output raw-output raw-output0 "
        f"exit-status unbuffered build-configuration {_HELP}"
    ),
    long_valued="indent from-file",
    long_pairs="arg argjson slurpfile rawfile",
    inert=True,
)
OD = Options(
    flags="abcdfilosvx",
    valued="AjNtS",
    attached="w",
    long_flags=f"output-duplicates traditional {_HELP}",
    long_valued="address-radix endian format read-bytes skip-bytes",
    long_optional="strings width",
    inert=True,
)
HEXDUMP = Options(
    flags="bcCdoxvhV",
    valued="efns",
    attached="L",
    long_flags=(
        "one-byte-octal one-byte-char canonical two-bytes-decimal two-bytes-octal two-bytes-hex "
        f"no-squeezing {_HELP}"
    ),
    long_valued="format format-file length skip",
    long_optional="color",
    inert=True,
)
STRINGS = Options(
    flags="adfhovVw",
    valued="ntesTU",
    long_flags=f"all data print-file-name include-all-whitespace {_HELP}",
    long_valued="bytes radix encoding target output-separator unicode",
    numbers=True,
    inert=True,
)
# Its operands are files it writes (found as writes by option_effects).
TEE = Options(flags="aip", long_flags=f"append ignore-interrupts {_HELP}", long_optional="output-error")
CHECKSUM = Options(
    flags="bctwz",
    long_flags=f"binary check tag text zero ignore-missing quiet status strict warn {_HELP}",
    inert=True,
)
CKSUM = Options(
    flags="cwz",
    valued="al",
    long_flags=f"check tag untagged zero ignore-missing quiet status strict warn debug {_HELP}",
    long_valued="algorithm length",
    inert=True,
)
WHICH = Options(flags="as", inert=True)
WHEREIS = Options(flags="bmsulhV", long_flags=_HELP, inert=True)
TYPE = Options(flags="aftpP", inert=True)
COMMAND_LOOKUP = Options(flags="pvV", inert=True)
# Not -s/--set; an operand other than +FORMAT sets the clock too (checked in `judge`).
DATE = Options(
    flags="uR",
    valued="dfr",
    attached="I",
    long_flags=f"debug rfc-email utc universal resolution {_HELP}",
    long_valued="date file reference rfc-3339",
    long_optional="iso-8601",
)
ID = Options(flags="agGnruzZ", long_flags=f"context group groups name real user zero {_HELP}", inert=True)
UNAME = Options(
    flags="asnrvmpio",
    long_flags=(
        "all kernel-name nodename kernel-release kernel-version machine processor hardware-platform "
        f"operating-system {_HELP}"
    ),
    inert=True,
)
PRINTENV = Options(flags="0", long_flags=f"null {_HELP}", inert=True)
NO_OPTIONS = Options(long_flags=_HELP, inert=True)
CD = Options(flags="LPe@", inert=True)
# Every word is data: echo prints unknown options, test reads an expression (its `-v` is judged
# in option_effects), printf a format (its `-v` too).
DATA = Options(anything=True)

TABLES: dict[str, Options] = {
    "ls": LS, "cat": CAT, "head": HEAD, "tail": TAIL, "wc": WC, "pwd": PWD,
    "grep": GREP, "egrep": GREP, "fgrep": GREP, "stat": STAT, "du": DU, "df": DF,
    "basename": BASENAME, "dirname": DIRNAME, "realpath": REALPATH, "readlink": READLINK,
    "diff": DIFF, "cmp": CMP, "comm": COMM, "sort": SORT, "uniq": UNIQ, "cut": CUT, "tr": TR,
    "nl": NL, "column": COLUMN, "paste": PASTE, "fold": FOLD, "expand": EXPAND, "seq": SEQ,
    "jq": JQ, "od": OD, "hexdump": HEXDUMP, "strings": STRINGS, "tee": TEE,
    "md5sum": CHECKSUM, "sha1sum": CHECKSUM, "sha256sum": CHECKSUM, "sha512sum": CHECKSUM,
    "cksum": CKSUM, "which": WHICH, "whereis": WHEREIS, "type": TYPE, "command": COMMAND_LOOKUP,
    "date": DATE, "whoami": NO_OPTIONS, "id": ID, "uname": UNAME, "printenv": PRINTENV,
    "cd": CD, "sleep": NO_OPTIONS, "echo": DATA, "printf": DATA, "true": DATA, "false": DATA,
    "test": DATA, "[": DATA,
}  # fmt: skip
