/// The "retry in …" part of a rate-limit refusal, in a unit a person can act on: whole
/// milliseconds below ten seconds (never "0.00 s": a wait that rounds to nothing is 1 ms),
/// whole seconds above.
public enum RetryAfter {
    public static func text(seconds: Double) -> String {
        if seconds < 10 {
            let milliseconds = max(1, Int((seconds * 1_000).rounded(.up)))
            return "retry in \(milliseconds) ms"
        }
        return "retry in \(Int(seconds.rounded(.up))) s"
    }
}
