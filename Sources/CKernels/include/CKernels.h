#ifndef LWDATA_CKERNELS_H
#define LWDATA_CKERNELS_H

/// Quantized matrix kernels and a low-latency thread pool for the built-in decoder.
///
/// Activations are quantized to `lw_q8_block`s (32 int8 values with an f32 scale, like
/// ggml's Q8_1) and multiplied with weight rows in their GGUF encoding (Q4_0, Q4_1, Q5_0,
/// Q5_1, Q8_0, and the K-quants Q4_K, Q5_K, Q6_K, whose sub-blocks of 32 line up with them)
/// using 8-bit integer dot products: AVX-512 VNNI or AVX2 when the processor has them
/// (chosen at run time), portable C otherwise.

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// 32 activations as int8 `q` with scale `d` (value = q·d) and `s` = d·Σq.
typedef struct {
    float d;
    float s;
    int8_t q[32];
} lw_q8_block;

/// Two consecutive blocks of one vector laid out for 512-bit kernels: the 64 values together,
/// each block's scale repeated over its 8 lanes, and each block's `s` in the first of its lanes
/// (the others zero), so one vector operation covers both blocks.
typedef struct {
    int8_t q[64];
    float d[16];
    float s[16];
} lw_q8_pair;

/// GGUF type codes of the weight encodings the kernels multiply directly.
enum {
    LW_TYPE_Q4_0 = 2, LW_TYPE_Q4_1 = 3, LW_TYPE_Q5_0 = 6, LW_TYPE_Q5_1 = 7, LW_TYPE_Q8_0 = 8,
    LW_TYPE_Q4_K = 12, LW_TYPE_Q5_K = 13, LW_TYPE_Q6_K = 14, LW_TYPE_F16 = 1, LW_TYPE_BF16 = 30
};

/// `row · x` for a row of `count` F16 (`type` LW_TYPE_F16) or BF16 values and f32 `x`, converted
/// with F16C / AVX-512 when the selected instruction set has them.
float lw_dot_half(uint32_t type, const uint8_t *row, const float *x, int64_t count);

/// Whether `type` (a GGUF type code) has a quantized kernel.
int lw_has_kernel(uint32_t type);

/// Quantizes `count` floats (a multiple of 32) from `x` into `count / 32` blocks at `out`.
void lw_quantize_q8(const float *x, int64_t count, lw_q8_block *out);

/// One matrix product: `output[v * output_stride + r] = row r of weights · input vector v`.
typedef struct {
    const uint8_t *weights;      ///< first row of the matrix, in its GGUF encoding
    size_t row_bytes;            ///< bytes per row
    uint32_t type;               ///< LW_TYPE_*
    int64_t rows;                ///< rows of the matrix
    int64_t blocks;              ///< 32-element blocks per row (columns / 32; a multiple of 8 for K-quants)
    const lw_q8_block *input;    ///< vector v starts at input + v * input_stride
    int64_t input_stride;        ///< blocks between consecutive input vectors
    float *output;
    int64_t output_stride;       ///< floats between consecutive output vectors
    const lw_q8_pair *pairs;     ///< the input again as block pairs (`lw_pack_pairs`) when `lw_uses_pairs()`, else NULL
    int64_t pair_stride;         ///< pairs between consecutive input vectors
} lw_product;

/// Whether the selected kernels read `lw_product.pairs` (rows of an even number of blocks).
int lw_uses_pairs(void);

/// Lays `count` blocks (an even number) out as `count / 2` pairs.
void lw_pack_pairs(const lw_q8_block *blocks, int64_t count, lw_q8_pair *out);

/// Computes rows `[row_begin, row_end)` of `product` for `vectors` input vectors.
void lw_product_rows(const lw_product *product, int64_t row_begin, int64_t row_end, int64_t vectors);

/// The instruction set the kernels use on this processor: "avx512-vnni", "avx2" or "portable".
const char *lw_kernel_isa(void);

/// Makes the kernels called on this thread use instruction set `name` (one `lw_kernel_isa` can
/// return) if this processor has it; returns 0 (and changes nothing) if not. Other threads,
/// the pool's workers included, keep the best one: for tests that call the kernels directly.
int lw_set_kernel_isa(const char *name);

/// Converts `count` floats to IEEE half precision (round to nearest even).
void lw_f32_to_f16(const float *x, uint16_t *out, int64_t count);

/// Converts `count` IEEE half-precision values to floats.
void lw_f16_to_f32(const uint16_t *x, float *out, int64_t count);

/// The entries of the row-major `rows` × `cols` matrix `m` that are at least `threshold`, as
/// `row * cols + col` in row order; with `upper` set only those with col > row. Writes at most
/// `capacity` of them to `hits` and returns how many there are (call again with more room).
int64_t lw_entries_at_least(const float *m, int64_t rows, int64_t cols, float threshold, int upper,
                            int64_t *hits, int64_t capacity);

/// Raises `maxima[r]` to the largest entry of row r of the row-major `rows` × `cols` matrix `m`.
void lw_row_maxima(const float *m, int64_t rows, int64_t cols, float *maxima);

/// Causal attention of one query head over `positions` cached positions stored in half
/// precision: `scores[p] = scale · q·k_p`, softmax over p, `out = Σ_p softmax_p · v_p`.
/// `keys`/`values` point at position 0 of the head's `dimension` elements; consecutive
/// positions are `stride` elements apart. `scores` is scratch of `positions` floats.
void lw_attend_f16(const float *q, const uint16_t *keys, const uint16_t *values, int64_t stride,
                   int64_t positions, int64_t dimension, float scale, float *scores, float *out);

/// `lw_attend_f16` for `heads` query heads that share one key/value head (grouped-query
/// attention): the cached keys and values are read and converted once for all of them.
/// Query head h starts at `q + h · q_stride` and writes `out + h · out_stride`; `scores` is
/// scratch of `heads · positions` floats.
void lw_attend_f16_heads(const float *q, int64_t heads, int64_t q_stride, const uint16_t *keys, const uint16_t *values,
                         int64_t stride, int64_t positions, int64_t dimension, float scale, float *scores,
                         float *out, int64_t out_stride);

/// GELU in place, `x · (1 + erf(x/√2)) / 2` (the exact form BERT uses, erf to within 2e-7).
void lw_gelu(float *x, int64_t count);

/// Unnormalised attention of `heads` query heads sharing one key/value head over a slice of
/// `positions` cached positions (so that a long cache can be split across threads). Per head h:
/// `maxima[h]` = the largest score, `totals[h]` = Σ_p e^(score_p − maxima[h]) and
/// `acc + h · acc_stride` = Σ_p e^(score_p − maxima[h]) · v_p; `lw_attend_merge` combines
/// slices. Arguments otherwise as `lw_attend_f16_heads`.
void lw_attend_f16_partial(const float *q, int64_t heads, int64_t q_stride, const uint16_t *keys, const uint16_t *values,
                           int64_t stride, int64_t positions, int64_t dimension, float scale, float *scores,
                           float *acc, int64_t acc_stride, float *maxima, float *totals);

/// Combines the `lw_attend_f16_partial` results of `parts` slices into normalised outputs
/// (query head h at `out + h · out_stride`). Slice j's sums for head h are at
/// `acc + (j · heads + h) · dimension`, its maximum and total at `[j · heads + h]`.
void lw_attend_merge(int64_t parts, int64_t heads, int64_t dimension, const float *acc, const float *maxima,
                     const float *totals, float *out, int64_t out_stride);

typedef struct lw_pool lw_pool;

/// A pool of `threads − 1` workers (the caller is the last thread). Workers spin briefly
/// between jobs, then sleep.
lw_pool *lw_pool_create(int threads);

/// Threads of the pool, the caller included.
int lw_pool_threads(const lw_pool *pool);

/// Runs `body(context, task)` for every task in `[0, tasks)` on the pool's threads and the
/// caller; returns when all have finished. Not reentrant: one job at a time per pool.
void lw_pool_run(lw_pool *pool, int64_t tasks, void (*body)(void *context, int64_t task), void *context);

/// Runs `count` products together: their rows are cut into tasks spread over the pool.
void lw_products_run(lw_pool *pool, const lw_product *products, int64_t count, int64_t vectors);

#ifdef __cplusplus
}
#endif

#endif
