import Foundation
import GridAPI
import GridCore
import GridService
import NIOCore
import OpenAPIRuntime

/// The whistle (街乡吹哨、部门报到): raising it, its steps, the departments' check-ins, photos and figures.
extension APIHandler {
    func raiseWhistle(_ input: Operations.RaiseWhistle.Input) async throws -> Operations.RaiseWhistle.Output {
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        let view = try await service.raiseWhistle(
            try caller, tenantId: try tenantId,
            WhistleInput(
                caseId: body.caseId, unit: body.unit, kind: body.kind, reason: body.reason, departments: body.departments.map(WhistleMapping.departments),
                object: body.object, address: body.address, lat: body.lat, lng: body.lng, scheduledAt: body.scheduledAt, partner: body.partner))
        return .created(.init(body: .json(WhistleMapping.view(view))))
    }

    func listWhistles(_ input: Operations.ListWhistles.Input) async throws -> Operations.ListWhistles.Output {
        let page = try await service.whistles(
            try caller, tenantId: try tenantId, state: input.query.state.flatMap { WhistleState(rawValue: $0.rawValue) }, caseId: input.query.caseId,
            page: try APIMapping.page(cursor: input.query.cursor, limit: input.query.limit))
        return .ok(.init(body: .json(.init(items: page.items.map(WhistleMapping.record), nextCursor: page.nextCursor))))
    }

    func getWhistle(_ input: Operations.GetWhistle.Input) async throws -> Operations.GetWhistle.Output {
        let view = try await service.whistle(try caller, tenantId: try tenantId, id: input.path.whistleId)
        return .ok(.init(headers: .init(eTag: APIMapping.eTag(view.record.version)), body: .json(WhistleMapping.view(view))))
    }

    func actOnWhistle(_ input: Operations.ActOnWhistle.Input) async throws -> Operations.ActOnWhistle.Output {
        var body = Components.Schemas.WhistleActionInput()
        if case .json(let given)? = input.body { body = given }
        let action = WhistleAction(rawValue: input.path.action.rawValue)!
        let view = try await service.actOnWhistle(
            try caller, tenantId: try tenantId, id: input.path.whistleId, action,
            WhistleActionInput(
                reason: body.reason, departments: body.departments.map(WhistleMapping.departments), result: body.result, feedback: body.feedback,
                scores: (body.scores ?? []).map {
                    ($0.department, WhistleScore(onTime: $0.onTime, attitude: $0.attitude, result: $0.result, comment: $0.comment))
                }),
            ifVersion: try APIMapping.version(ifMatch: input.headers.ifMatch))
        return .ok(.init(headers: .init(eTag: APIMapping.eTag(view.record.version)), body: .json(WhistleMapping.view(view))))
    }

    func whistleDepartmentStep(_ input: Operations.WhistleDepartmentStep.Input) async throws -> Operations.WhistleDepartmentStep.Output {
        var body = Components.Schemas.WhistleStepInput()
        if case .json(let given)? = input.body { body = given }
        let view = try await service.whistleStep(
            try caller, tenantId: try tenantId, id: input.path.whistleId, department: input.path.department,
            SummonsStep(rawValue: input.path.step.rawValue)!,
            WhistleStepInput(
                lat: body.lat, lng: body.lng, photo: body.photo, report: body.report, photos: body.photos ?? [], reason: body.reason,
                key: input.headers.idempotencyKey))
        return .ok(.init(headers: .init(eTag: APIMapping.eTag(view.record.version)), body: .json(WhistleMapping.view(view))))
    }

    func uploadWhistlePhoto(_ input: Operations.UploadWhistlePhoto.Input) async throws -> Operations.UploadWhistlePhoto.Output {
        let (type, body): (String, HTTPBody) =
            switch input.body {
            case .jpeg(let body): ("image/jpeg", body)
            case .png(let body): ("image/png", body)
            case .imageWebp(let body): ("image/webp", body)
            }
        let meta = try await service.uploadWhistlePhoto(
            try caller, tenantId: try tenantId, id: input.path.whistleId, declaredType: type, bytes: try await Self.photoBytes(body))
        return .created(.init(body: .json(CaseMapping.attachment(meta))))
    }

    func getWhistlePhoto(_ input: Operations.GetWhistlePhoto.Input) async throws -> Operations.GetWhistlePhoto.Output {
        let (meta, data) = try await service.whistlePhoto(try caller, tenantId: try tenantId, id: input.path.whistleId, photoId: input.path.photoId)
        let body = HTTPBody(data.readableBytesView)
        let typed: Operations.GetWhistlePhoto.Output.Ok.Body =
            switch meta.contentType {
            case "image/png": .png(body)
            case "image/webp": .imageWebp(body)
            default: .jpeg(body)
            }
        return .ok(.init(body: typed))
    }

    func listJointWhistles(_ input: Operations.ListJointWhistles.Input) async throws -> Operations.ListJointWhistles.Output {
        let links = try await service.jointWhistles(try caller, tenantId: try tenantId)
        return .ok(.init(body: .json(.init(items: links.map(WhistleMapping.link)))))
    }

    func answerJointWhistle(_ input: Operations.AnswerJointWhistle.Input) async throws -> Operations.AnswerJointWhistle.Output {
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        let link = try await service.answerJointWhistle(
            try caller, tenantId: try tenantId, linkId: input.path.linkId, accept: body.accept, unit: body.unit, kind: body.kind,
            departments: body.departments.map(WhistleMapping.departments) ?? [], reason: body.reason)
        return .ok(.init(body: .json(WhistleMapping.link(link))))
    }

    func whistleFigures(_ input: Operations.WhistleFigures.Input) async throws -> Operations.WhistleFigures.Output {
        let grouping = try Self.grouping(input.query.by, default: WhistleGrouping.department)
        let result = try await service.whistleFigures(
            try caller, tenantId: try tenantId, grouping: grouping, scopeCode: input.query.scope, from: input.query.from, to: input.query.to)
        if input.query.format == .csv {
            let csv = CSVTable.render(header: WhistleFigures.csvHeader(grouping), rows: result.rows.map(WhistleFigures.csvRow), excelSafe: true)
            return .ok(.init(body: .csv(HTTPBody(csv))))
        }
        func round(_ value: Double?, _ digits: Double = 10000) -> Double? { value.map { ($0 * digits).rounded() / digits } }
        let rows = result.rows.map { f in
            Components.Schemas.WhistleFigureRow(
                code: f.code, name: f.name, whistles: f.whistles, summoned: f.summoned, expected: f.expected, checkedIn: f.checkedIn, onTime: f.onTime,
                late: f.late, absent: f.absent, far: f.far, onTimeRate: round(f.onTimeRate), meanArrivalMinutes: round(f.meanArrivalMinutes, 10),
                scored: f.scored,
                meanScores: .init(
                    onTime: round(f.meanOnTimeScore, 100), attitude: round(f.meanAttitudeScore, 100), result: round(f.meanResultScore, 100),
                    total: round(f.meanTotalScore, 100)))
        }
        return .ok(
            .init(
                body: .json(
                    .init(
                        by: .init(rawValue: grouping.rawValue)!, scope: .init(id: result.scope.id, code: result.scope.code, name: result.scope.name),
                        from: input.query.from, to: input.query.to,
                        rule: WhistleFigures.rule(limitMinutes: result.limitMinutes).localized(RequestScope.language),
                        rows: rows))))
    }
}

/// Whistles between the service's records and the REST contract's types.
enum WhistleMapping {
    static func departments(_ items: [Components.Schemas.WhistleDepartmentInput]) -> [WhistleDepartmentInput] {
        items.map { WhistleDepartmentInput(code: $0.code, task: $0.task) }
    }

    static func view(_ view: WhistleView) -> Components.Schemas.Whistle {
        var whistle = record(view.record)
        whistle.allowedActions = view.allowedActions.map { .init(rawValue: $0.rawValue)! }
        whistle.allowedSteps = view.allowedSteps.keys.sorted().map { code in
            .init(department: code, steps: (view.allowedSteps[code] ?? []).map { .init(rawValue: $0.rawValue)! })
        }
        whistle.events = view.events.map { event in
            .init(
                version: event.version, action: event.action, actor: event.actor, state: .init(rawValue: event.state.rawValue)!, at: event.at,
                payload: payload(event.payload))
        }
        whistle.photos = view.photos.map(CaseMapping.attachment)
        if let joint = view.joint {
            whistle.joint = .init(link: link(joint.link), partner: joint.partner.map(partner))
        }
        return whistle
    }

    static func payload(_ json: String) -> Components.Schemas.WhistleEvent.PayloadPayload? {
        guard let data = json.data(using: .utf8), let object = try? JSONDecoder().decode(OpenAPIObjectContainer.self, from: data),
            !object.value.isEmpty
        else { return nil }
        return .init(additionalProperties: object)
    }

    static func record(_ r: WhistleRecord) -> Components.Schemas.Whistle {
        .init(
            id: r.id, version: r.version, state: .init(rawValue: r.state.rawValue)!, stateLabel: r.state.label.localized(RequestScope.language),
            caseId: r.caseId, caseNumber: r.caseNumber, unit: .init(id: r.unitId, code: r.unitCode, name: r.unitName),
            level: r.level == .community ? .community : .street, kind: r.kind, kindName: r.kindName, reason: r.reason, object: r.object,
            address: r.address, lat: r.place?.lat, lng: r.place?.lng, scheduledAt: r.scheduledAt, limitMinutes: r.limitMinutes,
            radiusMeters: r.radiusMeters, proposed: r.proposed, createdBy: r.createdBy, createdAt: r.createdAt, whistledAt: r.whistledAt,
            acceptedAt: r.acceptedAt, declineReason: r.declineReason, withdrawReason: r.withdrawReason, closedAt: r.closedAt, result: r.result,
            evaluatedAt: r.evaluatedAt, feedback: r.feedback, fedBackAt: r.fedBackAt, departments: r.summons.map(summons), allowedActions: [],
            allowedSteps: [])
    }

    static func link(_ l: WhistleLink) -> Components.Schemas.JointWhistle {
        .init(
            id: l.id, whistleId: l.whistleId, role: .init(rawValue: l.role.rawValue)!, status: .init(rawValue: l.status.rawValue)!,
            partner: .init(code: l.partnerCode, name: l.partnerName), hostName: l.hostName, hostUnit: l.hostUnitName, kindName: l.kindName,
            object: l.object, reason: l.reason, address: l.address, lat: l.place.lat, lng: l.place.lng, scheduledAt: l.scheduledAt,
            invitedAt: l.invitedAt, answeredAt: l.answeredAt, answerReason: l.answerReason)
    }

    static func partner(_ p: JointPartnerSide) -> Components.Schemas.JointPartnerSide {
        .init(
            district: .init(code: p.district.code, name: p.district.name), state: .init(rawValue: p.state.rawValue)!, unit: p.unit,
            scheduledAt: p.scheduledAt, acceptedAt: p.acceptedAt, closedAt: p.closedAt, result: p.result,
            checkIns: p.checkIns.map { .init(department: $0.department, by: $0.by, at: $0.at, minutesLate: $0.minutesLate, far: $0.far) })
    }

    static func summons(_ s: Summons) -> Components.Schemas.Summons {
        .init(
            department: .init(id: s.departmentId, code: s.departmentCode, name: s.departmentName), status: .init(rawValue: s.status.rawValue)!,
            task: s.task, summonedAt: s.summonedAt, due: s.due, light: .init(rawValue: s.light.rawValue)!,
            checkIn: s.checkIn.map { c in
                .init(
                    at: c.at, by: c.byLogin, lat: c.point.lat, lng: c.point.lng, distanceMeters: c.distanceMeters.map { ($0 * 10).rounded() / 10 },
                    far: c.far, photo: c.photoId, minutesLate: c.minutesLate)
            }, redAt: s.redAt, releasedAt: s.releasedAt, releaseReason: s.releaseReason, checkedOutAt: s.checkedOutAt, report: s.report,
            reportPhotos: s.reportPhotos, reportedAt: s.reportedAt,
            score: s.score.map { .init(onTime: $0.onTime, attitude: $0.attitude, result: $0.result, total: $0.total, comment: $0.comment) })
    }
}
