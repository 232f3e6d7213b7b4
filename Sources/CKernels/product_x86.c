#if defined(__x86_64__)
#include "product_variants.h"
#include <immintrin.h>
#include <string.h>

#define LW_NAME(x) x##_avx2
#define LW_TARGET __attribute__((target("avx2,fma,f16c")))
#define LW_VNNI 0
#include "product_x86.h"
#undef LW_NAME
#undef LW_TARGET
#undef LW_VNNI

#define LW_NAME(x) x##_avx512vnni
#define LW_TARGET __attribute__((target("avx2,fma,f16c,avx512f,avx512vl,avx512bw,avx512vnni")))
#define LW_VNNI 1
#include "product_x86.h"
#endif
