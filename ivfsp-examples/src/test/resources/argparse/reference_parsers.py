#!/usr/bin/env python3
"""The reference scripts' argparse parsers, and ivfsp's command lines as argparse would read them.

`script` parsers are the flags, types and defaults of mxIndex's three generator scripts
(ivfsp_generate_model.py, ivfsp_aicpu_generate_model.py, ivfsp_generate_pyacl_model.py); `all` has
the union of their flags. `ivfsp` parsers add ivfsp's own options, resolved by one extra rule: an
abbreviation that matches a script flag means that flag (so every line a script accepts means the
same to ivfsp), and comma-separated lists of integers describe several configurations.

Usage: reference_parsers.py cases FILE     (FILE: a JSON list of [command, [args...]])
       reference_parsers.py random N SEED   (N command lines made up from unusual tokens)
       reference_parsers.py options COMMAND (ivfsp's options as modelled here: [names, kind] per line)
print one JSON object per case: {"command", "args", "script", "ivfsp"}, each outcome rendered as
"help", "error: <argparse's message>" or "ok <flag>=<value> ..." (flags sorted, lists joined
with ',', flags without value as "<flag>=").
"""
import argparse
import json
import random
import sys

# (option strings, type) in the scripts' order; the flags the scripts mark required take their
# documented defaults in ivfsp, so nothing is required here.
SERVICE = [(["--cores"], int), (["-d"], int), (["-nonzero_num"], int), (["-nlist"], int),
           (["-handle_batch"], int), (["-code_num"], int), (["-p"], int), (["--pool"], int)]
AICPU = [(["--cores"], int), (["-p"], int)]
TRAINING = [(["--cores"], int), (["-d"], int), (["-nonzero_num"], int), (["-nlist"], int),
            (["-batch_size"], int), (["-code_num"], int), (["-p"], int)]
ALL = [(["-d"], int), (["-nonzero_num"], int), (["-nlist"], int), (["-handle_batch"], int),
       (["-code_num"], int), (["-batch_size"], int), (["--cores"], int), (["-p"], int), (["--pool"], int)]
SCRIPTS = {"service": SERVICE, "aicpu": AICPU, "training": TRAINING, "all": ALL}
# ivfsp options that come before the common ones: training runs in a pool too (the script has none).
OWN_FIRST = {"training": [(["--pool"], int)]}

# ivfsp's own options, in the order of its help; None = a flag without value.
IVFSP = [(["--plan"], None), (["--backend"], str), (["--toolkit"], str), (["-o", "--output-root"], str),
         (["--install-to"], str), (["--timeout"], int), (["--fail-fast"], None), (["--rebuild"], None),
         (["--verification"], str), (["--prune"], None), (["-q", "--quiet"], None), (["--json"], None),
         (["--batch"], None), (["--no-batch"], None), (["--compile-workers"], int), (["--trace"], str),
         (["--remote"], str), (["--remote-required"], None), (["--remote-lease-seconds"], int),
         (["--remote-timeout"], int), (["--remote-retries"], int), (["--remote-region"], str),
         (["--remote-endpoint"], str), (["--remote-profile"], str), (["--remote-access-key-id"], str),
         (["--remote-secret-access-key-file"], str)]


class Outcome(Exception):
    def __init__(self, exit, error=None):
        super().__init__(error)
        self.exit = exit
        self.error = error


def int_list(text):
    return [int(part) for part in text.split(",")]


int_list.__name__ = "int"  # argparse names the type in "invalid int value"


class Parser(argparse.ArgumentParser):
    script_flags = ()

    def error(self, message):
        raise Outcome(2, message)

    def exit(self, status=0, message=None):
        raise Outcome(status, None)

    def print_help(self, file=None):
        pass

    def _get_values(self, action, arg_strings):
        # An option's explicit "--" (-d=--, -d--) is its value, as in Python 3.12.3 and later (gh-109475);
        # older versions drop it and hand the option an empty list. Same answer on every Python here.
        if action.option_strings and action.nargs is None and arg_strings == ["--"]:
            value = self._get_value(action, "--")
            self._check_value(action, value)
            return value
        return super()._get_values(action, arg_strings)

    def _get_option_tuples(self, option_string):
        found = super()._get_option_tuples(option_string)
        if self.script_flags:
            own = [t for t in found if t[1] in self.script_flags]
            if own:
                return own
        return found


def parser(command, extended):
    p = Parser(prog=command, allow_abbrev=True)
    script = SCRIPTS[command]
    for names, typ in script:
        p.add_argument(*names, type=int_list if extended and names[0] not in ("--pool",) else typ,
                       dest=names[0])
    if extended:
        p.script_flags = {"-h", "--help"} | {n for names, _ in script for n in names}
        for names, typ in OWN_FIRST.get(command, []) + IVFSP:
            if typ is None:
                p.add_argument(*names, action="store_true", default=None, dest=names[-1])
            else:
                p.add_argument(*names, type=typ, dest=names[-1])
    return p


def render_value(v):
    if v is True:
        return ""
    if isinstance(v, list):
        return ",".join(str(x) for x in v)
    return str(v)


def outcome(command, args, extended):
    try:
        ns = parser(command, extended).parse_args(args)
    except Outcome as o:
        return "help" if o.exit == 0 else "error: " + o.error
    values = sorted((k, render_value(v)) for k, v in vars(ns).items() if v is not None)
    return " ".join(["ok"] + [k + "=" + v for k, v in values])


def evaluate(cases):
    for command, args in cases:
        yield {"command": command, "args": args, "script": outcome(command, args, False),
               "ivfsp": outcome(command, args, True)}


def random_cases(n, seed):
    rnd = random.Random(seed)
    names = ["-h", "--help", "--he", "-ha", "-hand", "-help", "-he", "-hx", "--cores", "--core", "--c", "--co",
             "-d", "-nonzero_num", "-nonzero", "-non", "-n", "-nl", "-nlist", "-handle_batch", "-hand", "-h",
             "-code_num", "-code", "-c", "-co", "-batch_size", "-batch", "-b", "-p", "--pool", "--po", "--p",
             "--pl", "--plan", "--bogus", "-x", "-", "--", "-q", "-qx", "-o", "--json", "--timeout", "--ti",
             "--fail", "--ba", "--backend", "-nonzero_numx", "--cores_"]
    values = ["8", "256", "1024", "0", "-5", "+7", " 32 ", "1_024", "１０２４", "١٠٢٤", "\u00a016", "0x400",
              "1024.0", "1e3", "", "\x01" + "8", "\x1c8", "007", "1__0", "_1", "1_", "abc", "1024,2048", "2,",
              "99999999999999999999", "-0", "--5", "- 5", "8 8", "--", "-", "-x", "32,64,128"]
    cases = []
    commands = list(SCRIPTS)
    for _ in range(n):
        command = rnd.choice(commands)
        args = []
        for _ in range(rnd.randint(0, 5)):
            r = rnd.random()
            name = rnd.choice(names)
            value = rnd.choice(values)
            if r < 0.55:
                args += [name, value]
            elif r < 0.7:
                args.append(name + "=" + value)
            elif r < 0.8 and name.startswith("-") and not name.startswith("--") and len(name) >= 2:
                args.append(name[:2] + value)
            elif r < 0.9:
                args.append(name)
            else:
                args.append(value)
        cases.append([command, args])
    return cases


def options(command):
    kinds = {None: "FLAG", str: "TEXT", int: "INT", int_list: "INT_LIST"}
    yield [["-h", "--help"], "HELP"]
    for names, typ in SCRIPTS[command]:
        yield [names, "INT" if names[0] == "--pool" else "INT_LIST"]
    for names, typ in OWN_FIRST.get(command, []) + IVFSP:
        yield [names, kinds[typ]]


if __name__ == "__main__":
    if sys.argv[1] == "options":
        for o in options(sys.argv[2]):
            print(json.dumps(o))
        sys.exit(0)
    if sys.argv[1] == "random":
        cases = random_cases(int(sys.argv[2]), int(sys.argv[3]))
    else:
        with open(sys.argv[2], encoding="utf-8") as f:
            cases = json.load(f)
    for o in evaluate(cases):
        print(json.dumps(o))
