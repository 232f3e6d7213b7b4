// The x86 product kernel, included once per instruction set by product_x86.c with
// LW_NAME(x) (a suffixed function name), LW_TARGET (the target attribute) and LW_VNNI defined.

/// Σ of four adjacent u8·s8 products in each 32-bit lane.
LW_TARGET static inline __m256i LW_NAME(dot)(__m256i u, __m256i s) {
#if LW_VNNI
    return _mm256_dpbusd_epi32(_mm256_setzero_si256(), u, s);
#else
    return _mm256_madd_epi16(_mm256_maddubs_epi16(u, s), _mm256_set1_epi16(1));
#endif
}

/// The 32 nibbles of a Q4 block as bytes: low nibbles (elements 0–15), then high (16–31).
LW_TARGET static inline __m256i LW_NAME(nibbles)(const uint8_t *qs) {
    const __m128i packed = _mm_loadu_si128((const __m128i *)qs);
    const __m128i mask = _mm_set1_epi8(0x0F);
    const __m128i low = _mm_and_si128(packed, mask);
    const __m128i high = _mm_and_si128(_mm_srli_epi16(packed, 4), mask);
    return _mm256_set_m128i(high, low);
}

LW_TARGET static inline float LW_NAME(sum)(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

LW_TARGET static inline float LW_NAME(half)(const uint8_t *p) {
    uint16_t h;
    memcpy(&h, p, 2);
    return _cvtsh_ss(h);
}

#include "product_x86_more.h"

/// One row times `nv` (1–4) vectors. `type` is one `lw_has_kernel` accepts.
LW_TARGET static inline __attribute__((always_inline)) void
LW_NAME(row)(const uint8_t *row, uint32_t type, int64_t blocks, const lw_q8_block *x, int64_t xs,
             const int nv, float *out, int64_t os) {
    __m256 acc[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
    float offsets[4] = {0, 0, 0, 0};
    if (type == LW_TYPE_Q5_0 || type == LW_TYPE_Q5_1) {
        LW_NAME(row_q5)(row, type == LW_TYPE_Q5_1, blocks, x, xs, nv, acc, offsets);
    } else if (type == LW_TYPE_Q4_K || type == LW_TYPE_Q5_K) {
        LW_NAME(row_k45)(row, type == LW_TYPE_Q5_K, blocks, x, xs, nv, acc, offsets);
    } else if (type == LW_TYPE_Q6_K) {
        LW_NAME(row_q6k)(row, blocks, x, xs, nv, acc);
    } else if (type == LW_TYPE_Q8_0) {
        for (int64_t b = 0; b < blocks; b++) {
            const uint8_t *block = row + 34 * b;
            const float d = LW_NAME(half)(block);
            const __m256i w = _mm256_loadu_si256((const __m256i *)(block + 2));
            const __m256i magnitude = _mm256_sign_epi8(w, w);
            for (int v = 0; v < nv; v++) {
                const lw_q8_block *xb = x + v * xs + b;
                const __m256i q = _mm256_sign_epi8(_mm256_loadu_si256((const __m256i *)xb->q), w);
                const __m256 products = _mm256_cvtepi32_ps(LW_NAME(dot)(magnitude, q));
                acc[v] = _mm256_fmadd_ps(products, _mm256_set1_ps(d * xb->d), acc[v]);
            }
        }
    } else {
        const int has_minimum = type == LW_TYPE_Q4_1;
        const int64_t block_bytes = has_minimum ? 20 : 18;
        for (int64_t b = 0; b < blocks; b++) {
            const uint8_t *block = row + block_bytes * b;
            const float d = LW_NAME(half)(block);
            const float m = has_minimum ? LW_NAME(half)(block + 2) : -8 * d;
            const __m256i w = LW_NAME(nibbles)(block + (has_minimum ? 4 : 2));
            for (int v = 0; v < nv; v++) {
                const lw_q8_block *xb = x + v * xs + b;
                const __m256 products = _mm256_cvtepi32_ps(LW_NAME(dot)(w, _mm256_loadu_si256((const __m256i *)xb->q)));
                acc[v] = _mm256_fmadd_ps(products, _mm256_set1_ps(d * xb->d), acc[v]);
                offsets[v] += m * xb->s;
            }
        }
    }
    for (int v = 0; v < nv; v++) out[v * os] = LW_NAME(sum)(acc[v]) + offsets[v];
}

LW_TARGET void LW_NAME(lw_product_rows)(const lw_product *p, int64_t row_begin, int64_t row_end, int64_t vectors) {
    const int64_t xs = p->input_stride, os = p->output_stride;
    for (int64_t v0 = 0; v0 < vectors; v0 += 4) {
        const lw_q8_block *x = p->input + v0 * xs;
        float *out = p->output + v0 * os;
        const int64_t nv = vectors - v0 < 4 ? vectors - v0 : 4;
        for (int64_t r = row_begin; r < row_end; r++) {
            const uint8_t *row = p->weights + r * p->row_bytes;
            switch (nv) {
            case 1: LW_NAME(row)(row, p->type, p->blocks, x, xs, 1, out + r, os); break;
            case 2: LW_NAME(row)(row, p->type, p->blocks, x, xs, 2, out + r, os); break;
            case 3: LW_NAME(row)(row, p->type, p->blocks, x, xs, 3, out + r, os); break;
            default: LW_NAME(row)(row, p->type, p->blocks, x, xs, 4, out + r, os); break;
            }
        }
    }
}
