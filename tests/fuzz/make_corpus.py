#!/usr/bin/env python3
"""Rebuilds the committed seed corpus in tests/fuzz/corpus/<harness>/.

    python3 tests/fuzz/make_corpus.py build/placematch

Seeds are small (a few KB): the data-driven cases in tests/cases/, the fuzz
base scenario, small generated scenarios (every profile and variant), and
hand-made invalid files for each class of error (syntax, types, ranges,
references, limits, control characters, NUL).  Commissioning seeds are
built around tests/fuzz/base/base.json; merge seeds are real outputs of
`placematch mixes` on tests/fuzz/mixes/commissioning.json (whole, sharded)
plus broken copies.  Deterministic: running it twice gives the same files.
"""
import copy
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.path.join(HERE, "corpus")


def write(harness, name, data):
    d = os.path.join(CORPUS, harness)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, (dict, list)):
        data = json.dumps(data, indent=1)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def compact(obj):
    return json.dumps(obj, separators=(",", ":"))


def generated(cli, profile, seed, children, variant):
    out = subprocess.run([cli, "generate", "--profile", profile, "--seed",
                          str(seed), "--children", str(children), "--variant",
                          variant, "-o", "-"], check=True,
                         capture_output=True).stdout
    return json.loads(out)


def shrink(sc, placements):
    """Keeps the first placements and drops references to the others."""
    sc = copy.deepcopy(sc)
    sc["placements"] = sc["placements"][:placements]
    ids = {p["id"] for p in sc["placements"]}
    for c in sc["children"]:
        if c.get("current") not in ids:
            c.pop("current", None)
            c.pop("stay", None)
    return sc


def bad_scenarios(base):
    """Invalid variants of the base scenario, one class of error each."""
    def edit(fn):
        s = copy.deepcopy(base)
        fn(s)
        return s
    out = {
        "empty": "",
        "not_json": "placematch",
        "truncated": json.dumps(base)[:200],
        "trailing": json.dumps(base) + " {}",
        "array_root": "[]",
        "empty_object": "{}",
        "deep": "[" * 70 + "]" * 70,
        "deep_ok": '{"format": "placematch-scenario/1", "meta": ' + '{"a":' * 60
                   + '1' + '}' * 60 + ', "placements": [], "children": []}',
        "nul_byte": '{"format": "placematch-scenario/1\x00"}',
        "escaped_nul": '{"format": "placematch-scenario/1", "name": "a\\u0000b",'
                       ' "placements": [], "children": []}',
        "bad_utf8": b'{"format": "placematch-scenario/1", "name": "\xff\xfe",'
                    b' "placements": [], "children": []}',
        "wrong_format": edit(lambda s: s.update(format="placematch-scenario/2")),
        "unknown_field": edit(lambda s: s["children"][0].update(colour="red")),
        "duplicate_key": json.dumps(base).replace('"name":', '"name": "x", "name":', 1),
        "types": edit(lambda s: s["placements"][0].update(capacity="2", lat=[])),
        "ranges": edit(lambda s: (s["children"][0].update(age=40),
                                  s["placements"][1].update(age_min=9, age_max=3),
                                  s["policy"].update(road_factor=0.5))),
        "references": edit(lambda s: (s["children"][0].update(current="NOPE"),
                                      s["children"][1].update(avoid=["C002", "ZZ"]),
                                      s["placements"][3].update(reserved_for=["Q"]))),
        "duplicate_ids": edit(lambda s: s["children"].append(copy.deepcopy(s["children"][0]))),
        "stay_without_current": edit(lambda s: s["children"][1].update(stay=True)),
        "control_char_id": edit(lambda s: s["children"][0].update(id="C\u001b[31m")),
        "control_char_need": edit(lambda s: s["children"][0].update(needs={"tr\nauma": 2})),
        "long_id": edit(lambda s: s["children"][0].update(id="C" * 65)),
        "big_numbers": edit(lambda s: (s["placements"][0].update(weekly_cost=1e308),
                                       s["children"][0].update(max_miles=1e-320),
                                       s["placements"][1].update(capacity=2147483648))),
        "negative_zero": edit(lambda s: s["policy"].update(far_miles=-0.0)),
        "many_needs": edit(lambda s: s["children"][0].update(
            needs={"n%d" % i: 1 for i in range(65)})),
        "many_avoid": edit(lambda s: s["children"][0].update(avoid=["C002"] * 1001)),
    }
    return out


def edge_scenarios(base):
    """Valid scenarios at the model's corners."""
    def edit(fn):
        s = copy.deepcopy(base)
        fn(s)
        return s
    return {
        "no_children": edit(lambda s: s.update(children=[])),
        "no_placements": edit(lambda s: (s.update(placements=[]),
                                         [c.pop(k, None) for c in s["children"]
                                          for k in ("current", "stay")])),
        "zero_capacity": edit(lambda s: [p.update(capacity=0, sibling_only=0) for p in s["placements"]]),
        "all_pinned": edit(lambda s: [c.update(current="R001", stay=True) for c in s["children"]]),
        "pinned_over_capacity": edit(lambda s: [c.update(current="F002", stay=True) for c in s["children"][:3]]),
        "pinned_avoiders": edit(lambda s: (s["children"][4].update(current="R001", stay=True),)),
        "free_policy": edit(lambda s: s.update(policy={"unmatched_week": 0})),
        "no_policy": edit(lambda s: s.pop("policy")),
        "antipodes": edit(lambda s: (s["children"][0].update(home={"lat": -54.56, "lon": 178.67}),
                                     s["placements"][0].update(location={"lat": 90, "lon": -180}))),
        "one_big_group": edit(lambda s: [c.update(sibling_group="G9") for c in s["children"]]),
    }


def commissioning_seeds(base):
    levers = [
        {"id": "foster", "add": {"type": "in_house_foster",
                                 "location": {"lat": 54.57, "lon": -1.318},
                                 "capacity": 2, "age_min": 0, "age_max": 17,
                                 "supports": {"trauma": 3}, "weekly_cost": 298},
         "max_units": 3, "fixed_week_per_unit": 60},
        {"id": "resi", "add": {"type": "in_house_residential",
                               "location": {"lat": 54.55, "lon": -1.30},
                               "capacity": 3, "sibling_only": 1,
                               "age_min": 8, "age_max": 17, "weekly_cost": 1806},
         "max_units": 1, "fixed_week_per_unit": 2500},
        {"id": "close", "remove": ["F002", "R001"], "fixed_week_per_unit": -3000},
    ]

    def cm(**kw):
        d = {"format": "placematch-commissioning/1", "name": "seed",
             "base": "base.json", "levers": copy.deepcopy(levers)}
        d.update(kw)
        return d
    gen = {"name": "gen", "profile": "middlesbrough-2020", "seed": 5,
           "children": 12, "variant": "siblings"}
    return {
        "path_base": cm(mixes=[{"foster": 1}, {"resi": 1, "close": 1}]),
        "inline_base": cm(base=base, grid={"foster": [0, 1, 2], "close": {"from": 0, "to": 1}}),
        "grid_list": cm(grid=[{"foster": {"from": 0, "to": 3, "step": 2}}, {"resi": [0, 1]}]),
        "cohorts": cm(mixes=[{"foster": 2}], cohorts=["base", gen,
                      {"profile": "regional", "seed": 2, "children": 6, "variant": "older"}]),
        "growth": cm(cohorts=[{"name": "g", "seed": 9, "children": 10, "variant": "growth"}]),
        "national": cm(cohorts=[{"profile": "national", "children": 5}]),
        "meta": cm(meta={"a": [1, {"b": None}]}, levers=[dict(levers[0], name="Recruit", meta={})]),
        "no_levers": cm(levers=[]),
        "missing_base_file": cm(base="missing.json"),
        "invalid_base_file": cm(base="bad.json"),
        "invalid_inline_base": cm(base={"format": "placematch-scenario/1", "placements": [],
                                        "children": [{"id": "C", "age": 40, "sex": "F",
                                                      "home": {"lat": 1, "lon": 1}}]}),
        "no_base": {k: v for k, v in cm().items() if k != "base"},
        "unknown_lever": cm(grid={"nope": [0, 1]}),
        "units_range": cm(mixes=[{"foster": 9}]),
        "bad_step": cm(grid={"foster": {"from": 2, "to": 1}}),
        "too_many_mixes": cm(levers=[dict(levers[0], id="a", max_units=1000),
                                     dict(levers[0], id="b", max_units=1000)],
                             grid={"a": {"from": 0, "to": 999}, "b": {"from": 0, "to": 999}}),
        "remove_unknown": cm(levers=[{"id": "r", "remove": ["H1", "NOPE"]}]),
        "add_and_remove": cm(levers=[{"id": "r", "remove": ["F001"], "add": {}}]),
        "bad_lever_id": cm(levers=[{"id": "a b", "remove": ["F001"]}]),
        "id_clash": cm(base=dict(copy.deepcopy(base), placements=base["placements"] + [
            dict(base["placements"][0], id="foster-2")])),
        "bad_variant": cm(cohorts=["base", {"variant": "young", "children": 5}]),
        "no_cohorts": cm(cohorts=[]),
        "dup_cohorts": cm(cohorts=["base", "base"]),
        "bad_format": cm(format="placematch-commissioning/2"),
        "truncated": compact(cm())[:150],
        "remove_pinned_home": cm(levers=[{"id": "shut", "remove": ["R001"]}],
                                 mixes=[{"shut": 1}]),
    }

CHILD_COLS = ["id", "age", "sex", "home_lat", "home_lon", "needs", "sibling_group",
              "types", "max_miles", "current", "stay", "avoid"]
PLACE_COLS = ["id", "name", "type", "provider", "lat", "lon", "capacity", "sibling_only",
              "age_min", "age_max", "sexes", "supports", "weekly_cost", "reserved_for"]


def csv_rows(base, delim=",", sep=";"):
    """The base scenario as the two CSV exports of docs/IMPORT.md."""
    def cell(v):
        if isinstance(v, dict):
            return sep.join("%s:%s" % kv for kv in v.items())
        if isinstance(v, list):
            return sep.join(v)
        if isinstance(v, bool):
            return "true" if v else "false"
        return "" if v is None else str(v)
    kids = [delim.join(CHILD_COLS)]
    for c in base["children"]:
        row = dict(c, home_lat=c["home"]["lat"], home_lon=c["home"]["lon"])
        kids.append(delim.join(cell(row.get(k)) for k in CHILD_COLS))
    places = [delim.join(PLACE_COLS)]
    for p in base["placements"]:
        row = dict(p, lat=p["location"]["lat"], lon=p["location"]["lon"])
        places.append(delim.join(cell(row.get(k)) for k in PLACE_COLS))
    return "\n".join(kids) + "\n", "\n".join(places) + "\n"


def import_seeds(base):
    """Inputs of fuzz_import: children CSV NUL placements CSV [NUL policy]."""
    kids, places = csv_rows(base)
    policy = json.dumps(base["policy"])
    kids_q = kids.replace("C001,9,F", '"C001",9,"F"').replace("trauma:2", '"trauma:2"')
    return {
        "full": kids + "\0" + places + "\0" + policy,
        "no_policy": kids + "\0" + places,
        "children_only": kids,
        "crlf": kids.replace("\n", "\r\n") + "\0" + places.replace("\n", "\r\n"),
        "quoted": kids_q + "\0" + places,
        "multiline_cell": kids.replace("C006", '"C0\n06"') + "\0" + places,
        "meta_column": kids.replace("avoid\n", "avoid,meta.note\n").replace("\n", ",x\n")
                       .replace("meta.note,x", "meta.note", 1) + "\0" + places,
        "unclosed_quote": kids + '"C9,3' + "\0" + places,
        "unknown_column": kids.replace("avoid", "avoid,colour", 1) + "\0" + places,
        "missing_column": kids.replace("age,", "", 1) + "\0" + places,
        "repeated_column": kids.replace("sex,", "sex,sex,", 1) + "\0" + places,
        "bad_cells": kids.replace(",9,", ",nine,").replace("trauma:2", "trauma:x")
                     .replace(",true,", ",maybe,") + "\0" + places,
        "rule_errors": kids.replace(",15,", ",40,") + "\0" + places.replace(",3,", ",-3,"),
        "bad_policy": kids + "\0" + places + "\0" + '{"far_miles": -1, "colour": 2}',
        "policy_not_json": kids + "\0" + places + "\0" + "{far_miles",
        "ragged_rows": kids + "C9,3\n" + "\0" + places,
        "blank_lines": kids + "\n\n" + "\0" + "\n" + places,
        "bom": "\ufeff" + kids + "\0" + places,
        "semicolons": csv_rows(base, ";", "|")[0] + "\0" + csv_rows(base, ";", "|")[1],
        "empty": "",
        "header_only": CHILD_COLS[0] + "\0" + ",".join(PLACE_COLS),
    }


def merge_seeds(cli):
    src = os.path.join(HERE, "mixes", "commissioning.json")
    tmp = tempfile.mkdtemp()
    outs = {}
    try:
        for name, extra in [("whole", []), ("shard1of2", ["--shard", "1/2"]),
                            ("shard2of3", ["--shard", "2/3"]),
                            ("base_cohort", ["--cohort", "base"])]:
            path = os.path.join(tmp, name + ".json")
            subprocess.run([cli, "mixes", src, "-o", path, "--quiet"] + extra,
                           check=True)
            with open(path) as f:
                outs[name] = f.read()
    finally:
        shutil.rmtree(tmp)
    whole = json.loads(outs["whole"])
    seeds = dict(outs)

    def edit(fn):
        d = copy.deepcopy(whole)
        fn(d)
        return d
    seeds.update({
        "only_evaluations": {k: whole[k] for k in ("format", "fingerprint", "options",
                                                   "evaluations")},
        "fingerprint": edit(lambda d: d.update(fingerprint="0000000000000000")),
        "options": edit(lambda d: d["options"].update(time_limit=5, node_limit=7)),
        "format": edit(lambda d: d.update(format="placematch-result/1")),
        "mix_range": edit(lambda d: d["evaluations"][0].update(mix=99, cohort=-1)),
        "status": edit(lambda d: d["evaluations"][1].update(status="great")),
        "nulls": edit(lambda d: d["evaluations"][2].update(objective=None, bound=None,
                                                           gap=None, status="none")),
        "duplicates": edit(lambda d: d["evaluations"].extend(d["evaluations"][:3])),
        "too_many": edit(lambda d: d["evaluations"].extend(d["evaluations"] * 2)),
        "unknown_field": edit(lambda d: d["evaluations"][0].update(extra=1)),
        "negative_counts": edit(lambda d: d["evaluations"][0].update(placed=-1)),
        "huge_money": edit(lambda d: d["evaluations"][0].update(objective=1e300)),
        "not_done": edit(lambda d: d["evaluations"][0].update(status="not done")),
        "error_status": edit(lambda d: d["evaluations"][0].update(status="error",
                                                                 objective=None)),
        "empty": "",
        "array": "[]",
    })
    return seeds


def main():
    cli = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "placematch")
    shutil.rmtree(CORPUS, ignore_errors=True)
    with open(os.path.join(HERE, "base", "base.json")) as f:
        base = json.load(f)
    valid = {"base": base}
    for path in sorted(glob.glob(os.path.join(ROOT, "tests", "cases", "*", "scenario.json"))):
        with open(path, "rb") as f:
            valid["case_" + os.path.basename(os.path.dirname(path))] = f.read()
    for i, (profile, variant) in enumerate([("stockton-2023", "base"),
                                            ("middlesbrough-2020", "siblings"),
                                            ("regional", "older"), ("national", "growth")]):
        small = shrink(generated(cli, profile, i + 1, 8, variant), 6)
        valid["gen_%s_%s" % (profile, variant)] = small
        valid["gen_%s_%s_min" % (profile, variant)] = compact(small)
    valid.update(("edge_" + k, v) for k, v in edge_scenarios(base).items())
    bad = {"bad_" + k: v for k, v in bad_scenarios(base).items()}
    for name, data in list(valid.items()) + list(bad.items()):
        write("scenario", name + ".json", data)
    for name, data in valid.items():
        write("solve", name + ".json", data)
        write("suggest", name + ".json", data)
    for name, data in commissioning_seeds(base).items():
        write("commissioning", name + ".json", data)
    for name, data in import_seeds(base).items():
        write("import", name + ".csv", data)
    for name, data in merge_seeds(cli).items():
        write("mixes_merge", name + ".json", data)
    # inputs the fuzzer once failed on, byte for byte (the solve harness
    # picks its limits from a hash of the bytes): regress/<harness>/
    for path in sorted(glob.glob(os.path.join(HERE, "regress", "*", "*"))):
        with open(path, "rb") as f:
            write(os.path.basename(os.path.dirname(path)),
                  "regress_" + os.path.basename(path), f.read())


if __name__ == "__main__":
    main()
