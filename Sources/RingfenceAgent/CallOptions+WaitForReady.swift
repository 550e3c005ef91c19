import GRPCCore

extension CallOptions {
    /// Options of an agent's call: it waits for the connection to be ready — while the client
    /// reconnects after the replica it spoke to went away, or before the server is up —
    /// instead of failing at once; `timeout` (nil: none, for a watch lasting as long as the
    /// connection) bounds that wait and the call.
    public static func waitingForReady(timeout: Duration?) -> CallOptions {
        var options = CallOptions.defaults
        options.timeout = timeout
        options.waitForReady = true
        return options
    }
}
