/// The label of an admin token: the directory user name of the person it acts for (a
/// manager's owned groups are found by it) or an automation's name; recorded as the actor
/// of every change made with the token.
public enum AdminTokenLabel {
    /// The rule, as an error message says it.
    public static let rule = "label must be 1 to 128 letters, digits, '.', '_', '@' or '-'"

    /// Whether `label` follows ``rule``.
    public static func isValid(_ label: String) -> Bool {
        !label.isEmpty && label.count <= 128
            && label.unicodeScalars.allSatisfy {
                $0.isASCII
                    && (($0.properties.isAlphabetic) || ("0"..."9").contains($0) || ".-_@".unicodeScalars.contains($0))
            }
    }
}
