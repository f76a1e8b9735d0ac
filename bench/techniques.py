#!/usr/bin/env python3
"""What each technique of the search is worth: every instance solved with
all techniques on, then with each one turned off in turn (pmbench solve
--without TECH), at one time limit.  Writes the "Techniques" section of
bench/RESULTS.md (between its markers, which bench/report.py keeps).

    bench/techniques.py [--limit 20] [--sizes 300,600,1000,3000] [--seed 1]
                        [--build build-bench] [--no-bundled]
                        [--section techniques|techniques-region]

A region needs a longer limit than the boroughs (its column generation
alone takes 20-24 s): run it on its own into the second section, e.g.
`--limit 60 --sizes 3000 --no-bundled --section techniques-region`.

Instances: the bundled borough (examples/stockton-2023.json) and boroughs
generated with `placematch generate --profile stockton-2023` (3,000: the
regional profile).  Techniques (solver/model.h, pm_model_tuning):
lagrange, colgen, master_cuts, master_ip, quick, lns, rc_fixing, cuts, primal,
prove, restart, first, gomory, pool, prepro, purge, propagate.
"""
import argparse, json, os, subprocess, time

import sections

TECHS = ["lagrange", "colgen", "master_cuts", "master_ip", "quick", "lns", "rc_fixing", "cuts", "primal", "prove", "restart", "first", "gomory", "pool", "prepro", "purge", "propagate"]
WHAT = {
    "lagrange": "subgradient ascent on capacity prices: with colgen, 300 steps for starting prices (off: zero prices, trivial bound, no column generation)",
    "colgen": "column generation over sibling-group arrangements (GLPK master): the exact Lagrangian dual, sibling-only rows priced; its master's support picks the quick search's arcs (off: 2,000 ascent steps give bound and prices)",
    "master_cuts": "rank-1 mixed-integer rounding cuts on capacity rows (alone or with one unit's own row) in the column generation master, priced in the group programme",
    "master_ip": "the master as an integer programme over its columns (GLPK, up to 2 s or 10% of the limit) for an incumbent; skipped when the proof is likely to run (limits of 30 s or more)",
    "quick": "relaxation-guided and quick searches over the arcs the prices favour",
    "lns": "neighbourhood search on the incumbent",
    "rc_fixing": "drop arcs that cannot beat the incumbent before the exact search",
    "cuts": "GLPK's cuts: Gomory, MIR, cover and clique in the exact search over arcs, Gomory and MIR in the proof",
    "primal": "primal simplex at the root (off: dual)",
    "prove": "the proof over the master: every arrangement or household that can beat the incumbent as an integer programme (off: the exact search over arcs)",
    "restart": "the proof's branch and bound restarted over the columns its root's reduced costs leave once the incumbent rules out half (solver/restart.c; the proof runs only under limits of 30 s or more)",
    "first": "before the proof, its programme over the 15% of its columns of least excess, for a better incumbent (solver/model.c, first_search)",
    "gomory": "GLPK's Gomory cuts and Driebeck-Tomlin branching, in the proof and the search over arcs, made by our own tableau rows (solver/tableau.c, gomory.c, branch.c, ios.c): the same search, faster (off: GLPK's own)",
    "pool": "GLPK's cut pool, its choice among the pooled cuts and its MIR cuts, made from the callback with the cut over the nonbasic variables from our copy of the matrix (solver/cutpool.c): the same search, faster (off: GLPK's own)",
    "prepro": "GLPK's node preprocessing (bound propagation over every row and the incumbent's cut-off), made from the callback over arrays (solver/prepro.c): the same search, faster (off: GLPK's own)",
    "purge": "column generation sets the master's columns of largest reduced cost aside while it runs, once it holds 12,000 (solver/colgen.c): the same bound, fewer columns for every simplex step to price (a region only)",
    "propagate": "a restart of the proof also fixes at 0 the columns that bound propagation over its root's rows rules out (solver/restart.c): GLPK's preprocessing would fix the same at the new root, after passes over every column; the same search, sooner",
}

ap = argparse.ArgumentParser()
ap.add_argument("--limit", default="20")
ap.add_argument("--sizes", default="300,600,1000,3000")
ap.add_argument("--seed", default="1")
ap.add_argument("--build", default="build-bench")
ap.add_argument("--no-bundled", action="store_true")
ap.add_argument("--section", default="techniques",
                choices=["techniques", "techniques-region"])
a = ap.parse_args()
os.chdir(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
pm = os.path.join(a.build, "placematch")
pmbench = os.path.join(a.build, "bench", "pmbench")
work = os.path.join(a.build, "work", "techniques")
os.makedirs(work, exist_ok=True)

instances = [] if a.no_bundled else [("bundled (587)", "examples/stockton-2023.json", None)]
for n in a.sizes.split(","):
    prof = "regional" if int(n) >= 3000 else "stockton-2023"
    path = os.path.join(work, f"{prof}-n{n}-s{a.seed}.json")
    gen = [pm, "generate", "--profile", prof, "--seed", a.seed, "--children", n, "-o", path]
    subprocess.run(gen, check=True)
    instances.append((f"{prof} {n}", path, " ".join(gen)))

rows, cmds = [], []
t_start = time.time()
for label, path, gen in instances:
    if gen:
        cmds.append(gen)
    runs = []
    for off in [""] + TECHS:
        cmd = [pmbench, "solve", path, "--time-limit", a.limit]
        if off:
            cmd += ["--without", off]
        r = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
        runs.append((off or "all on", r))
        if not off:
            cmds.append(" ".join(cmd) + "   # then --without TECH for each")
    best = min(r["objective"] for _, r in runs if r["objective"] is not None)
    for name, r in runs:
        rows.append((label, name, r, best))

head = sections.commit()
dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                       capture_output=True, text=True).stdout.strip()
load = os.getloadavg()
L = [f"<!-- {a.section}: written by bench/techniques.py -->",
     "## Techniques" if a.section == "techniques"
     else f"## Techniques at {a.sizes} children ({a.limit} s)",
     "",
     f"Each instance solved by `pmbench solve` (pm_solve in process) with a {a.limit} s "
     "limit, first with every technique on, then with one turned off.  One run each "
     "(every run stops on the limit, so its figures depend on the machine's speed); "
     f"{os.cpu_count()} CPUs, load average {load[0]:.1f} at the end, "
     f"{(time.time() - t_start) / 60:.0f} minutes in all, commit `{head}`"
     + (" (with uncommitted changes)" if dirty else "") + ".  "
     "Root gap: (best objective of the row's instance - this run's root bound) / best "
     "objective.  Gap: this run's (objective - bound) / objective.  Objective "
     "vs best: how much dearer this run's answer is than the best any run found.",
     "",
     "| technique | what it does |", "|---|---|"]
L += [f"| `{t}` | {WHAT[t]} |" for t in TECHS]
L += ["", "| instance | techniques | status | objective (£/week) | vs best | gap | root gap | nodes | wall s | CPU s |",
      "|---|---|---|---:|---:|---:|---:|---:|---:|---:|"]
for label, name, r, best in rows:
    obj = r["objective"]
    rg = (best - r["root_bound"]) / best if r["root_bound"] is not None else None
    L.append(f"| {label} | {'without ' + name if name != 'all on' else name} | {r['status']} | "
             f"{obj:,.0f} | {100 * (obj - best) / best:+.2f}% | {100 * r['gap']:.2f}% | "
             f"{100 * rg:.2f}% | {r['nodes']} | {r['seconds']:.1f} | {r['cpu_seconds']:.1f} |")
L += ["", "Commands:", "", "```"] + cmds + ["```", f"<!-- /{a.section} -->"]
block = "\n".join(L) + "\n"

sections.write_section(a.section, block)
print(block)
