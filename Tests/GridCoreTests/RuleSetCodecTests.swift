import Foundation
import GridCore
import Testing

/// Reading and writing routing rule documents: every syntax problem named with its place.
@Suite struct RuleSetCodecTests {
    /// The field errors of a document that must not be read.
    func readErrors(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [FieldError] {
        let document = try json(text)
        let error = try #require(
            thrownError { () throws(GridError) in try RuleSetCodec.read(document) },
            "expected the rule document to be rejected", sourceLocation: sourceLocation)
        #expect(error.code == .validationFailed, sourceLocation: sourceLocation)
        #expect(error.kind == .badRequest, sourceLocation: sourceLocation)
        return error.fieldErrors
    }

    func places(_ errors: [FieldError]) -> [String] { errors.map { "\($0.field) \($0.code)" } }

    /// The errors of a document holding one rule with `when` and a valid `then`.
    func whenErrors(_ when: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String] {
        places(
            try readErrors(
                """
                {"rules": [{"id": "ok", "name": "正常", "then": {"level": "street"}},
                           {"id": "r1", "name": "待查", "when": \(when), "then": {"level": "street"}}]}
                """, sourceLocation: sourceLocation))
    }

    /// The one rule of a document holding one rule with `when` and a valid `then`.
    func readWhen(_ when: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> RuleCondition {
        let set = try RuleSetCodec.read(try json(#"{"rules": [{"id": "r", "name": "规则", "when": \#(when), "then": {"level": "street"}}]}"#))
        return try #require(set.rules.first, sourceLocation: sourceLocation).when
    }

    static let fullDocument = """
        {"name": "朝阳区派遣规则", "description": "2026 版",
         "profiles": {
           "default": {"dispatch": {"amount": 30, "unit": "minutes"}},
           "urgent": {"dispatch": {"amount": 10, "unit": "minutes"}, "sign": {"amount": 15, "unit": "minutes"},
                      "handle": {"amount": 2, "unit": "workHours"}, "check": {"amount": 1, "unit": "workHours"}}
         },
         "rules": [
           {"id": "night-garbage", "name": "夜间暴露垃圾", "note": "夜班由街道处置",
            "when": {"categories": ["SR0101"], "areas": ["110105001"], "grades": ["urgent", "normal"],
                     "sources": ["hotline", "gridWorker"], "timeWindow": {"weekdays": [6, 7], "from": "22:00", "to": "06:30"},
                     "workingTime": false, "keywords": ["垃圾", "恶臭"]},
            "then": {"level": "street", "lead": "@territorial", "assisting": ["CGW", "ZJW"], "deadlineProfile": "urgent",
                     "whistle": true, "priority": 9}},
           {"id": "manhole", "name": "井盖", "when": {"categories": ["SS01"]}, "then": {"level": "district", "lead": "SWJ"}},
           {"id": "catch-all", "name": "兜底", "then": {"level": "community"}}
         ]}
        """

    // MARK: reading

    @Test func readsEveryConditionAndAction() throws {
        let set = try RuleSetCodec.read(try json(Self.fullDocument))
        #expect(set.rules.count == 3)
        #expect(
            set.rules[0]
                == Rule(
                    id: "night-garbage", name: "夜间暴露垃圾",
                    when: RuleCondition(
                        categories: ["SR0101"], areas: ["110105001"], grades: ["urgent", "normal"], sources: [.hotline, .gridWorker],
                        timeWindow: TimeWindow(weekdays: [6, 7], from: 22 * 60, to: 6 * 60 + 30), workingTime: false,
                        keywords: ["垃圾", "恶臭"]),
                    then: RuleAction(
                        level: .street, lead: .territorialStreet, assisting: ["CGW", "ZJW"], deadlineProfile: "urgent", whistle: true,
                        priority: 9)))
        #expect(
            set.rules[1]
                == Rule(
                    id: "manhole", name: "井盖", when: RuleCondition(categories: ["SS01"]),
                    then: RuleAction(level: .district, lead: .department("SWJ"))))
        #expect(set.rules[2] == Rule(id: "catch-all", name: "兜底", when: RuleCondition(), then: RuleAction(level: .community)))
        #expect(set.profiles["default"] == DeadlineProfile(limits: [.dispatch: TimeLimit(amount: 30, unit: .minutes)]))
        #expect(set.profiles["urgent"]?.limits.count == 4)
        #expect(set.profiles["urgent"]?.limits[.handle] == TimeLimit(amount: 2, unit: .workHours))
    }

    @Test func profileLimitsFallBackToDefaultThenBuiltIn() throws {
        let set = try RuleSetCodec.read(try json(Self.fullDocument))
        let urgent = set.limits(profile: "urgent")
        #expect(urgent[.dispatch] == TimeLimit(amount: 10, unit: .minutes))
        #expect(urgent[.handle] == TimeLimit(amount: 2, unit: .workHours))
        let plain = set.limits(profile: nil)
        #expect(plain[.dispatch] == TimeLimit(amount: 30, unit: .minutes), "the set's default profile overrides the built-in")
        #expect(plain[.sign] == TimeLimit(amount: 1, unit: .workHours), "built-in")
        #expect(plain[.check] == TimeLimit(amount: 4, unit: .workHours), "built-in")
        #expect(plain[.handle] == nil, "handling comes from the item's grade")
        #expect(set.limits(profile: "missing") == plain)
        #expect(RuleSet.empty.limits(profile: nil) == DeadlineProfile.builtIn.limits)
    }

    @Test func writeThenReadIsTheIdentity() throws {
        let set = try RuleSetCodec.read(try json(Self.fullDocument))
        let written = RuleSetCodec.write(set)
        #expect(try RuleSetCodec.read(written) == set)
        // And through JSON text, as stored.
        let text = String(decoding: try JSONEncoder().encode(written), as: UTF8.self)
        #expect(try RuleSetCodec.read(try json(text)) == set)
        #expect(RuleSetCodec.write(try RuleSetCodec.read(written)) == written)
    }

    @Test func writeLeavesDefaultsOut() throws {
        let set = RuleSet(rules: [
            Rule(
                id: "a", name: "甲", when: RuleCondition(timeWindow: TimeWindow(weekdays: [1])),
                then: RuleAction(level: .street))
        ])
        let rule = try #require(RuleSetCodec.write(set)["rules"]?.array?.first)
        #expect(rule["then"] == .object(["level": .string("street")]))
        #expect(rule["when"] == .object(["timeWindow": .object(["weekdays": .array([.number(1)])])]))
        #expect(try RuleSetCodec.read(RuleSetCodec.write(set)) == set)
    }

    @Test func timesAreWrittenAsHHMM() throws {
        let window = TimeWindow(from: 5, to: 24 * 60)
        let set = RuleSet(rules: [Rule(id: "a", name: "甲", when: RuleCondition(timeWindow: window), then: RuleAction(level: .street))])
        let written = RuleSetCodec.write(set)
        #expect(written["rules"]?.array?.first?["when"]?["timeWindow"] == .object(["from": .string("00:05"), "to": .string("24:00")]))
        #expect(try RuleSetCodec.read(written) == set)
    }

    @Test func readsTheTerritorialLeadAndDepartments() throws {
        let set = try RuleSetCodec.read(
            try json(
                """
                {"rules": [{"id": "a", "name": "属地", "then": {"level": "street", "lead": "@territorial"}},
                           {"id": "b", "name": "城管委", "then": {"level": "district", "lead": "CGW"}},
                           {"id": "c", "name": "不指定", "then": {"level": "community", "lead": null}}]}
                """))
        #expect(set.rules.map(\.then.lead) == [.territorialStreet, .department("CGW"), nil])
        #expect(LeadTarget.territorialStreet.token == "@territorial")
        #expect(LeadTarget.department("CGW").token == "CGW")
    }

    @Test func timeWindowsIncludingMidnightWrap() throws {
        #expect(try readWhen(#"{"timeWindow": {"from": "18:00", "to": "08:00"}}"#).timeWindow == TimeWindow(from: 1080, to: 480))
        #expect(try readWhen(#"{"timeWindow": {"from": "00:00", "to": "24:00"}}"#).timeWindow == TimeWindow(from: 0, to: 1440))
        #expect(try readWhen(#"{"timeWindow": {"weekdays": [7, 6, 6]}}"#).timeWindow == TimeWindow(weekdays: [6, 7]))
        #expect(try readWhen(#"{"timeWindow": {}}"#).timeWindow == TimeWindow())
        #expect(try readWhen(#"{}"#) == RuleCondition())
    }

    // MARK: syntax errors name their place

    @Test func conditionListErrorsNameTheElement() throws {
        #expect(try whenErrors(#"{"grades": ["urgent", 3]}"#) == ["rules[1].when.grades[1] field.type"])
        #expect(try whenErrors(#"{"categories": ["SR01", ""]}"#) == ["rules[1].when.categories[1] field.type"])
        #expect(try whenErrors(#"{"areas": [null]}"#) == ["rules[1].when.areas[0] field.type"])
        #expect(try whenErrors(#"{"keywords": ["垃圾", ["恶臭"]]}"#) == ["rules[1].when.keywords[1] field.type"])
        #expect(try whenErrors(#"{"sources": ["hotline", "wechat"]}"#) == ["rules[1].when.sources[1] field.unknownValue"])
        #expect(try whenErrors(#"{"grades": "urgent"}"#) == ["rules[1].when.grades field.type"])
        #expect(try whenErrors(#"{"workingTime": "yes"}"#) == ["rules[1].when.workingTime field.type"])
        #expect(try whenErrors(#"{"category": ["SR01"]}"#) == ["rules[1].when.category field.unknown"])
        #expect(try whenErrors(#"["SR01"]"#) == ["rules[1].when field.notObject"])
    }

    @Test func tooLongListElementsAreRejected() throws {
        let long = String(repeating: "垃", count: 51)
        #expect(try whenErrors("{\"keywords\": [\"\(long)\"]}") == ["rules[1].when.keywords[0] field.type"])
        _ = try readWhen("{\"keywords\": [\"\(long.dropLast())\"]}")
    }

    @Test func emptyListsAreRejected() throws {
        for key in ["categories", "areas", "grades", "sources", "keywords"] {
            let errors = try whenErrors("{\"\(key)\": []}")
            #expect(errors == ["rules[1].when.\(key) rules.emptyList"], "\(key)")
        }
    }

    @Test func timeWindowErrorsNameTheirPlace() throws {
        #expect(
            try whenErrors(#"{"timeWindow": {"weekdays": [1, 8, 0, "6", 2.5]}}"#) == [
                "rules[1].when.timeWindow.weekdays[1] rules.weekday", "rules[1].when.timeWindow.weekdays[2] rules.weekday",
                "rules[1].when.timeWindow.weekdays[3] rules.weekday", "rules[1].when.timeWindow.weekdays[4] rules.weekday",
            ])
        #expect(try whenErrors(#"{"timeWindow": {"weekdays": "6,7"}}"#) == ["rules[1].when.timeWindow.weekdays field.type"])
        #expect(try whenErrors(#"{"timeWindow": {"from": "8:00", "to": "18:00"}}"#) == ["rules[1].when.timeWindow.from rules.time"])
        #expect(try whenErrors(#"{"timeWindow": {"from": "08:00", "to": "24:01"}}"#) == ["rules[1].when.timeWindow.to rules.time"])
        #expect(try whenErrors(#"{"timeWindow": {"from": "08:60", "to": "18:00"}}"#) == ["rules[1].when.timeWindow.from rules.time"])
        #expect(try whenErrors(#"{"timeWindow": {"from": "+8:00", "to": "18:00"}}"#) == ["rules[1].when.timeWindow.from rules.time"])
        #expect(try whenErrors(#"{"timeWindow": {"from": "08:00", "to": "-0:30"}}"#) == ["rules[1].when.timeWindow.to rules.time"])
        #expect(try whenErrors(#"{"timeWindow": {"from": "08:00"}}"#) == ["rules[1].when.timeWindow.to rules.timeWindow.half"])
        #expect(try whenErrors(#"{"timeWindow": {"to": "08:00"}}"#) == ["rules[1].when.timeWindow.from rules.timeWindow.half"])
        #expect(try whenErrors(#"{"timeWindow": {"from": "08:00", "to": "08:00"}}"#) == ["rules[1].when.timeWindow.to rules.timeWindow.empty"])
        #expect(try whenErrors(#"{"timeWindow": {"from": "08:00", "to": "18:00", "tz": "+8"}}"#) == ["rules[1].when.timeWindow.tz field.unknown"])
        #expect(try whenErrors(#"{"timeWindow": "night"}"#) == ["rules[1].when.timeWindow field.notObject"])
    }

    @Test func ruleAndActionErrorsNameTheirPlace() throws {
        let errors = try readErrors(
            """
            {"rules": [
              {"id": "ok", "name": "正常", "then": {"level": "street"}},
              {"id": "bad id!", "name": "坏编号", "then": {"level": "street"}},
              {"name": "无编号", "then": {"level": "city", "priority": 10, "whistle": "yes", "assisting": ["CGW", 7], "colour": 1}},
              {"id": "no-then", "name": "无处置"},
              {"id": "x", "when": {}, "then": {"lead": "CGW"}, "else": {}},
              "规则"
            ]}
            """)
        #expect(
            places(errors) == [
                "rules[1].id rules.badId",
                "rules[2].id field.required",
                "rules[2].then.colour field.unknown",
                "rules[2].then.level field.unknownValue",
                "rules[2].then.assisting[1] field.type",
                "rules[2].then.whistle field.type",
                "rules[2].then.priority field.range",
                "rules[3].then field.notObject",
                "rules[4].else field.unknown",
                "rules[4].name field.required",
                "rules[4].then.level field.required",
                "rules[5] field.notObject",
            ])
    }

    @Test func profileErrorsNameTheirPlace() throws {
        let errors = try readErrors(
            """
            {"profiles": {"urgent": {"handle": {"amount": 2}, "review": {"amount": 1, "unit": "workDays"}},
                          "slow": "3 days",
                          "night": {"sign": {"amount": 1, "unit": "fortnights"}}},
             "rules": []}
            """)
        #expect(
            places(errors) == [
                "profiles.night.sign.unit field.unknownValue",
                "profiles.slow field.notObject",
                "profiles.urgent.review field.unknown",
                "profiles.urgent.handle.unit limit.unitMissing",
            ])
        #expect(places(try readErrors(#"{"profiles": [], "rules": []}"#)) == ["$.profiles field.type"])
    }

    @Test func documentShapeErrors() throws {
        #expect(places(try readErrors("[]")) == ["$ field.notObject"])
        #expect(places(try readErrors(#"{"name": "规则"}"#)) == ["rules rules.noRules"])
        #expect(places(try readErrors(#"{"rules": {}, "version": 1}"#)) == ["$.version field.unknown", "rules rules.noRules"])
        let rule = try json(#"{"id": "a", "name": "甲", "then": {"level": "street"}}"#)
        let tooMany = thrownError { () throws(GridError) in try RuleSetCodec.read(.object(["rules": .array(Array(repeating: rule, count: 5001))])) }
        #expect(tooMany.map { places($0.fieldErrors) } == ["rules rules.tooMany"])
        #expect(try RuleSetCodec.read(.object(["rules": .array(Array(repeating: rule, count: 5000))])).rules.count == 5000)
        #expect(try RuleSetCodec.read(try json(#"{"rules": []}"#)) == RuleSet.empty)
    }

    @Test func errorsAreCollectedAcrossRulesUpToTheMaximum() throws {
        let bad = (0..<150).map { _ in #"{"name": "无编号", "then": {"level": "street"}}"# }.joined(separator: ",")
        let errors = try readErrors("{\"rules\": [\(bad)]}")
        #expect(errors.count == OrgPlanner.maxErrors)
        #expect(errors.first?.field == "rules[0].id")
        #expect(errors.last?.field == "rules[99].id")
    }

    @Test func ruleIdsMayHoldDotsDashesAndUnderscores() throws {
        let set = try RuleSetCodec.read(try json(#"{"rules": [{"id": "v2.night_garbage-1", "name": "甲", "then": {"level": "street"}}]}"#))
        #expect(set.rules.first?.id == "v2.night_garbage-1")
        let tooLong = String(repeating: "a", count: 65)
        #expect(
            places(try readErrors("{\"rules\": [{\"id\": \"\(tooLong)\", \"name\": \"甲\", \"then\": {\"level\": \"street\"}}]}"))
                == ["rules[0].id field.tooLong"])
    }
}
