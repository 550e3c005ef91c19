/// Why migrations could not be loaded or applied. Each case reads as a sentence an
/// operator can act on.
public enum MigrationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A migration file is not named `NNN_name.sql`.
    case badFileName(String)
    /// Two files share a version number.
    case duplicateVersion(Int, String, String)
    /// A file or folder could not be read.
    case unreadable(String, String)
    /// A file that was applied earlier has been edited since (name, recorded, now).
    case editedAfterApply(name: String, recorded: String, current: String)
    /// The database records a migration this build does not know (a newer build ran).
    case unknownApplied(version: Int, name: String)
    /// A statement of a migration failed; nothing of that migration was kept.
    case statementFailed(name: String, statement: Int, message: String)

    public var description: String {
        switch self {
        case .badFileName(let name):
            "migration file '\(name)' is not named NNN_name.sql"
        case .duplicateVersion(let version, let first, let second):
            "migrations '\(first)' and '\(second)' share version \(version)"
        case .unreadable(let path, let why):
            "cannot read migrations at \(path): \(why)"
        case .editedAfterApply(let name, let recorded, let current):
            "migration \(name) was edited after it was applied (recorded checksum \(recorded.prefix(12))…, file now \(current.prefix(12))…); restore the file and add a new migration instead"
        case .unknownApplied(let version, let name):
            "the database has migration \(version) (\(name)) that this build does not ship; use a newer ringfence"
        case .statementFailed(let name, let statement, let message):
            "migration \(name) failed at statement \(statement) and was rolled back: \(message)"
        }
    }
}
