"""Allow-lists for the built-in read-only commands that search and list: rg, tree, file, find.

Left out on purpose: `rg --pre/--pre-glob/--hostname-bin` (run programs), `tree -o/-R` and
`file -C` (write files), `file -p` (writes access times back) and `file -S` (turns off file's own
sandbox). `find` reads an expression rather than options: its primaries are judged one by one,
and `-delete`, `-fprint*`, `-fls` are not among them. (`-exec`/`-ok` are split off before: the
command they run is judged as its own part.)
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from vibe.policy.programs.grammar import Options, runtime_problem
from vibe.policy.simple_command import Word

_HELP = "help version"

RG = Options(
    flags="abcFHhIiLlNnopqSsuUvVwxz0.P",
    valued="ABCeEfgjMmrtTd",
    long_flags=(
        "text byte-offset count count-matches fixed-strings with-filename no-filename ignore-case "
        "follow files-with-matches files-without-match no-line-number line-number only-matching "
        "pretty quiet smart-case case-sensitive unrestricted multiline invert-match word-regexp "
        "line-regexp search-zip null hidden pcre2 files heading no-heading column no-column stats "
        "no-stats json no-json vimgrep trim no-trim binary no-binary no-ignore no-ignore-dot "
        "no-ignore-exclude no-ignore-files no-ignore-global no-ignore-parent no-ignore-vcs "
        "ignore-messages no-ignore-messages messages no-messages no-config sort-files no-follow "
        "no-hidden unicode no-unicode pcre2-unicode no-pcre2-unicode multiline-dotall "
        "no-multiline-dotall no-multiline crlf no-crlf null-data one-file-system "
        "no-one-file-system passthru passthrough glob-case-insensitive no-glob-case-insensitive "
        "ignore-file-case-insensitive no-ignore-file-case-insensitive include-zero no-include-zero "
        "line-buffered no-line-buffered block-buffered no-block-buffered max-columns-preview "
        "no-max-columns-preview auto-hybrid-regex no-auto-hybrid-regex no-pcre2 no-search-zip "
        "no-text no-invert-match no-fixed-strings no-byte-offset no-context-separator debug trace "
        "type-list no-require-git stop-on-nonmatch mmap no-mmap no-encoding no-pre "
        f"no-sort-files {_HELP}"
    ),
    long_valued=(
        "after-context before-context context regexp encoding file glob iglob threads max-columns "
        "max-count replace type type-not type-add type-clear max-depth maxdepth max-filesize color "
        "colors context-separator field-context-separator field-match-separator path-separator "
        "sort sortr ignore-file regex-size-limit dfa-size-limit engine hyperlink-format generate"
    ),
)
TREE = Options(
    flags="adlfxqNQpugshDFvtcUrinACSXJ",
    valued="LPIHT",
    long_flags=(
        "gitignore ignore-case matchdirs metafirst prune info noreport si du inodes device "
        f"dirsfirst filesfirst nolinks fromfile fflinks {_HELP}"
    ),
    long_valued="infofile charset filelimit timefmt sort hintro houtro",
)
FILE = Options(
    flags="0bcdhiklLnNrsvzZ",
    valued="eFfmP",
    long_flags=(
        "apple brief checking-printout debug dereference extension keep-going list mime "
        "mime-encoding mime-type no-buffer no-dereference no-pad print0 raw special-files "
        f"uncompress uncompress-noreport {_HELP}"
    ),
    long_valued="exclude exclude-quiet files-from magic-file parameter separator",
)

_FIND_OPERATORS = frozenset({"(", ")", "!", ",", "-not", "-and", "-a", "-or", "-o"})
_FIND_FLAGS = frozenset(
    str.split(
        "-d -depth -follow -ignore_readdir_race -mount -noignore_readdir_race -noleaf -xdev "
        "-daystart -warn -nowarn -empty -executable -false -nogroup -nouser -readable -true "
        "-writable -print -print0 -ls -prune -quit -help --help -version --version"
    )
)
_FIND_VALUED = frozenset(
    str.split(
        "-maxdepth -mindepth -files0-from -amin -anewer -atime -cmin -cnewer -context -ctime "
        "-fstype -gid -group -ilname -iname -inum -ipath -iregex -iwholename -links -lname -mmin "
        "-mtime -name -newer -path -perm -regex -regextype -samefile -size -type -uid -used -user "
        "-wholename -xtype -printf"
    )
)
_FIND_NEWER = re.compile(r"-newer[aBcmt][aBcmt]")
_OPTIMISATION = re.compile(r"-O[0-9]+")


def find_problem(words: Sequence[Word]) -> str | None:
    """Why `find WORDS` (its -exec parts already split off) may do more than read, or None."""
    i = 1
    while i < len(words):  # -H -L -P -D debugopts -Olevel, before the starting points
        word = words[i]
        if word == "-D":
            problem = runtime_problem(words[i + 1] if i + 1 < len(words) else "", "find")
            if problem is not None:
                return problem
            i += 2
        elif word in ("-H", "-L", "-P") or (word is not None and _OPTIMISATION.fullmatch(word)):
            i += 1
        else:
            break
    expression = False
    while i < len(words):
        word = words[i]
        i += 1
        problem = runtime_problem(word, "find")
        if problem is not None:
            return problem
        assert word is not None
        if not expression and not word.startswith("-") and word not in _FIND_OPERATORS:
            continue  # a starting point
        expression = True
        if word in _FIND_OPERATORS or word in _FIND_FLAGS:
            continue
        if word in _FIND_VALUED or _FIND_NEWER.fullmatch(word):
            value = words[i] if i < len(words) else ""
            problem = runtime_problem(value, "find")
            if problem is not None:
                return f"the value of {word}: {problem}"
            i += 1
            continue
        return f"`{word}` is not among the expressions vibe knows find to only read with"
    return None
