#if defined(__x86_64__)
#include "product_variants.h"
#include <immintrin.h>
#include <math.h>

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

/// The lane sums of eight vectors as one vector: lane j = Σ lanes of v[j].
LW_AVX2 static inline __m256 sums_of_eight(const __m256 *v) {
    const __m256 a = _mm256_hadd_ps(_mm256_hadd_ps(v[0], v[1]), _mm256_hadd_ps(v[2], v[3]));
    const __m256 b = _mm256_hadd_ps(_mm256_hadd_ps(v[4], v[5]), _mm256_hadd_ps(v[6], v[7]));
    return _mm256_add_ps(_mm256_permute2f128_ps(a, b, 0x20), _mm256_permute2f128_ps(a, b, 0x31));
}

/// Softmax numerators of `count` scores in place (e^(s − max)); writes the maximum and the sum.
LW_AVX2 static void exponentiate(float *scores, int64_t count, float *maximum, float *total) {
    __m256 top = _mm256_set1_ps(-INFINITY);
    int64_t p = 0;
    for (; p + 8 <= count; p += 8) top = _mm256_max_ps(top, _mm256_loadu_ps(scores + p));
    float m = max8(top);
    for (; p < count; p++) m = scores[p] > m ? scores[p] : m;
    const __m256 shift = _mm256_set1_ps(m);
    __m256 totals = _mm256_setzero_ps();
    for (p = 0; p + 8 <= count; p += 8) {
        const __m256 e = exp_negative(_mm256_sub_ps(_mm256_loadu_ps(scores + p), shift));
        _mm256_storeu_ps(scores + p, e);
        totals = _mm256_add_ps(totals, e);
    }
    float sum = sum8(totals);
    for (; p < count; p++) {
        scores[p] = expf(scores[p] - m);
        sum += scores[p];
    }
    *maximum = m;
    *total = sum;
}

/// H query heads (1–4) over one key/value head: each cached key and value row is read and
/// converted once for all H heads. Scores of eight positions are reduced together.
LW_AVX2 static inline __attribute__((always_inline)) void
partial_fixed(const int H, const float *q, int64_t q_stride, const uint16_t *keys, const uint16_t *values,
              int64_t stride, int64_t positions, int64_t dimension, float scale, float *scores,
              float *acc, int64_t acc_stride, float *maxima, float *totals) {
    const __m256 scaling = _mm256_set1_ps(scale);
    int64_t p = 0;
    for (; p + 8 <= positions; p += 8) {
        __m256 dots[4][8];
        for (int j = 0; j < 8; j++) {
            const uint16_t *k = keys + (p + j) * stride;
            __m256 d[4];
            for (int h = 0; h < H; h++) d[h] = _mm256_setzero_ps();
            for (int64_t i = 0; i < dimension; i += 8) {
                const __m256 kv = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(k + i)));
                for (int h = 0; h < H; h++) d[h] = _mm256_fmadd_ps(kv, _mm256_loadu_ps(q + h * q_stride + i), d[h]);
            }
            for (int h = 0; h < H; h++) dots[h][j] = d[h];
        }
        for (int h = 0; h < H; h++) _mm256_storeu_ps(scores + h * positions + p, _mm256_mul_ps(sums_of_eight(dots[h]), scaling));
    }
    for (; p < positions; p++) {
        const uint16_t *k = keys + p * stride;
        for (int h = 0; h < H; h++) {
            __m256 d = _mm256_setzero_ps();
            for (int64_t i = 0; i < dimension; i += 8) {
                d = _mm256_fmadd_ps(_mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(k + i))), _mm256_loadu_ps(q + h * q_stride + i), d);
            }
            scores[h * positions + p] = sum8(d) * scale;
        }
    }
    for (int h = 0; h < H; h++) exponentiate(scores + h * positions, positions, maxima + h, totals + h);
    // Weighted sums, 32 elements (one cache line of each value row) per pass: H × 4 accumulators.
    for (int64_t base = 0; base < dimension; base += 32) {
        __m256 a[4][4];
        for (int h = 0; h < H; h++)
            for (int c = 0; c < 4; c++) a[h][c] = _mm256_setzero_ps();
        for (int64_t j = 0; j < positions; j++) {
            const uint16_t *v = values + j * stride + base;
            __m256 vv[4];
            for (int c = 0; c < 4; c++) vv[c] = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(v + 8 * c)));
            for (int h = 0; h < H; h++) {
                const __m256 weight = _mm256_broadcast_ss(scores + h * positions + j);
                for (int c = 0; c < 4; c++) a[h][c] = _mm256_fmadd_ps(weight, vv[c], a[h][c]);
            }
        }
        for (int h = 0; h < H; h++)
            for (int c = 0; c < 4; c++) _mm256_storeu_ps(acc + h * acc_stride + base + 8 * c, a[h][c]);
    }
}

LW_AVX2 void lw_attend_partial_avx2(const float *q, int64_t heads, int64_t q_stride, const uint16_t *keys,
                                    const uint16_t *values, int64_t stride, int64_t positions, int64_t dimension,
                                    float scale, float *scores, float *acc, int64_t acc_stride, float *maxima,
                                    float *totals) {
    // Groups of at most 3 heads (the default model's group size) keep 12 accumulators in the
    // 16 vector registers.
    for (int64_t h0 = 0; h0 < heads; h0 += 3) {
        const int H = (int)(heads - h0 < 3 ? heads - h0 : 3);
        const float *qh = q + h0 * q_stride;
        float *ah = acc + h0 * acc_stride;
        switch (H) {
        case 1: partial_fixed(1, qh, q_stride, keys, values, stride, positions, dimension, scale, scores, ah, acc_stride, maxima + h0, totals + h0); break;
        case 2: partial_fixed(2, qh, q_stride, keys, values, stride, positions, dimension, scale, scores, ah, acc_stride, maxima + h0, totals + h0); break;
        default: partial_fixed(3, qh, q_stride, keys, values, stride, positions, dimension, scale, scores, ah, acc_stride, maxima + h0, totals + h0); break;
        }
    }
}

LW_AVX2 void lw_f32_to_f16_avx2(const float *x, uint16_t *out, int64_t count) {
    int64_t i = 0;
    for (; i + 8 <= count; i += 8) {
        _mm_storeu_si128((__m128i *)(out + i), _mm256_cvtps_ph(_mm256_loadu_ps(x + i), _MM_FROUND_TO_NEAREST_INT));
    }
    for (; i < count; i++) out[i] = lw_half_from_float(x[i]);
}
#endif
