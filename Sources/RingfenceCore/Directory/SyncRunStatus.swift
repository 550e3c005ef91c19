/// How a directory sync run ended, as `sync_runs.status` records it.
public enum SyncRunStatus: String, Sendable, Hashable, CaseIterable {
    /// Started and not finished.
    case running
    /// Its changes were written.
    case succeeded
    /// An error stopped it; nothing was written.
    case failed
    /// The deletion guard refused it; nothing was written.
    case refused
    /// `--dry-run`: computed and reported, nothing written.
    case dryRun = "dry_run"
    /// Its process stopped (killed, or cut off from its database) before it finished; the
    /// next run marks it so. Nothing of it was written.
    case abandoned
}
