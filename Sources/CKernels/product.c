#include "product_variants.h"
#include <stdlib.h>
#include <string.h>

typedef void (*rows_kernel)(const lw_product *, int64_t, int64_t, int64_t);

/// The instruction sets, best first: the first one this processor has is the default.
static const struct {
    lw_isa isa;
    const char *name;
    rows_kernel kernel;
} instruction_sets[] = {
#if defined(__x86_64__)
    {LW_ISA_AVX512_VNNI, "avx512-vnni", lw_product_rows_avx512vnni},
    {LW_ISA_AVX2, "avx2", lw_product_rows_avx2},
#endif
    {LW_ISA_PORTABLE, "portable", lw_product_rows_portable},
};
static const int instruction_set_count = sizeof instruction_sets / sizeof instruction_sets[0];

/// Index of the best supported entry, −1 until the first use.
static int selected = -1;
/// A choice for the calling thread only (`lw_set_kernel_isa`), −1 when none.
static _Thread_local int thread_choice = -1;

static int supported(lw_isa isa) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    switch (isa) {
    case LW_ISA_AVX512_VNNI:
        // The AVX-512 kernels also use AVX2/F16C instructions, which every AVX-512 processor has.
        return __builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw");
    case LW_ISA_AVX2:
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
    case LW_ISA_PORTABLE:
        return 1;
    }
#endif
    return isa == LW_ISA_PORTABLE;
}

static int selection(void) {
    if (thread_choice >= 0) return thread_choice;
    if (selected < 0) {  // idempotent: a race only repeats the same choice
        int i = 0;
        while (!supported(instruction_sets[i].isa)) i++;
        // LWDATA_KERNELS names a lesser instruction set for the whole process (to measure the
        // kernels another kind of machine runs); a name this processor lacks is ignored.
        const char *forced = getenv("LWDATA_KERNELS");
        for (int j = 0; forced && j < instruction_set_count; j++) {
            if (strcmp(forced, instruction_sets[j].name) == 0 && supported(instruction_sets[j].isa)) i = j;
        }
        selected = i;
    }
    return selected;
}

lw_isa lw_selected_isa(void) { return instruction_sets[selection()].isa; }

int lw_set_kernel_isa(const char *name) {
    for (int i = 0; i < instruction_set_count; i++) {
        if (strcmp(name, instruction_sets[i].name) == 0 && supported(instruction_sets[i].isa)) {
            thread_choice = i;
            return 1;
        }
    }
    return 0;
}

int lw_has_kernel(uint32_t type) {
    switch (type) {
    case LW_TYPE_Q4_0: case LW_TYPE_Q4_1: case LW_TYPE_Q5_0: case LW_TYPE_Q5_1: case LW_TYPE_Q8_0:
    case LW_TYPE_Q4_K: case LW_TYPE_Q5_K: case LW_TYPE_Q6_K:
        return 1;
    default:
        return 0;
    }
}

/// The types the AVX-512 block-pair kernel multiplies.
static int has_pair_kernel(uint32_t type) {
    return type == LW_TYPE_Q4_0 || type == LW_TYPE_Q4_1 || type == LW_TYPE_Q8_0;
}

const char *lw_kernel_isa(void) { return instruction_sets[selection()].name; }

int lw_uses_pairs(void) { return lw_selected_isa() == LW_ISA_AVX512_VNNI; }

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
    if (product->pairs && product->blocks % 2 == 0 && has_pair_kernel(product->type) && lw_uses_pairs()) {
        lw_product_rows_avx512_pairs(product, row_begin, row_end, vectors);
        return;
    }
#endif
    instruction_sets[selection()].kernel(product, row_begin, row_end, vectors);
}
