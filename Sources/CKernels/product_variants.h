#ifndef LWDATA_CKERNELS_PRODUCT_VARIANTS_H
#define LWDATA_CKERNELS_PRODUCT_VARIANTS_H
#include "CKernels.h"

/// The same product kernel for each instruction set; `lw_product_rows` picks one at run time.
void lw_product_rows_portable(const lw_product *p, int64_t row_begin, int64_t row_end, int64_t vectors);
#if defined(__x86_64__)
void lw_product_rows_avx2(const lw_product *p, int64_t row_begin, int64_t row_end, int64_t vectors);
void lw_product_rows_avx512vnni(const lw_product *p, int64_t row_begin, int64_t row_end, int64_t vectors);
void lw_product_rows_avx512_pairs(const lw_product *p, int64_t row_begin, int64_t row_end, int64_t vectors);
#endif
#endif
