import GRPCCore

extension DecisionFacts.Refusal: RPCErrorConvertible {
    /// PERMISSION_DENIED: the key is valid, but not for this user (or its host is retired).
    public var rpcErrorCode: RPCError.Code { .permissionDenied }
    public var rpcErrorMessage: String { description }
}
