import GridCore
import Testing

@testable import GridStore

/// The memo of decoded JSON columns: a hit answers what decoding the text answers, a full memo
/// starts over, and text that is not the type's JSON is refused every time.
@Suite struct DecodedJSONTests {
    static let urgent = #"[{"key":"urgent","name":"紧急","limit":{"amount":4,"unit":"workHours"}}]"#
    static let general = #"[{"key":"general","name":"一般","limit":{"amount":15,"unit":"workDays"}}]"#

    @Test func aHitIsWhatDecodingTheTextGives() throws {
        let memo = DecodedJSON<[Grade]>(capacity: 8)
        let first = try memo.decode(Self.urgent), again = try memo.decode(Self.urgent)
        #expect(first == again)
        #expect(first.map(\.key) == ["urgent"])
        #expect(first.first?.limit == TimeLimit(amount: 4, unit: .workHours))
        #expect(try memo.decode(Self.general).map(\.key) == ["general"])
    }

    @Test func aFullMemoStartsOverAndStillAnswersRight() throws {
        let memo = DecodedJSON<[Grade]>(capacity: 2)
        for amount in 1...5 {
            let text = #"[{"key":"k\#(amount)","name":"等级\#(amount)","limit":{"amount":\#(amount),"unit":"minutes"}}]"#
            #expect(try memo.decode(text).first?.limit.amount == amount)
        }
        #expect(memo.count <= 2)
        #expect(try memo.decode(Self.urgent).map(\.key) == ["urgent"])
    }

    @Test func textThatIsNotTheTypesJSONIsRefusedEachTime() {
        let memo = DecodedJSON<[Grade]>()
        #expect(throws: (any Error).self) { try memo.decode(#"{"key":"urgent"}"#) }
        #expect(throws: (any Error).self) { try memo.decode(#"{"key":"urgent"}"#) }
        #expect(memo.count == 0)
    }
}
