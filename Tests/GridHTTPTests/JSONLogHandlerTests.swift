import Foundation
import Logging
import Testing

@testable import GridHTTP

@Suite struct JSONLogHandlerTests {
    @Test func aLineIsOneJSONObjectWithEscapesMetadataAndChineseKept() throws {
        var handler = JSONLogHandler(label: "gridgov")
        handler.metadata = ["tenant": "HD", "requestId": "r-1"]
        let event = LogEvent(
            level: .warning, message: "退回 \"案件\"\n\\ tab\t bell\u{7}", metadata: ["requestId": "r-2", "ms": "1.5"],
            source: "GridHTTP", file: #fileID, function: #function, line: #line)
        let line = handler.render(event, at: Date(timeIntervalSince1970: 0))
        #expect(line.hasSuffix("}\n"))
        #expect(line.filter { $0 == "\n" }.count == 1, "one line per event")
        #expect(line.contains("退回"), "Chinese is written as is, not as \\u escapes")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(
            object == [
                "time": "1970-01-01T00:00:00.000Z", "level": "warning", "label": "gridgov", "message": "退回 \"案件\"\n\\ tab\t bell\u{7}",
                "tenant": "HD", "requestId": "r-2", "ms": "1.5",
            ])
    }
}
