/* Rows of the simplex tableau of a GLPK programme, as glp_eval_tab_row
 * computes them (the same entries, summed in the same order, so equal to
 * the last bit), at a fraction of its cost.
 *
 * glp_eval_tab_row reads every column through glp_get_mat_col for each
 * row it computes.  GLPK's Gomory cuts compute up to fifty such rows a
 * cut round and its Driebeck-Tomlin branching one per fractional column
 * at every branching: on a 600-child proof over 60,000 columns that
 * was 37% of the run (the cuts) and 36% (the branching, on a run of many
 * nodes).  Here the programme's matrix is read once per round, by column
 * and by row; a tableau row is one BTRAN (as GLPK does), then the entries
 * of only the columns that meet a row where the BTRAN's result is
 * nonzero, each summed over its column in GLPK's order.
 *
 * Plain memory (not GLPK's), so it may be freed after GLPK's longjmp. */
#ifndef PM_TABLEAU_H
#define PM_TABLEAU_H

#include <glpk.h>

typedef struct pm_tableau {
    int n, m;   /* the programme's columns; its rows at the last read     */
    /* its matrix by column, in GLPK's order, and by row (from index 1) */
    int *cbeg, *cidx, *rbeg, *rfill, *ridx, nzcap, mcap;
    double *cval, *rval;
    /* statuses, types and kinds (GLP_BV counts as GLP_IV) at the read  */
    int *cstat, *ctype, *ckind, *rstat;
    /* the row under way: rho = B^-T e_i, the columns it may touch      */
    double *rho;
    int *touched, ntouched;
    char *mark;
} pm_tableau;

/* For a programme of n columns; 0 out of memory. */
int pm_tableau_init(pm_tableau *Tb, int n);
void pm_tableau_free(pm_tableau *Tb);

/* Reads P's matrix (its cut rows too) and its statuses; P's basis must
 * stay as it is while its rows are computed.  0 out of memory. */
int pm_tableau_read(pm_tableau *Tb, glp_prob *P);

/* Row i's entries, from index 0. */
int pm_tableau_row_of(const pm_tableau *Tb, int i, const int **idx,
                      const double **val);

/* A set of columns (a cut's, in gomory.c), kept in Tb between rows: add
 * column j; order them ascending; empty the set. */
void pm_tableau_touch(pm_tableau *Tb, int j);
void pm_tableau_sort(pm_tableau *Tb);
void pm_tableau_clear(pm_tableau *Tb);

/* Adds to the set every column that meets a row where rho is nonzero,
 * then orders the set ascending. */
void pm_tableau_touch_support(pm_tableau *Tb);

/* start plus column j's terms against rho, summed over the column in
 * GLPK's order (a tableau entry from 0; glp_transform_row's from the
 * row's own coefficient). */
double pm_tableau_dot(const pm_tableau *Tb, int j, double start);

/* The row of basic column j (P factorized, pm_tableau_read since its
 * basis last changed) as glp_eval_tab_row(P, m + j, ind, val) gives it:
 * its nonzero entries at nonbasic variables k (rows 1..m, then columns
 * m + 1..m + n), k ascending, from index 1; the set of columns is left
 * empty. */
int pm_tableau_eval(pm_tableau *Tb, glp_prob *P, int j, int *ind,
                    double *val);

#endif
