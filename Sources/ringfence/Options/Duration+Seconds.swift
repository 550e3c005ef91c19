/// A `Duration` as fractional seconds, for printing and for latency arithmetic.
extension Duration {
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
