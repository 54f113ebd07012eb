/* fuzz_txt.c - libFuzzer target: the txt reader (see fuzz_reader.h). */
#define FUZZ_FORMAT "txt"
#include "fuzz_reader.h"
