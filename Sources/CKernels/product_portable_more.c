#include "product_variants.h"
#include "half.h"

/// The 5-bit values of a Q5_0/Q5_1 block (fifth bits at `high`, nibbles after them) dotted with `x`.
static int five_bit_dot(const uint8_t *high, const int8_t *x) {
    const uint32_t bits = (uint32_t)high[0] | (uint32_t)high[1] << 8 | (uint32_t)high[2] << 16 | (uint32_t)high[3] << 24;
    const uint8_t *qs = high + 4;
    int sum = 0;
    for (int j = 0; j < 16; j++) {
        sum += ((qs[j] & 0x0F) | ((bits >> j) & 1) << 4) * x[j] + ((qs[j] >> 4) | ((bits >> (j + 16)) & 1) << 4) * x[j + 16];
    }
    return sum;
}

float lw_row_dot_q5_portable(const uint8_t *row, int has_minimum, int64_t blocks, const lw_q8_block *x) {
    float sum = 0;
    for (int64_t b = 0; b < blocks; b++) {
        const uint8_t *block = row + (has_minimum ? 24 : 22) * b;
        const float d = lw_half_to_float(block);
        const float m = has_minimum ? lw_half_to_float(block + 2) : -16 * d;
        sum += d * x[b].d * (float)five_bit_dot(block + (has_minimum ? 4 : 2), x[b].q) + m * x[b].s;
    }
    return sum;
}

float lw_row_dot_k45_portable(const uint8_t *row, int fifth, int64_t blocks, const lw_q8_block *x) {
    float sum = 0;
    for (int64_t sb = 0; sb < blocks / 8; sb++) {
        const uint8_t *block = row + (fifth ? 176 : 144) * sb;
        const float d = lw_half_to_float(block), dmin = lw_half_to_float(block + 2);
        const uint8_t *sc = block + 4, *high = block + 16, *qs = block + (fifth ? 48 : 16);
        for (int s = 0; s < 8; s++) {
            const int scale = s < 4 ? sc[s] & 63 : (sc[s + 4] & 0x0F) | ((sc[s - 4] >> 6) << 4);
            const int minimum = s < 4 ? sc[s + 4] & 63 : (sc[s + 4] >> 4) | ((sc[s] >> 6) << 4);
            const lw_q8_block *xb = x + 8 * sb + s;
            int dot = 0;
            for (int l = 0; l < 32; l++) {
                int q = s % 2 ? qs[32 * (s / 2) + l] >> 4 : qs[32 * (s / 2) + l] & 0x0F;
                if (fifth) q |= ((high[l] >> s) & 1) << 4;
                dot += q * xb->q[l];
            }
            sum += d * scale * xb->d * (float)dot - dmin * minimum * xb->s;
        }
    }
    return sum;
}

float lw_row_dot_q6k_portable(const uint8_t *row, int64_t blocks, const lw_q8_block *x) {
    float sum = 0;
    for (int64_t sb = 0; sb < blocks / 8; sb++) {
        const uint8_t *block = row + 210 * sb;
        const float d = lw_half_to_float(block + 208);
        for (int half = 0; half < 2; half++) {
            const uint8_t *ql = block + 64 * half, *qh = block + 128 + 32 * half;
            const int8_t *scales = (const int8_t *)(block + 192 + 8 * half);
            for (int k = 0; k < 4; k++) {
                const lw_q8_block *xb = x + 8 * sb + 4 * half + k;
                int dots[2] = {0, 0};
                for (int l = 0; l < 32; l++) {
                    const uint8_t low = ql[l + 32 * (k % 2)];
                    const int q = ((k < 2 ? low & 0x0F : low >> 4) | ((qh[l] >> (2 * k)) & 3) << 4) - 32;
                    dots[l / 16] += q * xb->q[l];
                }
                sum += d * xb->d * ((float)scales[2 * k] * (float)dots[0] + (float)scales[2 * k + 1] * (float)dots[1]);
            }
        }
    }
    return sum;
}
