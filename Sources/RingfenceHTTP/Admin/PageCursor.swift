import Foundation
import RingfenceCore

/// The opaque `cursor` of the admin API's lists: the key of the last item of a page
/// (keyset pagination, never OFFSET), as base64url JSON. A cursor is not a secret and not
/// trusted: it only says where to continue, every filter and permission applies again.
enum PageCursor {
    /// The cursor that continues after `key`.
    static func encode<Key: Encodable>(_ key: Key) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(key))?.base64URLEncoded ?? ""
    }

    /// The key a cursor names; nil for none; a 400 problem for one this list did not make.
    static func decode<Key: Decodable>(_ text: String?, as type: Key.Type) throws(AdminFailure) -> Key? {
        guard let text else { return nil }
        guard text.utf8.count <= 512, let data = Data(base64URLEncoded: text),
            let key = try? JSONDecoder().decode(Key.self, from: data)
        else { throw .badRequest("cursor is not one this list returned") }
        return key
    }
}
