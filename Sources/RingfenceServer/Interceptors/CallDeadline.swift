/// The deadline a client set on a call, from its `grpc-timeout` header (gRPC over HTTP/2:
/// up to 8 digits and a unit, `H` hours, `M` minutes, `S` seconds, `m` milliseconds, `u`
/// microseconds, `n` nanoseconds).
public enum CallDeadline {
    /// The timeout a `grpc-timeout` value gives; nil when malformed.
    public static func parse(_ value: String) -> Duration? {
        guard let unit = value.last, value.count >= 2, value.count <= 9,
            let amount = Int64(value.dropLast()), amount >= 0
        else { return nil }
        switch unit {
        case "H": return .seconds(amount * 3_600)
        case "M": return .seconds(amount * 60)
        case "S": return .seconds(amount)
        case "m": return .milliseconds(amount)
        case "u": return .microseconds(amount)
        case "n": return .nanoseconds(amount)
        default: return nil
        }
    }
}
