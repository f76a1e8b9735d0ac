/* The cut rows of a GLPK programme during its search, read as GLPK
 * lists them: by row as glp_get_mat_row gives them, and by column in
 * GLPK's list order.  glp_set_mat_row puts a new row's entries at the
 * head of their columns' lists, so a column lists its cut rows first,
 * the last added first, then the programme's own rows (rows deleted
 * keep the others' order).  tableau.c and prepro.c read the programme's
 * own rows once a search and these at each call, so that their sums
 * over a column run in GLPK's order, to the last bit.
 *
 * Plain memory. */
#ifndef PM_CUTROWS_H
#define PM_CUTROWS_H

#include <glpk.h>

typedef struct pm_cutrows {
    int n, m0, rows; /* columns; own rows; cut rows m0+1..m0+rows       */
    /* by row: cut r (0-based) is ind/val[beg[r] .. beg[r + 1] - 1] */
    int *beg, *ind;
    double *val;
    /* by column: column j's cut rows (row numbers) and entries are
     * crow/cval[cbeg[j] .. cbeg[j + 1] - 1], the newest first */
    int *cbeg, *crow;
    double *cval;
    long nz;          /* entries in the cut rows                         */
    int cap, rcap;    /* room in ind, val, crow, cval; in beg            */
} pm_cutrows;

/* For a programme of n columns whose own rows are 1..m0; 0 out of
 * memory. */
int pm_cutrows_init(pm_cutrows *X, int n, int m0);

/* Reads P's rows m0+1..m (m >= m0).  0 out of memory. */
int pm_cutrows_read(pm_cutrows *X, glp_prob *P, int m);

/* Cut row i (m0 < i <= m0 + rows) as read: its entries, from index 0
 * (inline: the propagation and the tableau take rows up by the million). */
static inline int pm_cutrows_row(const pm_cutrows *X, int i, const int **ind,
                                 const double **val)
{
    int r = i - X->m0 - 1;
    *ind = X->ind + X->beg[r];
    *val = X->val + X->beg[r];
    return X->beg[r + 1] - X->beg[r];
}

void pm_cutrows_free(pm_cutrows *X);

#endif
