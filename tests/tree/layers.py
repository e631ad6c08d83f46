#!/usr/bin/env python3
"""Checks that the tree is built in the layers it claims.

lib/CMakeLists.txt states the layers once, lowest first, each with the
layers it builds on.  This program checks, and explains any failure:

  1. every folder of lib/ is a layer and every layer a folder;
  2. a layer builds only on layers stated before it (no circle between
     folders);
  3. every #include "x.h" in lib/L/ names a header of L or of a layer L
     builds on, directly or not (the build refuses the others too; this
     says which line, in words);
  4. docs/architecture.md lists the layers in the same order;
  5. no function in lib/ is longer than MAX_FUNCTION_LINES lines;
  6. no two object files of lib/ or of a program call each other, directly
     or around a longer circle (read from the symbols of the objects the
     build made: 'nm' on BUILD_DIR, given as the first argument).

Exit status 0 when all hold, 1 otherwise, with one line per problem.
"""
import os
import re
import subprocess
import sys

MAX_FUNCTION_LINES = 150
TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))
problems = []


def problem(msg):
    problems.append(msg)


def read_layers():
    """[(name, [deps])] in the order lib/CMakeLists.txt states them."""
    text = open(os.path.join(TOP, "lib", "CMakeLists.txt")).read()
    layers = []
    for m in re.finditer(r"^sw_layer\((\w+)([^)]*)\)", text, re.M):
        words = m.group(2).split()
        deps, mode = [], None
        for w in words:
            if w in ("DEPS", "LIBS"):
                mode = w
            elif mode == "DEPS":
                deps.append(w)
        layers.append((m.group(1), deps))
    return layers


def check_order(layers):
    seen = set()
    for name, deps in layers:
        for d in deps:
            if d not in seen:
                problem(f"lib/CMakeLists.txt: layer {name} builds on {d}, "
                        f"which is not stated before it")
        seen.add(name)
    folders = {d for d in os.listdir(os.path.join(TOP, "lib"))
               if os.path.isdir(os.path.join(TOP, "lib", d))}
    names = {n for n, _ in layers}
    for f in sorted(folders - names):
        problem(f"lib/{f}/ is a folder but no sw_layer() in "
                f"lib/CMakeLists.txt")
    for n in sorted(names - folders):
        problem(f"layer {n} in lib/CMakeLists.txt has no folder lib/{n}/")


def closure(layers):
    deps = dict(layers)
    out = {}
    for name, _ in layers:
        todo, seen = list(deps.get(name, [])), set()
        while todo:
            d = todo.pop()
            if d not in seen:
                seen.add(d)
                todo.extend(deps.get(d, []))
        out[name] = seen
    return out


def lib_files(exts):
    for layer in sorted(os.listdir(os.path.join(TOP, "lib"))):
        folder = os.path.join(TOP, "lib", layer)
        if not os.path.isdir(folder):
            continue
        for dirpath, _, files in os.walk(folder):
            for f in sorted(files):
                if f.endswith(exts):
                    yield layer, os.path.join(dirpath, f)


def check_includes(layers):
    below = closure(layers)
    home = {}
    for layer, path in lib_files((".h",)):
        home.setdefault(os.path.basename(path), layer)
    for layer, path in lib_files((".c", ".h")):
        rel = os.path.relpath(path, TOP)
        for no, line in enumerate(open(path, errors="replace"), 1):
            m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
            if not m:
                continue
            hdr = os.path.basename(m.group(1))
            if hdr.endswith(".skel.h"):
                # Generated at build time (bpftool gen skeleton) from a
                # BPF object of the same layer.
                continue
            if os.path.exists(os.path.join(os.path.dirname(path),
                                           m.group(1))):
                continue
            owner = home.get(hdr)
            if owner is None:
                problem(f"{rel}:{no}: includes {hdr}, which no layer has")
            elif owner != layer and owner not in below.get(layer, ()):
                problem(f"{rel}:{no}: layer {layer} includes {hdr} of layer "
                        f"{owner}, which it does not build on")


def check_doc(layers):
    doc = os.path.join(TOP, "docs", "architecture.md")
    listed = re.findall(r"^\| `(\w+)/` \|", open(doc).read(), re.M)
    want = [n for n, _ in layers]
    if listed != want:
        problem(f"docs/architecture.md lists the layers as {listed}, "
                f"lib/CMakeLists.txt as {want}")


def check_function_lengths():
    for _, path in lib_files((".c",)):
        rel = os.path.relpath(path, TOP)
        lines = open(path, errors="replace").read().split("\n")
        start = None
        for i, line in enumerate(lines):
            if line == "{":
                start = i
            elif line == "}" and start is not None:
                n = i - start + 1
                if n > MAX_FUNCTION_LINES:
                    sig = lines[start - 1].strip()
                    problem(f"{rel}:{start}: {sig} is {n} lines long "
                            f"(at most {MAX_FUNCTION_LINES})")
                start = None


def symbols(obj):
    out = subprocess.run(["nm", "--defined-only", obj], capture_output=True,
                         text=True).stdout
    defined = {l.split()[-1] for l in out.splitlines()
               if len(l.split()) == 3 and l.split()[1] in "TDBR"}
    out = subprocess.run(["nm", "--undefined-only", obj],
                         capture_output=True, text=True).stdout
    undefined = {l.split()[-1] for l in out.splitlines() if l.strip()}
    return defined, undefined


def strongly_connected(graph):
    """Tarjan's algorithm: the components of more than one node."""
    index, low, stack, on, comps = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                comps.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return comps


def check_circles(build):
    """Object files that call each other, per program and in lib/."""
    groups = {}
    for dirpath, _, files in os.walk(build):
        for f in files:
            if not f.endswith(".c.o"):
                continue
            path = os.path.join(dirpath, f)
            rel = os.path.relpath(path, build)
            m = re.search(r"CMakeFiles/([\w.-]+)\.dir/", rel)
            if not m:
                continue
            target = m.group(1)
            if target.startswith("sw_"):
                group = "lib"
            elif target in ("switchd", "swctl", "swofctl", "swagent"):
                group = target
            else:
                continue
            src = rel[rel.index(".dir/") + 5:-2]
            groups.setdefault(group, {})[src] = path
    if "lib" not in groups:
        problem(f"no object files of lib/ under {build}: build first")
        return
    for group, objs in sorted(groups.items()):
        defs, undefs = {}, {}
        for src, path in objs.items():
            d, u = symbols(path)
            undefs[src] = u
            for s in d:
                defs.setdefault(s, src)
        graph = {src: {defs[s] for s in u if s in defs and defs[s] != src}
                 for src, u in undefs.items()}
        for comp in strongly_connected(graph):
            problem(f"{group}: these files call each other in a circle: "
                    + " <-> ".join(comp))


def main():
    layers = read_layers()
    if not layers:
        print("layers: no sw_layer() lines in lib/CMakeLists.txt")
        return 1
    check_order(layers)
    check_includes(layers)
    check_doc(layers)
    check_function_lengths()
    if len(sys.argv) > 1:
        check_circles(sys.argv[1])
    for p in problems:
        print("layers:", p)
    if problems:
        print(f"layers: {len(problems)} problem(s)")
        return 1
    print("layers: " + " < ".join(n for n, _ in layers)
          + ": every include and call points down, no circle, no function "
          f"over {MAX_FUNCTION_LINES} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
