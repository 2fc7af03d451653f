/* Fake <stddef.h> for pycparser (parity/extract_c.py). */
typedef unsigned long size_t;
#define NULL ((void *)0)
