import Foundation

/// What a host states about itself when it enrols.
public struct HostIdentity: Sendable, Equatable {
    public var machineID: String
    public var hostname: String
    public var os: String
    public var osVersion: String
    public var arch: String
    public var installerVersion: String

    public init(
        machineID: String, hostname: String, os: String = "", osVersion: String = "", arch: String = "",
        installerVersion: String = ""
    ) {
        self.machineID = machineID
        self.hostname = hostname
        self.os = os
        self.osVersion = osVersion
        self.arch = arch
        self.installerVersion = installerVersion
    }
}
