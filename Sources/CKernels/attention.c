#include "product_variants.h"
#include "half.h"
#include <math.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

/// Float to half, round to nearest even, portably.
static uint16_t half_from_float(float value) {
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

static void attend_portable(const float *q, const uint16_t *keys, const uint16_t *values, int64_t stride,
                            int64_t positions, int64_t dimension, float scale, float *scores, float *out) {
    float maximum = -INFINITY;
    for (int64_t p = 0; p < positions; p++) {
        const uint16_t *k = keys + p * stride;
        float dot = 0;
        for (int64_t i = 0; i < dimension; i++) dot += q[i] * half_to_float(k[i]);
        scores[p] = dot * scale;
        if (scores[p] > maximum) maximum = scores[p];
    }
    float total = 0;
    for (int64_t p = 0; p < positions; p++) {
        scores[p] = expf(scores[p] - maximum);
        total += scores[p];
    }
    for (int64_t i = 0; i < dimension; i++) out[i] = 0;
    for (int64_t p = 0; p < positions; p++) {
        const uint16_t *v = values + p * stride;
        const float weight = scores[p] / total;
        for (int64_t i = 0; i < dimension; i++) out[i] += weight * half_to_float(v[i]);
    }
}

#if defined(__x86_64__)
#define LW_AVX2 __attribute__((target("avx2,fma,f16c")))

/// e^x for x ≤ 0 (softmax arguments), 8 lanes: x = n·ln2 + r, e^r by a degree-6 polynomial
/// (relative error below 2e-7), 2^n through the exponent bits; below −87 it returns 0.
LW_AVX2 static inline __m256 exp_negative(__m256 x) {
    x = _mm256_max_ps(x, _mm256_set1_ps(-87.0f));
    const __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                                     _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
    __m256 p = _mm256_set1_ps(1.0f / 720);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 120));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 24));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f / 6));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(0.5f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0f));
    const __m256i exponent = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(p, _mm256_castsi256_ps(exponent));
}

LW_AVX2 static inline float sum8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

LW_AVX2 static inline float max8(__m256 v) {
    __m128 s = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_max_ps(s, _mm_movehl_ps(s, s));
    s = _mm_max_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/// `dimension` must be a multiple of 8 (head sizes are 64 or 128).
LW_AVX2 static void attend_avx2(const float *q, const uint16_t *keys, const uint16_t *values, int64_t stride,
                                int64_t positions, int64_t dimension, float scale, float *scores, float *out) {
    __m256 maximum = _mm256_set1_ps(-INFINITY);
    for (int64_t p = 0; p < positions; p++) {
        const uint16_t *k = keys + p * stride;
        __m256 dot = _mm256_setzero_ps();
        for (int64_t i = 0; i < dimension; i += 8) {
            dot = _mm256_fmadd_ps(_mm256_loadu_ps(q + i), _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(k + i))), dot);
        }
        scores[p] = sum8(dot) * scale;
    }
    int64_t p = 0;
    for (; p + 8 <= positions; p += 8) maximum = _mm256_max_ps(maximum, _mm256_loadu_ps(scores + p));
    float top = max8(maximum);
    for (; p < positions; p++) top = scores[p] > top ? scores[p] : top;
    const __m256 shift = _mm256_set1_ps(top);
    __m256 totals = _mm256_setzero_ps();
    for (p = 0; p + 8 <= positions; p += 8) {
        const __m256 e = exp_negative(_mm256_sub_ps(_mm256_loadu_ps(scores + p), shift));
        _mm256_storeu_ps(scores + p, e);
        totals = _mm256_add_ps(totals, e);
    }
    float total = sum8(totals);
    for (; p < positions; p++) {
        scores[p] = expf(scores[p] - top);
        total += scores[p];
    }
    const __m256 inverse = _mm256_set1_ps(1.0f / total);
    int64_t i = 0;
    for (; i + 64 <= dimension; i += 64) {
        // Eight accumulators: each value row's 64 elements are read once, contiguously.
        __m256 acc[8];
        for (int k = 0; k < 8; k++) acc[k] = _mm256_setzero_ps();
        for (int64_t j = 0; j < positions; j++) {
            const uint16_t *v = values + j * stride + i;
            const __m256 weight = _mm256_set1_ps(scores[j]);
            for (int k = 0; k < 8; k++) {
                acc[k] = _mm256_fmadd_ps(weight, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(v + 8 * k))), acc[k]);
            }
        }
        for (int k = 0; k < 8; k++) _mm256_storeu_ps(out + i + 8 * k, _mm256_mul_ps(acc[k], inverse));
    }
    for (; i < dimension; i += 8) {
        __m256 acc = _mm256_setzero_ps();
        for (int64_t j = 0; j < positions; j++) {
            const __m256 v = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(values + j * stride + i)));
            acc = _mm256_fmadd_ps(_mm256_set1_ps(scores[j]), v, acc);
        }
        _mm256_storeu_ps(out + i, _mm256_mul_ps(acc, inverse));
    }
}

LW_AVX2 static void to_f16_avx2(const float *x, uint16_t *out, int64_t count) {
    int64_t i = 0;
    for (; i + 8 <= count; i += 8) {
        _mm_storeu_si128((__m128i *)(out + i), _mm256_cvtps_ph(_mm256_loadu_ps(x + i), _MM_FROUND_TO_NEAREST_INT));
    }
    for (; i < count; i++) out[i] = half_from_float(x[i]);
}

#endif

void lw_f32_to_f16(const float *x, uint16_t *out, int64_t count) {
#if defined(__x86_64__)
    if (lw_selected_isa() != LW_ISA_PORTABLE) { to_f16_avx2(x, out, count); return; }
#endif
    for (int64_t i = 0; i < count; i++) out[i] = half_from_float(x[i]);
}

void lw_attend_f16(const float *q, const uint16_t *keys, const uint16_t *values, int64_t stride,
                   int64_t positions, int64_t dimension, float scale, float *scores, float *out) {
#if defined(__x86_64__)
    if (dimension % 8 == 0 && lw_selected_isa() != LW_ISA_PORTABLE) {
        attend_avx2(q, keys, values, stride, positions, dimension, scale, scores, out);
        return;
    }
#endif
    attend_portable(q, keys, values, stride, positions, dimension, scale, scores, out);
}

void lw_attend_f16_heads(const float *q, int64_t heads, int64_t q_stride, const uint16_t *keys, const uint16_t *values,
                         int64_t stride, int64_t positions, int64_t dimension, float scale, float *scores,
                         float *out, int64_t out_stride) {
#if defined(__x86_64__)
    // The AVX-512 kernel is written for head sizes 64 and 128 (the common ones).
    if (lw_selected_isa() == LW_ISA_AVX512_VNNI && (dimension == 64 || dimension == 128)) {
        lw_attend_heads_avx512(q, heads, q_stride, keys, values, stride, positions, dimension, scale, scores, out, out_stride);
        return;
    }
#endif
    for (int64_t h = 0; h < heads; h++) {
        lw_attend_f16(q + h * q_stride, keys, values, stride, positions, dimension, scale, scores, out + h * out_stride);
    }
}
