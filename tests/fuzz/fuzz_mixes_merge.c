/*
 * fuzz_mixes_merge: the placematch-commissioning-result/1 reader
 * (pm_mixes_result_merge_buffer), the input of `placematch mixes --merge`
 * (shards, and interrupted runs being resumed).
 *
 * The results belong to tests/fuzz/mixes/commissioning.json (a small file
 * with its base inline), loaded once; the seed corpus holds real outputs
 * of that file (whole, sharded, interrupted) and broken variants, so the
 * fingerprint and options match and the fuzzer reaches the records.
 *
 * Checks: a refusal is one printable line per problem naming the input and
 * merges nothing (all or nothing); an accepted file gives a result whose
 * JSON, merged into a fresh result, reproduces itself byte for byte, and
 * whose CSV and SVG are printable.
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"
#include "placematch/commissioning.h"

static pm_commissioning *the_file; /* read-only after initialisation */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    pm_error err;
    pm_error_clear(&err);
    if (pm_commissioning_load_file(PM_FUZZ_DIR "/mixes/commissioning.json",
                                   &the_file, &err) != PM_OK)
        fuzz_fail("cannot load the harness's commissioning file", err.text);
    return 0;
}

static pm_mixes_result *fresh(void)
{
    pm_mixes_options o;
    pm_mixes_options_init(&o);
    pm_mixes_result *res = NULL;
    if (pm_mixes_result_create(the_file, &o, &res, NULL) != PM_OK)
        fuzz_fail("pm_mixes_result_create failed", NULL);
    return res;
}

static char *to_json(const pm_mixes_result *res)
{
    char *json = NULL;
    pm_error err;
    pm_error_clear(&err);
    if (pm_mixes_result_to_json(res, &json, &err) != PM_OK)
        fuzz_fail("pm_mixes_result_to_json failed", err.text);
    fuzz_check_json_text(json);
    return json;
}

static void check_text_outputs(const pm_mixes_result *res)
{
    char *csv = NULL, *svg = NULL;
    if (pm_mixes_result_to_csv(res, &csv, NULL) != PM_OK ||
        pm_mixes_result_to_svg(res, &svg, NULL) != PM_OK)
        fuzz_fail("CSV or SVG output failed", NULL);
    if (!fuzz_printable(csv, strlen(csv)) || !fuzz_printable(svg, strlen(svg)))
        fuzz_fail("control character in CSV or SVG", NULL);
    pm_free(csv);
    pm_free(svg);
}

static void round_trip(const pm_mixes_result *res)
{
    char *first = to_json(res);
    pm_mixes_result *again = fresh();
    pm_error err;
    pm_error_clear(&err);
    if (pm_mixes_result_merge_buffer(again, first, strlen(first), "again.json",
                                     &err) != PM_OK)
        fuzz_fail("the JSON output does not merge back", err.text);
    char *second = to_json(again);
    if (strcmp(first, second))
        fuzz_fail("merged output differs from the original", NULL);
    if (pm_mixes_result_units_done(again) != pm_mixes_result_units_done(res))
        fuzz_fail("units done changed in the round trip", NULL);
    pm_free(first);
    pm_free(second);
    pm_mixes_result_free(again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pm_mixes_result *res = fresh();
    pm_error err;
    pm_error_clear(&err);
    pm_status st = pm_mixes_result_merge_buffer(res, (const char *)data, size,
                                                FUZZ_NAME, &err);
    fuzz_check_error(st, &err, FUZZ_NAME);
    int done = pm_mixes_result_units_done(res);
    if (done < 0 || done > pm_mixes_result_units_total(res))
        fuzz_fail("units done out of range", NULL);
    if (st != PM_OK && done != 0)
        fuzz_fail("a refused file merged some evaluations", err.text);
    if (st == PM_OK) {
        round_trip(res);
        check_text_outputs(res);
    }
    pm_mixes_result_free(res);
    return 0;
}
