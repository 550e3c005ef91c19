/// How many connections the agent service holds, in total and per client address, and
/// whether one more may be let in (`server.connections`). A pure value: `ConnectionGuard`
/// keeps one under a lock and asks it on every accepted connection.
public struct ConnectionCounts: Sendable, Equatable {
    /// The caps: connections in total, and from one client address.
    public struct Limits: Sendable, Equatable {
        public var total: Int
        public var perAddress: Int

        public init(total: Int, perAddress: Int) {
            self.total = total
            self.perAddress = perAddress
        }
    }

    /// Whether a connection was let in, or which cap refused it.
    public enum Admission: String, Sendable, Equatable {
        case admitted
        /// Refused: the replica holds `Limits.total` connections.
        case totalLimit = "limit_total"
        /// Refused: the address holds `Limits.perAddress` connections.
        case addressLimit = "limit_address"
    }

    /// Connections held now.
    public private(set) var total = 0
    /// Connections held now by address (addresses with none are not kept).
    public private(set) var byAddress: [String: Int] = [:]

    public init() {}

    /// Counts a new connection from `address` when both caps allow it.
    public mutating func admit(_ address: String, limits: Limits) -> Admission {
        if total >= limits.total { return .totalLimit }
        let held = byAddress[address, default: 0]
        if held >= limits.perAddress { return .addressLimit }
        total += 1
        byAddress[address] = held + 1
        return .admitted
    }

    /// Forgets a connection that was admitted from `address` and has closed.
    public mutating func release(_ address: String) {
        guard let held = byAddress[address] else { return }
        total -= 1
        byAddress[address] = held > 1 ? held - 1 : nil
    }
}
