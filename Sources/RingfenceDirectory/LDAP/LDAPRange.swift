/// Ranged retrieval of a large multi-valued attribute (Active Directory,
/// [MS-ADTS] 3.1.1.3.1.3.3): a server that holds more values than its `MaxValRange`
/// answers `member;range=0-1499` with the first values, and the client asks for
/// `member;range=1500-*` (or the next fixed range) until a range ends in `*`.
///
/// Pure: parses the option and says what to ask next.
public struct LDAPRange: Sendable, Equatable {
    /// The attribute without its range option (`member`).
    public var attribute: String
    /// First value's index.
    public var low: Int
    /// Last value's index; nil for `*` (the last range).
    public var high: Int?

    public init(attribute: String, low: Int, high: Int?) {
        self.attribute = attribute
        self.low = low
        self.high = high
    }

    /// Parses `member;range=0-1499` (any case, other options kept in `attribute`); nil when
    /// the name has no range option.
    public init?(_ name: String) {
        let parts = name.split(separator: ";", omittingEmptySubsequences: false)
        guard parts.count >= 2,
            let index = parts.firstIndex(where: { $0.lowercased().hasPrefix("range=") }), index > 0
        else { return nil }
        let bounds = parts[index].dropFirst("range=".count).split(separator: "-", omittingEmptySubsequences: false)
        guard bounds.count == 2, let low = Int(bounds[0]), low >= 0 else { return nil }
        var rest = parts
        rest.remove(at: index)
        guard !rest[0].isEmpty else { return nil }
        attribute = rest.joined(separator: ";")
        self.low = low
        if bounds[1] == "*" {
            high = nil
        } else {
            guard let high = Int(bounds[1]), high >= low - 1 else { return nil }
            self.high = high
        }
    }

    /// The attribute to ask for next (nil when this was the last range): the next `size`
    /// values, or all that remain when `size` is nil.
    public func next(size: Int?) -> String? {
        guard let high else { return nil }
        let start = high + 1
        return size.map { "\(attribute);range=\(start)-\(start + $0 - 1)" } ?? "\(attribute);range=\(start)-*"
    }
}
