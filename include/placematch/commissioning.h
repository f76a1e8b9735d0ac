/* Commissioning mixes: public API (being written). */
#ifndef PLACEMATCH_COMMISSIONING_H
#define PLACEMATCH_COMMISSIONING_H

#include "placematch/placematch.h"

#endif
