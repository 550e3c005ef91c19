import RingfenceCore

extension Ringfence_V1_EnrollRequest {
    /// What the enrolling host states about itself, checked against `WireLimits`. The
    /// enrolment token is checked by the server (it is a credential, not data).
    public func validatedHost() throws(WireError) -> HostIdentity {
        try WireText.check(host.machineID, "host.machine_id", limit: WireLimits.machineID, required: true)
        try WireText.check(host.hostname, "host.hostname", limit: WireLimits.hostname, required: true)
        try WireText.check(host.os, "host.os", limit: WireLimits.os)
        try WireText.check(host.osVersion, "host.os_version", limit: WireLimits.osVersion)
        try WireText.check(host.arch, "host.arch", limit: WireLimits.arch)
        try WireText.check(installerVersion, "installer_version", limit: WireLimits.installerVersion)
        return HostIdentity(
            machineID: host.machineID, hostname: host.hostname, os: host.os, osVersion: host.osVersion,
            arch: host.arch, installerVersion: installerVersion)
    }
}
