/* fuzz_html.c - libFuzzer target: the html reader (see fuzz_reader.h). */
#define FUZZ_FORMAT "html"
#include "fuzz_reader.h"
