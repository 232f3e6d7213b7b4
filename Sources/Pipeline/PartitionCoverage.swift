/// Checks that the folders given to `lwdata merge` hold the parts of one partition: all or none
/// partitioned, the same number of parts, each part once, none missing.
public enum PartitionCoverage {
    /// `parts` are the folders with the part each holds (nil: all items).
    public static func check(_ parts: [(directory: String, part: Partition?)]) throws {
        let partitioned = parts.filter { $0.part != nil }
        guard !partitioned.isEmpty else { return }
        if let whole = parts.first(where: { $0.part == nil }) {
            throw PartitionError.coverage("\(whole.directory) holds all items while \(partitioned[0].directory) holds part \(partitioned[0].part!); merge the parts of one partition")
        }
        let count = partitioned[0].part!.count
        var holders: [Int: String] = [:]
        for (directory, part) in partitioned {
            guard part!.count == count else {
                throw PartitionError.coverage("\(directory) holds part \(part!) but \(partitioned[0].directory) holds part \(partitioned[0].part!)")
            }
            if let other = holders[part!.index] {
                throw PartitionError.coverage("\(other) and \(directory) both hold part \(part!)")
            }
            holders[part!.index] = directory
        }
        let missing = (1...count).filter { holders[$0] == nil }
        guard missing.isEmpty else {
            throw PartitionError.coverage("part(s) " + missing.map { "\($0)/\(count)" }.joined(separator: ", ")
                                          + " missing; merging without them would lose their items")
        }
    }
}
