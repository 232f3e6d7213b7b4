import Store

extension PipelineConfig {
    /// Input files that hold no line at all (empty, or compressed empty): a build reads nothing
    /// from them, which is worth a warning since it is usually a mistake upstream. Files that
    /// cannot be read are not listed here; the build reports them.
    public func emptyInputFiles() -> [String] {
        ((try? inputFiles()) ?? []).map(\.file).filter { file in
            do { return try LineReader(path: file).next() == nil } catch { return false }
        }
    }
}
