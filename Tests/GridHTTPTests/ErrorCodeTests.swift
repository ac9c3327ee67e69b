import Foundation
import GridAPI
import GridCore
import Hummingbird
import Testing

@testable import GridHTTP

/// The error codes are listed once, in `ErrorCode`; the contract lists the same codes with the
/// status each answers with, and the contract's generated enum accepts every one of them.
@Suite struct ErrorCodeTests {
    /// The lines of the `ErrorCode` schema in openapi.yaml as the registry says they should read.
    static var expectedSchemaLines: [String] {
        ErrorCode.allCases.map { "        - `\($0.rawValue)` \(ProblemMiddleware<BasicRequestContext>.status($0.kind).code)" }
    }

    static func schemaBlock() throws -> [String] {
        let yaml = try String(
            contentsOf: ContractTests.repositoryRoot.appendingPathComponent("Sources/GridAPI/openapi.yaml"), encoding: .utf8)
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let start = lines.firstIndex(of: "    ErrorCode:") else { return [] }
        return Array(lines[start...].dropFirst().prefix { $0.hasPrefix("      ") || $0.isEmpty })
    }

    @Test func theContractListsEveryCodeWithItsStatus() throws {
        let block = try Self.schemaBlock()
        let documented = block.filter { $0.hasPrefix("        - `") }
        let expected = Self.expectedSchemaLines
        #expect(documented == expected, "openapi.yaml's ErrorCode description should read:\n\(expected.joined(separator: "\n"))")
        let enumerated = block.filter { $0.hasPrefix("        - ") && !$0.hasPrefix("        - `") }.map { String($0.dropFirst(10)) }
        #expect(enumerated == ErrorCode.allCases.map(\.rawValue), "openapi.yaml's ErrorCode enum should list the codes of GridCore's ErrorCode in order")
    }

    @Test func everyCodeMapsToTheGeneratedEnum() {
        for code in ErrorCode.allCases {
            #expect(Components.Schemas.ErrorCode(rawValue: code.rawValue) != nil, "\(code) is missing from the contract")
        }
        #expect(Set(Components.Schemas.ErrorCode.allCases.map(\.rawValue)) == Set(ErrorCode.allCases.map(\.rawValue)))
    }

    @Test func codesAreWellFormedAndDistinct() {
        let raw = ErrorCode.allCases.map(\.rawValue)
        #expect(Set(raw).count == raw.count)
        for code in raw {
            #expect(code.range(of: #"^[a-z][a-zA-Z]*(\.[a-z][a-zA-Z]*)*$"#, options: .regularExpression) != nil, "\(code)")
        }
        #expect(raw == raw.sorted(), "keep ErrorCode sorted by raw value")
    }

    @Test func theKindDecidesTheStatus() {
        #expect(GridError(.orgUnitNotFound, Text(zh: "无", en: "none")).kind == .notFound)
        #expect(GridError(.caseVersionMismatch, Text(zh: "无", en: "none")).kind == .preconditionFailed)
        #expect(GridError(.dbUnavailable, Text(zh: "无", en: "none")).kind == .unavailable)
        #expect(ErrorCode.fieldRequired.kind == .badRequest)
    }
}
