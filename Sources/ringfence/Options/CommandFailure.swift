import ArgumentParser
import Foundation
import RingfenceFiles
import RingfenceStore

/// How a command that failed while running ends: its message on standard error (never
/// followed by the usage, which is for mistakes on the command line) and its exit status.
///
/// Exit statuses (docs/operations.md, "Exit statuses"):
/// - 0 — success;
/// - 1 — the command failed (a server, the database or LDAP refused or was unreachable,
///   a policy file or expectation failed, the user declined);
/// - 2 — `health`: the server is unreachable; `hook`: unreadable input with a surface that fails closed;
/// - 3 — `sync`: refused by the deletion guard;
/// - 4 — `sync`: another sync is running (a replica's schedule or another `sync`);
/// - 64 — the command line is wrong (unknown flag, bad value, missing or conflicting options);
/// - 78 — the configuration file is wrong (every problem listed with file and line).
struct CommandFailure {
    /// EX_CONFIG of sysexits(3): a service manager should not restart a server for it.
    static let configurationExitCode: Int32 = 78
    /// `sync`: another run holds the sync run lock; trying again later is right.
    static let syncBusyExitCode: Int32 = 4

    var message: String
    var exitCode: Int32

    init(_ error: any Error, message: String) {
        self.message = message
        switch error {
        case let exit as ExitCode:
            self.exitCode = exit.rawValue
            self.message = ""
        case is DirectoryStore.SyncBusy:
            self.exitCode = Self.syncBusyExitCode
        case is ConfigurationError:
            self.exitCode = Self.configurationExitCode
        case is ValidationError:
            self.exitCode = ExitCode.validationFailure.rawValue
        default:
            self.exitCode = ExitCode.failure.rawValue
        }
    }
}
