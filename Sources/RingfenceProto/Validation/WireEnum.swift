import SwiftProtobuf

/// Wording for enum fields that are unset or hold a value this server does not know (a
/// newer client, or garbage): "verdict is not set" and "unknown verdict 99" say different
/// things, and only the second means "upgrade the server or fix the client".
public enum WireEnum {
    /// Why `field` holding `value` could not be mapped: unset (0) or unknown (its number).
    public static func problem(_ field: String, _ value: some SwiftProtobuf.Enum) -> String {
        value.rawValue == 0 ? "\(field) is not set" : "unknown \(field) \(value.rawValue)"
    }
}
