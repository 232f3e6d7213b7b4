import Foundation

/// Exponential backoff with full jitter, honouring `Retry-After`.
struct RetryPolicy: Sendable {
    var maxRetries: Int
    var base: Double
    var cap: Double

    /// Delay before retry number `attempt` (1-based).
    func delay(attempt: Int, retryAfter: Double?) -> Double {
        if let retryAfter { return min(max(retryAfter, 0), cap) }
        let ceiling = min(cap, base * pow(2, Double(attempt - 1)))
        return Double.random(in: 0...ceiling)
    }

    /// Parses a `Retry-After` header: delta seconds or an HTTP date.
    static func parseRetryAfter(_ value: String?) -> Double? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Double(value) { return seconds }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: value).map { max(0, $0.timeIntervalSinceNow) }
    }
}
