#include "gomory.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"

/* GLPK's constants (glpios03.c, gmigen.c, gmicut.c), kept so that the
 * cuts and the nodes that get them are GLPK's. */
#define CUTS_PER_ROUND 50 /* gmi_gen's max_cuts                          */
#define ROUNDS_PER_NODE 7 /* Gomory only while changed < 7               */
#define FRAC_MIN 0.05     /* candidates' fractional parts in [.05, .95]  */
#define COEF_MIN 1e-3     /* a cut with a coefficient outside [COEF_MIN,  */
#define COEF_MAX 1e3      /* COEF_MAX] in magnitude is badly scaled      */
#define KSI_MAX 1e5       /* a tableau entry above this: no cut          */
#define TINY 1e-10        /* tableau entries and coefficients below: 0   */
#define BAD_CUT 1e-4      /* a round moving the bound less (relative)    */
#define BAD_ROOT 3        /* such rounds in a row the root still tries   */

static double frac(double x)
{
    return x - floor(x);
}

void pm_gomory_free(pm_gomory *G)
{
    free(G->phi), free(G->aux_phi), free(G->aux_rows);
    free(G->ent), free(G->entval);
    free(G->cand), free(G->ind), free(G->cutval);
    free(G->lb), free(G->ub), free(G->seen);
    memset(G, 0, sizeof *G);
}

int pm_gomory_begin(pm_gomory *G, glp_prob *P, pm_tableau *Tb)
{
    pm_gomory_free(G);
    int n = glp_get_num_cols(P);
    G->tab = Tb;
    G->m0 = glp_get_num_rows(P);
    size_t n1 = (size_t)n + 1;
    G->phi = calloc(n1, sizeof *G->phi);
    G->cand = malloc(n1 * sizeof *G->cand);
    G->ind = malloc(n1 * sizeof *G->ind);
    G->cutval = malloc(n1 * sizeof *G->cutval);
    G->lb = malloc(n1 * sizeof *G->lb);
    G->ub = malloc(n1 * sizeof *G->ub);
    G->seen = calloc(n1, sizeof *G->seen);
    if (!(G->phi && G->cand && G->ind && G->cutval && G->lb && G->ub &&
          G->seen) || Tb->n != n) {
        pm_gomory_free(G);
        return 0;
    }
    G->fresh = 1;
    G->make = 1;
    return 1;
}

/* Room for m rows in aux_phi (kept zero) and aux_rows, and for a tableau
 * row over m rows and the columns in ent and entval. */
static int fit_rows(pm_gomory *G, int m)
{
    if (m <= G->mcap)
        return 1;
    size_t m1 = (size_t)m + 1, mn1 = m1 + (size_t)G->tab->n;
    if (!pm_regrow((void **)&G->aux_phi, m1, sizeof *G->aux_phi) ||
        !pm_regrow((void **)&G->aux_rows, m1, sizeof *G->aux_rows) ||
        !pm_regrow((void **)&G->ent, mn1, sizeof *G->ent) ||
        !pm_regrow((void **)&G->entval, mn1, sizeof *G->entval))
        return 0;
    memset(G->aux_phi, 0, m1 * sizeof *G->aux_phi);
    G->mcap = m;
    return 1;
}

/* phi1 of GLPK's formula for a nonbasic variable moved off its active
 * bound (tableau entry alfa), in a row of fractional part fb: 0 when the
 * entry is skipped. */
static double gmi_coef(double alfa, int integer, double fb)
{
    if (integer) {
        if (fabs(alfa - floor(alfa + 0.5)) < TINY)
            return 0;
        return frac(alfa) <= fb ? frac(alfa)
                                : fb / (1.0 - fb) * (1.0 - frac(alfa));
    }
    return alfa >= 0 ? alfa : fb / (1.0 - fb) * -alfa;
}

/* One nonbasic variable's term (status stat, bounds lb and ub, tableau
 * entry ksi): sets *coef and adds to *rhs as gmicut.c does.  0 when GLPK
 * would give up on the cut. */
static int term(double ksi, int stat, int integer, double lb, double ub,
                double fb, double *coef, double *rhs)
{
    if (fabs(ksi) > KSI_MAX)
        return 0;
    if (fabs(ksi) < TINY || stat == GLP_NS)
        return 1;
    if (stat == GLP_NF)
        return 0;
    double phi1 = gmi_coef(stat == GLP_NL ? -ksi : ksi, integer, fb);
    if (phi1 == 0)
        return 1;
    if (stat == GLP_NL) {
        *coef = phi1;
        *rhs += phi1 * lb;
    } else {
        *coef = -phi1;
        *rhs -= phi1 * ub;
    }
    return 1;
}

/* Column j's bounds, read through GLPK once a round: terms() wants them
 * at every entry of every tableau row (3% of a 600-child proof, perf). */
static void col_bounds(pm_gomory *G, glp_prob *P, int j)
{
    if (G->seen[j] != G->round) {
        G->seen[j] = G->round;
        G->lb[j] = glp_get_col_lb(P, j);
        G->ub[j] = glp_get_col_ub(P, j);
    }
}

/* The cut's terms, one per nonbasic variable of the tableau row (ent
 * and entval, from 1, as pm_tableau_eval gives them: rows, then columns
 * m + j, ascending), into aux_phi for rows and phi for columns. */
static int terms(pm_gomory *G, glp_prob *P, int len, double fb, double *rhs,
                 int *naux)
{
    pm_tableau *Tb = G->tab;
    for (int t = 1; t <= len; t++) {
        int k = G->ent[t], j = k - Tb->m;
        double coef = 0;
        if (j <= 0) {
            if (!term(G->entval[t], Tb->rstat[k], 0, glp_get_row_lb(P, k),
                      glp_get_row_ub(P, k), fb, &coef, rhs))
                return 0;
            if (coef != 0) {
                G->aux_phi[k] = coef;
                G->aux_rows[(*naux)++] = k;
            }
        } else {
            col_bounds(G, P, j);
            if (!term(G->entval[t], Tb->cstat[j], Tb->ckind[j] == GLP_IV,
                      G->lb[j], G->ub[j], fb, &coef, rhs))
                return 0;
            if (coef != 0) {
                G->phi[j] = coef;
                pm_tableau_touch(Tb, j);
            }
        }
    }
    return 1;
}

/* Substitutes each auxiliary variable by its row, x_i = sum a_ij x_j; then
 * the cut over the structural columns, fixed ones moved to the right. */
static int express(pm_gomory *G, glp_prob *P, int naux, double *rhs)
{
    pm_tableau *Tb = G->tab;
    for (int k = 0; k < naux; k++) {
        int i = G->aux_rows[k];
        if (fabs(G->aux_phi[i]) < TINY)
            continue;
        const int *idx;
        const double *val;
        int len = pm_tableau_row_of(Tb, i, &idx, &val);
        for (int t = 0; t < len; t++) {
            pm_tableau_touch(Tb, idx[t]);
            G->phi[idx[t]] += G->aux_phi[i] * val[t];
        }
    }
    pm_tableau_sort(Tb);
    int len = 0;
    for (int t = 0; t < Tb->ntouched; t++) {
        int j = Tb->touched[t];
        if (fabs(G->phi[j]) < TINY)
            continue;
        if (Tb->ctype[j] == GLP_FX) {
            col_bounds(G, P, j);
            *rhs -= G->phi[j] * G->lb[j];
        }
        else
            len++;
    }
    /* columns descending: the order in which GLPK's own cuts reach the
     * LP (its pool hands a row's entries back reversed), which its MIR
     * generator then reads; in ascending order the same cuts led GLPK to
     * other MIR cuts and other nodes */
    int k = 0;
    for (int t = Tb->ntouched - 1; t >= 0; t--) {
        int j = Tb->touched[t];
        if (fabs(G->phi[j]) >= TINY && Tb->ctype[j] != GLP_FX) {
            k++;
            G->ind[k] = j;
            G->cutval[k] = G->phi[j];
        }
    }
    if (fabs(*rhs) < 1e-12)
        *rhs = 0;
    return len;
}

static void clear(pm_gomory *G, int naux)
{
    for (int t = 0; t < G->tab->ntouched; t++)
        G->phi[G->tab->touched[t]] = 0;
    pm_tableau_clear(G->tab);
    for (int k = 0; k < naux; k++)
        G->aux_phi[G->aux_rows[k]] = 0;
}

/* The cut of basic integer column j (glp_gmi_cut): its length (ind and
 * cutval from 1), or < 1 when there is none. */
static int cut(pm_gomory *G, glp_prob *P, int j, double *rhs)
{
    int len = pm_tableau_eval(G->tab, P, j, G->ent, G->entval);
    double fb = frac(glp_get_col_prim(P, j));
    *rhs = fb;
    int naux = 0, out = -1;
    if (terms(G, P, len, fb, rhs, &naux))
        out = express(G, P, naux, rhs);
    clear(G, naux);
    return out;
}

/* gmigen.c's candidates: basic integer columns, not fixed, of fractional
 * part within [FRAC_MIN, 1 - FRAC_MIN], the most fractional first (ties
 * by column, as glibc's stable qsort leaves them). */
static int by_frac(const void *a, const void *b)
{
    const pm_gomory_cand *x = a, *y = b;
    if (x->f != y->f)
        return x->f > y->f ? -1 : 1;
    return (x->j > y->j) - (x->j < y->j);
}

static int candidates(pm_gomory *G, glp_prob *P)
{
    const pm_tableau *Tb = G->tab;
    int nv = 0;
    for (int j = 1; j <= Tb->n; j++) {
        if (Tb->ckind[j] != GLP_IV || Tb->ctype[j] == GLP_FX ||
            Tb->cstat[j] != GLP_BS)
            continue;
        double f = frac(glp_get_col_prim(P, j));
        if (f < FRAC_MIN || f > 1 - FRAC_MIN)
            continue;
        G->cand[nv++] = (pm_gomory_cand){.j = j, .f = f};
    }
    qsort(G->cand, (size_t)nv, sizeof *G->cand, by_frac);
    return nv;
}

static int well_scaled(const double *val, int len)
{
    for (int k = 1; k <= len; k++)
        if (fabs(val[k]) < COEF_MIN || fabs(val[k]) > COEF_MAX)
            return 0;
    return 1;
}

int pm_gomory_round(pm_gomory *G, glp_prob *P, int max_cuts,
                    pm_gomory_emit emit, void *info)
{
    if (!G->phi || glp_get_num_cols(P) != G->tab->n || !glp_bf_exists(P) ||
        glp_get_prim_stat(P) != GLP_FEAS || glp_get_dual_stat(P) != GLP_FEAS)
        return 0;
    if (!fit_rows(G, glp_get_num_rows(P)) || !pm_tableau_read(G->tab, P))
        return -1;
    G->read = 1;
    if (++G->round == 0) { /* (wrapped: every column unseen again) */
        memset(G->seen, 0, ((size_t)G->tab->n + 1) * sizeof *G->seen);
        G->round = 1;
    }
    int nv = candidates(G, P), made = 0;
    for (int t = 0; t < nv && made < max_cuts; t++) {
        double rhs;
        int len = cut(G, P, G->cand[t].j, &rhs);
        if (len < 1 || !well_scaled(G->cutval, len))
            continue;
        emit(info, len, G->ind, G->cutval, rhs);
        made++;
    }
    return made;
}

static void add_to_tree(void *info, int len, const int *ind,
                        const double *val, double rhs)
{
    glp_ios_add_row(info, NULL, GLP_RF_GMI, 0, len, ind, val, GLP_LO, rhs);
}

/* A node's first preprocessing after a selection, or the same node again:
 * after a branching that pruned one branch (GLPK goes on with the other
 * as a new subproblem) or after a round of cuts. */
static void at_node(pm_gomory *G, glp_tree *T, int p)
{
    if (G->fresh) {
        G->fresh = G->branched = 0;
        G->changed = G->bad_cut = 0;
        G->pred = G->branched_at && glp_ios_up_node(T, p) == G->branched_at;
        G->branched_at = 0;
    } else if (G->branched) {
        G->branched = 0;
        G->changed = 0;
    } else {
        G->changed++;
    }
}

/* At a cut request: GLPK's bookkeeping of rounds that barely moved the
 * bound, then its conditions for its generators to run at all (Gomory's
 * cuts have one more: fewer than ROUNDS_PER_NODE rounds at the node). */
static int generators_due(pm_gomory *G, glp_tree *T)
{
    glp_prob *mip = glp_ios_get_prob(T);
    double obj = glp_get_obj_val(mip);
    if (G->changed > 0) {
        double degrad = fabs(obj - G->old_obj);
        G->bad_cut = degrad < BAD_CUT * (1.0 + fabs(G->old_obj))
                         ? G->bad_cut + 1 : 0;
    }
    G->old_obj = obj;
    if (!(G->bad_cut == 0 || (!G->root_done && G->bad_cut <= BAD_ROOT)))
        return 0;
    if (G->root_done && G->pred)
        return 0; /* a child of the node just branched */
    int max_cuts = G->tab->n < 1000 ? 1000 : G->tab->n;
    return glp_get_num_rows(mip) - G->m0 < max_cuts;
}

void pm_gomory_cb(pm_gomory *G, glp_tree *T, int stopped)
{
    if (!G->phi)
        return;
    switch (glp_ios_reason(T)) {
    case GLP_ISELECT:
        G->fresh = 1;
        break;
    case GLP_IPREPRO:
        at_node(G, T, glp_ios_curr_node(T));
        break;
    case GLP_IBRANCH:
        G->root_done = 1;
        G->branched = 1;
        G->branched_at = glp_ios_curr_node(T);
        break;
    case GLP_ICUTGEN:
        G->read = 0;
        G->due = generators_due(G, T) && !stopped;
        if (G->due && G->make && G->changed < ROUNDS_PER_NODE) {
            int k = pm_gomory_round(G, glp_ios_get_prob(T), CUTS_PER_ROUND,
                                    G->emit ? G->emit : add_to_tree,
                                    G->emit ? G->emit_info : T);
            G->cuts += k > 0 ? k : 0;
        }
        break;
    default:
        break;
    }
}
