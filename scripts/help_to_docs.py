#!/usr/bin/env python3
"""Man pages and bash completions made from the built programs' own --help (a build step of
cmake/install.cmake), so that they never drift from it.

    help_to_docs.py --gui BUILT/latentlab --cli BUILT/latentlab-cli --version V --date YYYY-MM-DD
                    --out DIR

writes DIR/latentlab.1, DIR/latentlab-cli.1 (one section per verb of `latentlab-cli VERB --help`)
and DIR/completions/latentlab, DIR/completions/latentlab-cli. Only --help is parsed: CLI11's
format (latentlab-cli) and QCommandLineParser's (latentlab) are both "Usage: ..." plus sections
("Options:") of entries "  SPEC  DESCRIPTION" whose long descriptions continue on deeper lines.
"""
import argparse
import os
import re
import subprocess
import sys

# The words around --help that --help does not say: exit codes, environment, files.
CLI_EXIT = ("0 on success. On any error, one line on standard error and exit code 1. Every file "
            "is written atomically (a temporary file, then a rename).")
ENVIRONMENT = [
    ("LATENTLAB_THREADS", "Number of CPU threads for inference and training (default: all cores)."),
]
GUI_ENVIRONMENT = ENVIRONMENT + [
    ("LATENTLAB_AUTOSAVE_DIR", "Where the session autosave is kept (default "
     "~/.local/share/LatentLab/latentlab). Scripts that start and kill latentlab should point it at "
     "a fresh folder."),
]
MODELS = ("The bundled models and their model cards (faces-vae, fashion-vae, faces-dcgan), in "
          "share/latentlab/models beside the bin folder that holds the programs, e.g. "
          "/usr/share/latentlab/models.")
GUI_DESCRIPTION = ("Without a checkpoint it opens the bundled faces-vae model. Checkpoints also "
                   "open from the File menu, the recent files, by drag and drop, and from a file "
                   "manager (MIME type application/x-latentlab-checkpoint, *.llckpt).")
# The GUI's positional argument: the file types of its File > Open dialog.
GUI_FILE_PATTERN = "@(llckpt|pt|pth|ts)"


def run_help(program, *args):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")  # the GUI needs no display for --help
    # In a sanitizer build, what Qt keeps at exit is no reason to fail the man pages.
    env["ASAN_OPTIONS"] = ":".join(filter(None, [env.get("ASAN_OPTIONS"), "detect_leaks=0"]))
    done = subprocess.run([program, *args, "--help"], env=env, capture_output=True, text=True,
                          check=False)
    if done.returncode != 0 or not done.stdout.strip():
        sys.exit(f"help_to_docs.py: {program} {' '.join(args)} --help failed "
                 f"(exit {done.returncode}): {done.stderr.strip()}")
    return done.stdout


def parse_help(text, name):
    """{"description": [lines], "usage": str, "sections": [(title, [[spec, description]])]}."""
    parsed = {"description": [], "usage": "", "sections": []}
    entries = None
    for line in text.splitlines():
        if not line.strip():
            continue
        if line.startswith("Usage: "):
            words = line[len("Usage: "):].split(" ", 1)
            # QCommandLineParser names the program by the path it was started from.
            parsed["usage"] = " ".join([name] + words[1:])
        elif re.fullmatch(r"[A-Z][A-Za-z ]*:", line):
            entries = []
            parsed["sections"].append((line[:-1], entries))
        elif entries is not None and line.startswith("  "):
            if line[2] != " ":
                spec, _, description = line[2:].partition("  ")
                entries.append([spec.strip(), description.strip()])
            elif entries:
                entries[-1][1] = (entries[-1][1] + " " + line.strip()).strip()
        else:
            parsed["description"].append(line.strip())
    if not parsed["usage"]:
        sys.exit(f"help_to_docs.py: no 'Usage:' line in the help of {name}")
    return parsed


def section(parsed, title):
    return next((entries for t, entries in parsed["sections"] if t == title), [])


def name_words(spec):
    """How many leading words of an entry name it: CLI11's '-h,--help' or Qt's '-h, --help' (then
    the value: 'INT:INT in [1 - 64]=1', '<device>', 'Excludes: --seed'); a positional's name."""
    words = spec.split(" ")
    count = 1
    while words[0].startswith("-") and count < len(words) and words[count - 1].endswith(","):
        count += 1
    return count


def option_names(spec):
    """'-h,--help' -> ['-h', '--help']; '--z TEXT Excludes: --seed' -> ['--z']."""
    names = " ".join(spec.split(" ")[:name_words(spec)])
    return [n for n in re.split(r"[,\s]+", names) if n.startswith("-")]


def choices(spec):
    """CLI11 shows IsMember checks as TYPE:{a,b}."""
    found = re.search(r":\{([^}]*)\}", spec)
    return found.group(1).split(",") if found else []


# ---- roff ----

def esc(text):
    """Literal text for roff. Every '-' becomes \\- (Debian's groff prints it as '-', so
    options and names copy and paste)."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return "\\&" + text if text[:1] in (".", "'") else text


def spec_roff(spec):
    """Option names (or a positional's name) in bold, the value description in roman."""
    words = spec.split(" ")
    names = name_words(spec)
    return "\\fB" + esc(" ".join(words[:names])) + "\\fR" + (
        " " + esc(" ".join(words[names:])) if names < len(words) else "")


def entries_roff(entries):
    out = []
    for spec, description in entries:
        out += [".TP", spec_roff(spec), esc(description) if description else ""]
    return [line for line in out if line != ""]


def usage_roff(usage, words=1):
    """The program name (and verb: words=2) in bold."""
    parts = usage.split(" ")
    return "\\fB" + esc(" ".join(parts[:words])) + "\\fR " + esc(" ".join(parts[words:]))


def header(name, summary, version, date):
    return [f'.TH {esc(name.upper())} 1 "{esc(date)}" "LatentLab {esc(version)}" "User Commands"',
            ".nh", ".SH NAME", f"{esc(name)} \\- {esc(summary)}"]  # .nh: names stay whole


def environment_roff(variables):
    out = [".SH ENVIRONMENT"]
    for variable, text in variables:
        out += [".TP", f"\\fB{esc(variable)}\\fR", esc(text)]
    return out


def gui_page(parsed, version, date):
    summary = " ".join(parsed["description"])
    out = header("latentlab", summary, version, date)
    out += [".SH SYNOPSIS", usage_roff(parsed["usage"]), ".SH DESCRIPTION",
            esc(summary), ".PP", esc(GUI_DESCRIPTION)]
    for title, entries in parsed["sections"]:
        out += [f".SH {esc(title.upper())}"] + entries_roff(entries)
    out += environment_roff(GUI_ENVIRONMENT)
    out += [".SH FILES", esc(MODELS), ".SH SEE ALSO", "\\fBlatentlab\\-cli\\fR(1)"]
    return out


def cli_page(top, verbs, version, date):
    summary = " ".join(top["description"])
    out = header("latentlab-cli", summary, version, date)
    out += [".SH SYNOPSIS", usage_roff(top["usage"]), ".SH DESCRIPTION", esc(summary),
            ".PP", "Each verb below has its own options; \\fBlatentlab\\-cli\\fR \\fIVERB\\fR "
                   "\\fB\\-\\-help\\fR prints the same text as its section here."]
    for title, entries in top["sections"]:
        if title != "Subcommands":
            out += [f".SH {esc(title.upper())}"] + entries_roff(entries)
    out.append(".SH VERBS")
    for verb, parsed in verbs:
        out += [f".SS {esc(verb)}"] + [esc(line) for line in parsed["description"]]
        out += [".PP", usage_roff(parsed["usage"], words=2)]
        for title, entries in parsed["sections"]:
            out += [".PP", f"\\fI{esc(title)}:\\fR"] + entries_roff(entries)
    out += [".SH EXIT STATUS", esc(CLI_EXIT)]
    out += environment_roff(ENVIRONMENT)
    out += [".SH FILES", esc(MODELS), ".SH SEE ALSO", "\\fBlatentlab\\fR(1)"]
    return out


# ---- bash completion ----

def words(values):
    return " ".join(values)


def cli_completion(top, verbs):
    top_options = [n for spec, _ in section(top, "Options") for n in option_names(spec)]
    cases, values = [], []
    for verb, parsed in verbs:
        options = [n for _, entries in parsed["sections"] for spec, _ in entries
                   for n in option_names(spec)]
        cases.append(f'    {verb}) options="{words(options)}" ;;')
        for _, entries in parsed["sections"]:
            for spec, _ in entries:
                for name in option_names(spec):
                    if choices(spec):
                        values.append(f'    "{verb} {name}") values="{words(choices(spec))}" ;;')
    return f"""# bash completion for latentlab-cli, generated from its --help (scripts/help_to_docs.py)
_latentlab_cli() {{
  local cur prev words cword
  _init_completion || return
  local verb="" i
  for ((i = 1; i < cword; i++)); do
    [[ ${{words[i]}} != -* ]] && verb=${{words[i]}} && break
  done
  if [[ -z $verb ]]; then
    COMPREPLY=($(compgen -W "{words([v for v, _ in verbs] + top_options)}" -- "$cur"))
    return
  fi
  local options="" values=""
  case $verb in
{chr(10).join(cases)}
  esac
  case "$verb $prev" in
{chr(10).join(values) if values else '    "") ;;'}
  esac
  if [[ -n $values ]]; then
    COMPREPLY=($(compgen -W "$values" -- "$cur"))
  elif [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$options" -- "$cur"))
  else
    _filedir
  fi
}}
complete -F _latentlab_cli latentlab-cli
"""


def gui_completion(parsed):
    options = [n for _, entries in parsed["sections"] for spec, _ in entries
               for n in option_names(spec)]
    return f"""# bash completion for latentlab, generated from its --help (scripts/help_to_docs.py)
_latentlab() {{
  local cur prev words cword
  _init_completion || return
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "{words(options)}" -- "$cur"))
  else
    _filedir '{GUI_FILE_PATTERN}'
  fi
}}
complete -F _latentlab latentlab
"""


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path + ".tmp", "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(path + ".tmp", path)


def main():
    args = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    args.add_argument("--gui", required=True)
    args.add_argument("--cli", required=True)
    args.add_argument("--version", required=True)
    args.add_argument("--date", required=True)
    args.add_argument("--out", required=True)
    a = args.parse_args()

    gui = parse_help(run_help(a.gui), "latentlab")
    top = parse_help(run_help(a.cli), "latentlab-cli")
    verb_names = [spec.split()[0] for spec, _ in section(top, "Subcommands")]
    if not verb_names:
        sys.exit("help_to_docs.py: latentlab-cli --help lists no subcommands")
    verbs = [(v, parse_help(run_help(a.cli, v), "latentlab-cli")) for v in verb_names]

    write(os.path.join(a.out, "latentlab.1"), "\n".join(gui_page(gui, a.version, a.date)) + "\n")
    write(os.path.join(a.out, "latentlab-cli.1"),
          "\n".join(cli_page(top, verbs, a.version, a.date)) + "\n")
    write(os.path.join(a.out, "completions", "latentlab"), gui_completion(gui))
    write(os.path.join(a.out, "completions", "latentlab-cli"), cli_completion(top, verbs))


if __name__ == "__main__":
    main()
