/* panel_tool: what a placement panel's tool does with placematch.
 *
 *   panel_tool SCENARIO.json CHILD_ID [K]
 *
 * Ranks the K best arrangements (default 3) for a referred child -- with
 * their sibling group, if any -- among today's vacancies, everyone else
 * staying where they are, and says why the other placements are ruled
 * out (docs/SUGGEST.md).  Prints ids only, never a child's details. */
#include <stdio.h>
#include <stdlib.h>

#include <placematch/placematch.h>

static void print_suggestion(const pm_suggestions *s, int i)
{
    pm_suggestion_summary t;
    pm_suggestion_get(s, i, &t);
    printf("%d. objective £%.2f a week (+£%.2f); cash £%.2f; %.1f miles%s:",
           i + 1, t.objective, t.delta, t.weekly_cost, t.miles,
           t.together == 0 ? "; split" : "");
    for (int m = 0; m < pm_suggestions_num_members(s); m++) {
        pm_suggestion_member e;
        pm_suggestion_member_get(s, i, m, &e);
        printf(" %s->%s", e.child, e.placement ? e.placement : "unmatched");
    }
    printf("\n");
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: panel_tool SCENARIO.json CHILD_ID [K]\n");
        return 2;
    }
    pm_error err;
    pm_error_clear(&err);
    pm_scenario *sc = NULL;
    if (pm_scenario_load_file(argv[1], &sc, &err) != PM_OK) {
        fputs(err.text, stderr);
        return 2;
    }

    /* The ten lines a panel tool needs. */
    pm_suggest_options o;
    pm_suggest_options_init(&o);
    o.child = argv[2];
    o.k = argc > 3 ? atoi(argv[3]) : 3;
    pm_suggestions *s = NULL;
    if (pm_suggest(sc, &o, &s, &err) != PM_OK) {
        fputs(err.text, stderr);
        pm_scenario_free(sc);
        return 2;
    }
    printf("placematch %s: %d arrangement(s) for %s\n", pm_version(),
           pm_suggestions_count(s), argv[2]);
    for (int i = 0; i < pm_suggestions_count(s); i++)
        print_suggestion(s, i);

    /* Why not elsewhere: the first few placements no suggestion uses. */
    int n = pm_suggestions_num_exclusions(s);
    for (int i = 0; i < n && i < 5; i++) {
        const char *placement, *rule, *reason;
        pm_suggestions_exclusion(s, i, &placement, &rule, &reason);
        printf("   not %s (%s): %s\n", placement, rule, reason);
    }
    if (n > 5)
        printf("   ... and %d more placements ruled out\n", n - 5);
    pm_suggestions_free(s);
    pm_scenario_free(sc);
    return 0;
}
