/// How long a sink waits after `failures` failed attempts in a row: 1 s, 2 s, 4 s, … up to
/// `maximum`, each with up to a quarter added at random so replicas and sinks do not retry
/// in step. Pure (the random fraction is given).
public enum ExportBackoff {
    public static func delay(failures: Int, maximum: Double, jitter: Double) -> Double {
        guard failures > 0 else { return 0 }
        let base = min(maximum, Double(1 << min(failures - 1, 30)))
        return min(maximum, base * (1 + 0.25 * min(max(jitter, 0), 1)))
    }
}
