import Foundation

/// Limits requests in flight, requests per minute and tokens per minute.
actor RateLimiter {
    private let concurrency: Int
    private let requestsPerMinute: Int
    private let tokensPerMinute: Int
    private var inFlight = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []
    private var recent: [(time: Date, tokens: Int)] = []

    init(concurrency: Int, requestsPerMinute: Int, tokensPerMinute: Int) {
        self.concurrency = max(1, concurrency)
        self.requestsPerMinute = requestsPerMinute
        self.tokensPerMinute = tokensPerMinute
    }

    /// Waits for a slot and for the per-minute budgets; call `release()` when done.
    func acquire(tokens: Int) async {
        while inFlight >= concurrency {
            await withCheckedContinuation { waiters.append($0) }
        }
        inFlight += 1
        while true {
            let now = Date()
            recent.removeAll { now.timeIntervalSince($0.time) >= 60 }
            let requestsOK = requestsPerMinute <= 0 || recent.count < requestsPerMinute
            let used = recent.reduce(0) { $0 + $1.tokens }
            let tokensOK = tokensPerMinute <= 0 || used + tokens <= tokensPerMinute || recent.isEmpty
            if requestsOK && tokensOK { break }
            let wait = max(0.05, 60 - now.timeIntervalSince(recent.first?.time ?? now))
            try? await Task.sleep(nanoseconds: UInt64(min(wait, 5) * 1e9))
        }
        recent.append((Date(), tokens))
    }

    func release() {
        inFlight -= 1
        if !waiters.isEmpty { waiters.removeFirst().resume() }
    }
}
