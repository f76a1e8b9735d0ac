#include "tableau.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"

void pm_tableau_free(pm_tableau *Tb)
{
    void **blocks[] = {
        (void **)&Tb->cbeg,  (void **)&Tb->cidx,  (void **)&Tb->cval,
        (void **)&Tb->rbeg,  (void **)&Tb->ridx,  (void **)&Tb->rval,
        (void **)&Tb->ckind, (void **)&Tb->cstat, (void **)&Tb->ctype,
        (void **)&Tb->rstat, (void **)&Tb->rho,   (void **)&Tb->touched,
        (void **)&Tb->mark,  (void **)&Tb->dual};
    for (size_t i = 0; i < sizeof blocks / sizeof *blocks; i++)
        free(*blocks[i]);
    pm_cutrows_free(&Tb->cut);
    memset(Tb, 0, sizeof *Tb);
}

/* The own rows by row (ascending columns), from the copy by column. */
static int transpose(pm_tableau *Tb)
{
    int m = Tb->m0, nz = Tb->cbeg[Tb->n + 1] - 1;
    int *fill = calloc((size_t)m + 2, sizeof *fill);
    if (!fill)
        return 0;
    for (int k = 1; k <= nz; k++)
        fill[Tb->cidx[k]]++;
    int at = 1;
    for (int i = 1; i <= m + 1; i++) {
        Tb->rbeg[i] = at;
        at += fill[i];
        fill[i] = 0;
    }
    for (int j = 1; j <= Tb->n; j++)
        for (int k = Tb->cbeg[j]; k < Tb->cbeg[j + 1]; k++) {
            int i = Tb->cidx[k], to = Tb->rbeg[i] + fill[i]++;
            Tb->ridx[to] = j;
            Tb->rval[to] = Tb->cval[k];
        }
    free(fill);
    return 1;
}

/* P's rows now, as its own: by column, as glp_get_mat_col lists them,
 * and by row; and its columns' kinds (they do not change in a search). */
static int read_own(pm_tableau *Tb, glp_prob *P)
{
    int n = Tb->n, m = Tb->m0 = glp_get_num_rows(P);
    long nz = 0;
    for (int j = 1; j <= n; j++)
        nz += glp_get_mat_col(P, j, NULL, NULL);
    size_t n1 = (size_t)n + 1, z1 = (size_t)nz + 1;
    if (!pm_regrow((void **)&Tb->cbeg, n1 + 1, sizeof *Tb->cbeg) ||
        !pm_regrow((void **)&Tb->cidx, z1, sizeof *Tb->cidx) ||
        !pm_regrow((void **)&Tb->cval, z1, sizeof *Tb->cval) ||
        !pm_regrow((void **)&Tb->rbeg, (size_t)m + 2, sizeof *Tb->rbeg) ||
        !pm_regrow((void **)&Tb->ridx, z1, sizeof *Tb->ridx) ||
        !pm_regrow((void **)&Tb->rval, z1, sizeof *Tb->rval) ||
        !pm_regrow((void **)&Tb->ckind, n1, sizeof *Tb->ckind))
        return 0;
    Tb->cbeg[1] = 1;
    for (int j = 1; j <= n; j++) /* (glp_get_mat_col writes from 1) */
        Tb->cbeg[j + 1] = Tb->cbeg[j] +
                          glp_get_mat_col(P, j, Tb->cidx + Tb->cbeg[j] - 1,
                                          Tb->cval + Tb->cbeg[j] - 1);
    for (int j = 1; j <= n; j++) {
        int kind = glp_get_col_kind(P, j);
        Tb->ckind[j] = kind == GLP_BV ? GLP_IV : kind;
    }
    Tb->nz0 = nz;
    return transpose(Tb);
}

int pm_tableau_init(pm_tableau *Tb, glp_prob *P)
{
    memset(Tb, 0, sizeof *Tb);
    int n = Tb->n = glp_get_num_cols(P);
    size_t n1 = (size_t)n + 1;
    Tb->mark = calloc(n1, 1);
    Tb->touched = malloc(n1 * sizeof *Tb->touched);
    Tb->cstat = malloc(n1 * sizeof *Tb->cstat);
    Tb->ctype = malloc(n1 * sizeof *Tb->ctype);
    if (Tb->mark && Tb->touched && Tb->cstat && Tb->ctype &&
        read_own(Tb, P) && pm_cutrows_init(&Tb->cut, n, Tb->m0))
        return 1;
    pm_tableau_free(Tb);
    return 0;
}

/* Room for m rows in the per-row arrays. */
static int fit_rows(pm_tableau *Tb, int m)
{
    if (m <= Tb->mcap)
        return 1;
    size_t m1 = (size_t)m + 1;
    if (!pm_regrow((void **)&Tb->rho, m1, sizeof *Tb->rho) ||
        !pm_regrow((void **)&Tb->rstat, m1, sizeof *Tb->rstat))
        return 0;
    Tb->mcap = m;
    return 1;
}

int pm_tableau_read(pm_tableau *Tb, glp_prob *P)
{
    int m = glp_get_num_rows(P);
    /* (the entries' count says whether the own rows are still those) */
    if (glp_get_num_cols(P) != Tb->n || m < Tb->m0 || !fit_rows(Tb, m) ||
        !pm_cutrows_read(&Tb->cut, P, m) ||
        Tb->nz0 + Tb->cut.nz != glp_get_num_nz(P))
        return 0;
    Tb->m = m;
    for (int i = 1; i <= m; i++)
        Tb->rstat[i] = glp_get_row_stat(P, i);
    for (int j = 1; j <= Tb->n; j++) {
        Tb->cstat[j] = glp_get_col_stat(P, j);
        Tb->ctype[j] = glp_get_col_type(P, j);
    }
    return 1;
}

int pm_tableau_read_duals(pm_tableau *Tb, glp_prob *P)
{
    int m = Tb->m, n = Tb->n;
    if (m + n > Tb->dcap) {
        if (!pm_regrow((void **)&Tb->dual, (size_t)m + n + 1, sizeof *Tb->dual))
            return 0;
        Tb->dcap = m + n;
    }
    for (int i = 1; i <= m; i++)
        Tb->dual[i] = glp_get_row_dual(P, i);
    for (int j = 1; j <= n; j++)
        Tb->dual[m + j] = glp_get_col_dual(P, j);
    Tb->obj = glp_get_obj_dir(P) == GLP_MIN ? +1.0 : -1.0;
    return 1;
}

int pm_tableau_rtest(const pm_tableau *Tb, int len, const int *ind,
                     const double *val, int dir, double eps)
{
    int piv = 0, m = Tb->m;
    double teta = DBL_MAX, big = 0.0;
    for (int t = 1; t <= len; t++) {
        int k = ind[t], stat = k <= m ? Tb->rstat[k] : Tb->cstat[k - m];
        double cost = Tb->obj * Tb->dual[k], temp;
        double alfa = dir > 0 ? +val[t] : -val[t];
        if (stat == GLP_NL) {
            if (alfa < +eps)
                continue;
            temp = cost / alfa;
        } else if (stat == GLP_NU) {
            if (alfa > -eps)
                continue;
            temp = cost / alfa;
        } else if (stat == GLP_NF) {
            if (-eps < alfa && alfa < +eps)
                continue;
            temp = 0.0;
        } else {
            continue; /* GLP_NS (the entries are nonbasic) */
        }
        if (temp < 0.0) /* (a reduced cost a little the wrong side of 0) */
            temp = 0.0;
        if (teta > temp || (teta == temp && big < fabs(alfa))) {
            piv = t;
            teta = temp;
            big = fabs(alfa);
        }
    }
    return piv;
}

int pm_tableau_row_of(const pm_tableau *Tb, int i, const int **idx,
                      const double **val)
{
    if (i <= Tb->m0) {
        *idx = Tb->ridx + Tb->rbeg[i];
        *val = Tb->rval + Tb->rbeg[i];
        return Tb->rbeg[i + 1] - Tb->rbeg[i];
    }
    return pm_cutrows_row(&Tb->cut, i, idx, val);
}

void pm_tableau_touch(pm_tableau *Tb, int j)
{
    if (!Tb->mark[j]) {
        Tb->mark[j] = 1;
        Tb->touched[Tb->ntouched++] = j;
    }
}

static int by_index(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* Ascending: by a scan of the marks where they are many (a sort of
 * 20,000 indices per row cost more than the row). */
void pm_tableau_sort(pm_tableau *Tb)
{
    if ((long)Tb->ntouched * 16 < Tb->n) {
        qsort(Tb->touched, (size_t)Tb->ntouched, sizeof *Tb->touched,
              by_index);
        return;
    }
    int k = 0;
    for (int j = 1; j <= Tb->n; j++)
        if (Tb->mark[j])
            Tb->touched[k++] = j;
}

void pm_tableau_clear(pm_tableau *Tb)
{
    for (int t = 0; t < Tb->ntouched; t++)
        Tb->mark[Tb->touched[t]] = 0;
    Tb->ntouched = 0;
}

void pm_tableau_touch_support(pm_tableau *Tb)
{
    for (int i = 1; i <= Tb->m; i++) {
        if (Tb->rho[i] == 0)
            continue;
        const int *idx;
        const double *val;
        int len = pm_tableau_row_of(Tb, i, &idx, &val);
        for (int t = 0; t < len; t++)
            pm_tableau_touch(Tb, idx[t]);
    }
    pm_tableau_sort(Tb);
}

/* Starts the row of basic column j: rho, and the columns it may touch. */
static void start_row(pm_tableau *Tb, glp_prob *P, int j)
{
    memset(Tb->rho, 0, ((size_t)Tb->m + 1) * sizeof *Tb->rho);
    Tb->rho[glp_get_col_bind(P, j)] = 1;
    glp_btran(P, Tb->rho);
    pm_tableau_touch_support(Tb);
}

double pm_tableau_dot(const pm_tableau *Tb, int j, double start)
{
    double alfa = start;
    const pm_cutrows *X = &Tb->cut;
    for (int k = X->cbeg[j]; k < X->cbeg[j + 1]; k++)
        alfa += Tb->rho[X->crow[k]] * X->cval[k];
    for (int k = Tb->cbeg[j]; k < Tb->cbeg[j + 1]; k++)
        alfa += Tb->rho[Tb->cidx[k]] * Tb->cval[k];
    return alfa;
}

int pm_tableau_eval(pm_tableau *Tb, glp_prob *P, int j, int *ind,
                    double *val)
{
    start_row(Tb, P, j);
    int len = 0, m = Tb->m;
    for (int i = 1; i <= m; i++)
        if (Tb->rstat[i] != GLP_BS && Tb->rho[i] != 0) {
            len++;
            ind[len] = i;
            val[len] = -Tb->rho[i];
        }
    for (int t = 0; t < Tb->ntouched; t++) {
        int k = Tb->touched[t];
        if (Tb->cstat[k] == GLP_BS)
            continue;
        double alfa = pm_tableau_dot(Tb, k, 0.0);
        if (alfa != 0) {
            len++;
            ind[len] = m + k;
            val[len] = alfa;
        }
    }
    pm_tableau_clear(Tb);
    return len;
}
