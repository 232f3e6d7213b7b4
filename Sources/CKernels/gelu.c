#include "CKernels.h"

/// e^x for x in [-87, 88]: x = n·ln2 + r with |r| ≤ ln2/2, e^r by its Taylor series to r^7
/// (relative error below 2e-7), 2^n put into the exponent bits. Plain arithmetic, so the loop
/// that calls it vectorizes.
static inline float exp_approx(float x) {
    x = x < -87.0f ? -87.0f : (x > 88.0f ? 88.0f : x);
    const float n = __builtin_rintf(x * 1.44269504088896341f);
    const float r = (x - n * 0.693359375f) + n * 2.12194440e-4f;
    float p = 1.0f / 5040.0f;
    p = p * r + 1.0f / 720.0f;
    p = p * r + 1.0f / 120.0f;
    p = p * r + 1.0f / 24.0f;
    p = p * r + 1.0f / 6.0f;
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    union { int32_t i; float f; } scale = { .i = ((int32_t)n + 127) << 23 };
    return p * scale.f;
}

void lw_gelu(float *x, int64_t count) {
    // erf(z) = 1 − (a1·t + … + a5·t⁵)·e^(−z²), t = 1 / (1 + p·z) for z ≥ 0 (Abramowitz and
    // Stegun 7.1.26, absolute error below 1.5e-7), odd in z.
    const float p = 0.3275911f, a1 = 0.254829592f, a2 = -0.284496736f, a3 = 1.421413741f,
                a4 = -1.453152027f, a5 = 1.061405429f;
    for (int64_t i = 0; i < count; i++) {
        const float v = x[i];
        const float z = (v < 0 ? -v : v) * 0.70710678118654752f;
        const float t = 1.0f / (1.0f + p * z);
        const float poly = t * (a1 + t * (a2 + t * (a3 + t * (a4 + t * a5))));
        const float erf_abs = 1.0f - poly * exp_approx(-z * z);
        const float erf = v < 0 ? -erf_abs : erf_abs;
        x[i] = 0.5f * v * (1.0f + erf);
    }
}
