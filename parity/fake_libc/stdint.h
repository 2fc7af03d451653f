/* Fake <stdint.h> for pycparser (parity/extract_c.py): the names matter, not
 * the widths; the extractor reads the typedef name (int32_t) from the AST. */
typedef int int32_t;
typedef long int64_t;
typedef unsigned int uint32_t;
typedef unsigned long uint64_t;
typedef unsigned char uint8_t;
