extension AsyncSequence {
    /// Every element, in order: `try await rows.decode(String.self).collect()` — the one
    /// way this module reads a result set into an array.
    func collect() async throws -> [Element] {
        var result: [Element] = []
        for try await element in self { result.append(element) }
        return result
    }
}
