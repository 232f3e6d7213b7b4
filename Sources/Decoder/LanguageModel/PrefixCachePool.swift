import Foundation

/// KV caches of recent sequences, kept so that a new prompt sharing a prefix with an earlier
/// one (the same few-shot prompt, or the same text so far one step later) skips recomputing it.
final class PrefixCachePool: @unchecked Sendable {
    // @unchecked: the pool of finished caches is guarded by `lock`.
    private struct Entry {
        var tokens: [Int32]
        var cache: KVCache
    }

    private let lock = NSLock()
    private var entries: [Entry] = []
    private let limit: Int

    init(limit: Int) { self.limit = limit }

    /// The cache whose stored tokens share the longest prefix with `prompt` (at least
    /// `minimumReuse` tokens, always leaving one prompt token to run), truncated to that prefix;
    /// nil when none is worth reusing. The cache is taken out of the pool.
    func take(for prompt: [Int32], minimumReuse: Int = 16) -> (cache: KVCache, reused: Int)? {
        lock.withLock {
            var best: (index: Int, length: Int)?
            for (i, entry) in entries.enumerated() {
                let limit = min(entry.cache.count, prompt.count - 1, entry.tokens.count)
                var n = 0
                while n < limit && entry.tokens[n] == prompt[n] { n += 1 }
                if n >= minimumReuse && n > (best?.length ?? 0) { best = (i, n) }
            }
            guard let best else { return nil }
            let entry = entries.remove(at: best.index)
            entry.cache.truncate(to: best.length)
            return (entry.cache, best.length)
        }
    }

    /// Returns a cache holding `tokens`, evicting the oldest beyond the limit.
    func put(_ cache: KVCache, tokens: [Int32]) {
        guard limit > 0 else { return }
        lock.withLock {
            entries.append(Entry(tokens: Array(tokens.prefix(cache.count)), cache: cache))
            if entries.count > limit { entries.removeFirst(entries.count - limit) }
        }
    }
}
