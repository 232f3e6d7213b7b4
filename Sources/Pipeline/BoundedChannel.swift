import Foundation

/// A bounded multi-producer multi-consumer channel between stages: `send` waits while it is
/// full (back-pressure), `receive` waits while it is empty and returns nil once it is finished
/// and drained. `cancel` wakes everybody: pending and later sends fail, receives end.
public final class BoundedChannel<Element: Sendable>: @unchecked Sendable {
    // @unchecked: the buffer, flags and waiters are guarded by `lock`.
    private let capacity: Int
    private let lock = NSLock()
    private var buffer: [Element] = []
    private var head = 0
    private var finished = false
    private var cancelled = false
    private var sent = 0
    private var senders: [(Element, CheckedContinuation<Bool, Never>)] = []
    private var receivers: [CheckedContinuation<Element?, Never>] = []

    public init(capacity: Int) { self.capacity = max(1, capacity) }

    private var count: Int { buffer.count - head }

    /// Elements accepted by `send` so far: once the channel is finished, what its receivers were given.
    public var sentCount: Int { lock.withLock { sent } }

    /// Whether the sender finished the channel (not cancelled): `sentCount` is then final.
    public var isFinished: Bool { lock.withLock { finished && !cancelled } }

    /// Sends an element; false when the channel was cancelled.
    @discardableResult
    public func send(_ element: Element) async -> Bool {
        await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            lock.lock()
            if cancelled || finished { lock.unlock(); continuation.resume(returning: false); return }
            sent += 1
            if !receivers.isEmpty {
                let receiver = receivers.removeFirst()
                lock.unlock()
                receiver.resume(returning: element)
                continuation.resume(returning: true)
            } else if count < capacity {
                buffer.append(element)
                lock.unlock()
                continuation.resume(returning: true)
            } else {
                senders.append((element, continuation))
                lock.unlock()
            }
        }
    }

    /// The next element, or nil when finished and drained (or cancelled).
    public func receive() async -> Element? {
        await withCheckedContinuation { (continuation: CheckedContinuation<Element?, Never>) in
            lock.lock()
            if cancelled { lock.unlock(); continuation.resume(returning: nil); return }
            if count > 0 {
                let element = buffer[head]
                head += 1
                if head > 1024 && head * 2 > buffer.count { buffer.removeFirst(head); head = 0 }
                var wake: CheckedContinuation<Bool, Never>?
                if !senders.isEmpty {
                    let (pending, sender) = senders.removeFirst()
                    buffer.append(pending)
                    wake = sender
                }
                lock.unlock()
                wake?.resume(returning: true)
                continuation.resume(returning: element)
            } else if !senders.isEmpty {
                let (pending, sender) = senders.removeFirst()
                lock.unlock()
                sender.resume(returning: true)
                continuation.resume(returning: pending)
            } else if finished {
                lock.unlock()
                continuation.resume(returning: nil)
            } else {
                receivers.append(continuation)
                lock.unlock()
            }
        }
    }

    /// No more sends: receivers drain what is buffered, then get nil.
    public func finish() {
        lock.lock()
        finished = true
        let waiting = senders.isEmpty ? receivers : []
        if senders.isEmpty { receivers = [] }
        lock.unlock()
        waiting.forEach { $0.resume(returning: nil) }
    }

    /// Drops everything and wakes all waiters.
    public func cancel() {
        lock.lock()
        cancelled = true
        let waitingSenders = senders
        let waitingReceivers = receivers
        senders = []
        receivers = []
        buffer = []
        head = 0
        lock.unlock()
        waitingSenders.forEach { $0.1.resume(returning: false) }
        waitingReceivers.forEach { $0.resume(returning: nil) }
    }
}
