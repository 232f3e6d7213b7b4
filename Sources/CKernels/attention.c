#include "product_variants.h"
#include "half.h"
#include <math.h>

/// Float to half, round to nearest even, portably.
uint16_t lw_half_from_float(float value) {
    uint32_t bits;
    memcpy(&bits, &value, 4);
    const uint32_t sign = (bits >> 16) & 0x8000;
    const int32_t exponent = (int32_t)((bits >> 23) & 0xFF) - 127 + 15;
    uint32_t mantissa = bits & 0x7FFFFF;
    if (((bits >> 23) & 0xFF) == 0xFF) return (uint16_t)(sign | 0x7C00 | (mantissa ? 0x200 : 0));
    if (exponent >= 31) return (uint16_t)(sign | 0x7C00);
    if (exponent <= 0) {
        if (exponent < -10) return (uint16_t)sign;
        mantissa |= 0x800000;
        const int shift = 14 - exponent;
        uint32_t half = mantissa >> shift;
        const uint32_t rest = mantissa & ((1u << shift) - 1), midpoint = 1u << (shift - 1);
        if (rest > midpoint || (rest == midpoint && (half & 1))) half++;
        return (uint16_t)(sign | half);
    }
    uint32_t half = ((uint32_t)exponent << 10) | (mantissa >> 13);
    const uint32_t rest = mantissa & 0x1FFF;
    if (rest > 0x1000 || (rest == 0x1000 && (half & 1))) half++;
    return (uint16_t)(sign | half);
}

static float half_to_float(uint16_t h) {
    uint8_t bytes[2] = {(uint8_t)(h & 0xFF), (uint8_t)(h >> 8)};
    return lw_half_to_float(bytes);
}

/// The partial attention of one query head, in plain C.
static void partial_portable(const float *q, const uint16_t *keys, const uint16_t *values, int64_t stride,
                             int64_t positions, int64_t dimension, float scale, float *scores, float *acc,
                             float *maximum, float *total) {
    float top = -INFINITY;
    for (int64_t p = 0; p < positions; p++) {
        const uint16_t *k = keys + p * stride;
        float dot = 0;
        for (int64_t i = 0; i < dimension; i++) dot += q[i] * half_to_float(k[i]);
        scores[p] = dot * scale;
        if (scores[p] > top) top = scores[p];
    }
    float sum = 0;
    for (int64_t p = 0; p < positions; p++) {
        scores[p] = expf(scores[p] - top);
        sum += scores[p];
    }
    for (int64_t i = 0; i < dimension; i++) acc[i] = 0;
    for (int64_t p = 0; p < positions; p++) {
        const uint16_t *v = values + p * stride;
        for (int64_t i = 0; i < dimension; i++) acc[i] += scores[p] * half_to_float(v[i]);
    }
    *maximum = top;
    *total = sum;
}

void lw_f32_to_f16(const float *x, uint16_t *out, int64_t count) {
#if defined(__x86_64__)
    if (lw_selected_isa() != LW_ISA_PORTABLE) { lw_f32_to_f16_avx2(x, out, count); return; }
#endif
    for (int64_t i = 0; i < count; i++) out[i] = lw_half_from_float(x[i]);
}

void lw_attend_f16_partial(const float *q, int64_t heads, int64_t q_stride, const uint16_t *keys, const uint16_t *values,
                           int64_t stride, int64_t positions, int64_t dimension, float scale, float *scores,
                           float *acc, int64_t acc_stride, float *maxima, float *totals) {
#if defined(__x86_64__)
    const lw_isa isa = lw_selected_isa();
    // The AVX-512 kernel is written for head sizes 64 and 128 (the common ones), the AVX2 one
    // for multiples of 32.
    if (isa == LW_ISA_AVX512_VNNI && (dimension == 64 || dimension == 128)) {
        lw_attend_partial_avx512(q, heads, q_stride, keys, values, stride, positions, dimension, scale, scores, acc,
                                 acc_stride, maxima, totals);
        return;
    }
    if (isa != LW_ISA_PORTABLE && dimension % 32 == 0) {
        lw_attend_partial_avx2(q, heads, q_stride, keys, values, stride, positions, dimension, scale, scores, acc,
                               acc_stride, maxima, totals);
        return;
    }
#endif
    for (int64_t h = 0; h < heads; h++) {
        partial_portable(q + h * q_stride, keys, values, stride, positions, dimension, scale, scores,
                         acc + h * acc_stride, maxima + h, totals + h);
    }
}

void lw_attend_merge(int64_t parts, int64_t heads, int64_t dimension, const float *acc, const float *maxima,
                     const float *totals, float *out, int64_t out_stride) {
    for (int64_t h = 0; h < heads; h++) {
        float top = -INFINITY;
        for (int64_t j = 0; j < parts; j++) top = maxima[j * heads + h] > top ? maxima[j * heads + h] : top;
        float *o = out + h * out_stride;
        float sum = 0;
        for (int64_t i = 0; i < dimension; i++) o[i] = 0;
        for (int64_t j = 0; j < parts; j++) {
            const float weight = expf(maxima[j * heads + h] - top);
            const float *a = acc + (j * heads + h) * dimension;
            sum += weight * totals[j * heads + h];
            for (int64_t i = 0; i < dimension; i++) o[i] += weight * a[i];
        }
        const float inverse = 1.0f / sum;
        for (int64_t i = 0; i < dimension; i++) o[i] *= inverse;
    }
}

void lw_attend_f16_heads(const float *q, int64_t heads, int64_t q_stride, const uint16_t *keys, const uint16_t *values,
                         int64_t stride, int64_t positions, int64_t dimension, float scale, float *scores,
                         float *out, int64_t out_stride) {
    // One slice over every position: the sums land in `out`, then each head is normalised.
    for (int64_t h0 = 0; h0 < heads; h0 += 16) {
        const int64_t count = heads - h0 < 16 ? heads - h0 : 16;
        float maxima[16], totals[16];
        lw_attend_f16_partial(q + h0 * q_stride, count, q_stride, keys, values, stride, positions, dimension, scale,
                              scores, out + h0 * out_stride, out_stride, maxima, totals);
        for (int64_t h = 0; h < count; h++) {
            float *o = out + (h0 + h) * out_stride;
            const float inverse = 1.0f / totals[h];
            for (int64_t i = 0; i < dimension; i++) o[i] *= inverse;
        }
    }
}

void lw_attend_f16(const float *q, const uint16_t *keys, const uint16_t *values, int64_t stride,
                   int64_t positions, int64_t dimension, float scale, float *scores, float *out) {
    lw_attend_f16_heads(q, 1, dimension, keys, values, stride, positions, dimension, scale, scores, out, dimension);
}
