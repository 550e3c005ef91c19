import Foundation
import RingfenceStore

/// Where exported events go: a receiver that acknowledges a batch by returning (see
/// ``OTLPSink``, ``HECSink``). A sink that throws has not taken the batch; the export
/// sends it again later.
public protocol ExportSink: Sendable {
    /// The configured name, which keys the sink's cursor.
    var name: String { get }
    /// Delivers a batch; returns once the receiver accepted it.
    func send(_ events: [StoredEvent]) async throws
}

/// A receiver's refusal or failure, with what it said.
public struct ExportFailure: Error, CustomStringConvertible {
    public var sink: String
    public var status: Int?
    public var detail: String

    public var description: String {
        "\(sink): " + (status.map { "HTTP \($0): " } ?? "") + detail
    }
}
