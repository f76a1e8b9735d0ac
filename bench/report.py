#!/usr/bin/env python3
"""Runs the benchmark suite and rewrites bench/RESULTS.md (bench/run.sh
builds the tools first).  Standard library only.

For each generated instance: placematch's exact solve (pmbench solve), CBC
on the same formulation (pmbench write -> cbc), and the speed limit: the
sibling-free relaxation as a min-cost flow (pmbench flow -> mcf_lemon).
Then panel suggestion latency, mix evaluations per second, and a fit of
time against the number of children.  Settings come from the environment
(see bench/README.md).  Raw figures go to build-bench/work/results.json.
"""
import datetime
import json
import math
import os
import platform
import re
import resource
import shlex
import statistics
import subprocess
import sys
import time

import sections

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "build-bench")
WORK = os.path.join(BUILD, "work")
CLI = os.path.join(BUILD, "placematch")
PMBENCH = os.path.join(BUILD, "bench", "pmbench")
LEMON = os.path.join(BUILD, "bench", "mcf_lemon")
RESULTS = os.path.join(ROOT, "bench", "RESULTS.md")


def env_list(name, default):
    return [int(x) for x in os.environ.get(name, default).split()]


def settings():
    quick = os.environ.get("BENCH_QUICK", "") not in ("", "0")
    s = {
        "quick": quick,
        "limit": float(os.environ.get("BENCH_TIME_LIMIT", "10" if quick else "60")),
        "sizes": env_list("BENCH_SIZES", "100 300" if quick else "100 300 600 1000"),
        "seeds": env_list("BENCH_SEEDS", "1" if quick else "1 2 3"),
        # 1,000 children and up: fewer seeds keep the suite near 25 minutes.
        "seeds_large": env_list("BENCH_SEEDS_LARGE", "1" if quick else "1 2"),
        # Extra sizes, seed 1 only, to locate where proven optimality stops.
        "frontier": env_list("BENCH_FRONTIER", "" if quick else "200"),
        "regional": env_list("BENCH_REGIONAL", "" if quick else "3000"),
        "regional_seeds": env_list("BENCH_REGIONAL_SEEDS", "1"),
        "repeat": int(os.environ.get("BENCH_REPEAT", "3")),
        # Runs faster than this are repeated (median); slower ones run once.
        "repeat_below": float(os.environ.get("BENCH_REPEAT_BELOW", "10")),
        "suggest_runs": int(os.environ.get("BENCH_SUGGEST_RUNS", "20")),
        # Seconds of mix evaluation per thread count (what finishes counts).
        "mix_budget": float(os.environ.get("BENCH_MIX_BUDGET", "15" if quick else "30")),
    }
    return s


def rel(path):
    return os.path.relpath(path, ROOT)


def show(cmd):
    """A command as written in RESULTS.md: paths relative to the root."""
    return " ".join(shlex.quote(rel(c) if c.startswith(ROOT) else c) for c in cmd)


def run(cmd, timeout, log=None):
    """Runs cmd; returns (rc, stdout, wall seconds, cpu seconds).  rc is None
    when the hard timeout killed it."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True, timeout=timeout, cwd=ROOT)
        rc, out, err = p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        rc = None
        out = e.stdout.decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
        err = e.stderr.decode() if isinstance(e.stderr, bytes) else (e.stderr or "")
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if log:
        with open(log, "w") as f:
            f.write("$ " + show(cmd) + "\n" + out + err)
    if rc not in (0, None) and err.strip():
        print("  ! " + err.strip().splitlines()[-1], file=sys.stderr)
    return rc, out, wall, cpu


def json_line(out):
    for line in reversed(out.strip().splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    return None


# ---------------------------------------------------------------- machine

def machine():
    def cmd_out(cmd):
        try:
            return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  text=True, cwd=ROOT).stdout
        except OSError:
            return ""
    lscpu = cmd_out(["lscpu"])
    field = lambda k: (re.search(r"^%s:\s*(.+)$" % k, lscpu, re.M) or [None, "?"])[1].strip()
    cbc = re.search(r"Version:\s*(\S+)", cmd_out(["cbc", "-quit"]))
    glpk = re.search(r"GLPK LP/MIP Solver\s*(\S+)", cmd_out(["glpsol", "--version"]))
    lemon = "?"
    try:
        with open("/usr/include/lemon/config.h") as f:
            m = re.search(r'LEMON_VERSION\s+"([^"]+)"', f.read())
            lemon = m.group(1) if m else "?"
    except OSError:
        pass
    dirty = cmd_out(["git", "status", "--porcelain"]).strip().splitlines()
    return {
        "cpu": field("Model name"), "cpus": field(r"CPU\(s\)"),
        "cores_per_socket": field(r"Core\(s\) per socket"),
        "threads_per_core": field(r"Thread\(s\) per core"),
        "mem_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "os": platform.platform(), "python": platform.python_version(),
        "cc": cmd_out(["cc", "--version"]).splitlines()[0] if cmd_out(["cc", "--version"]) else "?",
        "cbc": cbc.group(1) if cbc else "?", "glpk": glpk.group(1) if glpk else "?",
        "lemon": lemon,
        "commit": cmd_out(["git", "rev-parse", "HEAD"]).strip(),
        "subject": cmd_out(["git", "log", "-1", "--format=%s"]).strip(),
        "dirty": len(dirty),
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "load_start": os.getloadavg(),
    }


# ---------------------------------------------------------------- instances

def have_cli(sub):
    if not os.path.exists(CLI):
        return False
    rc, _, _, _ = run([CLI, sub, "--help"], 30)
    return rc == 0


def instances(s):
    out = []
    for n in sorted(set(s["sizes"]) | set(s.get("frontier", []))):
        seeds = s["seeds_large"] if n >= 1000 else s["seeds"]
        for seed in (seeds if n in s["sizes"] else seeds[:1]):
            out.append(("stockton-2023", n, seed))
    for n in s["regional"]:
        for seed in s["regional_seeds"]:
            out.append(("regional", n, seed))
    return out


def generate(profile, n, seed, use_cli):
    name = "%s-n%d-s%d" % (profile, n, seed)
    path = os.path.join(WORK, "scenarios", name + ".json")
    if use_cli:
        cmd = [CLI, "generate", "--profile", profile, "--seed", str(seed),
               "--children", str(n), "-o", path]
    else:
        cmd = [PMBENCH, "generate", profile, str(seed), str(n), path]
    rc, _, _, _ = run(cmd, 600)
    if rc != 0:
        raise SystemExit("generate failed: " + show(cmd))
    return name, path, cmd


# ---------------------------------------------------------------- solvers

def solve_placematch(path, s):
    cmd = [PMBENCH, "solve", path, "--time-limit", "%g" % s["limit"],
           "--repeat", str(s["repeat"]), "--repeat-below", "%g" % s["repeat_below"]]
    rc, out, wall, _ = run(cmd, s["repeat"] * (s["limit"] + 120) + 60)
    r = json_line(out) if rc == 0 else None
    if r is None:
        r = {"status": "error" if rc is not None else "killed"}
    r["cmd"] = cmd
    return r


def strip_objective_rhs(src, dst):
    """Copies a free MPS file without the objective row's RHS entry.

    GLPK writes the objective constant c0 as the objective row's RHS
    (glpsol reads it back as +c0); CBC reads that entry as -c0, so its
    optimum would come out 2*c0 low.  Without the entry both read no
    constant, and the constant is added back here (pmbench write prints
    it).  Returns the number of entries removed."""
    removed = 0
    obj, section = None, None
    with open(src) as fi, open(dst, "w") as fo:
        for line in fi:
            if not line[:1].isspace():
                section = line.split()[0] if line.strip() else section
            elif section == "ROWS" and obj is None:
                t = line.split()
                if len(t) == 2 and t[0] == "N":
                    obj = t[1]
            elif section == "RHS":
                t = line.split()
                pairs = [(t[i], t[i + 1]) for i in range(1, len(t) - 1, 2)]
                keep = [p for p in pairs if p[0] != obj]
                removed += len(pairs) - len(keep)
                if not keep:
                    continue
                if len(keep) != len(pairs):
                    line = " %s %s\n" % (t[0], " ".join("%s %s" % p for p in keep))
            fo.write(line)
    return removed


def parse_cbc(log, constant):
    r = {"status": "none"}
    m = re.search(r"^Result - (.+)$", log, re.M)
    if m:
        text = m.group(1)
        r["result"] = text
        r["status"] = ("optimal" if text.startswith("Optimal") else
                       "infeasible" if "infeasible" in text.lower() else "stopped")
    num = lambda k: re.search(r"^%s:\s*(\S+)" % k, log, re.M)
    obj, bound = num("Objective value"), num("Lower bound")
    if obj and "No feasible" not in log[log.find("Result -"):]:
        r["objective"] = float(obj.group(1)) + constant
    if bound:
        r["bound"] = float(bound.group(1)) + constant
    elif r["status"] == "optimal" and "objective" in r:
        r["bound"] = r["objective"]
    if r["status"] == "stopped" and "objective" not in r:
        r["status"] = "none"
    elif r["status"] == "stopped":
        r["status"] = "feasible"
    nodes = num("Enumerated nodes")
    r["nodes"] = int(nodes.group(1)) if nodes else None
    w = num(r"Time \(Wallclock seconds\)")
    r["cbc_wall"] = float(w.group(1)) if w else None
    return r


def solve_cbc(name, path, s):
    raw = os.path.join(WORK, "models", name + ".glpk.mps")
    mps = os.path.join(WORK, "models", name + ".mps")
    wcmd = [PMBENCH, "write", path, raw]
    rc, out, _, _ = run(wcmd, 1800)
    info = json_line(out) if rc == 0 else None
    if info is None:
        return {"status": "error", "cmd": wcmd}, None
    info["rhs_removed"] = strip_objective_rhs(raw, mps)
    os.remove(raw)
    sol = os.path.join(WORK, "models", name + ".sol")
    cmd = ["cbc", mps, "timeMode", "elapsed", "sec", "%g" % s["limit"], "solve",
           "solu", sol]
    runs, r = [], None
    while True:
        log = os.path.join(WORK, "logs", name + ".cbc.log")
        # CBC checks its limit only between phases: a root LP can overrun.
        hard = s["limit"] + 60
        rc, out, wall, cpu = run(cmd, hard, log)
        if rc is None:
            r = {"status": "killed", "note": "no answer within %gs, killed" % hard}
            runs.append(wall)
            break
        r = parse_cbc(out, info["constant"])
        r["cpu_seconds"] = cpu
        runs.append(wall)
        if (r["status"] != "optimal" or wall >= s["repeat_below"]
                or len(runs) >= min(3, s["repeat"])):
            break
    r["runs"] = runs
    r["seconds"] = statistics.median(runs)
    r["cmd"] = cmd
    if not s["quick"]:  # the regional model is ~170 MB
        os.remove(mps)
    return r, info


def solve_lemon(name, path):
    net = os.path.join(WORK, "models", name + ".net")
    fcmd = [PMBENCH, "flow", path, net]
    rc, _, _, _ = run(fcmd, 600)
    if rc != 0:
        return {"status": "error", "cmd": fcmd}
    cmd = [LEMON, net, "--repeat", "51", "--budget", "3"]
    rc, out, _, _ = run(cmd, 600)
    r = json_line(out) or {"status": "error"}
    r["cmd"] = cmd
    os.remove(net)
    return r


# ---------------------------------------------------------------- panel, mixes

def largest_group(path):
    with open(path) as f:
        sc = json.load(f)
    sizes = {}
    for c in sc.get("children", []):
        g = c.get("sibling_group")
        if g:
            sizes[g] = sizes.get(g, 0) + 1
    if not sizes:
        return None, 0
    g = max(sorted(sizes), key=lambda k: sizes[k])
    return g, sizes[g]


def suggest(s, use_cli):
    bundled = os.path.join(ROOT, "examples", "stockton-2023.json")
    r = {"available": have_cli("suggest")}
    if os.path.exists(bundled):
        path, r["scenario"] = bundled, "examples/stockton-2023.json (bundled)"
    else:
        _, path, gcmd = generate("stockton-2023", 587, 1, use_cli)
        r["scenario"] = ("examples/stockton-2023.json is not in the tree; used "
                         "`%s` instead" % show(gcmd))
    r["group"], r["members"] = largest_group(path)
    if not r["available"] or not r["group"]:
        return r
    cmd = [CLI, "suggest", path, "--group", r["group"], "--quiet",
           "-o", os.path.join(WORK, "suggest.json")]
    times = []
    for _ in range(s["suggest_runs"]):
        rc, _, wall, _ = run(cmd, 600)
        if rc != 0:
            r["available"] = False
            r["error"] = "exit status %s" % rc
            return r
        times.append(wall)
    r["cli_seconds"], r["cli_cmd"] = statistics.median(times), cmd
    icmd = [PMBENCH, "suggest", path, "--group", r["group"], "--repeat",
            str(s["suggest_runs"])]
    rc, out, _, _ = run(icmd, 600)
    if rc == 0:
        r["inproc"], r["inproc_cmd"] = json_line(out), icmd
    return r


def mixes(s):
    path = os.environ.get("BENCH_COMMISSIONING",
                          os.path.join(ROOT, "examples", "commissioning.json"))
    r = {"cli": have_cli("mixes"), "file": os.path.exists(path), "runs": [],
         "path": rel(os.path.abspath(path))}
    if not r["file"]:
        return r
    for threads in (1, 2):
        cmd = [PMBENCH, "mixes", path, "--threads", str(threads), "--budget",
               "%g" % s["mix_budget"], "--cold"]
        rc, out, _, _ = run(cmd, s["mix_budget"] + 600)
        res = json_line(out) if rc == 0 else None
        r["runs"].append({"threads": threads, "cmd": cmd, "result": res})
    return r


# ---------------------------------------------------------------- report

def fmt_s(x):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    return "%.3g" % x if x < 100 else "%.0f" % x


def fmt_money(x):
    return "-" if x is None else "{:,.2f}".format(x)


def fmt_pct(x):
    return "-" if x is None else "%.3f%%" % (100 * x)


def gap(obj, bound):
    if obj is None or bound is None or obj == 0:
        return None
    return max(0.0, (obj - bound) / abs(obj))


def fit(points):
    """Least-squares slope and intercept of log t against log n."""
    pts = [(math.log(n), math.log(t)) for n, t in points if t and t > 0]
    if len({x for x, _ in pts}) < 2:
        return None
    mx = sum(x for x, _ in pts) / len(pts)
    my = sum(y for _, y in pts) / len(pts)
    sxx = sum((x - mx) ** 2 for x, _ in pts)
    slope = sum((x - mx) * (y - my) for x, y in pts) / sxx
    return slope, math.exp(my - slope * mx)


def status_cell(st, limit):
    return {"optimal": "optimal", "feasible": "limit (%gs)" % limit,
            "none": "no solution (%gs)" % limit}.get(st, st)


def pm_time_cell(pm, s):
    if pm.get("status") == "optimal":
        k = len(pm["runs"])
        return fmt_s(pm["seconds"]) + (" (median of %d)" % k if k > 1 else " (1 run)")
    if "seconds" in pm:
        return "%s (1 run, limit)" % fmt_s(pm["seconds"])
    return "-"


def write_report(m, s, rows, sug, mx, elapsed, commands):
    L = s["limit"]
    out = []
    w = out.append
    w("# placematch benchmark results\n")
    w("Written by `bench/run.sh` (%s mode) — do not edit by hand; rerun it.\n"
      % ("QUICK smoke" if s["quick"] else "full"))
    w("## Machine and build\n")
    w("| | |\n|---|---|")
    w("| date | %s |" % m["date"])
    w("| commit | `%s` %s%s |" % (m["commit"][:12], m["subject"],
      " (+ %d uncommitted changes in the working tree: other engineers were "
      "editing during the run)" % m["dirty"] if m["dirty"] else ""))
    w("| CPU | %s, %s CPUs (%s cores/socket, %s threads/core), %s GiB RAM |"
      % (m["cpu"], m["cpus"], m["cores_per_socket"], m["threads_per_core"], m["mem_gib"]))
    w("| load average at start / end | %s / %s |"
      % (" ".join("%.1f" % x for x in m["load_start"]),
         " ".join("%.1f" % x for x in m["load_end"])))
    w("| OS, compiler | %s; %s; Release (-O3) build |" % (m["os"], m["cc"]))
    w("| solvers | GLPK %s (inside placematch), CBC %s, LEMON %s |"
      % (m["glpk"], m["cbc"], m["lemon"]))
    w("| time limit | %g s wall clock, for placematch and CBC alike (`timeMode elapsed`) |" % L)
    w("| suite wall time | %.1f min |" % (elapsed / 60))
    share = [r["pm"]["cpu_seconds"] / r["pm"]["seconds"] for r in rows
             if r["pm"].get("cpu_seconds") and r["pm"].get("seconds")]
    share += [r["cbc"]["cpu_seconds"] / r["cbc"]["seconds"] for r in rows
              if r["cbc"].get("cpu_seconds") and r["cbc"].get("seconds")]
    if share:
        w("| share of a core the solves got | median %.0f%% (CPU s / wall s, "
          "placematch and CBC runs) |" % (100 * statistics.median(share)))
    w("")
    w("Every solve is single-threaded and runs alone (one at a time).  The "
      "machine is shared: other engineers build and test on it during the "
      "run, so absolute times are noisy (see the load average); ratios "
      "between solvers measured back to back hold better.  Times are wall "
      "clock around the solve (placematch: `pm_solve` in process, arcs and "
      "model build included, scenario loading excluded; CBC: the whole "
      "process, reading the MPS file included; LEMON: the network simplex "
      "run on a built graph).  Medians of several runs where a run is "
      "faster than %g s; a run that stops on the time limit is a single run."
      "\n" % s["repeat_below"])

    w("## Solve time, status and gap against size\n")
    w("Objectives in pounds per week.  *gap* = (objective - bound) / objective.  "
      "*root gap* = (objective - root LP bound) / objective, the root bound "
      "as placematch reports it.  Time: median of the runs shown, or the "
      "single run that hit the limit.\n")
    w("| instance | children | placements | arcs | status | time s | objective "
      "| bound | gap | root gap | nodes |")
    w("|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        pm, info = r["pm"], r["info"] or {}
        w("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            r["name"], r["n"], info.get("placements", "-"),
            "{:,}".format(info["arcs"]) if "arcs" in info else "-",
            status_cell(pm.get("status"), L), pm_time_cell(pm, s),
            fmt_money(pm.get("objective")), fmt_money(pm.get("bound")),
            fmt_pct(pm.get("gap")), fmt_pct(gap(pm.get("objective"), pm.get("root_bound"))),
            pm.get("nodes", "-")))
    w("")
    w("### Against CBC on the same model\n")
    w("CBC gets the formulation placematch hands to GLPK (every arc), written "
      "by `pm_model_write`, with the same time limit.  *CBC obj. / placematch "
      "obj.* above 1 means CBC's best solution is worse.  *time ratio* = "
      "placematch time / CBC time, shown only where at least one of them "
      "finished before the limit (>= or <= where the other was stopped by it).  CPU s: processor time of the same run(s) "
      "(less disturbed by other work on the machine than wall time).\n")
    w("| instance | placematch | time s | CPU s | CBC status | CBC time s | CBC CPU s "
      "| CBC objective | CBC bound | CBC gap | CBC nodes | CBC obj. / placematch obj. "
      "| time ratio |")
    w("|---|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        pm, cbc = r["pm"], r["cbc"]
        po, co = pm.get("objective"), cbc.get("objective")
        finished = "optimal" in (pm.get("status"), cbc.get("status"))
        tr = (pm["seconds"] / cbc["seconds"]
              if finished and pm.get("seconds") and cbc.get("seconds") else None)
        # A solver stopped by the limit would have needed longer: the ratio
        # is then a bound, not a measurement.
        sign = ("" if pm.get("status") == cbc.get("status") == "optimal" else
                ">= " if cbc.get("status") == "optimal" else "<= ")
        w("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            r["name"], status_cell(pm.get("status"), L), fmt_s(pm.get("seconds")),
            fmt_s(pm.get("cpu_seconds")),
            status_cell(cbc.get("status"), L) + (" (%s)" % cbc["note"] if cbc.get("note") else ""),
            fmt_s(cbc.get("seconds")), fmt_s(cbc.get("cpu_seconds")), fmt_money(co), fmt_money(cbc.get("bound")),
            fmt_pct(gap(co, cbc.get("bound"))),
            cbc.get("nodes") if cbc.get("nodes") is not None else "-",
            "%.4f" % (co / po) if co and po else "-",
            sign + "%.2f" % tr if tr else "-"))
    w("")
    w("### Against the limit: the sibling-free relaxation as a min-cost flow\n")
    w("The relaxation drops the split penalty, sibling-only restrictions and "
      "avoid pairs and keeps arcs, costs, capacities, unmatched cost and "
      "pinned children; LEMON's network simplex solves it exactly (time: "
      "median of up to 51 runs on a built graph).  Its optimum must be <= "
      "the model's; *relax. / objective* is its ratio to placematch's "
      "objective (to the proven optimum where the status is optimal).\n")
    w("| instance | LEMON time s | runs | relaxation optimum | relax. / objective "
      "| placematch time s | placematch / LEMON time |")
    w("|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        pm, lem = r["pm"], r["lemon"]
        po, lo = pm.get("objective"), lem.get("objective")
        ratio = (pm["seconds"] / lem["seconds"]
                 if pm.get("seconds") and lem.get("seconds") else None)
        w("| %s | %s | %s | %s | %s | %s%s | %s |" % (
            r["name"], fmt_s(lem.get("seconds")), lem.get("repeats", "-"),
            fmt_money(lo), "%.4f" % (lo / po) if lo is not None and po else "-",
            fmt_s(pm.get("seconds")), "" if pm.get("status") == "optimal" else " (limit)",
            "{:,.0f}x".format(ratio) if ratio else "-"))
    w("")
    checks(w, rows, L)
    by_size(w, rows, s)
    targets(w, rows, s)
    growth(w, rows, s)
    panel(w, sug, s)
    mixes_section(w, mx, s)
    w("## Commands\n")
    w("The whole suite: `bench/run.sh` (settings: %s).  It builds with\n"
      % ", ".join("%s=%s" % kv for kv in sorted(env_settings().items())))
    w("```\n%s\n```\n" % "\n".join(commands))
    w("and then, per instance (the first instance's commands shown; the "
      "others differ only in names and numbers):\n")
    if rows:
        r = rows[0]
        w("```")
        w(show(r["gen_cmd"]))
        w(show(r["pm"]["cmd"]))
        w(show([PMBENCH, "write", r["path"],
                os.path.join(WORK, "models", r["name"] + ".glpk.mps")]))
        w("# bench/report.py removes the objective row's RHS entry (see 'Checks'),")
        w("# writing %s" % rel(os.path.join(WORK, "models", r["name"] + ".mps")))
        w(show(r["cbc"]["cmd"]))
        w(show([PMBENCH, "flow", r["path"], os.path.join(WORK, "models", r["name"] + ".net")]))
        w(show(r["lemon"]["cmd"]))
        w("```\n")
    w("Every scenario in the tables is regenerated by `placematch generate "
      "--profile PROFILE --seed SEED --children N` with the numbers in its "
      "name (`stockton-2023-n600-s2`: profile stockton-2023, 600 children, "
      "seed 2).  Raw figures: `build-bench/work/results.json`; CBC logs: "
      "`build-bench/work/logs/`.\n")
    text = "\n".join(out)
    # keep the sections of the separate, longer runs
    kept = sections.kept_sections(open(RESULTS).read()) if os.path.exists(RESULTS) else ""
    i = text.find("## Commands")
    if kept and i >= 0:
        text = text[:i] + kept + text[i:]
    with open(RESULTS, "w") as f:
        f.write(text)


def env_settings():
    keys = ["BENCH_QUICK", "BENCH_TIME_LIMIT", "BENCH_SIZES", "BENCH_SEEDS",
            "BENCH_SEEDS_LARGE", "BENCH_FRONTIER", "BENCH_REGIONAL", "BENCH_REGIONAL_SEEDS",
            "BENCH_REPEAT", "BENCH_REPEAT_BELOW", "BENCH_SUGGEST_RUNS",
            "BENCH_MIX_BUDGET", "BENCH_COMMISSIONING"]
    return {k: os.environ[k] for k in keys if k in os.environ} or {"defaults": "all"}


def checks(w, rows, limit):
    w("## Checks\n")
    agree, disagree, relax_bad = [], [], []
    for r in rows:
        pm, cbc, lem = r["pm"], r["cbc"], r["lemon"]
        po, co = pm.get("objective"), cbc.get("objective")
        if pm.get("status") == "optimal" and cbc.get("status") == "optimal":
            (agree if abs(po - co) <= 0.01 + 1e-9 * abs(po) else disagree).append(
                (r["name"], po, co))
        elif po is not None and cbc.get("bound") is not None and cbc["bound"] > po + 0.01:
            disagree.append((r["name"], po, cbc["bound"]))
        elif co is not None and pm.get("bound") is not None and pm["bound"] > co + 0.01:
            disagree.append((r["name"], pm["bound"], co))
        lo = lem.get("objective")
        if lo is not None and po is not None and lo > po + 0.01:
            relax_bad.append((r["name"], lo, po))
    over = []
    for r in rows:
        for who, x in (("placematch", r["pm"]), ("CBC", r["cbc"])):
            t = max(x.get("runs") or [0])
            if t > limit + max(2.0, 0.05 * limit):
                over.append("%s on %s: %s s" % (who, r["name"], fmt_s(t)))
    w("- Time limit honoured (within 5%%, or 2 s): %s" % (
        "yes, by both solvers on every instance." if not over else
        "**no** -- " + "; ".join(over) + " (a limit of %g s)." % limit))
    w("- Objective constant: GLPK writes the constant U x children as the "
      "objective row's RHS in MPS (and reads it back as +constant), but CBC "
      "reads that entry as -constant, so CBC's optimum on the raw file is "
      "2 x constant too low.  The suite removes the entry and adds the "
      "constant (printed by `pmbench write`) to CBC's objective and bound.")
    w("- placematch and CBC both proven optimal with the same objective (to "
      "a penny): %d instance(s)%s." % (
          len(agree), " (" + ", ".join(a[0] for a in agree) + ")" if agree else ""))
    if disagree:
        w("- **DISAGREEMENT** (an optimum or bound of one solver contradicts "
          "the other): " + "; ".join("%s: %.2f vs %.2f" % d for d in disagree))
    else:
        w("- No contradiction: neither solver's bound exceeds the other's "
          "objective on any instance.")
    if relax_bad:
        w("- **RELAXATION ABOVE OBJECTIVE** (cannot be; a bug in the flow "
          "network or the solver): " + "; ".join("%s: %.2f > %.2f" % d for d in relax_bad))
    else:
        w("- The min-cost-flow relaxation is <= placematch's objective on every "
          "instance, as it must be.")
    w("")


def by_size(w, rows, s):
    w("## By size (medians over seeds)\n")
    w("| profile | children | instances | placematch optimal | placematch time s | "
      "worst gap | CBC optimal | CBC time s | CBC worst gap | LEMON time s | "
      "placematch / LEMON | relax./obj. |")
    w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    groups = {}
    for r in rows:
        groups.setdefault((r["profile"], r["n"]), []).append(r)
    for (profile, n), rs in groups.items():
        med = lambda xs: statistics.median(xs) if xs else None
        pt = [r["pm"]["seconds"] for r in rs if r["pm"].get("seconds")]
        ct = [r["cbc"]["seconds"] for r in rs if r["cbc"].get("seconds")]
        lt = [r["lemon"]["seconds"] for r in rs if r["lemon"].get("seconds")]
        pg = [r["pm"].get("gap") for r in rs if r["pm"].get("gap") is not None]
        cg = [gap(r["cbc"].get("objective"), r["cbc"].get("bound")) for r in rs]
        cg = [g for g in cg if g is not None]
        rr = [r["lemon"]["objective"] / r["pm"]["objective"] for r in rs
              if r["lemon"].get("objective") and r["pm"].get("objective")]
        ratio = [r["pm"]["seconds"] / r["lemon"]["seconds"] for r in rs
                 if r["pm"].get("seconds") and r["lemon"].get("seconds")]
        w("| %s | %d | %d | %d | %s | %s | %d | %s | %s | %s | %s | %s |" % (
            profile, n, len(rs), sum(r["pm"].get("status") == "optimal" for r in rs),
            fmt_s(med(pt)), fmt_pct(max(pg)) if pg else "-",
            sum(r["cbc"].get("status") == "optimal" for r in rs), fmt_s(med(ct)),
            fmt_pct(max(cg)) if cg else "-", fmt_s(med(lt)),
            "%.0fx" % med(ratio) if ratio else "-", "%.4f" % med(rr) if rr else "-"))
    w("")


def targets(w, rows, s):
    w("## Issue 4 targets\n")
    b600 = [r for r in rows if r["n"] == 600 or r["profile"] == "bundled"]
    r3000 = [r for r in rows if r["n"] >= 3000]
    limited = [r for r in rows if r["pm"].get("status") != "optimal"]
    def verdict(rs, secs):
        if not rs:
            return "not measured"
        ok = [r for r in rs if r["pm"].get("status") == "optimal" and r["pm"]["seconds"] < secs]
        return "%s: %d of %d (%s)" % ("met" if len(ok) == len(rs) else "NOT met", len(ok), len(rs),
                                     ", ".join("%s %s in %s s" % (r["name"], r["pm"].get("status"),
                                               fmt_s(r["pm"].get("seconds"))) for r in rs))
    w("- 600-child boroughs proven optimal in under 2 s: " + verdict(b600, 2.0))
    w("- 3,000-child region proven optimal in under 60 s: " + verdict(r3000, 60.0))
    if limited:
        tight = [r for r in limited if r["pm"].get("gap") is not None and r["pm"]["gap"] < 0.001]
        w("- Gap under 0.1%% where the limit stops the search: %s: %d of %d (gaps: %s)" % (
            "met" if len(tight) == len(limited) else "NOT met", len(tight), len(limited),
            ", ".join("%s %s" % (r["name"], fmt_pct(r["pm"].get("gap"))) for r in limited)))
    else:
        w("- Gap under 0.1% at the limit: no instance hit the limit.")
    w("")
    w("Per-technique figures (issue 4, 'Evidence': each technique turned off "
      "in turn) are in the section \"Techniques\" below, written by "
      "`bench/techniques.py`; the tables above compare the whole solver with "
      "CBC on the same model (a general MIP search) and with the relaxation "
      "(the limit).\n")


def growth(w, rows, s):
    w("## Growth\n")
    opt = [(r["n"], r["pm"]["seconds"]) for r in rows
           if r["pm"].get("status") == "optimal" and r["profile"] != "bundled"]
    f = fit(opt)
    if f:
        w("- placematch, instances proven optimal (%d points, %d to %d children): "
          "time ~ n^%.2f (fit: %.3g s x (n/1000)^%.2f)." % (
              len(opt), min(n for n, _ in opt), max(n for n, _ in opt), f[0],
              f[1] * 1000 ** f[0], f[0]))
    else:
        w("- placematch: proven optimal within %g s at %s children only (%d "
          "run(s), median %s s); a slope needs two sizes." % (
              s["limit"], ", ".join(str(n) for n in sorted({n for n, _ in opt})) or "no",
              len(opt), fmt_s(statistics.median([t for _, t in opt])) if opt else "-"))
    copt = [(r["n"], r["cbc"]["seconds"]) for r in rows if r["cbc"].get("status") == "optimal"]
    f = fit(copt)
    if f:
        w("- CBC, instances proven optimal: time ~ n^%.2f (%d points)." % (f[0], len(copt)))
    lt = [(r["n"], r["lemon"]["seconds"]) for r in rows if r["lemon"].get("seconds")]
    f = fit(lt)
    if f:
        w("- LEMON min-cost flow (relaxation), all instances: time ~ n^%.2f "
          "(%.3g s at 1,000 children)." % (f[0], f[1] * 1000 ** f[0]))
    arcs = [(r["n"], r["info"]["arcs"]) for r in rows if r["info"] and r["profile"] != "bundled"]
    f = fit(arcs)
    if f:
        w("- Arcs grow as n^%.2f (the regional profile draws placements from a "
          "wider area, so it has more arcs per child than the fit suggests)." % f[0])
    sizes = sorted({r["n"] for r in rows if r["profile"] != "bundled"})
    all_opt = [n for n in sizes if all(r["pm"].get("status") == "optimal"
                                        for r in rows if r["n"] == n)]
    some_fail = [n for n in sizes if any(r["pm"].get("status") != "optimal"
                                         for r in rows if r["n"] == n)]
    stop = None
    if some_fail:
        stop = min(some_fail)
        below = [n for n in all_opt if n < stop]
        w("- **Where proven optimality stops:** %s; from %d children on, at least "
          "one instance is not proven optimal within %g s." % (
              ("every instance up to %d children is proven optimal" % max(below))
              if below else "no size is proven optimal on every seed", stop, s["limit"]))
    else:
        w("- Every instance measured (up to %d children) is proven optimal within %g s." %
          (max(sizes) if sizes else 0, s["limit"]))
    limited = [r for r in rows if r["pm"].get("status") == "feasible"]
    if limited:
        med = lambda xs: statistics.median(xs) if xs else float("nan")
        rg = [gap(r["pm"]["objective"], r["pm"].get("root_bound")) for r in limited]
        fg = [r["pm"].get("gap") for r in limited]
        w("- On the %d instance(s) the limit stopped, placematch explored a median "
          "of %d nodes; root gap %s (median) -> final gap %s (median, worst %s).  "
          "CBC on the same instances: median gap %s." % (
              len(limited), med([r["pm"].get("nodes", 0) for r in limited]),
              fmt_pct(med([g for g in rg if g is not None])),
              fmt_pct(med([g for g in fg if g is not None])),
              fmt_pct(max([g for g in fg if g is not None] or [float("nan")])),
              fmt_pct(med([g for g in (gap(r["cbc"].get("objective"), r["cbc"].get("bound"))
                                       for r in limited) if g is not None]))))
    nothing = [r["name"] for r in rows if r["pm"].get("status") in ("none", "error", "killed")]
    if nothing:
        w("- No solution at all within the limit: " + ", ".join(nothing) + ".")
    w("")
    w("What limits it: placematch proves an instance by its proof over the "
      "column generation master (docs/SOLVER.md, 'Proof'): every arrangement "
      "or sibling household that can beat the incumbent, at the generation's "
      "prices, as an integer programme for GLPK with Gomory and MIR cuts.  "
      "Its root LP grows faster than its columns (about 20,000 columns at "
      "300 children, 50,000-80,000 at 600, 170,000 at 1,000), and GLPK's "
      "rounds of cuts and nodes on it vary from run to run; where the "
      "columns that can beat the incumbent are too many for the time left "
      "(1,000 children), the proof keeps those within a smaller gap g that "
      "fit and bounds the model by min(its bound, L + g); where even their "
      "enumeration is too large (a region: the singles' arcs alone exceed "
      "400,000), the bound is the generation's and the neighbourhood search "
      "improves the incumbent to the limit.  The relaxation shows how cheap "
      "the assignment part alone is (the LEMON column) and how much of the "
      "objective it explains (relax. / objective): the sibling-split term "
      "is what makes the model hard.  What would carry it further: a "
      "better incumbent from 1,000 children up (a region's gap moves by "
      "0.3% with one unmatched child) and, at regional size, a bound beyond "
      "the generation's (branch-and-price): a restricted proof cannot be "
      "chosen by excess there, since at the generation's prices the columns "
      "within 0.004% of the bound already reach the 400,000 cap "
      "(docs/SOLVER.md, 2026-12-07); the generated region does not split "
      "into independent parts (2,670 of its 3,000 children have no "
      "distance limit).\n")


def panel(w, sug, s):
    w("## Panel suggestion latency\n")
    w("Scenario: %s; sibling group %s (%d members, the largest)." % (
        sug.get("scenario"), "`%s`" % sug["group"] if sug.get("group") else "-",
        sug.get("members", 0)))
    if not sug.get("available"):
        w("\n`placematch suggest`: **not available** in this build%s.\n" % (
            " (%s)" % sug["error"] if sug.get("error") else ""))
        return
    w("")
    w("| measure | median of %d | command |" % s["suggest_runs"])
    w("|---|---:|---|")
    w("| `placematch suggest` process (start, load, rank, write JSON) | %s s | `%s` |" % (
        fmt_s(sug["cli_seconds"]), show(sug["cli_cmd"])))
    if sug.get("inproc"):
        w("| `pm_suggest` in process (scenario loaded once) | %s s (%d arrangements) | `%s` |" % (
            fmt_s(sug["inproc"]["seconds"]), sug["inproc"]["arrangements"],
            show(sug["inproc_cmd"])))
    w("")


def mixes_section(w, mx, s):
    w("## Mix evaluations per second (smoke run)\n")
    w("A 30 s smoke run at the library's defaults, kept to show the suite "
      "can run the mixes; the measurement over 1,000+ mixes at 1 and 2 "
      "threads is \"Mix throughput\" below (bench/throughput.py).\n")
    if not mx["file"]:
        w("**Not available**: `%s` is not in the tree (`placematch mixes` %s).\n"
          % (mx["path"], "exists" if mx["cli"] else "is not built either"))
        return
    w("`%s`, evaluated in process with `pm_mixes_run` (what `placematch "
      "mixes` runs; the command %s), the library's default 10 s limit per "
      "solve.  Each evaluation is one exact solve of a (mix, cohort) "
      "scenario.  Each thread count gets %g s; a run stopped there counts "
      "the evaluations that finished (one in flight per thread is lost, so "
      "the rate is slightly low).  Evaluations that stop on the 10 s limit "
      "bound the rate at about threads / 10 per second.  Cold starts "
      "(`--cold`): with warm starts each cohort's baseline first takes 4x "
      "the limit, which a 30 s budget would spend entirely; what warm starts "
      "buy is in \"Mix warm start\" below.\n" % (mx["path"], "is built" if mx["cli"] else
                                         "is not built", s["mix_budget"]))
    w("| threads | mixes x cohorts | evaluations done / all | of those optimal "
      "| seconds | evaluations/s | command |")
    w("|---:|---:|---:|---:|---:|---:|---|")
    base = None
    for run_ in mx["runs"]:
        res = run_["result"]
        if not res:
            w("| %d | - | - | - | - | failed | `%s` |" % (run_["threads"], show(run_["cmd"])))
            continue
        base = base or res["per_second"] or None
        w("| %d | %d x %d | %d / %d | %s | %s | %.3g%s | `%s` |" % (
            run_["threads"], res["mixes"], res["cohorts"], res["evaluations"],
            res["total"], res.get("optimal", "-"), fmt_s(res["seconds"]), res["per_second"],
            " (x%.2f)" % (res["per_second"] / base) if base else "",
            show(run_["cmd"])))
    w("")


def rerender():
    """Rewrites RESULTS.md from the last run's results.json (no solving):
    for changes to the report's layout."""
    with open(os.path.join(WORK, "results.json")) as f:
        d = json.load(f)
    commands = d.get("build_commands", [])
    write_report(d["machine"], d["settings"], d["instances"], d["suggest"],
                 d["mixes"], d["elapsed"], commands)


def main():
    if sys.argv[1:] == ["--rerender"]:
        return rerender()
    s = settings()
    for d in ("scenarios", "models", "logs"):
        os.makedirs(os.path.join(WORK, d), exist_ok=True)
    m = machine()
    use_cli = have_cli("generate")
    t_start = time.monotonic()
    rows = []
    todo = instances(s)
    bundled = os.path.join(ROOT, "examples", "stockton-2023.json")
    for i, (profile, n, seed) in enumerate(todo):
        name, path, gcmd = generate(profile, n, seed, use_cli)
        rows.append({"name": name, "profile": profile, "n": n, "seed": seed,
                     "path": path, "gen_cmd": gcmd})
    if os.path.exists(bundled) and not s["quick"]:
        with open(bundled) as f:
            nb = len(json.load(f).get("children", []))
        rows.append({"name": "examples/stockton-2023", "profile": "bundled", "n": nb,
                     "seed": None, "path": bundled, "gen_cmd": ["(bundled)"]})
    for i, r in enumerate(rows):
        print("[%d/%d] %s: placematch" % (i + 1, len(rows), r["name"]), file=sys.stderr, flush=True)
        r["pm"] = solve_placematch(r["path"], s)
        print("        CBC", file=sys.stderr, flush=True)
        r["cbc"], r["info"] = solve_cbc(r["name"].replace("/", "_"), r["path"], s)
        print("        LEMON", file=sys.stderr, flush=True)
        r["lemon"] = solve_lemon(r["name"].replace("/", "_"), r["path"])
        print("        %s %s s | CBC %s %s s | LEMON %s s" % (
            r["pm"].get("status"), fmt_s(r["pm"].get("seconds")), r["cbc"].get("status"),
            fmt_s(r["cbc"].get("seconds")), fmt_s(r["lemon"].get("seconds"))),
            file=sys.stderr, flush=True)
    print("panel suggestions, mixes", file=sys.stderr, flush=True)
    sug = suggest(s, use_cli)
    mx = mixes(s)
    m["load_end"] = os.getloadavg()
    elapsed = time.monotonic() - t_start
    commands = [c for c in os.environ.get("BENCH_BUILD_COMMANDS", "").split("\n") if c]
    with open(os.path.join(WORK, "results.json"), "w") as f:
        json.dump({"machine": m, "settings": s, "instances": rows, "suggest": sug,
                   "mixes": mx, "elapsed": elapsed, "build_commands": commands},
                  f, indent=1, default=str)
    write_report(m, s, rows, sug, mx, elapsed, commands)
    print("wrote %s (%.1f min)" % (rel(RESULTS), elapsed / 60), file=sys.stderr)


if __name__ == "__main__":
    main()
