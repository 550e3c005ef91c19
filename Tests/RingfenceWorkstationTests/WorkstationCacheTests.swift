import Foundation
import PropertyBased
import RingfenceTestSupport
import RingfenceWorkstation
import Testing

@Suite("WorkstationCache per repository")
struct WorkstationCacheTests {
    @Test("a slug becomes a file name without a path separator, and comes back unchanged")
    func fileNames() async {
        await propertyCheck(count: 300, input: Choices.generator) { values in
            var choices = Choices(values)
            let characters = Array("abcz09-_./%Ü ~:\\") + ["\u{1F600}"]
            let slug = String((0..<choices.int(1...24)).map { _ in choices.pick(characters) })
            let name = WorkstationCache.fileName(slug)
            #expect(!name.contains("/") && !name.hasPrefix(".") && name != ".." && !name.isEmpty)
            #expect(WorkstationCache.slug(fileName: name[...]) == slug, "\(slug) → \(name)")
        }
    }
}
