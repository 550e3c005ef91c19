/// Makes paths absolute: `~`, `~/…`, `$HOME` and `${HOME}` from the home directory (when
/// known), relative ones from the working directory; other paths starting with `~` or `$`
/// are left as written. Shared by the files of shell commands and the paths in agents'
/// tool inputs.
struct PathResolver: Sendable {
    var workingDirectory: String
    var home: String

    init(workingDirectory: String, home: String) {
        self.workingDirectory = workingDirectory.hasSuffix("/") ? String(workingDirectory.dropLast()) : workingDirectory
        self.home = home.hasSuffix("/") ? String(home.dropLast()) : home
    }

    func absolute(_ path: String) -> String {
        if !home.isEmpty {
            if path == "~" || path == "$HOME" || path == "${HOME}" { return home }
            for prefix in ["~/", "$HOME/", "${HOME}/"] where path.hasPrefix(prefix) {
                return home + "/" + path.dropFirst(prefix.count)
            }
        }
        if path.hasPrefix("/") || path.hasPrefix("~") || path.hasPrefix("$") || workingDirectory.isEmpty { return path }
        let relative = path.hasPrefix("./") ? String(path.dropFirst(2)) : path
        return workingDirectory + "/" + relative
    }
}
