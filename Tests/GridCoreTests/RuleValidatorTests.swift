import Foundation
import GridCore
import Testing

/// Checking a rule set against the district's problem list, org units and departments before it is published.
@Suite struct RuleValidatorTests {
    typealias F = RoutingFixtures

    func validate(_ rules: [Rule], profiles: [String: DeadlineProfile] = [:]) -> RuleSetReport {
        RuleValidator.validate(RuleSet(rules: rules, profiles: profiles), against: F.vocabulary)
    }

    func places(_ errors: [FieldError]) -> [String] { errors.map { "\($0.field) \($0.code)" } }

    /// The warnings of a rule set that must have no errors.
    func warnings(_ rules: [Rule], sourceLocation: SourceLocation = #_sourceLocation) -> [String] {
        let report = validate(rules)
        #expect(report.errors.isEmpty, "unexpected errors \(places(report.errors))", sourceLocation: sourceLocation)
        #expect(report.isPublishable, sourceLocation: sourceLocation)
        return places(report.warnings)
    }

    // MARK: errors

    @Test func aSoundRuleSetHasNoErrorsOrWarnings() {
        let report = validate(
            [
                F.rule(
                    "manhole", RuleCondition(categories: ["SS01"], grades: ["urgent"]), level: .district, lead: .department("SWJ"),
                    assisting: ["CGW"], profile: "urgent"),
                F.rule("night", RuleCondition(categories: ["SR01"], areas: [F.jianwai], workingTime: false), lead: .territorialStreet),
                F.rule("hotline", RuleCondition(categories: ["SR02"], sources: [.hotline]), lead: .department("SJJ")),
            ], profiles: ["urgent": DeadlineProfile(limits: [.dispatch: TimeLimit(amount: 10, unit: .minutes)])])
        #expect(report.errors.isEmpty)
        #expect(report.warnings.isEmpty)
        #expect(report.isPublishable)
    }

    @Test func unknownCategoriesAndAreasAreNamedByPosition() throws {
        let report = validate([
            F.rule("a", RuleCondition(categories: ["SR01", "XX99"], areas: [F.jianwai, "110105009", F.grid]))
        ])
        try #require(places(report.errors) == ["rules[0].when.categories[1] category.unknown", "rules[0].when.areas[1] org.unit.unknown"])
        #expect(report.errors[0].message.zh.contains("XX99"))
        #expect(!report.isPublishable)
    }

    @Test func unknownDepartmentsAreErrorsButTheTerritorialStreetIsNot() throws {
        let report = validate([
            F.rule("a", lead: .department("GAJ")),
            F.rule("b", RuleCondition(categories: ["SR"]), lead: .territorialStreet, assisting: ["CGW", "WSJ", "JTW"]),
        ])
        try #require(places(report.errors) == ["rules[0].then.lead department.unknown", "rules[1].then.assisting[1] department.unknown"])
        #expect(report.errors[0].message.en.contains("@territorial"), "the message says how to name the street")
    }

    @Test func unknownProfilesAreErrors() throws {
        let profiles = ["urgent": DeadlineProfile(limits: [.sign: TimeLimit(amount: 15, unit: .minutes)])]
        let report = validate(
            [
                F.rule("a", RuleCondition(categories: ["SS01"]), profile: "urgnet"),
                F.rule("b", RuleCondition(categories: ["SR"]), profile: "urgent"),
            ], profiles: profiles)
        try #require(places(report.errors) == ["rules[0].then.deadlineProfile rules.unknownProfile"])
        #expect(report.errors[0].message.en.contains("urgent"), "the defined profiles are listed")
    }

    @Test func gradesMustBeGradesOfTheRulesItems() {
        // 井盖 offers only "urgent".
        #expect(
            places(validate([F.rule("a", RuleCondition(categories: ["SS01"], grades: ["normal", "urgent"]))]).errors)
                == ["rules[0].when.grades grade.unknown"])
        // 市容环境 offers the grades of all its items.
        #expect(validate([F.rule("a", RuleCondition(categories: ["SR"], grades: ["normal", "urgent", "severe"]))]).errors.isEmpty)
        // 环境卫生 does not offer "severe" (only 占道经营 under 街面秩序 does).
        let report = validate([F.rule("a", RuleCondition(categories: ["SR01"], grades: ["severe", "critical"]))])
        #expect(places(report.errors) == ["rules[0].when.grades grade.unknown", "rules[0].when.grades grade.unknown"])
        #expect(report.errors.map { $0.message.en.contains("'critical'") } == [true, false])
        // Without categories any grade of the list is known, and only those.
        #expect(validate([F.rule("a", RuleCondition(grades: ["severe"]))]).errors.isEmpty)
        #expect(places(validate([F.rule("a", RuleCondition(grades: ["紧急"]))]).errors) == ["rules[0].when.grades grade.unknown"])
    }

    @Test func duplicateIdsAreErrors() throws {
        let report = validate([
            F.rule("a", RuleCondition(categories: ["SS01"])), F.rule("b", RuleCondition(categories: ["SR02"])),
            F.rule("a", RuleCondition(categories: ["SR01"])),
        ])
        try #require(places(report.errors) == ["rules[2].id rules.duplicateId"])
        #expect(report.errors[0].message.en.contains("rules[0]"))
    }

    @Test func errorsHoldBackWarnings() {
        let report = validate([F.rule("all"), F.rule("shadowed", RuleCondition(categories: ["SR"]), lead: .department("NOPE"))])
        #expect(places(report.errors) == ["rules[1].then.lead department.unknown"])
        #expect(report.warnings.isEmpty)
    }

    // MARK: shadowed rules

    @Test func aRuleAfterACatchAllIsShadowed() {
        let result = warnings([F.rule("all"), F.rule("manhole", RuleCondition(categories: ["SS01"]), level: .district)])
        #expect(result == ["rules[1] rules.rule.shadowed"])
        let report = validate([F.rule("all"), F.rule("manhole", RuleCondition(categories: ["SS01"]))])
        #expect(report.warnings.first?.message.en.contains("'all'") == true)
        #expect(report.warnings.first?.message.zh.contains("manhole") == true)
    }

    @Test func aRuleWithinAnEarlierRulesReachIsShadowedWhateverItsAction() {
        let shadowing: [(RuleCondition, RuleCondition)] = [
            (RuleCondition(categories: ["SR"]), RuleCondition(categories: ["SR0101"])),
            (RuleCondition(categories: ["SR01", "SS"]), RuleCondition(categories: ["SS01", "SR0102"])),
            (RuleCondition(areas: [F.jianwai]), RuleCondition(areas: [F.grid])),
            (RuleCondition(grades: ["normal", "urgent"]), RuleCondition(grades: ["urgent"])),
            (RuleCondition(sources: [.hotline, .resident]), RuleCondition(sources: [.resident])),
            (RuleCondition(keywords: ["垃圾"]), RuleCondition(keywords: ["暴露垃圾", "垃圾桶"])),
            (RuleCondition(workingTime: false), RuleCondition(categories: ["SR"], workingTime: false)),
            (RuleCondition(timeWindow: TimeWindow(from: 1320, to: 360)), RuleCondition(sources: [.camera], timeWindow: TimeWindow(from: 1320, to: 360))),
            (RuleCondition(categories: ["SR"], sources: [.hotline]), RuleCondition(categories: ["SR01"], areas: [F.jianwai], sources: [.hotline])),
        ]
        for (k, (earlier, later)) in shadowing.enumerated() {
            for lead in [LeadTarget.department("CGW"), .department("SWJ")] {
                #expect(warnings([F.rule("a", earlier), F.rule("b", later, lead: lead)]) == ["rules[1] rules.rule.shadowed"], "case \(k)")
            }
        }
    }

    @Test func aRuleNotFullyWithinTheEarlierOneIsNotShadowed() {
        let notShadowing: [(RuleCondition, RuleCondition)] = [
            (RuleCondition(categories: ["SR01"]), RuleCondition(categories: ["SR0101", "SR0201"])),
            (RuleCondition(areas: [F.jianwai]), RuleCondition(areas: [F.grid, F.jishikou])),
            (RuleCondition(grades: ["urgent"]), RuleCondition(grades: ["urgent", "normal"])),
            (RuleCondition(grades: ["urgent"]), RuleCondition()),
            (RuleCondition(sources: [.resident]), RuleCondition(sources: [.resident, .camera])),
            (RuleCondition(keywords: ["暴露垃圾"]), RuleCondition(keywords: ["垃圾"])),
            (RuleCondition(workingTime: true), RuleCondition(categories: ["SR"])),
            (RuleCondition(timeWindow: TimeWindow(from: 1320, to: 360)), RuleCondition(timeWindow: TimeWindow(from: 1380, to: 300))),
        ]
        for (k, (earlier, later)) in notShadowing.enumerated() {
            // Same action, so no overlap warning either.
            #expect(warnings([F.rule("a", earlier), F.rule("b", later)]) == [], "case \(k)")
        }
    }

    @Test func aShadowedRuleIsReportedOnceAgainstTheFirstRuleThatCoversIt() throws {
        let report = validate([
            F.rule("sr", RuleCondition(categories: ["SR"])), F.rule("sr01", RuleCondition(categories: ["SR01"])),
            F.rule("sr0101", RuleCondition(categories: ["SR0101"])),
        ])
        try #require(places(report.warnings) == ["rules[1] rules.rule.shadowed", "rules[2] rules.rule.shadowed"])
        #expect(report.warnings[1].message.en.contains("'sr' (rules[0])"))
    }

    // MARK: overlapping rules

    @Test func aPartialOverlapWithADifferentActionIsAWarning() {
        let overlapping: [(RuleCondition, RuleCondition)] = [
            (RuleCondition(categories: ["SR01"]), RuleCondition(sources: [.hotline])),
            (RuleCondition(categories: ["SR01"], sources: [.hotline]), RuleCondition(categories: ["SR"], grades: ["urgent"])),
            (RuleCondition(areas: [F.jianwai]), RuleCondition(categories: ["SS01"], areas: [F.grid, F.jishikou])),
            (RuleCondition(grades: ["urgent", "normal"]), RuleCondition(grades: ["urgent", "severe"])),
            (RuleCondition(workingTime: true), RuleCondition(keywords: ["井盖"])),
        ]
        for (k, (earlier, later)) in overlapping.enumerated() {
            #expect(warnings([F.rule("a", earlier), F.rule("b", later, level: .district)]) == ["rules[1] rules.rule.overlaps"], "case \(k)")
            #expect(warnings([F.rule("a", earlier), F.rule("b", later, lead: .department("SWJ"))]) == ["rules[1] rules.rule.overlaps"], "case \(k)")
            #expect(warnings([F.rule("a", earlier), F.rule("b", later, whistle: true)]) == ["rules[1] rules.rule.overlaps"], "case \(k)")
            // The same action where both match: nothing to warn about.
            #expect(warnings([F.rule("a", earlier), F.rule("b", later)]) == [], "case \(k)")
        }
        let report = validate([F.rule("a", RuleCondition(categories: ["SR01"])), F.rule("b", RuleCondition(sources: [.hotline]), priority: 5)])
        #expect(report.warnings.first?.message.en.contains("'a' wins") == true)
    }

    @Test func disjointRulesDoNotOverlap() {
        let disjoint: [(RuleCondition, RuleCondition)] = [
            (RuleCondition(categories: ["SR01"]), RuleCondition(categories: ["SR02", "SS"])),
            (RuleCondition(areas: [F.jianwai]), RuleCondition(areas: [F.chaowai])),
            (RuleCondition(grades: ["urgent"]), RuleCondition(grades: ["normal"])),
            (RuleCondition(sources: [.hotline]), RuleCondition(sources: [.camera, .resident])),
            (RuleCondition(workingTime: true), RuleCondition(workingTime: false)),
        ]
        for (k, (earlier, later)) in disjoint.enumerated() {
            #expect(warnings([F.rule("a", earlier), F.rule("b", later, level: .district, lead: .territorialStreet)]) == [], "case \(k)")
        }
    }

    @Test func aSpecificRuleBeforeAGeneralOneIsNotAWarning() {
        let specificFirst: [(RuleCondition, RuleCondition)] = [
            (RuleCondition(categories: ["SR0101"]), RuleCondition(categories: ["SR"])),
            (RuleCondition(areas: [F.grid]), RuleCondition(areas: [F.jianwai])),
            (RuleCondition(categories: ["SS01"], grades: ["urgent"]), RuleCondition()),
            (RuleCondition(sources: [.hotline]), RuleCondition(sources: [.hotline, .leader])),
            (RuleCondition(keywords: ["暴露垃圾"]), RuleCondition(keywords: ["垃圾"])),
            (RuleCondition(categories: ["SR01"], workingTime: false), RuleCondition(categories: ["SR"])),
        ]
        for (k, (specific, general)) in specificFirst.enumerated() {
            #expect(warnings([F.rule("specific", specific, level: .district, whistle: true), F.rule("general", general)]) == [], "case \(k)")
            // The other way round, the specific rule can never apply.
            #expect(
                warnings([F.rule("general", general), F.rule("specific", specific, level: .district, whistle: true)])
                    == ["rules[1] rules.rule.shadowed"], "case \(k) reversed")
        }
    }

    @Test func warningsNameEveryEarlierRuleTheyOverlap() throws {
        let rules = [
            F.rule("sanitation", RuleCondition(categories: ["SR01"]), level: .community),
            F.rule("jianwai", RuleCondition(areas: [F.jianwai]), lead: .territorialStreet),
            F.rule("hotline", RuleCondition(sources: [.hotline]), level: .district),
        ]
        let report = validate(rules)
        try #require(places(report.warnings) == ["rules[1] rules.rule.overlaps", "rules[2] rules.rule.overlaps", "rules[2] rules.rule.overlaps"])
        #expect(report.warnings[1].message.en.contains("'sanitation'"))
        #expect(report.warnings[2].message.en.contains("'jianwai'"))
    }

    @Test func validatesADecodedDocument() throws {
        let set = try RuleSetCodec.read(
            try json(
                """
                {"profiles": {"urgent": {"dispatch": {"amount": 10, "unit": "minutes"}}},
                 "rules": [
                   {"id": "manhole", "name": "井盖紧急", "when": {"categories": ["SS01"], "grades": ["urgent"]},
                    "then": {"level": "district", "lead": "SWJ", "deadlineProfile": "urgent", "whistle": true}},
                   {"id": "garbage", "name": "暴露垃圾", "when": {"categories": ["SR0101"]}, "then": {"level": "community", "lead": "@territorial"}},
                   {"id": "garbage-night", "name": "夜间暴露垃圾", "when": {"categories": ["SR0101"], "workingTime": false},
                    "then": {"level": "street", "lead": "CGW"}}
                 ]}
                """))
        let report = RuleValidator.validate(set, against: F.vocabulary)
        #expect(report.errors.isEmpty)
        #expect(places(report.warnings) == ["rules[2] rules.rule.shadowed"])
    }
}
