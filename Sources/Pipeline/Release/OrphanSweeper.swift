import Foundation
import Store

/// Removes what a killed build left behind: temporary shard files and shard files that were
/// renamed but never registered in the manifest. Runs only while the output lock is held.
enum OrphanSweeper {
    static func sweep(manifest: Manifest) throws {
        let registered = Set(try manifest.shards().map(\.path))
        let fm = FileManager.default
        for folder in OutputLayout.shardFolders {
            let root = manifest.directory + "/" + folder
            guard let walker = fm.enumerator(atPath: root) else { continue }
            while let relative = walker.nextObject() as? String {
                let path = "\(folder)/\(relative)"
                guard relative.hasSuffix(".tmp") || (relative.hasSuffix(".jsonl.zst") && !registered.contains(path)) else { continue }
                try? fm.removeItem(atPath: manifest.directory + "/" + path)
            }
        }
    }
}
