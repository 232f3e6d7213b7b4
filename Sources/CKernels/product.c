#include "product_variants.h"
#include <string.h>

typedef void (*rows_kernel)(const lw_product *, int64_t, int64_t, int64_t);

static rows_kernel chosen_kernel;
static const char *chosen_name;

static rows_kernel kernel(void);

static void choose(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw")) {
        chosen_kernel = lw_product_rows_avx512vnni;
        chosen_name = "avx512-vnni";
        return;
    }
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c")) {
        chosen_kernel = lw_product_rows_avx2;
        chosen_name = "avx2";
        return;
    }
#endif
    chosen_kernel = lw_product_rows_portable;
    chosen_name = "portable";
}

int lw_set_kernel_isa(const char *name) {
    kernel();
#if defined(__x86_64__)
    if (strcmp(name, "avx512-vnni") == 0 && __builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("avx512vl")
        && __builtin_cpu_supports("avx512bw")) {
        chosen_kernel = lw_product_rows_avx512vnni;
        chosen_name = "avx512-vnni";
        return 1;
    }
    if (strcmp(name, "avx2") == 0 && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")
        && __builtin_cpu_supports("f16c")) {
        chosen_kernel = lw_product_rows_avx2;
        chosen_name = "avx2";
        return 1;
    }
#endif
    if (strcmp(name, "portable") == 0) {
        chosen_kernel = lw_product_rows_portable;
        chosen_name = "portable";
        return 1;
    }
    return 0;
}

static rows_kernel kernel(void) {
    if (!chosen_kernel) choose();  // idempotent: a race only repeats the same choice
    return chosen_kernel;
}

int lw_has_kernel(uint32_t type) {
    return type == LW_TYPE_Q4_0 || type == LW_TYPE_Q4_1 || type == LW_TYPE_Q8_0;
}

const char *lw_kernel_isa(void) {
    kernel();
    return chosen_name;
}

int lw_uses_pairs(void) {
#if defined(__x86_64__)
    return kernel() == lw_product_rows_avx512vnni;
#else
    return 0;
#endif
}

void lw_pack_pairs(const lw_q8_block *blocks, int64_t count, lw_q8_pair *out) {
    for (int64_t i = 0; i + 1 < count; i += 2) {
        lw_q8_pair *pair = out + i / 2;
        memcpy(pair->q, blocks[i].q, 32);
        memcpy(pair->q + 32, blocks[i + 1].q, 32);
        for (int lane = 0; lane < 8; lane++) {
            pair->d[lane] = blocks[i].d;
            pair->d[8 + lane] = blocks[i + 1].d;
            pair->s[lane] = 0;
            pair->s[8 + lane] = 0;
        }
        pair->s[0] = blocks[i].s;
        pair->s[8] = blocks[i + 1].s;
    }
}

void lw_product_rows(const lw_product *product, int64_t row_begin, int64_t row_end, int64_t vectors) {
#if defined(__x86_64__)
    if (product->pairs && product->blocks % 2 == 0 && kernel() == lw_product_rows_avx512vnni) {
        lw_product_rows_avx512_pairs(product, row_begin, row_end, vectors);
        return;
    }
#endif
    kernel()(product, row_begin, row_end, vectors);
}
