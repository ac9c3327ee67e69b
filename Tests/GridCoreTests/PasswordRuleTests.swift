import GridCore
import Testing

/// The password rule is what bcrypt reads: at most 72 bytes of UTF-8 and nothing after a NUL, so
/// a password is accepted only when every byte of it counts.
@Suite struct PasswordRuleTests {
    @Test func aPasswordOfEightToSeventyTwoBytesIsAccepted() {
        #expect(Users.passwordProblem("abcdefgh") == nil, "8 bytes")
        #expect(Users.passwordProblem(String(repeating: "x", count: 72)) == nil, "72 bytes")
        #expect(Users.passwordProblem("网格化治理") == nil, "5 characters are 15 bytes")
        #expect(Users.passwordProblem(String(repeating: "网", count: 24)) == nil, "24 characters are 72 bytes")
    }

    @Test func theLengthIsCountedInBytesAndNamedInTheMessage() throws {
        let short = try #require(Users.passwordProblem("abcdefg"))
        #expect(short.en.contains("7") && short.zh.contains("7"), "\(short)")
        #expect(Users.passwordProblem("网格") != nil, "2 characters are 6 bytes")

        let long = try #require(Users.passwordProblem(String(repeating: "x", count: 73)))
        #expect(long.en.contains("73") && long.zh.contains("73"), "\(long)")
        // 25 characters, but 75 bytes: bcrypt would ignore the last three.
        let wide = try #require(Users.passwordProblem(String(repeating: "网", count: 25)))
        #expect(wide.en.contains("75") && wide.zh.contains("75"), "\(wide)")
        #expect(wide.en.contains("72") && wide.en.contains("bytes"), "\(wide)")
    }

    @Test func aPasswordWithANulIsRefused() throws {
        // bcrypt stops at the NUL: "Z" alone would log in.
        let problem = try #require(Users.passwordProblem("Z\u{0}bcdefghijk"))
        #expect(problem.en.contains("NUL") && problem.zh.contains("NUL"), "\(problem)")
        #expect(problem.en.contains("byte 2"), "the position of the NUL: \(problem)")
        #expect(Users.passwordProblem("abcdefghijk\u{0}") != nil)
    }
}
