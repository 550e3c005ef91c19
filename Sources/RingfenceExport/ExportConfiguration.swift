import Foundation

/// The `exports:` section of the configuration file (docs/exports.md): the sinks and how
/// often, how much and how late events are sent.
public struct ExportConfiguration: Sendable {
    /// One receiver.
    public struct Sink: Sendable {
        public enum Kind: Sendable, Equatable {
            /// OTLP/HTTP JSON logs.
            case otlp
            /// Splunk HEC, with Ringfence's own event or the OCSF finding.
            case hec(token: String, format: HECBatch.Format, index: String?)
        }

        public var name: String
        public var kind: Kind
        public var url: String
        /// A new sink starts with the first event ever received (else: with those received from now).
        public var fromBeginning: Bool

        public init(name: String, kind: Kind, url: String, fromBeginning: Bool) {
            self.name = name
            self.kind = kind
            self.url = url
            self.fromBeginning = fromBeginning
        }
    }

    public var sinks: [Sink]
    /// Seconds between rounds when a sink is caught up.
    public var intervalSeconds: Double = 5
    /// Events received less than this long ago wait for the next round.
    public var lagSeconds: Double = 10
    /// Events per batch.
    public var batchSize: Int = 1_000
    /// The longest wait between attempts after failures.
    public var maxBackoffSeconds: Double = 60
    /// Seconds a receiver has to answer.
    public var timeoutSeconds: Double = 30

    public init(sinks: [Sink]) {
        self.sinks = sinks
    }
}
