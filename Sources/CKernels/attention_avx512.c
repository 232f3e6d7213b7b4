#if defined(__x86_64__)
#include "product_variants.h"
#include <immintrin.h>
#include <math.h>

#define LW_AVX512 __attribute__((target("avx2,fma,f16c,avx512f,avx512vl,avx512bw")))

/// e^x for x ≤ 0, 16 lanes: x = n·ln2 + r, e^r by a degree-6 polynomial, scaled by 2^n.
LW_AVX512 static inline __m512 exp_negative512(__m512 x) {
    x = _mm512_max_ps(x, _mm512_set1_ps(-87.0f));
    const __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                          _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
    __m512 p = _mm512_set1_ps(1.0f / 720);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 120));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 24));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 6));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(0.5f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
    return _mm512_scalef_ps(p, n);
}

/// Softmax numerators of `count` scores in place (e^(s − max)); writes the maximum and the sum.
LW_AVX512 static void exponentiate512(float *scores, int64_t count, float *maximum, float *total) {
    __m512 top = _mm512_set1_ps(-INFINITY);
    int64_t p = 0;
    for (; p + 16 <= count; p += 16) top = _mm512_max_ps(top, _mm512_loadu_ps(scores + p));
    float m = _mm512_reduce_max_ps(top);
    for (; p < count; p++) m = scores[p] > m ? scores[p] : m;
    const __m512 shift = _mm512_set1_ps(m);
    __m512 totals = _mm512_setzero_ps();
    for (p = 0; p + 16 <= count; p += 16) {
        const __m512 e = exp_negative512(_mm512_sub_ps(_mm512_loadu_ps(scores + p), shift));
        _mm512_storeu_ps(scores + p, e);
        totals = _mm512_add_ps(totals, e);
    }
    if (p < count) {
        const __mmask16 mask = (__mmask16)((1u << (count - p)) - 1);
        const __m512 e = exp_negative512(_mm512_sub_ps(_mm512_maskz_loadu_ps(mask, scores + p), shift));
        _mm512_mask_storeu_ps(scores + p, mask, e);
        totals = _mm512_add_ps(totals, _mm512_maskz_mov_ps(mask, e));
    }
    *maximum = m;
    *total = _mm512_reduce_add_ps(totals);
}

/// H query heads × C 16-float chunks per head: with H and C constant the accumulators stay in registers.
LW_AVX512 static inline __attribute__((always_inline)) void
partial_fixed(const int H, const int C, const float *q, int64_t q_stride, const uint16_t *keys, const uint16_t *values,
              int64_t stride, int64_t positions, float scale, float *scores, float *out, int64_t out_stride,
              float *maxima, float *totals) {
    __m512 query[8][8];
    for (int h = 0; h < H; h++)
        for (int c = 0; c < C; c++) query[h][c] = _mm512_mul_ps(_mm512_loadu_ps(q + h * q_stride + 16 * c), _mm512_set1_ps(scale));
    for (int64_t p = 0; p < positions; p++) {
        __m512 k[8];
        for (int c = 0; c < C; c++) k[c] = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(keys + p * stride + 16 * c)));
        for (int h = 0; h < H; h++) {
            __m512 dot = _mm512_mul_ps(query[h][0], k[0]);
            for (int c = 1; c < C; c++) dot = _mm512_fmadd_ps(query[h][c], k[c], dot);
            scores[h * positions + p] = _mm512_reduce_add_ps(dot);
        }
    }
    for (int h = 0; h < H; h++) exponentiate512(scores + h * positions, positions, maxima + h, totals + h);
    __m512 acc[8][8];
    for (int h = 0; h < H; h++)
        for (int c = 0; c < C; c++) acc[h][c] = _mm512_setzero_ps();
    for (int64_t p = 0; p < positions; p++) {
        __m512 v[8];
        for (int c = 0; c < C; c++) v[c] = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(values + p * stride + 16 * c)));
        for (int h = 0; h < H; h++) {
            const __m512 weight = _mm512_set1_ps(scores[h * positions + p]);
            for (int c = 0; c < C; c++) acc[h][c] = _mm512_fmadd_ps(weight, v[c], acc[h][c]);
        }
    }
    for (int h = 0; h < H; h++)
        for (int c = 0; c < C; c++) _mm512_storeu_ps(out + h * out_stride + 16 * c, acc[h][c]);
}

LW_AVX512 void lw_attend_partial_avx512(const float *q, int64_t heads, int64_t q_stride, const uint16_t *keys,
                                        const uint16_t *values, int64_t stride, int64_t positions, int64_t dimension,
                                        float scale, float *scores, float *acc, int64_t acc_stride, float *maxima,
                                        float *totals) {
    const int C = (int)(dimension / 16);
    // Groups of at most 4 heads keep a group's queries and accumulators (4 × 8 zmm at most) in registers.
    for (int64_t h0 = 0; h0 < heads; h0 += 4) {
        const int H = (int)(heads - h0 < 4 ? heads - h0 : 4);
        const float *qh = q + h0 * q_stride;
        float *ah = acc + h0 * acc_stride;
        #define LW_CASE(h, c) case (h) * 16 + (c): \
            partial_fixed(h, c, qh, q_stride, keys, values, stride, positions, scale, scores, ah, acc_stride, \
                          maxima + h0, totals + h0); break;
        switch (H * 16 + C) {
            LW_CASE(1, 4) LW_CASE(2, 4) LW_CASE(3, 4) LW_CASE(4, 4)
            LW_CASE(1, 8) LW_CASE(2, 8) LW_CASE(3, 8) LW_CASE(4, 8)
            default: __builtin_unreachable();  // the caller admits head sizes 64 and 128 only
        }
        #undef LW_CASE
    }
}
#endif
