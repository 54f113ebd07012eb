/* fuzz_md.c - libFuzzer target: the md reader (see fuzz_reader.h). */
#define FUZZ_FORMAT "md"
#include "fuzz_reader.h"
