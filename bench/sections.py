"""Sections of bench/RESULTS.md written by the separate, longer runs
(bench/techniques.py, bench/warm.py), between markers that bench/report.py
keeps when it rewrites the rest."""
import os
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RESULTS = os.path.join(ROOT, "bench", "RESULTS.md")
TAGS = ("techniques-before", "techniques", "techniques-region", "ab-runs",
        "warm-start", "throughput", "thread-scaling")


def markers(tag):
    # "tag:" so that one tag is never taken for another it begins
    # ("techniques" and "techniques-region")
    return "<!-- " + tag + ":", "<!-- /" + tag + " -->"


def kept_sections(text):
    """The marked sections in text, in TAGS order, each followed by a blank line."""
    out = ""
    for tag in TAGS:
        a, b = markers(tag)
        if a in text and b in text:
            out += text[text.index(a):text.index(b) + len(b)] + "\n\n"
    return out


def write_section(tag, block):
    """Puts block (starting and ending with tag's markers) into RESULTS.md,
    replacing the old one, or before "## Commands" the first time."""
    text = open(RESULTS).read() if os.path.exists(RESULTS) else ""
    a, b = markers(tag)
    if a in text and b in text:
        i, j = text.index(a), text.index(b) + len(b) + 1
        text = text[:i] + block + text[j:]
    else:
        i = text.find("## Commands")
        text = text[:i] + block + "\n" + text[i:] if i >= 0 else text + "\n" + block
    with open(RESULTS, "w") as f:
        f.write(text)


def mixes_setup(ap):
    """The options the mix benchmarks share (--cohort, --build, --file) added
    to ap, then parsed; runs from the repository root.  Returns (args, the
    placematch command, the work folder, made if missing)."""
    ap.add_argument("--cohort", default="base")
    ap.add_argument("--build", default="build-bench")
    ap.add_argument("--file", default="examples/commissioning.json")
    a = ap.parse_args()
    os.chdir(ROOT)
    work = os.path.join(a.build, "work")
    os.makedirs(work, exist_ok=True)
    return a, os.path.join(a.build, "placematch"), work


def commit():
    """The checked-out commit, "hash subject", for a section's text."""
    return subprocess.run(["git", "log", "-1", "--format=%h %s"], cwd=ROOT,
                          capture_output=True, text=True).stdout.strip()
