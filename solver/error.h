/* Appending problems to a caller's pm_error, one line each. */
#ifndef PM_ERROR_H
#define PM_ERROR_H

#include "placematch/placematch.h"

#if defined(__GNUC__)
#define PM_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define PM_PRINTF(a, b)
#endif

/* Adds one line "file: path: message" (file or path may be NULL to leave
 * them out) and sets err->status to status if it was PM_OK.  Returns
 * status, so callers can write `return pm_err_add(...)`.  err may be NULL. */
pm_status pm_err_add(pm_error *err, pm_status status, const char *file,
                     const char *path, const char *fmt, ...) PM_PRINTF(5, 6);

#endif
