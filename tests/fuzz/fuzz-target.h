/* fuzz-target.h: the libFuzzer entry point every fuzz target defines.  The
 * same entry point is run over the saved corpus by fuzz-corpus-runner.c, so
 * the corpus is part of the normal test suite. */
#pragma once

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);
