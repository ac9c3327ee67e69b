import Foundation
import GridCore
import Testing

/// A report without a grade takes its item's default grade: the least urgent unless the list
/// marks another, never simply the first listed (E0101 lists `urgent` first).
@Suite struct DefaultGradeTests {
    static let urgent = Grade(key: "urgent", name: "紧急（在建）", limit: TimeLimit(amount: 4, unit: .workHours))
    static let general = Grade(key: "general", name: "一般", limit: TimeLimit(amount: 15, unit: .workDays))
    static let manhole = Grade(key: "urgent", name: "紧急", limit: TimeLimit(amount: 360, unit: .minutes))

    @Test func theLeastUrgentIsTheLongestLimitWhateverItsUnit() {
        #expect(Grade.leastUrgent([Self.urgent, Self.general])?.key == "general")
        #expect(Grade.leastUrgent([Self.general, Self.urgent])?.key == "general")
        let sixHours = Grade(key: "six", name: "6 小时", limit: TimeLimit(amount: 6, unit: .minutes))
        let twoDays = Grade(key: "days", name: "2 自然日", limit: TimeLimit(amount: 2, unit: .calendarDays))
        let oneWorkDay = Grade(key: "wd", name: "1 工作日", limit: TimeLimit(amount: 1, unit: .workDays))
        #expect(Grade.leastUrgent([twoDays, oneWorkDay, sixHours])?.key == "days")
        #expect(Grade.leastUrgent([Self.manhole, Self.urgent])?.key == "urgent" && Grade.leastUrgent([Self.manhole, Self.urgent])?.limit.unit == .workHours)
        #expect(Grade.leastUrgent([])?.key == nil)
        let twin = Grade(key: "twin", name: "同等", limit: Self.general.limit)
        #expect(Grade.leastUrgent([Self.general, twin])?.key == "general", "the first of equals")
    }

    @Test func anItemWithoutAMarkTakesTheLeastUrgentAndAMarkedOneKeepsItsChoice() {
        let item = CategoryEntry(code: "E0101", name: "私搭乱建", kind: .event, grades: [Self.urgent, Self.general])
        #expect(item.grade(nil)?.key == "general")
        #expect(item.defaultGrade?.key == "general")
        var chosen = item
        chosen.grades[0].isDefault = true
        #expect(chosen.grade(nil)?.key == "urgent", "the list says otherwise")
        #expect(item.grade("urgent")?.key == "urgent", "a named grade is taken as named")
    }

    @Test func theMarkTravelsAsDefaultInTheListsJSON() throws {
        var marked = CategoryEntry(code: "E0101", name: "私搭乱建", kind: .event, grades: [Self.urgent, Self.general])
        marked.grades[0].isDefault = true
        let json = String(decoding: try JSONEncoder().encode(marked.grades), as: UTF8.self)
        #expect(json.contains(#""default":true"#) && json.components(separatedBy: "default").count == 2, "\(json)")
        let decoded = try JSONDecoder().decode([Grade].self, from: Data(json.utf8))
        #expect(decoded == marked.grades)
    }

    @Test func anImportReadsTheMarkAndRefusesTwo() throws {
        let document = try json(
            #"""
            {"categories": [{"code": "E01", "name": "市容", "kind": "event"},
              {"code": "E0101", "parentCode": "E01", "name": "私搭乱建", "kind": "event",
               "grades": [{"key": "urgent", "name": "紧急", "limit": {"amount": 4, "unit": "workHours"}, "default": true},
                          {"key": "general", "name": "一般", "limit": {"amount": 15, "unit": "workDays"}}]}]}
            """#)
        let read = try CatalogPlanner.read(document)
        #expect(read.categories[1].grades.filter(\.isDefault).map(\.key) == ["urgent"])
        #expect(read.categories[1].grade(nil)?.key == "urgent")
        var twice = read.categories
        twice[1].grades = twice[1].grades.map {
            var g = $0
            g.isDefault = true
            return g
        }
        let error = try #require(thrownError { () throws(GridError) in try CatalogPlanner.plan(twice, existing: [], departmentCodes: []) })
        #expect(error.fieldErrors.map(\.code.rawValue) == ["catalog.twoDefaultGrades"], "\(error.fieldErrors)")
        #expect(error.fieldErrors.first?.message.zh.contains("urgent、general") == true)
    }
}

/// Closing a demand: its outcome, what each outcome needs, and the reply to the reporter.
@Suite struct CaseClosingTests {
    let now = Date(timeIntervalSince1970: 1_796_376_600)
    var reply: ReporterReply { ReporterReply(by: "王敏", channel: .phone, at: now.addingTimeInterval(-600), content: "已清理完毕") }

    func codes(_ body: () throws -> CaseClosing) -> [String] {
        do {
            _ = try body()
            return []
        } catch let error as GridError { return error.fieldErrors.map { "\($0.field) \($0.code)" } } catch { return ["?"] }
    }

    @Test func aDemandNeedsItsOutcomeAndTheReply() {
        #expect(
            codes {
                try CaseClosing.checked(
                    outcome: nil, explanation: nil, plannedDate: nil, referredTo: nil, reply: nil,
                    source: .hotline, state: .checkPassed, now: now)
            } == ["outcome field.required", "reply field.required"])
        let closed = try? CaseClosing.checked(
            outcome: .resolved, explanation: nil, plannedDate: nil, referredTo: nil, reply: reply,
            source: .resident, state: .checkPassed, now: now)
        #expect(closed?.outcome == .resolved && closed?.reply == reply)
        let own = try? CaseClosing.checked(
            outcome: nil, explanation: nil, plannedDate: nil, referredTo: nil, reply: nil, source: .gridWorker,
            state: .checkPassed, now: now)
        #expect(own?.outcome == .resolved, "a grid worker's own find closes as resolved")
    }

    @Test func anExplanationNeedsItsReasonAndPlannedDateAndAReferralWhom() {
        #expect(
            codes {
                try CaseClosing.checked(
                    outcome: .explained, explanation: " ", plannedDate: nil, referredTo: nil, reply: reply,
                    source: .resident, state: .handled, now: now)
            } == ["reason field.required", "plannedDate field.required"])
        #expect(
            codes {
                try CaseClosing.checked(
                    outcome: .explained, explanation: "资金未到位", plannedDate: "2027-13-01", referredTo: nil, reply: reply,
                    source: .resident, state: .handled, now: now)
            } == ["plannedDate field.format"])
        let explained = try? CaseClosing.checked(
            outcome: .explained, explanation: "资金未到位", plannedDate: "2027-03-01", referredTo: "区住建委",
            reply: reply, source: .resident, state: .handled, now: now)
        #expect(explained?.plannedDate?.description == "2027-03-01" && explained?.referredTo == nil)
        #expect(
            codes {
                try CaseClosing.checked(
                    outcome: .referred, explanation: nil, plannedDate: nil, referredTo: nil, reply: reply,
                    source: .hotline, state: .checkPassed, now: now)
            } == ["referredTo field.required"])
    }

    @Test func aResolvedCaseIsCheckedFirstAndARepliesTimeIsNotAhead() {
        #expect(
            codes {
                try CaseClosing.checked(
                    outcome: .resolved, explanation: nil, plannedDate: nil, referredTo: nil, reply: reply,
                    source: .hotline, state: .handled, now: now)
            } == ["outcome case.close.notChecked"])
        let ahead = ReporterReply(by: "王敏", channel: .sms, at: now.addingTimeInterval(3600))
        #expect(
            codes {
                try CaseClosing.checked(
                    outcome: .resolved, explanation: nil, plannedDate: nil, referredTo: nil, reply: ahead,
                    source: .hotline, state: .checkPassed, now: now)
            } == ["reply.at field.future"])
    }

    @Test func aCallBackThatReachedNobodyRecordsNothingElse() throws {
        #expect(throws: GridError.self) { try CaseCallback(contacted: false, satisfaction: .satisfied).checked() }
        #expect(try CaseCallback(contacted: true, resolved: true, satisfaction: .basicallySatisfied).checked().satisfaction == .basicallySatisfied)
        #expect(try CaseCallback(contacted: false, note: "无人接听").checked().contacted == false)
    }
}
