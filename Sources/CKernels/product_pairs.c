#if defined(__x86_64__)
#include "product_variants.h"
#include <immintrin.h>
#include <string.h>

#define LW_ZMM __attribute__((target("avx2,fma,f16c,avx512f,avx512vl,avx512bw,avx512vnni")))

LW_ZMM static inline float half_value(const uint8_t *p) {
    uint16_t h;
    memcpy(&h, p, 2);
    return _cvtsh_ss(h);
}

/// [a × 8 lanes, b × 8 lanes].
LW_ZMM static inline __m512 two_scales(float a, float b) {
    return _mm512_castpd_ps(_mm512_insertf64x4(_mm512_castps_pd(_mm512_set1_ps(a)), _mm256_castps_pd(_mm256_set1_ps(b)), 1));
}

/// The nibbles of two Q4 blocks as 64 bytes: block 0's low then high nibbles, then block 1's.
LW_ZMM static inline __m512i two_nibble_blocks(const uint8_t *qs0, const uint8_t *qs1) {
    const __m256i packed = _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)qs0)),
                                                   _mm_loadu_si128((const __m128i *)qs1), 1);
    const __m256i mask = _mm256_set1_epi8(0x0F);
    const __m256i low = _mm256_and_si256(packed, mask);                          // [lo0 | lo1]
    const __m256i high = _mm256_and_si256(_mm256_srli_epi16(packed, 4), mask);   // [hi0 | hi1]
    return _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_permute2x128_si256(low, high, 0x20)),
                              _mm256_permute2x128_si256(low, high, 0x31), 1);
}

/// One row times `nv` (1–4) vectors, two blocks per step; `type` is Q4_0, Q4_1 or Q8_0.
LW_ZMM static inline __attribute__((always_inline)) void
pair_row(const uint8_t *row, uint32_t type, int64_t pairs, const lw_q8_pair *x, int64_t xs, const int nv,
         float *out, int64_t os) {
    __m512 acc[4] = {_mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps(), _mm512_setzero_ps()};
    if (type == LW_TYPE_Q8_0) {
        for (int64_t b = 0; b < pairs; b++) {
            const uint8_t *block = row + 68 * b;
            const __m512i w = _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_loadu_si256((const __m256i *)(block + 2))),
                                                 _mm256_loadu_si256((const __m256i *)(block + 36)), 1);
            const __m512i magnitude = _mm512_abs_epi8(w);
            const __mmask64 negative = _mm512_movepi8_mask(w);
            const __m512 dw = two_scales(half_value(block), half_value(block + 34));
            for (int v = 0; v < nv; v++) {
                const lw_q8_pair *xp = x + v * xs + b;
                const __m512i q = _mm512_load_si512((const void *)xp->q);
                const __m512i signed_q = _mm512_mask_sub_epi8(q, negative, _mm512_setzero_si512(), q);
                const __m512 dots = _mm512_cvtepi32_ps(_mm512_dpbusd_epi32(_mm512_setzero_si512(), magnitude, signed_q));
                acc[v] = _mm512_fmadd_ps(dots, _mm512_mul_ps(dw, _mm512_load_ps(xp->d)), acc[v]);
            }
        }
    } else {
        const int has_minimum = type == LW_TYPE_Q4_1;
        const int64_t block_bytes = has_minimum ? 20 : 18, quants = has_minimum ? 4 : 2;
        for (int64_t b = 0; b < pairs; b++) {
            const uint8_t *block0 = row + 2 * block_bytes * b, *block1 = block0 + block_bytes;
            const float d0 = half_value(block0), d1 = half_value(block1);
            const __m512 dw = two_scales(d0, d1);
            const __m512 mw = has_minimum ? two_scales(half_value(block0 + 2), half_value(block1 + 2)) : two_scales(-8 * d0, -8 * d1);
            const __m512i w = two_nibble_blocks(block0 + quants, block1 + quants);
            for (int v = 0; v < nv; v++) {
                const lw_q8_pair *xp = x + v * xs + b;
                const __m512 dots = _mm512_cvtepi32_ps(_mm512_dpbusd_epi32(_mm512_setzero_si512(), w,
                                                                           _mm512_load_si512((const void *)xp->q)));
                acc[v] = _mm512_fmadd_ps(dots, _mm512_mul_ps(dw, _mm512_load_ps(xp->d)), acc[v]);
                acc[v] = _mm512_fmadd_ps(mw, _mm512_load_ps(xp->s), acc[v]);
            }
        }
    }
    for (int v = 0; v < nv; v++) out[v * os] = _mm512_reduce_add_ps(acc[v]);
}

LW_ZMM void lw_product_rows_avx512_pairs(const lw_product *p, int64_t row_begin, int64_t row_end, int64_t vectors) {
    const int64_t xs = p->pair_stride, os = p->output_stride, pairs = p->blocks / 2;
    for (int64_t v0 = 0; v0 < vectors; v0 += 4) {
        const lw_q8_pair *x = p->pairs + v0 * xs;
        float *out = p->output + v0 * os;
        const int64_t nv = vectors - v0 < 4 ? vectors - v0 : 4;
        for (int64_t r = row_begin; r < row_end; r++) {
            const uint8_t *row = p->weights + r * p->row_bytes;
            switch (nv) {
            case 1: pair_row(row, p->type, pairs, x, xs, 1, out + r, os); break;
            case 2: pair_row(row, p->type, pairs, x, xs, 2, out + r, os); break;
            case 3: pair_row(row, p->type, pairs, x, xs, 3, out + r, os); break;
            default: pair_row(row, p->type, pairs, x, xs, 4, out + r, os); break;
            }
        }
    }
}
#endif
