"""Sections of bench/RESULTS.md written by the separate, longer runs
(bench/techniques.py, bench/warm.py), between markers that bench/report.py
keeps when it rewrites the rest."""
import os

RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "RESULTS.md")
TAGS = ("techniques-before", "techniques", "warm-start", "throughput")


def markers(tag):
    return "<!-- " + tag, "<!-- /" + tag + " -->"


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
