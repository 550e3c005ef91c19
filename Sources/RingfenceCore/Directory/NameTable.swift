/// Strings stored once and named by number: the DN keys and user names of one directory
/// read, the external ids of users or groups of one sync. Numbers are dense (0, 1, …) in
/// the order strings were first added, so arrays indexed by them replace dictionaries
/// keyed by strings.
public struct NameTable: Sendable, Hashable {
    private var strings: [String] = []
    private var numbers: [String: Int32] = [:]

    public init() {}

    /// The number of `name`, adding it when new.
    public mutating func number(_ name: String) -> Int32 {
        if let number = numbers[name] { return number }
        let number = Int32(strings.count)
        strings.append(name)
        numbers[name] = number
        return number
    }

    /// The number of `name` if the table has it.
    public func existingNumber(_ name: String) -> Int32? { numbers[name] }

    public subscript(number: Int32) -> String { strings[Int(number)] }

    public var count: Int { strings.count }
}
