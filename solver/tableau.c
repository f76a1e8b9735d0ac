#include "tableau.h"

#include <stdlib.h>
#include <string.h>

static void *grow(void *p, size_t count, size_t size)
{
    return realloc(p, (count ? count : 1) * size);
}

int pm_tableau_init(pm_tableau *Tb, int n)
{
    memset(Tb, 0, sizeof *Tb);
    Tb->n = n;
    size_t n1 = (size_t)n + 1;
    Tb->cbeg = malloc((n1 + 1) * sizeof *Tb->cbeg);
    Tb->mark = calloc(n1, 1);
    Tb->touched = malloc(n1 * sizeof *Tb->touched);
    Tb->cstat = malloc(n1 * sizeof *Tb->cstat);
    Tb->ctype = malloc(n1 * sizeof *Tb->ctype);
    Tb->ckind = malloc(n1 * sizeof *Tb->ckind);
    if (Tb->cbeg && Tb->mark && Tb->touched && Tb->cstat && Tb->ctype &&
        Tb->ckind)
        return 1;
    pm_tableau_free(Tb);
    return 0;
}

void pm_tableau_free(pm_tableau *Tb)
{
    free(Tb->cbeg), free(Tb->cidx), free(Tb->cval);
    free(Tb->rbeg), free(Tb->rfill), free(Tb->ridx), free(Tb->rval);
    free(Tb->cstat), free(Tb->ctype), free(Tb->ckind), free(Tb->rstat);
    free(Tb->rho), free(Tb->touched), free(Tb->mark);
    memset(Tb, 0, sizeof *Tb);
}

/* Room for nz entries in each copy of the matrix. */
static int fit_entries(pm_tableau *Tb, int nz)
{
    if (nz + 1 <= Tb->nzcap)
        return 1;
    int *ci = grow(Tb->cidx, (size_t)nz + 1, sizeof *ci);
    if (ci)
        Tb->cidx = ci;
    double *cv = grow(Tb->cval, (size_t)nz + 1, sizeof *cv);
    if (cv)
        Tb->cval = cv;
    int *ri = grow(Tb->ridx, (size_t)nz + 1, sizeof *ri);
    if (ri)
        Tb->ridx = ri;
    double *rv = grow(Tb->rval, (size_t)nz + 1, sizeof *rv);
    if (rv)
        Tb->rval = rv;
    if (!ci || !cv || !ri || !rv)
        return 0;
    Tb->nzcap = nz + 1;
    return 1;
}

/* Room for m rows in the per-row arrays (rfill kept zero). */
static int fit_rows(pm_tableau *Tb, int m)
{
    if (m <= Tb->mcap)
        return 1;
    size_t m1 = (size_t)m + 1;
    double *rho = grow(Tb->rho, m1, sizeof *rho);
    if (rho)
        Tb->rho = rho;
    int *rs = grow(Tb->rstat, m1, sizeof *rs);
    if (rs)
        Tb->rstat = rs;
    int *rb = grow(Tb->rbeg, m1 + 1, sizeof *rb);
    if (rb)
        Tb->rbeg = rb;
    int *rf = grow(Tb->rfill, m1, sizeof *rf);
    if (rf)
        Tb->rfill = rf;
    if (!rho || !rs || !rb || !rf)
        return 0;
    memset(Tb->rfill, 0, m1 * sizeof *Tb->rfill);
    Tb->mcap = m;
    return 1;
}

/* The matrix by row, from the copy by column. */
static void transpose(pm_tableau *Tb)
{
    int m = Tb->m, nz = Tb->cbeg[Tb->n + 1] - 1;
    for (int i = 1; i <= m + 1; i++)
        Tb->rbeg[i] = 0;
    for (int k = 1; k <= nz; k++)
        Tb->rbeg[Tb->cidx[k]]++;
    int at = 1;
    for (int i = 1; i <= m + 1; i++) {
        int len = Tb->rbeg[i];
        Tb->rbeg[i] = at;
        at += len;
    }
    for (int j = 1; j <= Tb->n; j++)
        for (int k = Tb->cbeg[j]; k < Tb->cbeg[j + 1]; k++) {
            int i = Tb->cidx[k], to = Tb->rbeg[i] + Tb->rfill[i]++;
            Tb->ridx[to] = j;
            Tb->rval[to] = Tb->cval[k];
        }
    for (int i = 1; i <= m; i++)
        Tb->rfill[i] = 0;
}

int pm_tableau_read(pm_tableau *Tb, glp_prob *P)
{
    int m = glp_get_num_rows(P), nz = 0;
    if (glp_get_num_cols(P) != Tb->n || !fit_rows(Tb, m))
        return 0;
    Tb->m = m;
    for (int j = 1; j <= Tb->n; j++)
        nz += glp_get_mat_col(P, j, NULL, NULL);
    if (!fit_entries(Tb, nz))
        return 0;
    Tb->cbeg[1] = 1;
    for (int j = 1; j <= Tb->n; j++) /* (glp_get_mat_col writes from 1) */
        Tb->cbeg[j + 1] = Tb->cbeg[j] +
                          glp_get_mat_col(P, j, Tb->cidx + Tb->cbeg[j] - 1,
                                          Tb->cval + Tb->cbeg[j] - 1);
    transpose(Tb);
    for (int i = 1; i <= m; i++)
        Tb->rstat[i] = glp_get_row_stat(P, i);
    for (int j = 1; j <= Tb->n; j++) {
        Tb->cstat[j] = glp_get_col_stat(P, j);
        Tb->ctype[j] = glp_get_col_type(P, j);
        int kind = glp_get_col_kind(P, j);
        Tb->ckind[j] = kind == GLP_BV ? GLP_IV : kind;
    }
    return 1;
}

int pm_tableau_row_of(const pm_tableau *Tb, int i, const int **idx,
                      const double **val)
{
    *idx = Tb->ridx + Tb->rbeg[i];
    *val = Tb->rval + Tb->rbeg[i];
    return Tb->rbeg[i + 1] - Tb->rbeg[i];
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
