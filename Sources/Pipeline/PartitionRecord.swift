import Foundation
import Store

/// The part an output folder holds, kept in `<out>/partition.json` beside the manifest (no
/// schema change): written by the first build with `--part`, checked by every later build and
/// by `lwdata merge`. A folder without the file holds all items.
public enum PartitionRecord {
    public static let fileName = "partition.json"

    /// The part recorded in an output folder, nil when it holds all items.
    public static func load(directory: String) throws -> Partition? {
        let path = directory + "/" + fileName
        guard FileSystem.fileExists(path) else { return nil }
        do {
            return try JSONDecoder().decode(Partition.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw PartitionError.unreadable(path: path, message: "not a partition record (\(error))")
        }
    }

    /// Checks that a build of `requested` (nil: all items) may resume this folder and records the
    /// part on first use. A folder holding part I/N is only resumed as I/N; a folder that already
    /// holds items of a build of all items is never turned into a part.
    public static func claim(_ requested: Partition?, directory: String, folderHasItems: Bool) throws {
        let recorded = try load(directory: directory)
        guard recorded != requested else { return }
        guard recorded == nil, let requested, !folderHasItems else {
            throw PartitionError.mismatch(directory: directory, recorded: recorded, requested: requested)
        }
        let path = directory + "/" + fileName
        do {
            try JSONEncoder().encode(requested).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw PartitionError.unreadable(path: path, message: "cannot write the partition record (\(error))")
        }
    }
}
