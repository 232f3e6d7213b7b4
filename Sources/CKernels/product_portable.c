#include "product_variants.h"
#include "half.h"

/// Σ over one block of a Q4_0/Q4_1 row: the unsigned nibbles times the activations.
static int nibble_dot(const uint8_t *qs, const int8_t *x) {
    int sum = 0;
    for (int j = 0; j < 16; j++) {
        sum += (qs[j] & 0x0F) * x[j] + (qs[j] >> 4) * x[j + 16];
    }
    return sum;
}

void lw_product_rows_portable(const lw_product *p, int64_t row_begin, int64_t row_end, int64_t vectors) {
    for (int64_t r = row_begin; r < row_end; r++) {
        const uint8_t *row = p->weights + r * p->row_bytes;
        for (int64_t v = 0; v < vectors; v++) {
            const lw_q8_block *x = p->input + v * p->input_stride;
            float *out = p->output + v * p->output_stride + r;
            switch (p->type) {
            case LW_TYPE_Q5_0: case LW_TYPE_Q5_1:
                *out = lw_row_dot_q5_portable(row, p->type == LW_TYPE_Q5_1, p->blocks, x);
                continue;
            case LW_TYPE_Q4_K: case LW_TYPE_Q5_K:
                *out = lw_row_dot_k45_portable(row, p->type == LW_TYPE_Q5_K, p->blocks, x);
                continue;
            case LW_TYPE_Q6_K:
                *out = lw_row_dot_q6k_portable(row, p->blocks, x);
                continue;
            }
            float sum = 0;
            for (int64_t b = 0; b < p->blocks; b++) {
                switch (p->type) {
                case LW_TYPE_Q4_0: {
                    const uint8_t *block = row + 18 * b;
                    const float d = lw_half_to_float(block);
                    sum += d * x[b].d * (float)nibble_dot(block + 2, x[b].q) - 8 * d * x[b].s;
                    break;
                }
                case LW_TYPE_Q4_1: {
                    const uint8_t *block = row + 20 * b;
                    sum += lw_half_to_float(block) * x[b].d * (float)nibble_dot(block + 4, x[b].q)
                         + lw_half_to_float(block + 2) * x[b].s;
                    break;
                }
                case LW_TYPE_Q8_0: {
                    const uint8_t *block = row + 34 * b;
                    const int8_t *q = (const int8_t *)(block + 2);
                    int dot = 0;
                    for (int j = 0; j < 32; j++) dot += q[j] * x[b].q[j];
                    sum += lw_half_to_float(block) * x[b].d * (float)dot;
                    break;
                }
                }
            }
            p->output[v * p->output_stride + r] = sum;
        }
    }
}
