#include "product_variants.h"
#include "half.h"
#if defined(__x86_64__)
#include <immintrin.h>
#endif

/// BF16 (the top half of an f32) at `p` as float.
static inline float bf16_value(const uint8_t *p) {
    const uint32_t bits = (uint32_t)(p[0] | (p[1] << 8)) << 16;
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

static float dot_half_portable(int bf16, const uint8_t *row, const float *x, int64_t count) {
    float sum = 0;
    for (int64_t i = 0; i < count; i++) sum += (bf16 ? bf16_value(row + 2 * i) : lw_half_to_float(row + 2 * i)) * x[i];
    return sum;
}

#if defined(__x86_64__)
__attribute__((target("avx2,fma,f16c"))) static inline __m256 eight_avx2(int bf16, const uint8_t *p) {
    const __m128i h = _mm_loadu_si128((const __m128i *)p);
    return bf16 ? _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16)) : _mm256_cvtph_ps(h);
}

__attribute__((target("avx2,fma,f16c"))) static float dot_half_avx2(int bf16, const uint8_t *row, const float *x, int64_t count) {
    __m256 a = _mm256_setzero_ps(), b = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 16 <= count; i += 16) {
        a = _mm256_fmadd_ps(eight_avx2(bf16, row + 2 * i), _mm256_loadu_ps(x + i), a);
        b = _mm256_fmadd_ps(eight_avx2(bf16, row + 2 * i + 16), _mm256_loadu_ps(x + i + 8), b);
    }
    __m256 v = _mm256_add_ps(a, b);
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s) + dot_half_portable(bf16, row + 2 * i, x + i, count - i);
}

#define LW_ZMM __attribute__((target("avx2,fma,f16c,avx512f,avx512vl,avx512bw")))
LW_ZMM static inline __m512 sixteen_avx512(int bf16, const uint8_t *p) {
    const __m256i h = _mm256_loadu_si256((const __m256i *)p);
    return bf16 ? _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(h), 16)) : _mm512_cvtph_ps(h);
}

LW_ZMM static float dot_half_avx512(int bf16, const uint8_t *row, const float *x, int64_t count) {
    __m512 a = _mm512_setzero_ps(), b = _mm512_setzero_ps();
    int64_t i = 0;
    for (; i + 32 <= count; i += 32) {
        a = _mm512_fmadd_ps(sixteen_avx512(bf16, row + 2 * i), _mm512_loadu_ps(x + i), a);
        b = _mm512_fmadd_ps(sixteen_avx512(bf16, row + 2 * i + 32), _mm512_loadu_ps(x + i + 16), b);
    }
    return _mm512_reduce_add_ps(_mm512_add_ps(a, b)) + dot_half_portable(bf16, row + 2 * i, x + i, count - i);
}
#endif

float lw_dot_half(uint32_t type, const uint8_t *row, const float *x, int64_t count) {
    const int bf16 = type == LW_TYPE_BF16;
#if defined(__x86_64__)
    switch (lw_selected_isa()) {
    case LW_ISA_AVX512_VNNI: return dot_half_avx512(bf16, row, x, count);
    case LW_ISA_AVX2: return dot_half_avx2(bf16, row, x, count);
    case LW_ISA_PORTABLE: break;
    }
#endif
    return dot_half_portable(bf16, row, x, count);
}
