import Crypto
import Foundation
import Testing

/// The committed generated code belongs to the committed contract: scripts/generate-openapi.sh
/// records `cat openapi.yaml openapi-generator-config.yaml | sha256sum` in openapi.sha256.
@Suite struct ContractTests {
    static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    @Test func generatedCodeIsNotStale() throws {
        let api = Self.repositoryRoot.appendingPathComponent("Sources/GridAPI")
        var bytes = try Data(contentsOf: api.appendingPathComponent("openapi.yaml"))
        bytes.append(try Data(contentsOf: api.appendingPathComponent("openapi-generator-config.yaml")))
        let digest = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        let recorded = try String(contentsOf: api.appendingPathComponent("openapi.sha256"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(digest == recorded, "openapi.yaml or its generator config changed: run scripts/generate-openapi.sh and commit the result")
    }
}
