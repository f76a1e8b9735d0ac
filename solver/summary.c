/* The readable summary a council analyst sees on a terminal. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "result.h"

/* "£1,234,567" (rounded to whole pounds). */
static const char *money(double v, char *buf, size_t size)
{
    char digits[64];
    snprintf(digits, sizeof digits, "%.0f", fabs(v));
    size_t n = strlen(digits), k = 0;
    if (v < -0.5 && k + 1 < size)
        buf[k++] = '-';
    k += (size_t)snprintf(buf + k, size - k, "\xc2\xa3");
    for (size_t i = 0; i < n && k + 2 < size; i++) {
        buf[k++] = digits[i];
        if ((n - i - 1) % 3 == 0 && i + 1 < n)
            buf[k++] = ',';
    }
    buf[k] = '\0';
    return buf;
}

static void print_costs(const pm_result *r, FILE *out)
{
    char a[64], b[64], c[64];
    const pm_totals *t = &r->totals;
    fprintf(out, "Cost:       %s a week, %s a year (cash, placements and spot purchases)\n",
            money(t->weekly_cost, a, sizeof a), money(t->annual_cost, b, sizeof b));
    fprintf(out, "Objective:  %s a week; bound %s; gap %.4f%%\n",
            money(r->objective, a, sizeof a), money(r->bound, b, sizeof b),
            isnan(r->gap) ? 0.0 : 100 * r->gap);
    fprintf(out, "Penalties:  distance %s, beyond far miles %s, moves %s",
            money(t->distance_penalty, a, sizeof a), money(t->far_penalty, b, sizeof b),
            money(t->move_penalty, c, sizeof c));
    fprintf(out, ", sibling splits %s\n", money(t->split_penalty, a, sizeof a));
}

static void print_kpis(const pm_result *r, FILE *out)
{
    const pm_kpis *k = &r->kpis;
    fprintf(out, "Children:   %d, placed %d, unmatched %d\n", k->children,
            k->placed, k->unmatched);
    fprintf(out, "Distance:   %d placed beyond %g miles (%.1f%%), mean %.1f miles\n",
            k->beyond_far_miles, r->sc->policy.far_miles, k->pct_beyond_far_miles,
            k->mean_miles);
    fprintf(out, "Siblings:   %d groups, %d together, %d split (%d extra households)\n",
            k->sibling_groups, k->sibling_groups_together,
            k->sibling_groups_split, k->splits);
    fprintf(out, "Moves:      %d children moved from their current placement\n",
            k->moves);
    fprintf(out, "By type:   ");
    for (int t = 0; t < r->sc->types.count; t++)
        if (r->by_type[t])
            fprintf(out, " %s %d;", r->sc->types.name[t], r->by_type[t]);
    fprintf(out, "\n");
}

static void print_unmatched(const pm_result *r, FILE *out)
{
    const pm_scenario *sc = r->sc;
    int shown = 0;
    for (int c = 0; c < sc->nchildren; c++) {
        if (r->assign[c] >= 0)
            continue;
        if (shown++ == 0)
            fprintf(out, "Unmatched children:\n");
        if (shown > 20) {
            fprintf(out, "  ... and %d more (see the result file)\n",
                    r->kpis.unmatched - 20);
            break;
        }
        fprintf(out, "  %s\n", sc->children[c].id);
        for (int k = 0; k < r->reasons[c].count; k++)
            fprintf(out, "    - %s\n", r->reasons[c].line[k]);
    }
}

void pm_result_print_summary(const pm_result *r, FILE *out)
{
    if (!r || !out)
        return;
    fprintf(out, "Scenario:   %s\n", r->sc->name[0] ? r->sc->name : "(unnamed)");
    fprintf(out, "Status:     %s", pm_solution_name(r->status));
    fprintf(out, " (%.2f s, %ld nodes)\n", r->stats.seconds, r->stats.nodes);
    if (r->status == PM_SOL_INFEASIBLE || r->status == PM_SOL_NONE) {
        fprintf(out, "Reason:     %s\n", r->message);
        return;
    }
    print_costs(r, out);
    print_kpis(r, out);
    print_unmatched(r, out);
}
