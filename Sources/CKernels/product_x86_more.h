// The x86 rows of Q5_0, Q5_1, Q4_K, Q5_K and Q6_K weights, included by product_x86.h (same
// LW_NAME / LW_TARGET / LW_VNNI macros). The weights are unpacked to one byte per element in
// the natural order of a 32-element activation block, so each sub-block of 32 (16 for Q6_K's
// scales) is one 8-bit dot product with its activation block, scaled in f32.

/// 0x10 in byte i where bit i of `bits` is set, else 0 (the fifth bits of a Q5_0/Q5_1 block).
LW_TARGET static inline __m256i LW_NAME(fifth_bits)(const uint8_t *p) {
    uint32_t bits;
    memcpy(&bits, p, 4);
    const __m256i spread = _mm256_shuffle_epi8(_mm256_set1_epi32((int)bits),
        _mm256_set_epi64x(0x0303030303030303LL, 0x0202020202020202LL, 0x0101010101010101LL, 0));
    const __m256i select = _mm256_set1_epi64x((long long)0x8040201008040201ULL);
    return _mm256_and_si256(_mm256_cmpeq_epi8(_mm256_and_si256(spread, select), select), _mm256_set1_epi8(0x10));
}

/// Q5_0 (value = d·(q − 16)) and Q5_1 (value = d·q + m): Σ d·x_d·(q·x_q) plus the offset times x's block sum.
LW_TARGET static inline __attribute__((always_inline)) void
LW_NAME(row_q5)(const uint8_t *row, int has_minimum, int64_t blocks, const lw_q8_block *x, int64_t xs,
                const int nv, __m256 *acc, float *offsets) {
    const int64_t block_bytes = has_minimum ? 24 : 22, high = has_minimum ? 4 : 2;
    for (int64_t b = 0; b < blocks; b++) {
        const uint8_t *block = row + block_bytes * b;
        const float d = LW_NAME(half)(block);
        const float m = has_minimum ? LW_NAME(half)(block + 2) : -16 * d;
        const __m256i w = _mm256_or_si256(LW_NAME(nibbles)(block + high + 4), LW_NAME(fifth_bits)(block + high));
        for (int v = 0; v < nv; v++) {
            const lw_q8_block *xb = x + v * xs + b;
            const __m256 products = _mm256_cvtepi32_ps(LW_NAME(dot)(w, _mm256_loadu_si256((const __m256i *)xb->q)));
            acc[v] = _mm256_fmadd_ps(products, _mm256_set1_ps(d * xb->d), acc[v]);
            offsets[v] += m * xb->s;
        }
    }
}

/// The eight 6-bit scales and minimums of a Q4_K/Q5_K super-block (see `kQuantScaleAndMin`).
static inline void LW_NAME(k_scales)(const uint8_t *q, uint8_t *scale, uint8_t *minimum) {
    for (int j = 0; j < 4; j++) {
        scale[j] = q[j] & 63;
        minimum[j] = q[j + 4] & 63;
        scale[j + 4] = (q[j + 8] & 0x0F) | ((q[j] >> 6) << 4);
        minimum[j + 4] = (q[j + 8] >> 4) | ((q[j + 4] >> 6) << 4);
    }
}

/// Q4_K (`fifth` 0) and Q5_K (`fifth` 1): per sub-block of 32, d·scale·(q·x) − dmin·min·Σx.
LW_TARGET static inline __attribute__((always_inline)) void
LW_NAME(row_k45)(const uint8_t *row, int fifth, int64_t blocks, const lw_q8_block *x, int64_t xs,
                 const int nv, __m256 *acc, float *offsets) {
    const int64_t block_bytes = fifth ? 176 : 144;
    const __m256i low_mask = _mm256_set1_epi8(0x0F), one = _mm256_set1_epi8(1);
    for (int64_t sb = 0; sb < blocks / 8; sb++) {
        const uint8_t *block = row + block_bytes * sb;
        const float d = LW_NAME(half)(block), dmin = LW_NAME(half)(block + 2);
        uint8_t scale[8], minimum[8];
        LW_NAME(k_scales)(block + 4, scale, minimum);
        const uint8_t *qs = block + (fifth ? 48 : 16);
        __m256i high = fifth ? _mm256_loadu_si256((const __m256i *)(block + 16)) : _mm256_setzero_si256();
        for (int j = 0; j < 4; j++) {
            const __m256i packed = _mm256_loadu_si256((const __m256i *)(qs + 32 * j));
            __m256i w[2] = {_mm256_and_si256(packed, low_mask), _mm256_and_si256(_mm256_srli_epi16(packed, 4), low_mask)};
            if (fifth) {
                for (int h = 0; h < 2; h++) {
                    w[h] = _mm256_or_si256(w[h], _mm256_slli_epi16(_mm256_and_si256(high, one), 4));
                    high = _mm256_srli_epi16(high, 1);
                }
            }
            for (int h = 0; h < 2; h++) {
                const int s = 2 * j + h;
                const float ds = d * scale[s], ms = dmin * minimum[s];
                for (int v = 0; v < nv; v++) {
                    const lw_q8_block *xb = x + v * xs + 8 * sb + s;
                    const __m256 products = _mm256_cvtepi32_ps(LW_NAME(dot)(w[h], _mm256_loadu_si256((const __m256i *)xb->q)));
                    acc[v] = _mm256_fmadd_ps(products, _mm256_set1_ps(ds * xb->d), acc[v]);
                    offsets[v] -= ms * xb->s;
                }
            }
        }
    }
}

/// Q6_K: per 16 elements d·scale·((q − 32)·x); the four 32-element groups of each half read
/// their low bits from ql[0..31] / ql[32..63] (low nibbles, then high) and bits 2k, 2k+1 of qh.
LW_TARGET static inline __attribute__((always_inline)) void
LW_NAME(row_q6k)(const uint8_t *row, int64_t blocks, const lw_q8_block *x, int64_t xs, const int nv, __m256 *acc) {
    const __m256i low_mask = _mm256_set1_epi8(0x0F), two_bits = _mm256_set1_epi8(3), bias = _mm256_set1_epi8(32);
    for (int64_t sb = 0; sb < blocks / 8; sb++) {
        const uint8_t *block = row + 210 * sb;
        const float d = LW_NAME(half)(block + 208);
        for (int half = 0; half < 2; half++) {
            const uint8_t *ql = block + 64 * half;
            const int8_t *scales = (const int8_t *)(block + 192 + 8 * half);
            const __m256i a = _mm256_loadu_si256((const __m256i *)ql), b = _mm256_loadu_si256((const __m256i *)(ql + 32));
            const __m256i qh = _mm256_loadu_si256((const __m256i *)(block + 128 + 32 * half));
            const __m256i lows[4] = {_mm256_and_si256(a, low_mask), _mm256_and_si256(b, low_mask),
                                     _mm256_and_si256(_mm256_srli_epi16(a, 4), low_mask),
                                     _mm256_and_si256(_mm256_srli_epi16(b, 4), low_mask)};
            const __m256i highs[4] = {_mm256_and_si256(qh, two_bits), _mm256_and_si256(_mm256_srli_epi16(qh, 2), two_bits),
                                      _mm256_and_si256(_mm256_srli_epi16(qh, 4), two_bits),
                                      _mm256_and_si256(_mm256_srli_epi16(qh, 6), two_bits)};
            for (int k = 0; k < 4; k++) {
                const __m256i w = _mm256_sub_epi8(_mm256_or_si256(lows[k], _mm256_slli_epi16(highs[k], 4)), bias);
                const __m256i magnitude = _mm256_sign_epi8(w, w);
                const __m256 ds = _mm256_set_m128(_mm_set1_ps(d * scales[2 * k + 1]), _mm_set1_ps(d * scales[2 * k]));
                for (int v = 0; v < nv; v++) {
                    const lw_q8_block *xb = x + v * xs + 8 * sb + 4 * half + k;
                    const __m256i q = _mm256_sign_epi8(_mm256_loadu_si256((const __m256i *)xb->q), w);
                    const __m256 products = _mm256_cvtepi32_ps(LW_NAME(dot)(magnitude, q));
                    acc[v] = _mm256_fmadd_ps(products, _mm256_mul_ps(ds, _mm256_set1_ps(xb->d)), acc[v]);
                }
            }
        }
    }
}
