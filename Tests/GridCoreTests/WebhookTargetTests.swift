import Foundation
import GridCore
import Testing

/// Where webhooks may go: addresses read right, internal ranges refused unless allowed, and a
/// failing endpoint's breaker.
@Suite struct WebhookTargetTests {
    @Test func addressesReadInBothFamilies() {
        #expect(IPAddress("10.1.2.3") == .v4(0x0A01_0203))
        #expect(IPAddress("[::1]") == .v6(Array(repeating: 0, count: 15) + [1]))
        #expect(IPAddress("fe80::1%eth0")?.description == "fe80:0:0:0:0:0:0:1")
        #expect(IPAddress("::ffff:127.0.0.1")?.embeddedV4 == 0x7F00_0001)
        #expect(IPAddress("64:ff9b::a9fe:a9fe")?.embeddedV4 == 0xA9FE_A9FE)
        for bad in ["256.1.1.1", "1.2.3", "1.2.3.4.5", "example.org", "1::2::3", "12345::", "", "01.2.3.4x"] {
            #expect(IPAddress(bad) == nil, "\(bad)")
        }
        #expect(IPNetwork("10.20.0.0/16")?.contains(IPAddress("10.20.255.1")!) == true)
        #expect(IPNetwork("10.20.0.0/16")?.contains(IPAddress("10.21.0.1")!) == false)
        #expect(IPNetwork("fc00::/7")?.contains(IPAddress("fd00:ec2::254")!) == true)
        #expect(IPNetwork("10.0.0.0/33") == nil)
    }

    @Test(arguments: [
        ("127.0.0.1", "loopback"), ("10.9.8.7", "private"), ("172.20.0.1", "private"), ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local (cloud metadata)"), ("100.64.0.1", "shared (carrier NAT)"), ("0.0.0.0", "this network"),
        ("::1", "loopback"), ("::", "unspecified"), ("fd00:ec2::254", "unique local (private)"), ("fe80::1", "link-local"),
        ("::ffff:10.0.0.1", "private"), ("64:ff9b::7f00:1", "loopback"), ("224.0.0.1", "multicast"),
    ])
    func internalAddressesAreRefused(address: String, what: String) throws {
        #expect(WebhookTarget.refusedRange(of: try #require(IPAddress(address))) == what)
    }

    @Test func publicAddressesPassAndTheAllowListOpensInternalOnes() throws {
        for address in ["8.8.8.8", "114.114.114.114", "2001:db8::1", "172.32.0.1"] {
            #expect(WebhookTarget.refusedRange(of: try #require(IPAddress(address))) == nil, "\(address)")
        }
        let crm = try #require(IPAddress("10.20.1.5"))
        #expect(WebhookTarget.problem(host: "crm.local", addresses: [crm], allowList: [])?.en.contains("10.20.1.5") == true)
        #expect(WebhookTarget.problem(host: "crm.local", addresses: [crm], allowList: ["10.20.0.0/16"]) == nil)
        #expect(WebhookTarget.problem(host: "crm.local", addresses: [crm], allowList: ["CRM.local"]) == nil)
        #expect(WebhookTarget.problem(host: "crm.local", addresses: [crm], allowList: ["10.21.0.0/16", "other.local"]) != nil)
        // One internal address among public ones is enough to refuse the host.
        #expect(WebhookTarget.problem(host: "mixed.example", addresses: [IPAddress("8.8.8.8")!, IPAddress("127.0.0.1")!], allowList: []) != nil)
        #expect(WebhookTarget.problem(host: "nowhere.invalid", addresses: [], allowList: [])?.en.contains("does not resolve") == true)
    }

    @Test func allowListEntriesAreHostsAddressesOrNetworks() {
        for good in ["crm.district.local", "10.20.0.0/16", "192.168.3.4", "fd00::/8", "localhost"] {
            #expect(WebhookTarget.allowListProblem(good) == nil, "\(good)")
        }
        for bad in ["10.0.0.0/40", "http://crm.local", "crm..local", "-crm.local", "有中文.local", "a b"] {
            #expect(WebhookTarget.allowListProblem(bad) != nil, "\(bad)")
        }
    }

    @Test func theBreakerOpensAfterFailuresLetsOneTrialThroughAndClosesOnSuccess() {
        var breaker = CircuitBreaker()
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        for i in 0..<CircuitBreaker.threshold {
            do {
                let admitted = breaker.admit(at: start)
                #expect(admitted, "closed before failure \(i + 1)")
            }
            breaker.record(success: false, at: start)
        }
        do {
            let admitted = breaker.admit(at: start.addingTimeInterval(29))
            #expect(!admitted, "open for its cool-off")
        }
        do {
            let admitted = breaker.admit(at: start.addingTimeInterval(30))
            #expect(admitted, "one trial after the cool-off")
        }
        do {
            let admitted = breaker.admit(at: start.addingTimeInterval(31))
            #expect(!admitted, "the others wait for the trial")
        }
        breaker.record(success: false, at: start.addingTimeInterval(31))
        #expect(breaker.coolOff == 60, "each failure past the threshold doubles the cool-off")
        do {
            let admitted = breaker.admit(at: start.addingTimeInterval(90))
            #expect(!admitted)
        }
        do {
            let admitted = breaker.admit(at: start.addingTimeInterval(91))
            #expect(admitted)
        }
        breaker.record(success: true, at: start.addingTimeInterval(91))
        #expect(breaker.openUntil == nil && breaker.failures == 0)
        do {
            let admitted = breaker.admit(at: start.addingTimeInterval(92))
            #expect(admitted)
        }
        for _ in 0..<30 { breaker.record(success: false, at: start) }
        #expect(breaker.coolOff == 600, "at most ten minutes")
    }
}
