import PropertyBased

/// The source of randomness of a property test's input builder (random policies, hook
/// inputs): a list of numbers drawn by swift-property-based, read one by one. Because the
/// library draws — and, on a failure, shrinks — the list itself (fewer and smaller
/// numbers), a failing input shrinks to a simpler one, and the failure report shows the
/// list that reproduces it. A read past the end gives 0.
public struct Choices: Sendable, CustomStringConvertible {
    /// Lists of up to 400 choices.
    public static let generator = Gen.uint64().array(of: 0...400)

    private let values: [UInt64]
    private var position = 0

    public init(_ values: [UInt64]) {
        self.values = values
    }

    /// The choices a SplitMix64 generator makes from `seed`: replays a failure found when
    /// the tests drew seeds instead of lists.
    public init(seed: Int, count: Int = 400) {
        var state = UInt64(bitPattern: Int64(seed))
        var values: [UInt64] = []
        for _ in 0..<count {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            values.append(z ^ (z >> 31))
        }
        self.init(values)
    }

    public var description: String { "Choices(\(values))" }

    /// The next raw choice.
    public mutating func next() -> UInt64 {
        defer { position += 1 }
        return position < values.count ? values[position] : 0
    }

    /// A number in `range`.
    public mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }

    /// A number in `0..<bound`.
    public mutating func below(_ bound: Int) -> Int {
        int(0...(bound - 1))
    }

    /// True with about this probability.
    public mutating func chance(_ probability: Double) -> Bool {
        Double(next() % 10_000) < probability * 10_000
    }

    /// One of `items`.
    public mutating func pick<T>(_ items: [T]) -> T {
        items[int(0...(items.count - 1))]
    }
}
