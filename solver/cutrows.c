#include "cutrows.h"

#include <stdlib.h>
#include <string.h>

#include "grow.h"

int pm_cutrows_init(pm_cutrows *X, int n, int m0)
{
    memset(X, 0, sizeof *X);
    X->n = n;
    X->m0 = m0;
    X->cbeg = malloc(((size_t)n + 2) * sizeof *X->cbeg);
    return X->cbeg != NULL;
}

void pm_cutrows_free(pm_cutrows *X)
{
    free(X->beg), free(X->ind), free(X->val);
    free(X->cbeg), free(X->crow), free(X->cval);
    memset(X, 0, sizeof *X);
}

static int fit(pm_cutrows *X, int nz, int rows)
{
    if (nz + 1 > X->cap) {
        size_t z1 = (size_t)nz + 1;
        if (!pm_regrow((void **)&X->ind, z1, sizeof *X->ind) ||
            !pm_regrow((void **)&X->val, z1, sizeof *X->val) ||
            !pm_regrow((void **)&X->crow, z1, sizeof *X->crow) ||
            !pm_regrow((void **)&X->cval, z1, sizeof *X->cval))
            return 0;
        X->cap = nz + 1;
    }
    if (rows + 2 > X->rcap) {
        if (!pm_regrow((void **)&X->beg, (size_t)rows + 2, sizeof *X->beg))
            return 0;
        X->rcap = rows + 2;
    }
    return 1;
}

/* By column from the rows, each column's newest row first. */
static void by_column(pm_cutrows *X)
{
    int n = X->n, end = X->beg[X->rows];
    memset(X->cbeg, 0, ((size_t)n + 2) * sizeof *X->cbeg);
    for (int k = 1; k < end; k++)
        X->cbeg[X->ind[k] + 1]++;
    X->cbeg[1] = 1;
    for (int j = 1; j <= n; j++)
        X->cbeg[j + 1] += X->cbeg[j];
    /* (cbeg[j] counts up as the rows go in, ending at the next start) */
    for (int r = X->rows - 1; r >= 0; r--)
        for (int k = X->beg[r]; k < X->beg[r + 1]; k++) {
            int to = X->cbeg[X->ind[k]]++;
            X->crow[to] = X->m0 + 1 + r;
            X->cval[to] = X->val[k];
        }
    for (int j = n; j >= 2; j--)
        X->cbeg[j] = X->cbeg[j - 1];
    X->cbeg[1] = 1;
}

int pm_cutrows_read(pm_cutrows *X, glp_prob *P, int m)
{
    int rows = m - X->m0, nz = 0;
    for (int i = X->m0 + 1; i <= m; i++)
        nz += glp_get_mat_row(P, i, NULL, NULL);
    if (!fit(X, nz, rows))
        return 0;
    X->rows = rows;
    X->nz = nz;
    int at = 1; /* (glp_get_mat_row writes from index 1) */
    for (int r = 0; r < rows; r++) {
        X->beg[r] = at;
        at += glp_get_mat_row(P, X->m0 + 1 + r, X->ind + at - 1,
                              X->val + at - 1);
    }
    X->beg[rows] = at;
    by_column(X);
    return 1;
}
