/* Wall-clock seconds, the one clock the time limits are measured with
 * (pm_solve starts it, the search phases and the Lagrangian read it). */
#ifndef PM_CLOCK_H
#define PM_CLOCK_H

#include <time.h>

static inline double pm_clock_seconds(void)
{
    struct timespec ts;
    timespec_get(&ts, TIME_UTC);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

#endif
