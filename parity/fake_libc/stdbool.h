/* Fake <stdbool.h> for pycparser (parity/extract_c.py). */
typedef _Bool bool;
#define true 1
#define false 0
