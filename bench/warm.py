#!/usr/bin/env python3
"""Warm against cold starts for the commissioning mixes: the same mixes
solved from scratch (--cold) and from their cohort's baseline (default),
at each time limit.  Writes the "Mix warm start" section of
bench/RESULTS.md (between its markers, which bench/report.py keeps).

    bench/warm.py [--limits 2,10] [--shard 1/48] [--threads 2]
                  [--cohort base] [--build build-bench]
"""
import argparse, json, os, statistics, subprocess, time

import sections

ap = argparse.ArgumentParser()
ap.add_argument("--limits", default="2,10")
ap.add_argument("--shard", default="1/48")
ap.add_argument("--threads", default="2")
a, pm, work = sections.mixes_setup(ap)


def run(limit, cold):
    out = os.path.join(work, f"mixes-{'cold' if cold else 'warm'}-{limit}.json")
    cmd = [pm, "mixes", a.file, "--cohort", a.cohort, "--shard", a.shard,
           "--time-limit", limit, "--threads", a.threads, "--quiet", "-o", out]
    if cold:
        cmd.append("--cold")
    t0 = time.time()
    subprocess.run(cmd, check=True)
    wall = time.time() - t0
    ev = [e for e in json.load(open(out))["evaluations"] if e.get("objective") is not None]
    return cmd, wall, {(e["mix"], e["cohort"]): e for e in ev}


rows, cmds = [], []
for limit in a.limits.split(","):
    cold = run(limit, True)
    warm = run(limit, False)
    keys = sorted(set(cold[2]) & set(warm[2]))
    for name, (cmd, wall, ev) in (("cold", cold), ("warm", warm)):
        cmds.append(" ".join(cmd))
        rows.append((limit, name, len(keys), wall,
                     statistics.mean(ev[k]["objective"] for k in keys),
                     statistics.mean(ev[k]["gap"] for k in keys),
                     sum(ev[k]["status"] == "optimal" for k in keys)))
    better = sum(warm[2][k]["objective"] < cold[2][k]["objective"] - 0.005 for k in keys)
    rows.append((limit, "warm better on", better, None, None, None, None))

head = sections.commit()
load = os.getloadavg()
lines = ["<!-- warm-start: written by bench/warm.py -->",
         "## Mix warm start",
         "",
         f"`{a.file}`, cohort `{a.cohort}`, shard {a.shard} of the mixes "
         f"(the baseline and every {a.shard.split('/')[1]}th mix), {a.threads} threads, on "
         f"this machine ({os.cpu_count()} CPUs, load "
         f"{load[0]:.1f} at the end), commit `{head}`.  Cold: every solve from "
         "scratch (`--cold`).  Warm (the default): the cohort's baseline is solved "
         "first with 4x the limit, then every other mix starts from its answer "
         "and its Lagrangian prices.  Means over the mixes both runs solved; "
         "wall time includes the baseline.",
         "",
         "| limit per solve | start | mixes | wall s | mean objective (£/week) | mean gap | optimal |",
         "|---:|---|---:|---:|---:|---:|---:|"]
for limit, name, n, wall, obj, gap, opt in rows:
    if wall is None:
        lines.append(f"| {limit} s | {name} | {n} of the mixes | | | | |")
    else:
        lines.append(f"| {limit} s | {name} | {n} | {wall:.1f} | {obj:,.0f} | {100*gap:.1f}% | {opt} |")
lines += ["", "Commands:", "", "```"] + cmds + ["```", "<!-- /warm-start -->"]
block = "\n".join(lines) + "\n"

sections.write_section("warm-start", block)
print(block)
