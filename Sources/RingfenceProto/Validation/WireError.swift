import GRPCCore

/// A request field that breaks the protocol's rules (docs/protocol.md): which field, and
/// why. Thrown by the pure validation functions in this folder; reaches the caller as
/// INVALID_ARGUMENT with the text `"<field> <problem>"`, through `RPCErrorConvertible`, so
/// no handler maps it by hand.
public struct WireError: Error, Sendable, Equatable, CustomStringConvertible, RPCErrorConvertible {
    /// The field's path as in the .proto files (`inventory.mcp_servers.endpoint`).
    public var field: String
    /// What is wrong with it (`is empty`, `is longer than 2048 bytes`).
    public var problem: String

    public init(field: String, problem: String) {
        self.field = field
        self.problem = problem
    }

    public var description: String { "\(field) \(problem)" }
    public var rpcErrorCode: RPCError.Code { .invalidArgument }
    public var rpcErrorMessage: String { description }
}
