#define GLP_UNDOC 1 /* glp_mir_init, glp_mir_gen, glp_mir_free */
#include "cutpool.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"

/* glpios11.c's constants */
#define CANDIDATES_ROOT 90 /* cuts considered at the root ...            */
#define CANDIDATES_NODE 10 /* ... and at any other node                  */
#define DEG_MIN 0.01       /* a degradation below this counts as none     */
#define EFF_MIN 0.01       /* a cut with both below is not worth a row    */
#define PARALLEL_MAX 0.90  /* cosine above which a cut repeats one taken  */
#define RTEST_EPS 1e-9     /* the ratio test's tolerance                  */

void pm_cutpool_free(pm_cutpool *C, int env_lost)
{
    if (C->mir && !env_lost)
        glp_mir_free(C->mir);
    free(C->beg), free(C->ind), free(C->val), free(C->rhs), free(C->norm2);
    free(C->type), free(C->rank), free(C->a), free(C->work);
    free(C->tval), free(C->tind), free(C->x);
    memset(C, 0, sizeof *C);
}

int pm_cutpool_begin(pm_cutpool *C, glp_prob *P, int mir)
{
    pm_cutpool_free(C, 0);
    C->n = glp_get_num_cols(P);
    size_t n1 = (size_t)C->n + 1;
    C->a = calloc(n1, sizeof *C->a);
    C->work = calloc(n1, sizeof *C->work);
    C->beg = malloc(sizeof *C->beg);
    if (!C->a || !C->work || !C->beg) {
        pm_cutpool_free(C, 0);
        return 0;
    }
    C->beg[0] = 0;
    C->want_mir = mir;
    return 1;
}

/* Room for one more cut of len entries. */
static int fit_cut(pm_cutpool *C, int len)
{
    if (C->count + 1 > C->cap) {
        size_t cap = 2 * (size_t)C->cap + 16;
        if (!pm_regrow((void **)&C->beg, cap + 1, sizeof *C->beg) ||
            !pm_regrow((void **)&C->rhs, cap, sizeof *C->rhs) ||
            !pm_regrow((void **)&C->norm2, cap, sizeof *C->norm2) ||
            !pm_regrow((void **)&C->type, cap, sizeof *C->type) ||
            !pm_regrow((void **)&C->rank, cap, sizeof *C->rank))
            return 0;
        C->cap = (int)cap;
    }
    int need = C->beg[C->count] + len;
    if (need > C->nzcap) {
        size_t cap = 2 * (size_t)need;
        if (!pm_regrow((void **)&C->ind, cap, sizeof *C->ind) ||
            !pm_regrow((void **)&C->val, cap, sizeof *C->val))
            return 0;
        C->nzcap = (int)cap;
    }
    return 1;
}

/* glp_set_mat_row puts each entry before the ones already in the row,
 * then drops those of value 0: the pool lists a cut backwards. */
int pm_cutpool_add(pm_cutpool *C, int len, const int *ind,
                   const double *val, int type, double rhs)
{
    if (!fit_cut(C, len))
        return 0;
    int at = C->beg[C->count];
    double norm2 = 0.0;
    for (int k = len; k >= 1; k--) {
        if (val[k] == 0.0)
            continue;
        C->ind[at] = ind[k];
        C->val[at] = val[k];
        norm2 += val[k] * val[k];
        at++;
    }
    C->rhs[C->count] = rhs;
    C->type[C->count] = type;
    C->norm2[C->count] = norm2;
    C->beg[++C->count] = at;
    return 1;
}

int pm_cutpool_mir(pm_cutpool *C, glp_tree *T)
{
    glp_prob *P = glp_ios_get_prob(T);
    if (!C->mir)
        return 1;
    glp_prob *pool = glp_create_prob();
    glp_add_cols(pool, C->n);
    glp_mir_gen(P, C->mir, pool);
    int ok = 1, m = glp_get_num_rows(pool);
    int *ind = m ? malloc(((size_t)C->n + 1) * sizeof *ind) : NULL;
    double *val = m ? malloc(((size_t)C->n + 1) * sizeof *val) : NULL;
    if (m && (!ind || !val))
        ok = 0;
    for (int i = 1; ok && i <= m; i++) {
        int len = glp_get_mat_row(pool, i, ind, val);
        ok = pm_cutpool_add(C, len, ind, val, GLP_UP, glp_get_row_ub(pool, i));
    }
    free(ind);
    free(val);
    glp_delete_prob(pool);
    return ok;
}

void pm_cutpool_start(pm_cutpool *C, glp_tree *T)
{
    int p = glp_ios_curr_node(T);
    if (C->want_mir && !C->mir && p && glp_ios_node_level(T, p) == 0)
        C->mir = glp_mir_init(glp_ios_get_prob(T));
}

/* Room for a cut over a programme's m + n variables in tind and tval. */
static int fit_rows(pm_cutpool *C, int m)
{
    if (m <= C->mcap)
        return 1;
    size_t m1 = (size_t)m + 1, mn1 = m1 + (size_t)C->n;
    if (!pm_regrow((void **)&C->tind, mn1, sizeof *C->tind) ||
        !pm_regrow((void **)&C->tval, mn1, sizeof *C->tval) ||
        !pm_regrow((void **)&C->x, mn1, sizeof *C->x))
        return 0;
    C->mcap = m;
    return 1;
}

/* Cut k over the nonbasic variables, as glp_transform_row gives it (rows,
 * then columns m + j, ascending, from 1), into tind and tval: its length.
 * Only the columns that meet the cut or a row where rho is nonzero can
 * have a nonzero entry; each entry starts from the cut's coefficient and
 * adds its column's terms in GLPK's order, as glp_transform_row does. */
static int transform(pm_cutpool *C, pm_tableau *Tb, glp_prob *P, int k)
{
    int m = Tb->m, len = 0;
    double *rho = Tb->rho; /* (the tableau's row under way, m + 1 long) */
    for (int e = C->beg[k]; e < C->beg[k + 1]; e++) {
        C->a[C->ind[e]] = C->val[e];
        pm_tableau_touch(Tb, C->ind[e]);
    }
    for (int i = 1; i <= m; i++) {
        int h = glp_get_bhead(P, i);
        rho[i] = h <= m ? 0.0 : C->a[h - m];
    }
    glp_btran(P, rho);
    for (int i = 1; i <= m; i++)
        if (rho[i] != 0 && Tb->rstat[i] != GLP_BS) {
            len++;
            C->tind[len] = i;
            C->tval[len] = -rho[i];
        }
    pm_tableau_touch_support(Tb);
    for (int t = 0; t < Tb->ntouched; t++) {
        int j = Tb->touched[t];
        if (Tb->cstat[j] == GLP_BS)
            continue;
        double alfa = pm_tableau_dot(Tb, j, C->a[j]);
        if (alfa != 0.0) {
            len++;
            C->tind[len] = m + j;
            C->tval[len] = alfa;
        }
    }
    pm_tableau_clear(Tb);
    for (int e = C->beg[k]; e < C->beg[k + 1]; e++)
        C->a[C->ind[e]] = 0.0;
    return len;
}

/* The values and reduced costs the ranking reads, once a request
 * (through GLPK's getters at every entry of every cut they were 5% of a
 * 600-child proof, perf).  0 out of memory. */
static int read_solution(pm_cutpool *C, pm_tableau *Tb, glp_prob *P)
{
    int m = Tb->m;
    for (int i = 1; i <= m; i++)
        C->x[i] = glp_get_row_prim(P, i);
    for (int j = 1; j <= C->n; j++)
        C->x[m + j] = glp_get_col_prim(P, j);
    return pm_tableau_read_duals(Tb, P);
}

/* Cut k's efficacy and degradation, as ios_process_cuts finds them from
 * one dual simplex step (glp_analyze_row) on the transformed cut. */
static void rank_cut(pm_cutpool *C, pm_tableau *Tb, glp_prob *P, int k,
                     pm_cutpool_rank *r)
{
    int len = transform(C, Tb, P, k);
    double y = 0.0;
    for (int t = 1; t <= len; t++)
        y += C->tval[t] * C->x[C->tind[t]];
    double rhs = C->rhs[k];
    r->k = k;
    r->flag = 0;
    r->eff = r->deg = 0.0;
    if (C->type[k] == GLP_LO ? y >= rhs : y <= rhs)
        return; /* not violated here */
    double dy = rhs - y;
    int piv = pm_tableau_rtest(Tb, len, C->tind, C->tval,
                               C->type[k] == GLP_LO ? +1 : -1, RTEST_EPS);
    if (piv == 0) { /* no dual feasible adjacent basis */
        r->eff = 1.0;
        r->deg = DBL_MAX;
        return;
    }
    double dx = dy / C->tval[piv];
    double dz = Tb->dual[C->tind[piv]] * dx;
    double norm2 = C->norm2[k];
    if (norm2 < DBL_EPSILON * DBL_EPSILON)
        norm2 = DBL_EPSILON;
    r->eff = fabs(dy) / sqrt(norm2);
    if (glp_get_obj_dir(P) == GLP_MIN)
        r->deg = dz < 0.0 ? 0.0 : dz;
    else
        r->deg = dz > 0.0 ? 0.0 : -dz;
    if (r->deg < DEG_MIN)
        r->deg = 0.0;
}

/* glpios11.c's order: by degradation, or by efficacy where both have
 * none; ties in pool order (glibc's qsort is a stable merge sort). */
static int by_rank(const void *a, const void *b)
{
    const pm_cutpool_rank *x = a, *y = b;
    if (x->deg == 0.0 && y->deg == 0.0) {
        if (x->eff != y->eff)
            return x->eff > y->eff ? -1 : 1;
    } else if (x->deg != y->deg) {
        return x->deg > y->deg ? -1 : 1;
    }
    return (x->k > y->k) - (x->k < y->k);
}

/* The cosine between cut a (scattered into work) and cut b, summed as
 * glpios11.c's parallel() sums it. */
static double cosine(const pm_cutpool *C, int a, int b)
{
    double s = 0.0;
    for (int e = C->beg[b]; e < C->beg[b + 1]; e++)
        s += C->work[C->ind[e]] * C->val[e];
    double temp = sqrt(C->norm2[a]) * sqrt(C->norm2[b]);
    if (temp < DBL_EPSILON * DBL_EPSILON)
        temp = DBL_EPSILON;
    return s / temp;
}

/* Whether cut r[t] nearly repeats a cut already taken (r[0..t-1]). */
static int repeats(pm_cutpool *C, const pm_cutpool_rank *r, int t)
{
    int a = r[t].k, rep = 0;
    for (int e = C->beg[a]; e < C->beg[a + 1]; e++)
        C->work[C->ind[e]] = C->val[e];
    for (int s = 0; s < t && !rep; s++)
        rep = r[s].flag && cosine(C, a, r[s].k) > PARALLEL_MAX;
    for (int e = C->beg[a]; e < C->beg[a + 1]; e++)
        C->work[C->ind[e]] = 0.0;
    return rep;
}

static void add_row(const pm_cutpool *C, glp_prob *P, int k)
{
    int i = glp_add_rows(P, 1), b = C->beg[k];
    /* (glp_set_mat_row reads from index 1) */
    glp_set_mat_row(P, i, C->beg[k + 1] - b, C->ind + b - 1, C->val + b - 1);
    glp_set_row_bnds(P, i, C->type[k], C->rhs[k], C->rhs[k]);
}

int pm_cutpool_choose(pm_cutpool *C, pm_tableau *Tb, glp_tree *T)
{
    glp_prob *P = glp_ios_get_prob(T);
    int count = C->count, added = 0;
    C->count = 0;
    if (count == 0)
        return 0;
    if (!fit_rows(C, Tb->m) || !read_solution(C, Tb, P))
        return -1;
    pm_cutpool_rank *r = C->rank;
    for (int k = 0; k < count; k++)
        rank_cut(C, Tb, P, k, &r[k]);
    qsort(r, (size_t)count, sizeof *r, by_rank);
    int level = glp_ios_node_level(T, glp_ios_curr_node(T));
    int most = level == 0 ? CANDIDATES_ROOT : CANDIDATES_NODE;
    if (most > count)
        most = count;
    for (int t = 0; t < most; t++) {
        if (r[t].deg < DEG_MIN && r[t].eff < EFF_MIN)
            continue;
        if (repeats(C, r, t))
            continue;
        r[t].flag = 1;
        add_row(C, P, r[t].k);
        added++;
        C->added++;
    }
    return added;
}
