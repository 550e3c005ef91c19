import Foundation
import Logging
import NIOCore
import PostgresNIO

/// The policy signing key every replica shares (`policy_signing_keys`).
public struct SigningKeyStore: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(client: PostgresClient, logger: Logger = Logger(label: "ringfence.signing-key.store")) {
        self.client = client
        self.logger = logger
    }

    /// The stored private key (32 raw bytes); when there is none yet, `candidate` is
    /// stored and returned. Replicas starting together agree: the first insert wins.
    public func key(storingIfAbsent candidate: [UInt8]) async throws -> [UInt8] {
        try await client.query(
            """
            INSERT INTO policy_signing_keys (id, private_key) VALUES (1, \(ByteBuffer(bytes: candidate)))
            ON CONFLICT (id) DO NOTHING
            """, logger: logger)
        let rows = try await client.query("SELECT private_key FROM policy_signing_keys WHERE id = 1", logger: logger)
        for try await buffer in rows.decode(ByteBuffer.self) { return Array(buffer.readableBytesView) }
        throw PostgresStoreError("the policy signing key was not stored")
    }
}
