/* fuzz_json.c - libFuzzer target: the json reader (see fuzz_reader.h). */
#define FUZZ_FORMAT "json"
#include "fuzz_reader.h"
