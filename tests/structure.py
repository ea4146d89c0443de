#!/usr/bin/env python3
"""tests/structure.py: the shape of jockey's code, checked from its sources and
objects (issue 13, docs/design.md "Modules and folders").

  tests/structure.py [--tap] [--top DIR] [--ninja FILE]... [CHECK...]

CHECK is any of the names below (default: all but rules, which needs --ninja);
--top DIR checks another tree laid out as jockey's (sources under base/ gen/
runners/, objects under DIR/build/): tests/t0003-structure.sh points it at
small synthetic trees to prove that each check can fail.

Checks:
  cycles     no two object files call each other, directly or through others
             (nm: a file uses a symbol another defines, and back)
  layers     folders only include downwards: base <- gen <- runners/{run,report} <- runners
  files      no source file over 1,000 lines
  functions  no function over 80 lines
  rules      every rule of a generated build.ninja runs a command of the command
             table whose code is cmd_<rule>.c (--ninja FILE, a generated build.ninja):
             a rule is named COMMAND or COMMAND.QUALIFIER (parse.BENCHMARK,
             run-cell.REP), it runs '$jockey COMMAND' or '$edge COMMAND', the
             table maps COMMAND to cmd_COMMAND (dashes become underscores) and
             runners/cmd_COMMAND.c defines it
Exit 0 when all hold; prints what does not."""
import os, re, subprocess, sys, glob, argparse

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC_DIRS = ["base", "gen", "runners"]
MAX_FILE, MAX_FUNC = 1000, 80

def sources(ext):
    out = []
    for d in SRC_DIRS:
        for root, _, files in os.walk(os.path.join(TOP, d)):
            out += [os.path.relpath(os.path.join(root, f), TOP) for f in files if f.endswith(ext)]
    return sorted(out)

def check_cycles():
    defs, uses = {}, {}
    objs = []
    for src in sources(".c"):
        # other programs' mains (jockey-edge, the static jockey-sampler, built
        # into build/sampler/): each would clash with jockey's own main
        if src.startswith(("runners/edge/", "runners/sampler/")):
            continue
        obj = os.path.join(TOP, "build", src[:-2] + ".o")
        if not os.path.exists(obj):
            return ["no object %s: build first (ninja)" % os.path.relpath(obj, TOP)]
        objs.append((src, obj))
    for src, obj in objs:
        out = subprocess.run(["nm", obj], capture_output=True, text=True, check=True).stdout
        uses[src] = set()
        for line in out.splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[0] == "U":
                uses[src].add(parts[1])
            elif len(parts) == 3 and parts[1] in "TDBRCV":
                defs.setdefault(parts[2], src)
    graph = {s: sorted({defs[u] for u in us if u in defs and defs[u] != s}) for s, us in uses.items()}
    # Tarjan's strongly connected components
    index, low, stack, on, sccs, n = {}, {}, [], set(), [], [0]
    sys.setrecursionlimit(10000)
    def visit(v):
        index[v] = low[v] = n[0]; n[0] += 1
        stack.append(v); on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w); low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop(); on.discard(w); comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                sccs.append(sorted(comp))
    for v in sorted(graph):
        if v not in index:
            visit(v)
    errs = []
    for comp in sccs:
        pairs = ["%s -> %s (%s)" % (a, b, ", ".join(sorted(u for u in uses[a] if defs.get(u) == b)[:3]))
                 for a in comp for b in graph[a] if b in comp]
        errs.append("call cycle among %s: %s" % (" ".join(comp), "; ".join(pairs)))
    return errs

def layer(path):
    p = path.split("/")
    if p[0] == "base": return 0
    if p[0] == "gen": return 1
    if p[0] == "runners" and len(p) > 2 and p[1] in ("run", "report"): return 2
    return 3  # runners/*.c commands, runners/edge

def check_layers():
    errs = []
    for src in sources(".c") + sources(".h"):
        for i, line in enumerate(open(os.path.join(TOP, src), encoding="utf-8"), 1):
            m = re.match(r'#include "([^"]+)"', line)
            if not m or m.group(1).startswith("build/"):
                continue
            inc = m.group(1)
            if "/" not in inc:
                errs.append("%s:%d: include '%s' names no folder" % (src, i, inc))
            elif os.path.exists(os.path.join(TOP, inc)) and layer(inc) > layer(src):
                errs.append("%s:%d: includes '%s', a layer above it" % (src, i, inc))
            elif layer(inc) == layer(src) == 2 and inc.split("/")[1] != src.split("/")[1] and inc.split("/")[1] == "report" and src.split("/")[1] == "run":
                errs.append("%s:%d: the run layer includes the report layer '%s'" % (src, i, inc))
    return errs

def check_files():
    errs = []
    for src in sources(".c") + sources(".h"):
        n = sum(1 for _ in open(os.path.join(TOP, src), encoding="utf-8"))
        if n > MAX_FILE:
            errs.append("%s: %d lines (at most %d)" % (src, n, MAX_FILE))
    return errs

def check_functions():
    errs = []
    for src in sources(".c"):
        lines = open(os.path.join(TOP, src), encoding="utf-8").read().split("\n")
        name, start = None, None
        for i, line in enumerate(lines):
            m = re.match(r'^([A-Za-z_]\w*)\(', line)
            if m and start is None:
                name = m.group(1)
            elif line == "{" and name and start is None:
                start = i
            elif line == "}" and start is not None:
                n = i - start + 1
                if n > MAX_FUNC:
                    errs.append("%s:%d: %s() is %d lines (at most %d)" % (src, start + 1, name, n, MAX_FUNC))
                name, start = None, None
            elif line and not line[0].isspace() and start is None and not m and not line.startswith(("static", "/*", " *", "#")) and not line.endswith(","):
                if not re.match(r'^\w', line):
                    name = None
    return errs

def check_rules(ninja_files):
    if not ninja_files:
        return ["no build.ninja to check: give --ninja FILE"]
    table = open(os.path.join(TOP, "runners", "commands.c"), encoding="utf-8").read()
    cmds = dict(re.findall(r'\{\s*"([a-z-]+)",\s*(cmd_\w+),', table))
    errs = []
    for nf in ninja_files:
        text = open(nf, encoding="utf-8").read()
        rules = re.findall(r'^rule (\S+)\n  command = (.*)$', text, re.M)
        if not rules:
            errs.append("%s: no rules" % nf)
        for rule, cmd in rules:
            name = rule.split(".")[0]
            m = re.match(r'\$(?:jockey|edge) (\S+)', cmd)
            if not m:
                errs.append("%s: rule '%s' runs '%s', no jockey command" % (nf, rule, cmd[:40]))
                continue
            if m.group(1) != name:
                errs.append("%s: rule '%s' runs the command '%s', not '%s'" % (nf, rule, m.group(1), name))
                continue
            fn = cmds.get(name)
            want = "cmd_" + name.replace("-", "_")
            path = os.path.join("runners", want + ".c")
            if not fn:
                errs.append("%s: rule '%s': no command '%s' in runners/commands.c" % (nf, rule, name))
            elif fn != want:
                errs.append("%s: rule '%s': the table runs %s, not %s" % (nf, rule, fn, want))
            elif not os.path.exists(os.path.join(TOP, path)):
                errs.append("%s: rule '%s': no %s" % (nf, rule, path))
            elif not re.search(r'^%s\(int argc, char \*\*argv\)' % fn, open(os.path.join(TOP, path), encoding="utf-8").read(), re.M):
                errs.append("%s: rule '%s': %s does not define %s" % (nf, rule, path, fn))
    return errs

def main():
    global TOP
    ap = argparse.ArgumentParser()
    ap.add_argument("--tap", action="store_true")
    ap.add_argument("--ninja", action="append", default=[])
    ap.add_argument("--top", default=TOP)
    ap.add_argument("checks", nargs="*")
    a = ap.parse_args()
    TOP = os.path.abspath(a.top)
    if not a.checks:
        a.checks = ["cycles", "layers", "files", "functions"] + (["rules"] if a.ninja else [])
    fns = {"cycles": check_cycles, "layers": check_layers, "files": check_files,
           "functions": check_functions, "rules": lambda: check_rules(a.ninja)}
    for name in a.checks:
        if name not in fns:
            ap.error("no check '%s' (%s)" % (name, ", ".join(fns)))
    bad = 0
    if a.tap:
        print("1..%d" % len(a.checks))
    for k, name in enumerate(a.checks, 1):
        errs = fns[name]()
        if a.tap:
            print("%s %d - %s" % ("not ok" if errs else "ok", k, name))
            for e in errs:
                print("# " + e)
        else:
            for e in errs:
                print("%s: %s" % (name, e))
        bad += bool(errs)
    return 1 if bad else 0

if __name__ == "__main__":
    sys.exit(main())
