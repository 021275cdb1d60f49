#!/usr/bin/env python3
"""compare.py - our rule hits against SpamAssassin's, rule by rule.

Two modes:

  compare.py probe RULES_DIR SITE_DIR > zz_compat_probe.cf
      The comparable rules (see below) as one "meta __COMPAT_PROBE_n RULE"
      line each. Linting the stock rules plus this file makes `scamctl lint`
      warn "no rule RULE" for every comparable rule our engine did not load.

  compare.py compare RULES_DIR SITE_DIR SA_HITS OUR_JSONL LINT_OUT MIN_LOAD MIN_IDENT
      SA_HITS: sa_hits.pl output (RELPATH<TAB>RULE,...). OUR_JSONL: `scamctl
      scan --json` of the same files (the "file" member ends in RELPATH).
      LINT_OUT: the probe lint's output. Prints the figures and every
      differing rule; exits 1 when the load or identical percentage is below
      MIN_LOAD or MIN_IDENT (percent), 0 otherwise.

  compare.py why RULES_DIR SCAMCTL RULE FILE...
      For finding causes: RULE's dependency tree on each FILE, every node
      marked with the engine(s) that hit it (SpamAssassin with sub-rules, ours
      through one scored probe meta per node).

Which rules are comparable is read from the .cf files here, not from either
engine: a rule SpamAssassin runs in score set 0 (no Bayes, no network tests)
whose dependency closure (a meta through every rule it names, recursively)
holds only regex rules of the core types (header, body, rawbody, full, uri,
meta): no eval:, no plugin rule type (mimeheader, uri_detail, askdns, uri*bl,
...), no rules_matching(). "Runs" means: defined outside any skipped
ifplugin/if block (plugins are those the *.pre files of SITE_DIR load, as
SpamAssassin reads them; if-expressions are evaluated as SpamAssassin 4.0.1
does), not a __ sub-rule, a set-0 score that is not 0, and no tflags net or
learn. "lang xx" lines are skipped (the harness runs with LANG=C).
"""

import json
import os
import re
import sys

SA_VERSION = 4.000001
PERL_LIB = "/usr/share/perl5"
CORE_TYPES = {"header", "body", "rawbody", "full", "uri", "meta"}
PLUGIN_TYPES = {
    "mimeheader", "uri_detail", "askdns", "urirhsbl", "urirhssub", "uridnsbl", "uridnssub",
    "hashbl_bodyre", "header_detail", "check_hashbl_bodyre",
}
PLUGIN_ALIASES = {
    "Mail::SpamAssassin::Plugin::Dmarc": "Mail::SpamAssassin::Plugin::DMARC",
    "Mail::SpamAssassin::Plugin::WhiteListSubject": "Mail::SpamAssassin::Plugin::WelcomeListSubject",
}
NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def strip_comment(line):
    """strip_comment - SpamAssassin's comment rule: # unless escaped, then \\# -> #"""
    if "#" in line:
        line = re.sub(r"(?<!\\)#.*$", "", line)
        line = line.replace("\\#", "#")
    return line.strip()


def loaded_plugins(site_dir):
    """loaded_plugins - the plugins the *.pre files of site_dir load"""
    plugins = set()
    for fn in sorted(os.listdir(site_dir)):
        if not fn.endswith(".pre"):
            continue
        with open(os.path.join(site_dir, fn), encoding="latin-1") as f:
            for raw in f:
                parts = strip_comment(raw).split()
                if len(parts) >= 2 and parts[0].lower() == "loadplugin":
                    plugins.add(PLUGIN_ALIASES.get(parts[1], parts[1]))
                elif len(parts) >= 2 and parts[0].lower() == "enable_compat":
                    # defines Mail::SpamAssassin::Conf::compat_NAME (Conf.pm)
                    plugins.add("Mail::SpamAssassin::Conf::compat_" + parts[1])
    return plugins


_can_cache = {}


def perl_can(name, plugins):
    """perl_can - would Perl's can() find Package::sub with these plugins loaded"""
    if name in _can_cache:
        return _can_cache[name]
    pkg, _, sub = name.rpartition("::")
    ok = False
    if name in plugins:  # an enable_compat function
        ok = True
    elif pkg.startswith("Mail::SpamAssassin::Plugin::") and pkg not in plugins:
        ok = False
    else:
        path = os.path.join(PERL_LIB, pkg.replace("::", "/") + ".pm")
        try:
            with open(path, encoding="latin-1") as f:
                ok = re.search(r"^\s*sub\s+" + re.escape(sub) + r"\b", f.read(), re.M) is not None
        except OSError:
            ok = False
    _can_cache[name] = ok
    return ok


def eval_cond(expr, plugins):
    """eval_cond - an if/ifplugin condition, the way Conf::Parser evaluates it"""
    out = []
    for tok in re.findall(r"\d+(?:\.\d+)?|\w[\w:]*|&&|\|\||[<>=!]=|[()!<>]", expr):
        if tok in ("(", ")"):
            out.append(tok)
        elif tok == "!":
            out.append(" not ")
        elif tok == "&&":
            out.append(" and ")
        elif tok == "||":
            out.append(" or ")
        elif tok in ("plugin", "can", "has"):
            out.append("_" + tok)
        elif tok == "version":
            out.append(repr(SA_VERSION))
        elif tok == "perl_version":
            out.append("5.036")
        elif tok == "local_tests_only":
            out.append("1")
        elif re.fullmatch(r"\d+(?:\.\d+)?|[<>=!]=|[<>]", tok):
            out.append(tok)
        else:
            out.append(repr(PLUGIN_ALIASES.get(tok, tok)))
    env = {
        "_plugin": lambda p: p in plugins,
        "_can": lambda n: perl_can(n, plugins),
        "_has": lambda n: False,
    }
    return bool(eval(" ".join(out), {"__builtins__": {}}, env))  # noqa: S307 - tokens vetted


class Rule:
    """Rule - one rule definition as SpamAssassin keeps it (last one wins)"""

    def __init__(self, name, kind, text, where):
        self.name = name
        self.kind = kind
        self.text = text
        self.where = where
        self.is_eval = text.startswith("eval:")
        self.deps = []
        self.bad_meta = False
        if kind == "meta":
            if "rules_matching" in text:
                self.bad_meta = True
            self.deps = [t for t in NAME_RE.findall(text) if t != "local_tests_only"]


def parse_rules(rules_dir, plugins):
    """parse_rules - rules, set-0 scores and tflags of the active lines of *.cf"""
    rules, scores, tflags = {}, {}, {}
    total_defs = set()
    for fn in sorted(f for f in os.listdir(rules_dir) if f.endswith(".cf")):
        path = os.path.join(rules_dir, fn)
        stack = []  # (active_before, this_active)
        active = True
        with open(path, encoding="latin-1") as f:
            for lineno, raw in enumerate(f, 1):
                line = strip_comment(raw)
                if not line:
                    continue
                if re.match(r"lang\s", line):
                    continue
                parts = line.split(None, 1)
                key = parts[0].lower().replace("-", "_")
                value = parts[1] if len(parts) > 1 else ""
                if key in ("ifplugin", "if"):
                    cond = eval_cond("plugin(%s)" % value if key == "ifplugin" else value,
                                     plugins)
                    stack.append(active)
                    active = active and cond
                    continue
                if key == "else":
                    active = stack[-1] and not active if stack else active
                    continue
                if key == "endif":
                    active = stack.pop() if stack else True
                    continue
                if not active:
                    continue
                rest = value.split(None, 1)
                if not rest:
                    continue
                name = rest[0]
                arg = rest[1] if len(rest) > 1 else ""
                if key in CORE_TYPES or key in PLUGIN_TYPES:
                    rules[name] = Rule(name, key, arg.strip(), "%s:%d" % (fn, lineno))
                    if not name.startswith("__"):
                        total_defs.add(name)
                elif key == "score":
                    vals = arg.split()
                    if vals:
                        try:
                            scores[name] = float(vals[0])
                        except ValueError:
                            pass
                elif key == "tflags":
                    tflags[name] = arg.split()
    return rules, scores, tflags, total_defs


def comparable_rules(rules, scores, tflags):
    """comparable_rules - names whose closure is regex-only and which SA runs"""
    memo = {}

    def runs(name):
        r = rules[name]
        score = scores.get(name)
        if score is None:
            score = 0.01 if name.startswith("T_") else 1.0
        if score == 0:
            return False
        flags = tflags.get(name, [])
        return "net" not in flags and "learn" not in flags

    def clean(name, seen):
        if name in memo:
            return memo[name]
        r = rules.get(name)
        if r is None:  # undefined: both engines read 0
            return True
        if name in seen:
            return False
        if r.kind not in CORE_TYPES or r.is_eval or r.bad_meta:
            memo[name] = False
            return False
        seen.add(name)
        ok = all(clean(d, seen) for d in r.deps)
        seen.discard(name)
        memo[name] = ok
        return ok

    return sorted(n for n in rules if not n.startswith("__") and runs(n) and clean(n, set()))


def load_setup(rules_dir, site_dir):
    """load_setup - parse the stock rules, return (rules, comparable names, total)"""
    plugins = loaded_plugins(site_dir)
    rules, scores, tflags, total = parse_rules(rules_dir, plugins)
    return rules, comparable_rules(rules, scores, tflags), total


def read_sa(path):
    """read_sa - RELPATH -> set of rule names from sa_hits.pl"""
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            rel, _, hits = line.rstrip("\n").partition("\t")
            if hits.startswith("!"):
                out[rel] = None
            else:
                out[rel] = set(h for h in hits.split(",") if h)
    return out


def read_ours(path, rels):
    """read_ours - RELPATH -> set of rule names from scamctl scan --json"""
    out = {}
    for line in open(path, encoding="utf-8"):
        rec = json.loads(line)
        name = rec["file"]
        rel = next((r for r in rels if name.endswith("/" + r) or name == r), None)
        if rel is None:
            continue
        out[rel] = None if rec.get("error") else set(h["name"] for h in rec["hits"])
    return out


def main_probe(rules_dir, site_dir):
    """main_probe - print the probe rule file"""
    _, comp, _ = load_setup(rules_dir, site_dir)
    print("# generated by tests/compat/compare.py probe: one meta per comparable rule")
    for i, n in enumerate(comp):
        print("meta __COMPAT_PROBE_%d %s" % (i, n))
    return 0


def main_compare(rules_dir, site_dir, sa_path, ours_path, lint_path, min_load, min_ident):
    """main_compare - print the figures and the differing rules"""
    rules, comp, total = load_setup(rules_dir, site_dir)
    comp_set = set(comp)
    missing = set()
    with open(lint_path, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = re.search(r"meta __COMPAT_PROBE_\d+: no rule (\S+?);", line)
            if m:
                missing.add(m.group(1))
    loaded = len(comp_set - missing)
    sa = read_sa(sa_path)
    rels = list(sa)
    ours = read_ours(ours_path, set(rels))

    identical = 0
    compared = 0
    only_ours, only_sa = {}, {}
    errors = []
    for rel in rels:
        s, o = sa.get(rel), ours.get(rel)
        if s is None or o is None:
            errors.append("%s: %s" % (rel, "SpamAssassin could not read it" if s is None
                                      else "no record from scamctl"))
            continue
        compared += 1
        s &= comp_set
        o &= comp_set
        if s == o:
            identical += 1
        for n in o - s:
            only_ours.setdefault(n, []).append(rel)
        for n in s - o:
            only_sa.setdefault(n, []).append(rel)

    load_pct = 100.0 * loaded / len(comp) if comp else 0.0
    ident_pct = 100.0 * identical / compared if compared else 0.0
    print("stock rules: %d defined in active blocks (%d without __ sub-rules)"
          % (len(rules), len(total)))
    print("comparable rules (regex-only closure, run in score set 0): %d" % len(comp))
    print("comparable rules our engine loads: %d (%.1f%%)" % (loaded, load_pct))
    print("messages compared: %d; identical comparable hit sets: %d (%.1f%%)"
          % (compared, identical, ident_pct))
    for e in errors:
        print("not compared: " + e)
    diff = sorted(set(only_ours) | set(only_sa),
                  key=lambda n: (-(len(only_ours.get(n, [])) + len(only_sa.get(n, []))), n))
    if diff:
        print("differing rules (ours-only / SA-only messages, one example each):")
    for n in diff:
        ex = (only_ours.get(n) or only_sa.get(n))[0]
        why = "" if n not in missing else "  [not loaded by our engine]"
        print("  %-28s %4d / %-4d %s%s" % (n, len(only_ours.get(n, [])), len(only_sa.get(n, [])),
                                           ex, why))
    if os.environ.get("COMPAT_LIST_MISSING"):
        for n in sorted(missing & comp_set):
            print("not loaded: %s (%s %s)" % (n, rules[n].kind, rules[n].where))
    fail = False
    if load_pct < min_load:
        print("FAIL: comparable rules loaded %.1f%% < %.1f%%" % (load_pct, min_load))
        fail = True
    if ident_pct < min_ident:
        print("FAIL: identical hit sets %.1f%% < %.1f%%" % (ident_pct, min_ident))
        fail = True
    if compared < 300:
        print("FAIL: only %d messages compared (< 300)" % compared)
        fail = True
    return 1 if fail else 0


def main_why(rules_dir, scamctl, rule, files):
    """main_why - the closure of rule as a tree, each node marked with who hit it"""
    import shutil
    import subprocess
    import tempfile

    here = os.path.dirname(os.path.abspath(__file__))
    tmp = tempfile.mkdtemp()
    try:
        os.makedirs(tmp + "/site")
        shutil.copy(os.path.join(here, "plugins.pre"), tmp + "/site/init.pre")
        rules, _, _ = load_setup(rules_dir, tmp + "/site")
        closure, order = set(), []

        def walk(n):
            if n in closure:
                return
            closure.add(n)
            order.append(n)
            for d in rules[n].deps if n in rules else []:
                walk(d)
        walk(rule)
        os.makedirs(tmp + "/rules")
        os.makedirs(tmp + "/home")
        for f in os.listdir(rules_dir):
            if f.endswith(".cf"):
                os.symlink(os.path.join(rules_dir, f), os.path.join(tmp, "rules", f))
        with open(tmp + "/rules/zz_why.cf", "w") as f:
            for i, n in enumerate(order):
                f.write("meta WHY_%d %s\nscore WHY_%d 0.001\n" % (i, n, i))
        with open(tmp + "/empty.zone", "w"):
            pass
        with open(tmp + "/scam.conf", "w") as f:
            f.write("rules_dir = %s/rules\nspf = no\ndkim = no\ndmarc = no\n"
                    "dns_local_data = %s/empty.zone\n" % (tmp, tmp))
        corpus = os.path.commonpath([os.path.abspath(x) for x in files] + ["/"])
        corpus = os.path.dirname(os.path.abspath(files[0])) if len(files) == 1 else corpus
        rels = [os.path.relpath(os.path.abspath(x), corpus) for x in files]
        with open(tmp + "/list", "w") as f:
            f.write("\n".join(rels) + "\n")
        env = dict(os.environ, SA_HITS_SUBRULES="1", LANG="C", LC_ALL="C")
        sa_out = subprocess.run(["perl", os.path.join(here, "sa_hits.pl"), rules_dir,
                                 tmp + "/site", tmp + "/home", corpus, tmp + "/list"],
                                env=env, capture_output=True, text=True).stdout
        sa = {}
        for line in sa_out.splitlines():
            rel, _, hits = line.partition("\t")
            sa[rel] = set(hits.split(","))
        our_out = subprocess.run([scamctl, "-c", tmp + "/scam.conf", "scan", "--json"]
                                 + [os.path.join(corpus, r) for r in rels],
                                 capture_output=True, text=True).stdout
        ours = {}
        for line in our_out.splitlines():
            rec = json.loads(line)
            rel = os.path.relpath(rec["file"], corpus)
            names = set(h["name"] for h in rec["hits"])
            ours[rel] = set(n for i, n in enumerate(order) if "WHY_%d" % i in names)
        for rel in rels:
            print("%s:" % rel)

            def show(n, depth, seen):
                r = rules.get(n)
                s_hit = n in sa.get(rel, set())
                o_hit = n in ours.get(rel, set())
                mark = "both" if s_hit and o_hit else "SA  " if s_hit else "ours" if o_hit \
                    else "-   "
                flag = "" if s_hit == o_hit else "   <-- differs"
                text = "(undefined)" if r is None else "%s %s" % (r.kind, r.text[:90])
                print("  %s%s %s: %s%s" % ("  " * depth, mark, n, text, flag))
                if r is not None and n not in seen:
                    for d in dict.fromkeys(r.deps):
                        show(d, depth + 1, seen | {n})
            show(rule, 0, set())
    finally:
        shutil.rmtree(tmp)
    return 0


def main(argv):
    """main - dispatch on the mode"""
    if len(argv) == 4 and argv[1] == "probe":
        return main_probe(argv[2], argv[3])
    if len(argv) == 9 and argv[1] == "compare":
        return main_compare(argv[2], argv[3], argv[4], argv[5], argv[6], float(argv[7]),
                            float(argv[8]))
    if len(argv) >= 6 and argv[1] == "why":
        return main_why(argv[2], argv[3], argv[4], argv[5:])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
