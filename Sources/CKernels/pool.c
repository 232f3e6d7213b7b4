#include "CKernels.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#if defined(__x86_64__)
#include <immintrin.h>
#define LW_PAUSE() _mm_pause()
#else
#define LW_PAUSE() ((void)0)
#endif

/// Spins a worker makes waiting for the next job before it sleeps (about a millisecond).
#define LW_SPINS (1 << 14)
/// Cursor index meaning "no task left to claim in this generation".
#define LW_CLOSED 0xFFFFFFFFu

struct lw_pool {
    int threads;
    pthread_t *workers;
    /// The running job: generation in the high 32 bits, next unclaimed task in the low 32.
    _Atomic uint64_t cursor;
    /// Bumped once per job; workers watch it.
    _Atomic uint32_t generation;
    _Atomic int64_t finished;
    _Atomic int sleepers;
    _Atomic int stopping;
    int64_t tasks;
    void (*body)(void *, int64_t);
    void *context;
    pthread_mutex_t busy;   // one job at a time; a second caller runs its job inline
    pthread_mutex_t mutex;  // guards sleeping
    pthread_cond_t wake;
};

/// Claims and runs tasks of generation `generation` until none is left.
static void work(lw_pool *pool, uint32_t generation) {
    for (;;) {
        uint64_t cursor = atomic_load(&pool->cursor);
        const uint32_t index = (uint32_t)cursor;
        if ((uint32_t)(cursor >> 32) != generation || index == LW_CLOSED) return;
        // Read only while the cursor still names this job: the fields change after it is closed.
        const int64_t tasks = pool->tasks;
        void (*body)(void *, int64_t) = pool->body;
        void *context = pool->context;
        if ((int64_t)index >= tasks) return;
        if (atomic_compare_exchange_weak(&pool->cursor, &cursor, cursor + 1)) {
            body(context, index);
            atomic_fetch_add(&pool->finished, 1);
        }
    }
}

static void *worker_main(void *argument) {
    lw_pool *pool = argument;
    uint32_t seen = atomic_load(&pool->generation);
    for (;;) {
        uint32_t now = seen;
        for (int spin = 0; spin < LW_SPINS && (now = atomic_load(&pool->generation)) == seen; spin++) LW_PAUSE();
        if (now == seen) {
            pthread_mutex_lock(&pool->mutex);
            atomic_fetch_add(&pool->sleepers, 1);
            while ((now = atomic_load(&pool->generation)) == seen && !atomic_load(&pool->stopping)) {
                pthread_cond_wait(&pool->wake, &pool->mutex);
            }
            atomic_fetch_sub(&pool->sleepers, 1);
            pthread_mutex_unlock(&pool->mutex);
        }
        if (atomic_load(&pool->stopping)) return NULL;
        seen = now;
        work(pool, now);
    }
}

lw_pool *lw_pool_create(int threads) {
    lw_pool *pool = calloc(1, sizeof *pool);
    if (!pool) return NULL;
    pool->threads = threads < 1 ? 1 : threads;
    pthread_mutex_init(&pool->busy, NULL);
    pthread_mutex_init(&pool->mutex, NULL);
    pthread_cond_init(&pool->wake, NULL);
    atomic_store(&pool->cursor, (uint64_t)LW_CLOSED);
    pool->workers = calloc((size_t)pool->threads, sizeof(pthread_t));
    for (int i = 0; i + 1 < pool->threads; i++) {
        if (pthread_create(&pool->workers[i], NULL, worker_main, pool) != 0) {
            pool->threads = i + 1;
            break;
        }
    }
    return pool;
}

int lw_pool_threads(const lw_pool *pool) { return pool->threads; }

void lw_pool_run(lw_pool *pool, int64_t tasks, void (*body)(void *, int64_t), void *context) {
    if (tasks <= 0) return;
    if (tasks == 1 || pool->threads == 1 || pthread_mutex_trylock(&pool->busy) != 0) {
        for (int64_t t = 0; t < tasks; t++) body(context, t);
        return;
    }
    const uint32_t generation = atomic_load(&pool->generation) + 1;
    pool->tasks = tasks;
    pool->body = body;
    pool->context = context;
    atomic_store(&pool->finished, 0);
    atomic_store(&pool->cursor, (uint64_t)generation << 32);
    atomic_store(&pool->generation, generation);
    if (atomic_load(&pool->sleepers) > 0) {
        pthread_mutex_lock(&pool->mutex);
        pthread_cond_broadcast(&pool->wake);
        pthread_mutex_unlock(&pool->mutex);
    }
    work(pool, generation);
    while (atomic_load(&pool->finished) < tasks) LW_PAUSE();
    atomic_store(&pool->cursor, ((uint64_t)generation << 32) | LW_CLOSED);
    pthread_mutex_unlock(&pool->busy);
}
