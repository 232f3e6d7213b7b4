#include "CKernels.h"

/// Multiply-adds per task: small enough to balance two cores when one is also busy with
/// something else, large enough that claiming a task costs nothing in comparison.
#define LW_TASK_WORK (48 * 1024)
/// Rows per task at least, for products of many vectors.
#define LW_MIN_BATCH_ROWS 16

typedef struct {
    const lw_product *products;
    int64_t count;
    int64_t vectors;
    int64_t rows_per_task[16];
    int64_t first_task[17];
} products_job;

static void run_task(void *context, int64_t task) {
    const products_job *job = context;
    int64_t p = 0;
    while (task >= job->first_task[p + 1]) p++;
    const int64_t begin = (task - job->first_task[p]) * job->rows_per_task[p];
    const int64_t rows = job->products[p].rows;
    const int64_t end = begin + job->rows_per_task[p] < rows ? begin + job->rows_per_task[p] : rows;
    lw_product_rows(&job->products[p], begin, end, job->vectors);
}

void lw_products_run(lw_pool *pool, const lw_product *products, int64_t count, int64_t vectors) {
    if (count > 16) {
        lw_products_run(pool, products, 16, vectors);
        lw_products_run(pool, products + 16, count - 16, vectors);
        return;
    }
    products_job job = {.products = products, .count = count, .vectors = vectors};
    job.first_task[0] = 0;
    for (int64_t p = 0; p < count; p++) {
        int64_t per_task = LW_TASK_WORK / (products[p].blocks * 32 * vectors);
        // Many vectors: a task's rows stay in L1 while every vector streams past them once, so
        // more rows per task means fewer passes over the vectors.
        if (vectors >= 8 && per_task < LW_MIN_BATCH_ROWS) per_task = LW_MIN_BATCH_ROWS;
        if (per_task < 1) per_task = 1;
        job.rows_per_task[p] = per_task;
        job.first_task[p + 1] = job.first_task[p] + (products[p].rows + per_task - 1) / per_task;
    }
    lw_pool_run(pool, job.first_task[count], run_task, &job);
}
