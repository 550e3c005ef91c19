import Foundation
import RingfenceAdapters
import RingfenceProto

extension NativeFile {
    /// The wire form of a managed file rendered for `agent`.
    func proto(agent: AgentKind) -> Ringfence_V1_NativeConfigFile {
        var wire = Ringfence_V1_NativeConfigFile()
        wire.agentKind = agent.rawValue
        wire.name = name
        wire.content = Data(content.utf8)
        wire.sha256 = sha256
        return wire
    }
}
