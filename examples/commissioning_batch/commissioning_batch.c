/* commissioning_batch: evaluate capacity options with placematch
 * (docs/MIXES.md, include/placematch/commissioning.h).
 *
 *   commissioning_batch SCENARIO.json [--time-limit S] [--threads N]
 *   commissioning_batch --file COMMISSIONING.json [--time-limit S] [--threads N]
 *
 * Given a scenario, it asks a small question of its own: what would
 * recruiting 0, 3 or 6 more in-house foster households (2 places each,
 * £60 a week each to support) do to the weekly cost of matching today's
 * children?  Given a commissioning file, it evaluates that file's mixes.
 * Either way it prints the mixes ranked by mean total weekly cost. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <placematch/commissioning.h>

/* The batch built around a scenario: one lever, three mixes. */
static const char *const BATCH =
    "{\"format\": \"placematch-commissioning/1\",\n"
    " \"name\": \"Foster recruitment\",\n"
    " \"base\": \"%s\",\n"
    " \"levers\": [{\"id\": \"foster\", \"name\": \"Recruit in-house foster households\",\n"
    "   \"add\": {\"type\": \"in_house_foster\", \"provider\": \"council\",\n"
    "            \"location\": {\"lat\": 54.570, \"lon\": -1.318},\n"
    "            \"capacity\": 2, \"age_min\": 0, \"age_max\": 17,\n"
    "            \"supports\": {\"trauma\": 2, \"send\": 2, \"behaviour\": 1},\n"
    "            \"weekly_cost\": 298},\n"
    "   \"max_units\": 6, \"fixed_week_per_unit\": 60}],\n"
    " \"grid\": {\"foster\": {\"from\": 0, \"to\": 6, \"step\": 3}}}\n";

static pm_status load(const char *path, int is_file, pm_commissioning **cm,
                      pm_error *err)
{
    if (is_file)
        return pm_commissioning_load_file(path, cm, err);
    char text[4096];
    if (strchr(path, '"') || strchr(path, '\\') ||
        snprintf(text, sizeof text, BATCH, path) >= (int)sizeof text) {
        fprintf(stderr, "commissioning_batch: unusable scenario path\n");
        return PM_ERR_ARG;
    }
    /* a relative base path is relative to the current folder (dir NULL) */
    return pm_commissioning_load_buffer(text, strlen(text), "(batch)", NULL, cm,
                                        err);
}

static void print_ranking(const pm_commissioning *cm, const pm_mixes_result *res)
{
    int nm = pm_commissioning_num_mixes(cm), nl = pm_commissioning_num_levers(cm);
    printf("%s: %d mixes x %d cohorts\n", pm_commissioning_name(cm), nm,
           pm_commissioning_num_cohorts(cm));
    for (int rank = 1; rank <= nm && rank <= 10; rank++)
        for (int m = 0; m < nm; m++) {
            pm_mix_summary s;
            if (pm_mixes_result_summary(res, m, &s) != PM_OK || s.rank != rank)
                continue;
            /* "feasible" with a gap: a time limit stopped a solve first,
               so the figure is an upper bound within that gap */
            printf("%2d. £%.0f a week (fixed £%.0f), %.2f%% beyond far_miles, "
                   "%s (gap %.2f%%):", rank, s.total_week_mean, s.fixed_week,
                   s.pct_beyond_mean, pm_mix_status_name(s.status),
                   100 * s.max_gap);
            for (int l = 0; l < nl; l++)
                printf(" %s=%d", pm_commissioning_lever_id(cm, l),
                       pm_commissioning_units(cm, m, l));
            printf("%s\n", s.baseline ? " (today)" : "");
        }
}

int main(int argc, char **argv)
{
    const char *path = NULL;
    int is_file = 0;
    pm_mixes_options o;
    pm_mixes_options_init(&o);
    o.solve.time_limit = 5; /* seconds per solve: a demonstration */
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--file") && i + 1 < argc)
            path = argv[++i], is_file = 1;
        else if (!strcmp(argv[i], "--time-limit") && i + 1 < argc)
            o.solve.time_limit = atof(argv[++i]);
        else if (!strcmp(argv[i], "--threads") && i + 1 < argc)
            o.threads = atoi(argv[++i]);
        else if (argv[i][0] != '-' && !path)
            path = argv[i];
        else
            path = NULL, i = argc;
    }
    if (!path) {
        fprintf(stderr, "usage: commissioning_batch SCENARIO.json | --file "
                        "COMMISSIONING.json [--time-limit S] [--threads N]\n");
        return 2;
    }
    pm_error err;
    pm_error_clear(&err);
    pm_commissioning *cm = NULL;
    pm_mixes_result *res = NULL;
    int rc = 0;
    if (load(path, is_file, &cm, &err) != PM_OK ||
        pm_mixes_run(cm, &o, &res, &err) != PM_OK) {
        fputs(err.text, stderr);
        rc = 1;
    } else {
        print_ranking(cm, res);
    }
    pm_mixes_result_free(res);
    pm_commissioning_free(cm);
    return rc;
}
