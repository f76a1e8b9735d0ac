#!/usr/bin/env python3
"""The JSON Schemas in docs/schema/, checked (driven by tests/test_schema.c).

    schema_check.py check-schemas
        Every schema is a valid draft 2020-12 schema.
    schema_check.py validate SCHEMA FILE...
        Each FILE validates against SCHEMA (e.g. placematch-scenario-1).
        One line per problem, "FILE: /json/pointer: message"; exit 1 if any.
    schema_check.py corpus OUTDIR
        Writes a corpus of inputs (scenarios and commissioning files, most
        of them bad, one rule broken each) and OUTDIR/manifest.tsv:
            format <TAB> file <TAB> schema verdict <TAB> loader verdict <TAB> what
        checking here that the schema's verdict is the one written; the C
        test then checks the loader's.  Where the two verdicts differ the
        rule is one a schema cannot state (ids unique, references resolve,
        one field against another, lengths in bytes); such entries are
        listed on purpose, so that the schema's description stays honest.

JSON is read as the loader reads it: a key repeated in one object is an
error (Python's json module would keep the last one silently).

Exit status: 0 good, 1 a check failed, 2 usage, 3 jsonschema is missing
(the C test then skips).
"""
import copy
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMA_DIR = os.path.join(HERE, "..", "docs", "schema")
BASE_URI = "https://placematch.invalid/schema/"

try:
    import jsonschema
    from jsonschema import Draft202012Validator
except ImportError:  # pragma: no cover - depends on the machine
    sys.stderr.write("schema_check: python3-jsonschema is not installed\n")
    sys.exit(3)


class DuplicateKey(ValueError):
    pass


def _no_duplicates(pairs):
    seen = {}
    for key, value in pairs:
        if key in seen:
            raise DuplicateKey("duplicate key %r" % key)
        seen[key] = value
    return seen


def load_json_text(text):
    return json.loads(text, object_pairs_hook=_no_duplicates)


def load_schemas():
    schemas = {}
    for name in sorted(os.listdir(SCHEMA_DIR)):
        if name.endswith(".schema.json"):
            with open(os.path.join(SCHEMA_DIR, name), encoding="utf-8") as f:
                schemas[name[: -len(".schema.json")]] = json.load(f)
    return schemas


def make_validator(schemas, key):
    """A validator that resolves references between our schemas offline,
    with jsonschema 4.18+ (referencing) or older 4.x (RefResolver)."""
    schema = schemas[key]
    try:
        from referencing import Registry, Resource

        registry = Registry().with_resources(
            (s["$id"], Resource.from_contents(s)) for s in schemas.values())
        return Draft202012Validator(schema, registry=registry)
    except ImportError:
        store = {s["$id"]: s for s in schemas.values()}
        resolver = jsonschema.RefResolver(schema["$id"], schema, store=store)
        return Draft202012Validator(schema, resolver=resolver)


def problems(validator, doc):
    out = []
    for e in sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path)):
        pointer = "/" + "/".join(str(p) for p in e.absolute_path)
        out.append("%s: %s" % (pointer, e.message[:300]))
    return out


def verdict_of_text(validator, text):
    try:
        doc = load_json_text(text)
    except (ValueError, DuplicateKey):
        return "invalid"
    return "invalid" if problems(validator, doc) else "valid"


# ---------------------------------------------------------------------------
# check-schemas and validate

def cmd_check_schemas(schemas):
    bad = 0
    for key, schema in schemas.items():
        try:
            Draft202012Validator.check_schema(schema)
        except jsonschema.SchemaError as e:
            print("%s: %s" % (key, e.message))
            bad += 1
        if schema.get("$id") != BASE_URI + key + ".schema.json":
            print("%s: $id is %r" % (key, schema.get("$id")))
            bad += 1
    return 1 if bad else 0


def cmd_validate(schemas, key, files):
    if key not in schemas:
        print("schema_check: no schema %r (have: %s)" % (key, ", ".join(schemas)))
        return 2
    validator = make_validator(schemas, key)
    bad = 0
    for path in files:
        try:
            with open(path, encoding="utf-8") as f:
                doc = load_json_text(f.read())
        except (OSError, ValueError) as e:
            print("%s: %s" % (path, e))
            bad += 1
            continue
        for line in problems(validator, doc):
            print("%s: %s" % (path, line))
            bad += 1
    return 1 if bad else 0


# ---------------------------------------------------------------------------
# the corpus

SCENARIO = {
    "format": "placematch-scenario/1",
    "name": "Corpus",
    "meta": {"anything": [1, {"goes": None}]},
    "policy": {"far_miles": 20, "cost_per_mile_week": 1, "far_penalty_week": 100,
               "sibling_split_week": 400, "move_week": 300, "unmatched_week": 6000,
               "road_factor": 1.2},
    "placements": [
        {"id": "P1", "name": "Home one", "type": "in_house_foster", "provider": "council",
         "location": {"lat": 54.5, "lon": -1.3}, "capacity": 2, "sibling_only": 1,
         "age_min": 0, "age_max": 17, "sexes": ["F", "M"],
         "supports": {"trauma": 2, "send": 0}, "weekly_cost": 300,
         "reserved_for": ["C1", "C2"], "meta": {}},
        {"id": "P2", "type": "ifa_foster", "location": {"lat": 54.6, "lon": -1.2},
         "capacity": 1, "weekly_cost": 800},
    ],
    "children": [
        {"id": "C1", "name": "A child", "age": 9, "sex": "F",
         "home": {"lat": 54.55, "lon": -1.25}, "needs": {"trauma": 2},
         "sibling_group": "G1", "types": ["in_house_foster"], "max_miles": 30,
         "current": "P1", "stay": True, "avoid": ["C3"], "meta": {"k": 1}},
        {"id": "C2", "age": 10, "sex": "M", "home": {"lat": 54.55, "lon": -1.25},
         "sibling_group": "G1"},
        {"id": "C3", "age": 15, "sex": "F", "home": {"lat": 54.5, "lon": -1.2}},
    ],
}

P0, C0 = ["placements", 0], ["children", 0]
LONG = "x" * 65

# (what, path, value) -- value DELETE removes the member; the verdicts
# (schema, loader) follow.
DELETE = object()
BOTH_BAD = ("invalid", "invalid")
BOTH_GOOD = ("valid", "valid")
LOADER_ONLY = ("valid", "invalid")

SCENARIO_CASES = [
    ("format missing", ["format"], DELETE, BOTH_BAD),
    ("format another", ["format"], "placematch-scenario/2", BOTH_BAD),
    ("format a number", ["format"], 1, BOTH_BAD),
    ("unknown field", ["colour"], "red", BOTH_BAD),
    ("name empty", ["name"], "", BOTH_BAD),
    ("name 257 characters", ["name"], "n" * 257, BOTH_BAD),
    ("name 256 characters", ["name"], "n" * 256, BOTH_GOOD),
    ("name with a line break", ["name"], "a\nb", BOTH_BAD),
    ("meta a list", ["meta"], [1], BOTH_BAD),
    ("placements missing", ["placements"], DELETE, BOTH_BAD),
    ("placements an object", ["placements"], {}, BOTH_BAD),
    ("children missing", ["children"], DELETE, BOTH_BAD),
    ("no policy", ["policy"], DELETE, BOTH_GOOD),
    ("policy a list", ["policy"], [], BOTH_BAD),
    ("policy unknown field", ["policy", "speed"], 1, BOTH_BAD),
    ("far_miles -1", ["policy", "far_miles"], -1, BOTH_BAD),
    ("far_miles 25001", ["policy", "far_miles"], 25001, BOTH_BAD),
    ("far_miles 0", ["policy", "far_miles"], 0, BOTH_GOOD),
    ("road_factor 0.5", ["policy", "road_factor"], 0.5, BOTH_BAD),
    ("road_factor 100", ["policy", "road_factor"], 100, BOTH_GOOD),
    ("road_factor 101", ["policy", "road_factor"], 101, BOTH_BAD),
    ("unmatched_week a string", ["policy", "unmatched_week"], "6000", BOTH_BAD),
    ("unmatched_week 1e10", ["policy", "unmatched_week"], 1e10, BOTH_BAD),
    ("cost_per_mile_week -0.01", ["policy", "cost_per_mile_week"], -0.01, BOTH_BAD),
    ("move_week 1e9", ["policy", "move_week"], 1e9, BOTH_GOOD),
    # placements
    ("placement a string", P0, "P1", BOTH_BAD),
    ("placement id missing", P0 + ["id"], DELETE, BOTH_BAD),
    ("placement id empty", P0 + ["id"], "", BOTH_BAD),
    ("placement id 65 characters", P0 + ["id"], LONG, BOTH_BAD),
    ("placement id 64 characters", ["placements", 1, "id"], "x" * 64, BOTH_GOOD),
    ("placement id with a tab", P0 + ["id"], "P\t1", BOTH_BAD),
    ("placement id a number", P0 + ["id"], 1, BOTH_BAD),
    ("type missing", P0 + ["type"], DELETE, BOTH_BAD),
    ("type a number", P0 + ["type"], 7, BOTH_BAD),
    ("type unknown to the format (allowed)", P0 + ["type"], "boarding_school", BOTH_GOOD),
    ("location missing", P0 + ["location"], DELETE, BOTH_BAD),
    ("lat 91", P0 + ["location", "lat"], 91, BOTH_BAD),
    ("lat 90", P0 + ["location", "lat"], 90, BOTH_GOOD),
    ("lon -181", P0 + ["location", "lon"], -181, BOTH_BAD),
    ("lon missing", P0 + ["location", "lon"], DELETE, BOTH_BAD),
    ("location extra field", P0 + ["location", "alt"], 3, BOTH_BAD),
    ("capacity -1", P0 + ["capacity"], -1, BOTH_BAD),
    ("capacity 1.5", P0 + ["capacity"], 1.5, BOTH_BAD),
    ("capacity 2.0 (a whole number)", P0 + ["capacity"], 2.0, BOTH_GOOD),
    ("capacity 100001", P0 + ["capacity"], 100001, BOTH_BAD),
    ("capacity a string", P0 + ["capacity"], "2", BOTH_BAD),
    ("capacity true", P0 + ["capacity"], True, BOTH_BAD),
    ("sibling_only -1", P0 + ["sibling_only"], -1, BOTH_BAD),
    ("age_min 26", P0 + ["age_min"], 26, BOTH_BAD),
    ("age_max -1", P0 + ["age_max"], -1, BOTH_BAD),
    ("sexes a string", P0 + ["sexes"], "F", BOTH_BAD),
    ("sexes empty (accepts nobody)", P0 + ["sexes"], [], BOTH_GOOD),
    ("sexes item empty", P0 + ["sexes"], ["F", ""], BOTH_BAD),
    ("sexes item a number", P0 + ["sexes"], [1], BOTH_BAD),
    ("sexes 1001 items", P0 + ["sexes"], ["F"] * 1001, BOTH_BAD),
    ("supports level 4", P0 + ["supports", "trauma"], 4, BOTH_BAD),
    ("supports level -1", P0 + ["supports", "trauma"], -1, BOTH_BAD),
    ("supports level 1.5", P0 + ["supports", "trauma"], 1.5, BOTH_BAD),
    ("supports level 0", P0 + ["supports", "trauma"], 0, BOTH_GOOD),
    ("supports need name empty", P0 + ["supports", ""], 1, BOTH_BAD),
    ("supports need name 65 characters", P0 + ["supports", LONG], 1, BOTH_BAD),
    ("supports 65 needs", P0 + ["supports"], {"n%d" % i: 1 for i in range(65)}, BOTH_BAD),
    ("supports 64 needs", P0 + ["supports"], {"n%d" % i: 1 for i in range(64)}, BOTH_GOOD),
    ("supports a list", P0 + ["supports"], [1], BOTH_BAD),
    ("weekly_cost missing", P0 + ["weekly_cost"], DELETE, BOTH_BAD),
    ("weekly_cost -1", P0 + ["weekly_cost"], -1, BOTH_BAD),
    ("weekly_cost 0", P0 + ["weekly_cost"], 0, BOTH_GOOD),
    ("weekly_cost above 1e9", P0 + ["weekly_cost"], 1000000001, BOTH_BAD),
    ("reserved_for a string", P0 + ["reserved_for"], "C1", BOTH_BAD),
    ("placement unknown field", P0 + ["colour"], "red", BOTH_BAD),
    ("placement meta a number", P0 + ["meta"], 3, BOTH_BAD),
    # children
    ("child a list", C0, [], BOTH_BAD),
    ("child id missing", C0 + ["id"], DELETE, BOTH_BAD),
    ("age missing", C0 + ["age"], DELETE, BOTH_BAD),
    ("age 26", C0 + ["age"], 26, BOTH_BAD),
    ("age -1", C0 + ["age"], -1, BOTH_BAD),
    ("age 9.5", C0 + ["age"], 9.5, BOTH_BAD),
    ("age 25", C0 + ["age"], 25, BOTH_GOOD),
    ("sex missing", C0 + ["sex"], DELETE, BOTH_BAD),
    ("sex empty", C0 + ["sex"], "", BOTH_BAD),
    ("home missing", C0 + ["home"], DELETE, BOTH_BAD),
    ("home lat a string", C0 + ["home", "lat"], "54", BOTH_BAD),
    ("needs level 0", C0 + ["needs", "trauma"], 0, BOTH_BAD),
    ("needs level 4", C0 + ["needs", "trauma"], 4, BOTH_BAD),
    ("needs level 3", C0 + ["needs", "trauma"], 3, BOTH_GOOD),
    ("needs empty", C0 + ["needs"], {}, BOTH_GOOD),
    ("needs 65", C0 + ["needs"], {"n%d" % i: 1 for i in range(65)}, BOTH_BAD),
    ("sibling_group empty", C0 + ["sibling_group"], "", BOTH_BAD),
    ("types empty", C0 + ["types"], [], BOTH_BAD),
    ("types a string", C0 + ["types"], "ifa_foster", BOTH_BAD),
    ("types item a number", C0 + ["types"], [3], BOTH_BAD),
    ("max_miles 0", C0 + ["max_miles"], 0, BOTH_BAD),
    ("max_miles -1", C0 + ["max_miles"], -1, BOTH_BAD),
    ("max_miles 25001", C0 + ["max_miles"], 25001, BOTH_BAD),
    ("max_miles 25000", C0 + ["max_miles"], 25000, BOTH_GOOD),
    ("max_miles 0.5", C0 + ["max_miles"], 0.5, BOTH_GOOD),
    ("current empty", C0 + ["current"], "", BOTH_BAD),
    ("current a number", C0 + ["current"], 1, BOTH_BAD),
    ("stay a string", C0 + ["stay"], "yes", BOTH_BAD),
    ("stay without current", C0 + ["current"], DELETE, BOTH_BAD),
    ("stay false", C0 + ["stay"], False, BOTH_GOOD),
    ("avoid a string", C0 + ["avoid"], "C3", BOTH_BAD),
    ("avoid item 65 characters", C0 + ["avoid"], [LONG], BOTH_BAD),
    ("avoid empty", C0 + ["avoid"], [], BOTH_GOOD),
    ("child unknown field", C0 + ["dob"], "2015-01-01", BOTH_BAD),
    ("child name empty", C0 + ["name"], "", BOTH_BAD),
    # what only the loader can see
    ("duplicate placement id", ["placements", 1, "id"], "P1", LOADER_ONLY),
    ("duplicate child id", ["children", 1, "id"], "C1", LOADER_ONLY),
    ("current names no placement", C0 + ["current"], "P9", LOADER_ONLY),
    ("avoid names no child", C0 + ["avoid"], ["C9"], LOADER_ONLY),
    ("a child avoids itself", C0 + ["avoid"], ["C1"], LOADER_ONLY),
    ("reserved_for names no child", P0 + ["reserved_for"], ["C9"], LOADER_ONLY),
    ("sibling_only above capacity", P0 + ["sibling_only"], 3, LOADER_ONLY),
    ("age_min above age_max", P0 + ["age_min"], 18, LOADER_ONLY),
    ("id of 40 two-byte characters (80 bytes)", ["placements", 1, "id"], "\u00e9" * 40, LOADER_ONLY),
]

# Raw texts: what cannot be said with a Python object.
SCENARIO_RAW = [
    ("a key twice in one object",
     '{"format": "placematch-scenario/1", "placements": [], "children": [], '
     '"children": []}', BOTH_BAD),
    ("not JSON", '{"format": "placematch-scenario/1",', BOTH_BAD),
    ("a list at the top", "[]", BOTH_BAD),
    ("trailing text", '{"format": "placematch-scenario/1", "placements": [], '
     '"children": []} x', BOTH_BAD),
    ("the smallest scenario",
     '{"format": "placematch-scenario/1", "placements": [], "children": []}', BOTH_GOOD),
]

SMALL_BASE = {
    "format": "placematch-scenario/1",
    "placements": [
        {"id": "P1", "type": "in_house_foster", "location": {"lat": 54.5, "lon": -1.3},
         "capacity": 3, "weekly_cost": 300},
        {"id": "P2", "type": "ifa_foster", "location": {"lat": 54.6, "lon": -1.2},
         "capacity": 2, "weekly_cost": 800},
    ],
    "children": [
        {"id": "C1", "age": 9, "sex": "F", "home": {"lat": 54.55, "lon": -1.25},
         "current": "P2", "stay": True},
        {"id": "C2", "age": 12, "sex": "M", "home": {"lat": 54.55, "lon": -1.25}},
    ],
}

COMMISSIONING = {
    "format": "placematch-commissioning/1",
    "name": "Corpus options",
    "meta": {"note": "anything"},
    "base": SMALL_BASE,
    "levers": [
        {"id": "foster", "name": "Recruit foster households", "meta": {},
         "add": {"type": "in_house_foster", "location": {"lat": 54.57, "lon": -1.31},
                 "capacity": 2, "supports": {"trauma": 2}, "weekly_cost": 300},
         "max_units": 3, "fixed_week_per_unit": 60},
        {"id": "close.P2", "remove": ["P2"], "fixed_week_per_unit": -100},
    ],
    "mixes": [{"foster": 1}, {"foster": 2, "close.P2": 1}],
    "grid": {"foster": {"from": 0, "to": 3, "step": 1}, "close.P2": [0, 1]},
    "cohorts": ["base", {"name": "more", "profile": "stockton-2023", "seed": 2,
                         "children": 5, "variant": "growth", "meta": {}}],
}

L0, L1 = ["levers", 0], ["levers", 1]
K1 = ["cohorts", 1]

COMMISSIONING_CASES = [
    ("format another", ["format"], "placematch-scenario/1", BOTH_BAD),
    ("unknown field", ["colour"], "red", BOTH_BAD),
    ("name empty", ["name"], "", BOTH_BAD),
    ("base missing", ["base"], DELETE, BOTH_BAD),
    ("base a number", ["base"], 3, BOTH_BAD),
    ("base an empty name", ["base"], "", BOTH_BAD),
    ("base a bad scenario", ["base", "children", 1, "age"], 30, BOTH_BAD),
    ("base scenario unknown field", ["base", "colour"], 1, BOTH_BAD),
    ("levers missing", ["levers"], DELETE, BOTH_BAD),
    ("levers an object", ["levers"], {}, BOTH_BAD),
    ("65 levers", ["levers"], [
        {"id": "l%d" % i, "add": COMMISSIONING["levers"][0]["add"], "max_units": 1}
        for i in range(65)], BOTH_BAD),
    ("lever id missing", L0 + ["id"], DELETE, BOTH_BAD),
    ("lever id with a space", L0 + ["id"], "a b", BOTH_BAD),
    ("lever id 41 characters", L0 + ["id"], "l" * 41, BOTH_BAD),
    ("lever unknown field", L0 + ["colour"], 1, BOTH_BAD),
    ("lever name too long", L0 + ["name"], "n" * 257, BOTH_BAD),
    ("lever neither adds nor removes", L0 + ["add"], DELETE, BOTH_BAD),
    ("lever adds and removes", L0 + ["remove"], ["P1"], BOTH_BAD),
    ("add without max_units", L0 + ["max_units"], DELETE, BOTH_BAD),
    ("max_units 0", L0 + ["max_units"], 0, BOTH_BAD),
    ("max_units 1001", L0 + ["max_units"], 1001, BOTH_BAD),
    ("template with an id", L0 + ["add", "id"], "X", BOTH_BAD),
    ("template reserved", L0 + ["add", "reserved_for"], ["C1"], BOTH_BAD),
    ("template without capacity", L0 + ["add", "capacity"], DELETE, BOTH_BAD),
    ("template capacity -1", L0 + ["add", "capacity"], -1, BOTH_BAD),
    ("template unknown field", L0 + ["add", "colour"], 1, BOTH_BAD),
    ("template need level 4", L0 + ["add", "supports", "trauma"], 4, BOTH_BAD),
    ("fixed_week_per_unit a string", L0 + ["fixed_week_per_unit"], "60", BOTH_BAD),
    ("fixed_week_per_unit 2e9", L0 + ["fixed_week_per_unit"], 2e9, BOTH_BAD),
    ("fixed_week_per_unit -1e9", L0 + ["fixed_week_per_unit"], -1e9, BOTH_GOOD),
    ("remove nothing", L1 + ["remove"], [], BOTH_BAD),
    ("remove with max_units 2", L1 + ["max_units"], 2, BOTH_BAD),
    ("remove with max_units 1", L1 + ["max_units"], 1, BOTH_GOOD),
    ("remove an empty id", L1 + ["remove"], [""], BOTH_BAD),
    ("mixes an object", ["mixes"], {}, BOTH_BAD),
    ("mixes empty", ["mixes"], [], BOTH_GOOD),
    ("mixes absent", ["mixes"], DELETE, BOTH_GOOD),
    ("a mix a list", ["mixes", 0], [1], BOTH_BAD),
    ("mix units -1", ["mixes", 0, "foster"], -1, BOTH_BAD),
    ("mix units 1.5", ["mixes", 0, "foster"], 1.5, BOTH_BAD),
    ("grid a number", ["grid"], 3, BOTH_BAD),
    ("grid a list of grids", ["grid"], [{"foster": [0, 1]}, {"close.P2": [1]}], BOTH_GOOD),
    ("grid 65 grids", ["grid"], [{"foster": [0]}] * 65, BOTH_BAD),
    ("grid absent", ["grid"], DELETE, BOTH_GOOD),
    ("grid list empty", ["grid", "close.P2"], [], BOTH_BAD),
    ("grid list with -1", ["grid", "close.P2"], [-1], BOTH_BAD),
    ("grid range without to", ["grid", "foster", "to"], DELETE, BOTH_BAD),
    ("grid range step 0", ["grid", "foster", "step"], 0, BOTH_BAD),
    ("grid range unknown field", ["grid", "foster", "by"], 1, BOTH_BAD),
    ("grid a string value", ["grid", "foster"], "0-3", BOTH_BAD),
    ("cohorts empty", ["cohorts"], [], BOTH_BAD),
    ("cohorts absent", ["cohorts"], DELETE, BOTH_GOOD),
    ("cohort another word", ["cohorts", 0], "today", BOTH_BAD),
    ("cohort a number", ["cohorts", 0], 1, BOTH_BAD),
    ("cohort profile unknown", K1 + ["profile"], "leeds", BOTH_BAD),
    ("cohort variant unknown", K1 + ["variant"], "shrink", BOTH_BAD),
    ("cohort seed -1", K1 + ["seed"], -1, BOTH_BAD),
    ("cohort children 0", K1 + ["children"], 0, BOTH_BAD),
    ("cohort unknown field", K1 + ["year"], 2024, BOTH_BAD),
    ("cohort name 65 characters", K1 + ["name"], LONG, BOTH_BAD),
    ("cohort without a name", K1 + ["name"], DELETE, BOTH_GOOD),
    # what only the loader can see
    ("a mix names no lever", ["mixes", 0], {"nursery": 1}, LOADER_ONLY),
    ("mix units above max_units", ["mixes", 0, "foster"], 4, LOADER_ONLY),
    ("grid to below from", ["grid", "foster"], {"from": 2, "to": 1}, LOADER_ONLY),
    ("grid names no lever", ["grid", "nursery"], [1], LOADER_ONLY),
    ("remove names no placement", L1 + ["remove"], ["P9"], LOADER_ONLY),
    ("two levers with one id", L1 + ["id"], "foster", LOADER_ONLY),
    ("two cohorts with one name", ["cohorts"], ["base", "base"], LOADER_ONLY),
]


def mutate(doc, path, value):
    doc = copy.deepcopy(doc)
    target = doc
    for key in path[:-1]:
        target = target[key]
    if value is DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return doc


def write_case(outdir, fmt, n, text, verdicts, what, validator, manifest, failures):
    name = "%s-%03d.json" % (fmt, n)
    with open(os.path.join(outdir, name), "w", encoding="utf-8") as f:
        f.write(text)
    got = verdict_of_text(validator, text)
    if got != verdicts[0]:
        failures.append("%s (%s): the schema says %s, expected %s"
                        % (name, what, got, verdicts[0]))
    manifest.append("\t".join((fmt, name, verdicts[0], verdicts[1], what)))


def cmd_corpus(schemas, outdir):
    os.makedirs(outdir, exist_ok=True)
    manifest, failures = [], []
    plan = [
        ("scenario", "placematch-scenario-1", SCENARIO, SCENARIO_CASES, SCENARIO_RAW),
        ("commissioning", "placematch-commissioning-1", COMMISSIONING,
         COMMISSIONING_CASES, []),
    ]
    for fmt, key, base, cases, raws in plan:
        validator = make_validator(schemas, key)
        n = 0
        write_case(outdir, fmt, n, json.dumps(base, indent=1), BOTH_GOOD,
                   "the corpus's base document", validator, manifest, failures)
        for what, path, value, verdicts in cases:
            n += 1
            text = json.dumps(mutate(base, path, value), indent=1, ensure_ascii=False)
            write_case(outdir, fmt, n, text, verdicts, what, validator, manifest,
                       failures)
        for what, text, verdicts in raws:
            n += 1
            write_case(outdir, fmt, n, text, verdicts, what, validator, manifest,
                       failures)
    with open(os.path.join(outdir, "manifest.tsv"), "w", encoding="utf-8") as f:
        f.write("\n".join(manifest) + "\n")
    for line in failures:
        print(line)
    return 1 if failures else 0


def main(argv):
    schemas = load_schemas()
    if len(argv) == 2 and argv[1] == "check-schemas":
        return cmd_check_schemas(schemas)
    if len(argv) >= 3 and argv[1] == "validate":
        return cmd_validate(schemas, argv[2], argv[3:])
    if len(argv) == 3 and argv[1] == "corpus":
        return cmd_corpus(schemas, argv[2])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
