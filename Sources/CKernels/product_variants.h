#ifndef LWDATA_CKERNELS_PRODUCT_VARIANTS_H
#define LWDATA_CKERNELS_PRODUCT_VARIANTS_H
#include "CKernels.h"

/// The instruction sets the kernels are built for (`lw_kernel_isa` names them).
typedef enum { LW_ISA_PORTABLE, LW_ISA_AVX2, LW_ISA_AVX512_VNNI } lw_isa;

/// The instruction set selected for this process (the best one the processor has, unless
/// `lw_set_kernel_isa` chose another); the attention kernels follow it too.
lw_isa lw_selected_isa(void);

/// Float to IEEE half, round to nearest even, portably.
uint16_t lw_half_from_float(float value);

/// Portable row · vector for Q5_0/Q5_1 (`has_minimum` for Q5_1), Q4_K/Q5_K (`fifth` for Q5_K)
/// and Q6_K over `blocks` 32-element activation blocks.
float lw_row_dot_q5_portable(const uint8_t *row, int has_minimum, int64_t blocks, const lw_q8_block *x);
float lw_row_dot_k45_portable(const uint8_t *row, int fifth, int64_t blocks, const lw_q8_block *x);
float lw_row_dot_q6k_portable(const uint8_t *row, int64_t blocks, const lw_q8_block *x);

/// The same product kernel for each instruction set; `lw_product_rows` picks one at run time.
void lw_product_rows_portable(const lw_product *p, int64_t row_begin, int64_t row_end, int64_t vectors);
#if defined(__x86_64__)
void lw_product_rows_avx2(const lw_product *p, int64_t row_begin, int64_t row_end, int64_t vectors);
void lw_product_rows_avx512vnni(const lw_product *p, int64_t row_begin, int64_t row_end, int64_t vectors);
void lw_product_rows_avx512_pairs(const lw_product *p, int64_t row_begin, int64_t row_end, int64_t vectors);
/// `lw_attend_f16_partial` with AVX-512, for head sizes 64 and 128.
void lw_attend_partial_avx512(const float *q, int64_t heads, int64_t q_stride, const uint16_t *keys,
                              const uint16_t *values, int64_t stride, int64_t positions, int64_t dimension,
                              float scale, float *scores, float *acc, int64_t acc_stride, float *maxima, float *totals);
/// `lw_attend_f16_partial` with AVX2, for head sizes that are multiples of 32.
void lw_attend_partial_avx2(const float *q, int64_t heads, int64_t q_stride, const uint16_t *keys,
                            const uint16_t *values, int64_t stride, int64_t positions, int64_t dimension,
                            float scale, float *scores, float *acc, int64_t acc_stride, float *maxima, float *totals);
/// `lw_f32_to_f16` with F16C.
void lw_f32_to_f16_avx2(const float *x, uint16_t *out, int64_t count);
#endif
#endif
