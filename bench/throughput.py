#!/usr/bin/env python3
"""Mix evaluations per second and parallel efficiency: the same 1,000+
mixes of one cohort solved by `placematch mixes` at each thread count, one
run after the other on this machine.  Writes the "Mix throughput" section
of bench/RESULTS.md (between its markers, which bench/report.py keeps).

    bench/throughput.py [--threads 1,2] [--limit 2] [--gap 0.01]
                        [--shard 1/1] [--cohort base] [--build build-bench]

Each solve stops at the limit or once its answer is within --gap of its
bound, whichever comes first, so the time per evaluation is the solver's,
not just the limit.  With a wall-clock limit the answers may differ a
little between thread counts (a busier machine gets less done before the
limit); the table says how many are identical.  --node-limit makes them
identical on any machine but no longer measures the time-limited use.
"""
import argparse, json, os, statistics, subprocess, time

import sections

ap = argparse.ArgumentParser()
ap.add_argument("--threads", default="1,2")
ap.add_argument("--limit", default="2")
ap.add_argument("--gap", default="0.01")
ap.add_argument("--shard", default="1/1")
a, pm, work = sections.mixes_setup(ap)


def run(threads):
    out = os.path.join(work, f"mixes-throughput-{threads}.json")
    cmd = [pm, "mixes", a.file, "--cohort", a.cohort, "--time-limit", a.limit,
           "--gap", a.gap, "--threads", threads, "--quiet", "-o", out]
    if a.shard != "1/1":
        cmd[3:3] = ["--shard", a.shard]
    t0 = time.time()
    subprocess.run(cmd, check=True)
    wall = time.time() - t0
    ev = json.load(open(out))["evaluations"]
    return {"cmd": " ".join(cmd), "wall": wall,
            "ev": {(e["mix"], e["cohort"]): e for e in ev},
            "load": os.getloadavg()[0]}


def pct(v, q):
    v = sorted(v)
    return v[min(len(v) - 1, int(q * len(v)))]


runs = {t: run(t) for t in a.threads.split(",")}
first = runs[a.threads.split(",")[0]]
base_rate = len(first["ev"]) / first["wall"]
head = sections.commit()
lines = ["<!-- throughput: written by bench/throughput.py -->",
         "## Mix throughput",
         "",
         f"`{a.file}`, cohort `{a.cohort}`"
         + (f", shard {a.shard}" if a.shard != "1/1" else ", every mix")
         + f", warm starts (the default), each solve stopped at {a.limit} s or "
         f"at a gap of {100 * float(a.gap):g}%, whichever comes first.  One run per "
         f"thread count, one after the other, on this machine ({os.cpu_count()} "
         f"CPUs), commit `{head[:7]}`.  Wall time includes the baseline "
         "(solved first with 4x the limit).  Speed-up and efficiency are "
         f"against the {a.threads.split(',')[0]}-thread run; 'same answers': "
         "evaluations whose objective equals the first run's to the penny.",
         "",
         "| threads | evaluations | wall s | evaluations/s | speed-up | efficiency "
         "| optimal | gap mean | median | p90 | worst | same answers | load after |",
         "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
for t, r in runs.items():
    ev = r["ev"]
    gaps = [e["gap"] for e in ev.values() if e.get("gap") is not None]
    rate = len(ev) / r["wall"]
    same = sum(k in first["ev"] and e.get("objective") is not None and
               abs(e["objective"] - first["ev"][k].get("objective", 1e300)) < 0.005
               for k, e in ev.items())
    lines.append(
        f"| {t} | {len(ev)} | {r['wall']:.0f} | {rate:.2f} | "
        f"{rate / base_rate:.2f} | {rate / base_rate / int(t):.0%} | "
        f"{sum(e['status'] == 'optimal' for e in ev.values())} | "
        f"{100 * statistics.mean(gaps):.2f}% | {100 * statistics.median(gaps):.2f}% | "
        f"{100 * pct(gaps, 0.9):.2f}% | {100 * max(gaps):.2f}% | {same} | "
        f"{r['load']:.1f} |")
lines += ["", "Commands:", "", "```"] + [r["cmd"] for r in runs.values()] + \
         ["```", "<!-- /throughput -->"]
block = "\n".join(lines) + "\n"
sections.write_section("throughput", block)
print(block)
