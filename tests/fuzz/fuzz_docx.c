/* fuzz_docx.c - libFuzzer target: the docx reader (see fuzz_reader.h). */
#define FUZZ_FORMAT "docx"
#include "fuzz_reader.h"
