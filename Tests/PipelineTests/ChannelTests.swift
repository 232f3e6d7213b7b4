import Testing
import TestSupport
@testable import Pipeline

@Suite struct ChannelTests {
    @Test func deliversEverythingInOrderWithBackPressure() async {
        let channel = BoundedChannel<Int>(capacity: 4)
        let producer = Task {
            for i in 0..<1000 { await channel.send(i) }
            channel.finish()
        }
        var received: [Int] = []
        while let value = await channel.receive() { received.append(value) }
        await producer.value
        #expect(received == Array(0..<1000))
    }

    @Test func manyConsumersSeeEachElementOnce() async {
        let channel = BoundedChannel<Int>(capacity: 2)
        Task {
            for i in 0..<500 { await channel.send(i) }
            channel.finish()
        }
        let all = await withTaskGroup(of: [Int].self) { group in
            for _ in 0..<4 {
                group.addTask {
                    var mine: [Int] = []
                    while let v = await channel.receive() { mine.append(v) }
                    return mine
                }
            }
            var merged: [Int] = []
            for await part in group { merged += part }
            return merged
        }
        #expect(all.sorted() == Array(0..<500))
    }

    @Test func cancelWakesABlockedSender() async {
        let channel = BoundedChannel<Int>(capacity: 1)
        await channel.send(1)
        let blocked = Task { await channel.send(2) }
        channel.cancel()
        #expect(await blocked.value == false)
        #expect(await channel.receive() == nil)
    }
}
