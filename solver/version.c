#include "placematch/placematch.h"

const char *pm_version(void) { return PM_VERSION_STRING; }
