/* Rows of the simplex tableau of a GLPK programme, as glp_eval_tab_row
 * computes them (the same entries, summed in the same order, so equal to
 * the last bit), at a fraction of its cost.
 *
 * glp_eval_tab_row reads every column through glp_get_mat_col for each
 * row it computes.  GLPK's Gomory cuts compute up to fifty such rows a
 * cut round and its Driebeck-Tomlin branching one per fractional column
 * at every branching: on a 600-child proof over 60,000 columns that
 * was 37% of the run (the cuts) and 36% (the branching, on a run of many
 * nodes).  Here the programme's own rows are read once a search (they do
 * not change during it), by column in GLPK's order and by row, and the
 * cut rows at each read; a tableau row is one BTRAN (as GLPK does), then
 * the entries of only the columns that meet a row where the BTRAN's
 * result is nonzero, each summed over its column in GLPK's order: its
 * cut rows, the newest first, then its own rows (cutrows.h).  So the rows
 * after the programme's must be added with glp_set_mat_row, as GLPK
 * adds cuts, and only they may be deleted.
 *
 * Plain memory (not GLPK's), so it may be freed after GLPK's longjmp. */
#ifndef PM_TABLEAU_H
#define PM_TABLEAU_H

#include <glpk.h>

#include "cutrows.h"

typedef struct pm_tableau {
    int n, m;   /* the programme's columns; its rows at the last read     */
    /* its own rows 1..m0, read once: by column in GLPK's order, by row
     * (from index 1), their entries, and the columns' kinds (GLP_BV
     * counts as GLP_IV) */
    int m0, *cbeg, *cidx, *rbeg, *ridx, *ckind;
    double *cval, *rval;
    long nz0;
    pm_cutrows cut; /* the cut rows m0+1..m at the last read          */
    /* statuses and types at the last read */
    int *cstat, *ctype, *rstat, mcap;
    /* reduced costs at the last pm_tableau_read_duals (rows 1..m, then
     * columns m + 1..m + n) and the objective's sense (+1 minimise)  */
    double *dual, obj;
    int dcap;
    /* the row under way: rho = B^-T e_i, the columns it may touch      */
    double *rho;
    int *touched, ntouched;
    char *mark;
} pm_tableau;

/* For programme P, before its search: reads its rows (those it has
 * now are its own).  0 out of memory. */
int pm_tableau_init(pm_tableau *Tb, glp_prob *P);
void pm_tableau_free(pm_tableau *Tb);

/* Reads P's cut rows and its statuses; P's basis must stay as it is
 * while its rows are computed.  0 out of memory, or when P's own rows
 * are not those of pm_tableau_init (their count or P's entries do not
 * add up). */
int pm_tableau_read(pm_tableau *Tb, glp_prob *P);

/* After pm_tableau_read, with P's basis as it was: its reduced costs.
 * 0 out of memory. */
int pm_tableau_read_duals(pm_tableau *Tb, glp_prob *P);

/* What glp_dual_rtest(P, len, ind, val, dir, eps) returns, with the same
 * arithmetic over the statuses and reduced costs read (glp_dual_rtest
 * reads both through GLPK's getters at every entry: 14% of a 600-child
 * proof of many nodes, perf). */
int pm_tableau_rtest(const pm_tableau *Tb, int len, const int *ind,
                     const double *val, int dir, double eps);

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
