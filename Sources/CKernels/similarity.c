// Helpers of blocked exact similarity search over half-precision embeddings (semantic dedup).
#include "CKernels.h"
#include "half.h"

void lw_f16_to_f32(const uint16_t *x, float *out, int64_t count) {
    for (int64_t i = 0; i < count; i++) out[i] = lw_half_to_float((const uint8_t *)(x + i));
}

int64_t lw_entries_at_least(const float *m, int64_t rows, int64_t cols, float threshold, int upper,
                            int64_t *hits, int64_t capacity) {
    int64_t found = 0;
    for (int64_t r = 0; r < rows; r++) {
        const float *row = m + r * cols;
        for (int64_t c = upper ? r + 1 : 0; c < cols; c++) {
            if (row[c] >= threshold) {
                if (found < capacity) hits[found] = r * cols + c;
                found++;
            }
        }
    }
    return found;
}

void lw_row_maxima(const float *m, int64_t rows, int64_t cols, float *maxima) {
    for (int64_t r = 0; r < rows; r++) {
        const float *row = m + r * cols;
        float best = maxima[r];
        for (int64_t c = 0; c < cols; c++) best = row[c] > best ? row[c] : best;
        maxima[r] = best;
    }
}
