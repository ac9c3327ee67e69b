import Foundation
import GridAPI
import GridCore
import GridService
import NIOCore
import OpenAPIRuntime

/// The case operations of openapi.yaml: intake, reading, history and workflow actions.
extension APIHandler {
    func createCase(_ input: Operations.CreateCase.Input) async throws -> Operations.CreateCase.Output {
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        let caller = try caller
        let intake = CaseIntake(
            category: body.category, grade: body.grade, description: body.description, lat: body.lat, lng: body.lng, address: body.address, grid: body.grid,
            source: body.source.flatMap { CaseSource(rawValue: $0.rawValue) } ?? Self.defaultSource(caller), reporterName: body.reporterName,
            reporterPhone: body.reporterPhone)
        let result = try await service.takeIn(caller, tenantId: try tenantId, intake, idempotencyKey: input.headers.idempotencyKey)
        return .created(
            .init(
                headers: .init(eTag: APIMapping.eTag(result.view.record.version)),
                body: .json(.init(_case: CaseMapping.view(result.view), duplicates: result.duplicates.map(CaseMapping.nearby), replayed: result.replayed))))
    }

    /// Where a report comes from when the body does not say: a grid worker's own report, a
    /// liaison's department, otherwise the hotline desk.
    static func defaultSource(_ caller: Caller) -> CaseSource {
        let roles = Set(caller.principal?.bindings.map(\.role) ?? [])
        if roles.contains(.gridWorker) { return .gridWorker }
        if roles.contains(.departmentLiaison) { return .department }
        return .hotline
    }

    func listCases(_ input: Operations.ListCases.Input) async throws -> Operations.ListCases.Output {
        let q = input.query
        let filter = CaseListFilter(
            queue: q.queue.flatMap { CaseQueue(rawValue: $0.rawValue) }, state: q.state.flatMap { CaseState(rawValue: $0.rawValue) }, category: q.category,
            grade: q.grade, department: q.department, scope: q.scope, light: q.light.flatMap { TrafficLight(rawValue: $0.rawValue) }, from: q.from, to: q.to)
        let page = try await service.cases(try caller, tenantId: try tenantId, filter, page: try APIMapping.page(cursor: q.cursor, limit: q.limit))
        return .ok(.init(body: .json(.init(items: page.items.map(CaseMapping.summary), nextCursor: page.nextCursor))))
    }

    func exportCases(_ input: Operations.ExportCases.Input) async throws -> Operations.ExportCases.Output {
        let stream = try await service.exportCases(
            try caller, tenantId: try tenantId, scopeCode: input.query.scope, from: input.query.from, to: input.query.to)
        return .ok(.init(body: .csv(HTTPBody(stream, length: .unknown, iterationBehavior: .single))))
    }

    func listNotifications(_ input: Operations.ListNotifications.Input) async throws -> Operations.ListNotifications.Output {
        let page = try await service.notifications(
            try caller, tenantId: try tenantId, unread: input.query.unread ?? false,
            page: try APIMapping.page(cursor: input.query.cursor, limit: input.query.limit))
        return .ok(
            .init(
                body: .json(
                    .init(
                        items: page.items.map {
                            .init(
                                id: $0.id, caseId: $0.caseId, whistleId: $0.whistleId, kind: $0.kind, message: $0.message, createdAt: $0.createdAt,
                                readAt: $0.readAt)
                        }, nextCursor: page.nextCursor))))
    }

    func markNotificationRead(_ input: Operations.MarkNotificationRead.Input) async throws -> Operations.MarkNotificationRead.Output {
        try await service.markNotificationRead(try caller, tenantId: try tenantId, id: input.path.id)
        return .noContent(.init())
    }

    func markAllNotificationsRead(_ input: Operations.MarkAllNotificationsRead.Input) async throws -> Operations.MarkAllNotificationsRead.Output {
        let marked = try await service.markAllNotificationsRead(try caller, tenantId: try tenantId, upTo: input.query.upTo)
        return .ok(.init(body: .json(.init(marked: marked))))
    }

    func raiseOrder(_ input: Operations.RaiseOrder.Input) async throws -> Operations.RaiseOrder.Output {
        let body =
            switch input.body {
            case .json(let body): body
            }
        let view = try await service.raiseOrder(
            try caller, tenantId: try tenantId, caseId: input.path.caseId, reason: body.reason,
            limit: body.limit.map { TimeLimit(amount: $0.amount, unit: LimitUnit(rawValue: $0.unit.rawValue)!) })
        return .created(.init(body: .json(CaseMapping.view(view))))
    }

    func recordCallback(_ input: Operations.RecordCallback.Input) async throws -> Operations.RecordCallback.Output {
        let body =
            switch input.body {
            case .json(let body): body
            }
        let view = try await service.recordCallback(
            try caller, tenantId: try tenantId, caseId: input.path.caseId,
            CaseCallback(
                contacted: body.contacted, resolved: body.resolved, satisfaction: body.satisfaction.flatMap { CaseRating(rawValue: $0.rawValue) },
                note: body.note))
        return .created(.init(body: .json(CaseMapping.view(view))))
    }

    func demandFigures(_ input: Operations.DemandFigures.Input) async throws -> Operations.DemandFigures.Output {
        let f = try await service.demandFigures(try caller, tenantId: try tenantId, from: input.query.from, to: input.query.to)
        return .ok(
            .init(
                body: .json(
                    .init(
                        received: f.received, open: f.open, closed: f.closed, resolved: f.resolved, explained: f.explained,
                        referred: f.referred, replied: f.replied, calledBack: f.calledBack, contacted: f.contacted,
                        confirmedResolved: f.confirmedResolved, satisfied: f.satisfied,
                        basicallySatisfied: f.basicallySatisfied, dissatisfied: f.dissatisfied))))
    }

    func ladderFigures(_ input: Operations.LadderFigures.Input) async throws -> Operations.LadderFigures.Output {
        let grouping = try Self.grouping(input.query.by, default: LadderGrouping.street)
        let result = try await service.ladderFigures(
            try caller, tenantId: try tenantId, grouping: grouping, scopeCode: input.query.scope, from: input.query.from, to: input.query.to)
        if input.query.format == .csv {
            let csv = CSVTable.render(
                header: LadderFigures.csvHeader(result.ladder), rows: result.rows.map { LadderFigures.csvRow($0, result.ladder) }, excelSafe: true)
            return .ok(.init(body: .csv(HTTPBody(csv))))
        }
        return .ok(.init(body: .json(CaseMapping.figures(result))))
    }

    /// A figure's grouping (`by`), its default when none is given; an unknown one is 400 naming the allowed.
    static func grouping<G: RawRepresentable & CaseIterable>(_ by: String?, default fallback: G) throws -> G where G.RawValue == String {
        guard let by else { return fallback }
        guard let grouping = G(rawValue: by) else {
            let allowed = G.allCases.map(\.rawValue).joined(separator: ", ")
            throw GridError.invalid([
                FieldError("by", .statsBadGroup, Text(zh: "分组“\(by)”无效（可选：\(allowed)）", en: "grouping '\(by)' is not one of: \(allowed)"))
            ])
        }
        return grouping
    }

    func replyToOrder(_ input: Operations.ReplyToOrder.Input) async throws -> Operations.ReplyToOrder.Output {
        let body =
            switch input.body {
            case .json(let body): body
            }
        let view = try await service.replyToOrder(try caller, tenantId: try tenantId, caseId: input.path.caseId, orderId: input.path.orderId, reply: body.reply)
        return .ok(.init(body: .json(CaseMapping.view(view))))
    }

    func getCase(_ input: Operations.GetCase.Input) async throws -> Operations.GetCase.Output {
        let view = try await service.caseView(try caller, tenantId: try tenantId, id: input.path.caseId)
        return .ok(.init(headers: .init(eTag: APIMapping.eTag(view.record.version)), body: .json(CaseMapping.view(view))))
    }

    func listCaseEvents(_ input: Operations.ListCaseEvents.Input) async throws -> Operations.ListCaseEvents.Output {
        let (_, events) = try await service.caseEvents(try caller, tenantId: try tenantId, id: input.path.caseId)
        return .ok(.init(body: .json(.init(items: try events.map(CaseMapping.event)))))
    }

    func actOnCase(_ input: Operations.ActOnCase.Input) async throws -> Operations.ActOnCase.Output {
        var body = Components.Schemas.CaseActionInput()
        if case .json(let given)? = input.body { body = given }
        let action = CaseAction(rawValue: input.path.action.rawValue)!
        let actionInput = CaseActionInput(
            reason: body.reason, note: body.note,
            extensionLimit: body.extensionLimit.map { TimeLimit(amount: $0.amount, unit: LimitUnit(rawValue: $0.unit.rawValue)!) },
            rating: body.rating.flatMap { CaseRating(rawValue: $0.rawValue) }, mergeInto: body.mergeInto, category: body.category, grade: body.grade,
            department: body.department, outcome: body.outcome.flatMap { DemandOutcome(rawValue: $0.rawValue) }, plannedDate: body.plannedDate,
            referredTo: body.referredTo,
            reply: body.reply.map { ReporterReply(by: $0.by, channel: ReplyChannel(rawValue: $0.channel.rawValue)!, at: $0.at, content: $0.content) },
            level: body.level.map { LadderLevel(rawValue: $0.rawValue)! }, reasonKind: body.reasonKind.map { HandUpReason(rawValue: $0.rawValue)! },
            tried: body.tried, photos: body.photos)
        let view = try await service.act(
            try caller, tenantId: try tenantId, caseId: input.path.caseId, action, actionInput,
            ifVersion: try APIMapping.version(ifMatch: input.headers.ifMatch))
        return .ok(.init(headers: .init(eTag: APIMapping.eTag(view.record.version)), body: .json(CaseMapping.view(view))))
    }
}

/// Cases between the service's records and the REST contract's types.
enum CaseMapping {
    static func view(_ view: CaseView) -> Components.Schemas.Case {
        let r = view.record
        return Components.Schemas.Case(
            id: r.id, number: r.number, state: state(r.state), stateLabel: r.state.label.localized(RequestScope.language), version: r.version,
            source: Components.Schemas.CaseSource(rawValue: r.source.rawValue)!,
            category: r.categoryCode.map { Components.Schemas.CategoryRef(code: $0, name: r.categoryName ?? $0) }, grade: r.grade,
            description: r.description, address: r.address, lat: r.lat, lng: r.lng, grid: .init(id: r.gridId, code: r.gridCode, name: r.gridName),
            reporterName: r.reporterName, reporterPhone: r.reporterPhone, reportedBy: r.reportedBy, level: r.level.map(APIMapping.level),
            leadDepartment: r.leadDepartmentId.map { .init(id: $0, code: r.leadDepartmentCode ?? "", name: r.leadDepartmentName ?? "") },
            ruleSet: r.ruleSetNumber, rule: r.ruleKey, routingBasis: r.routingBasis.flatMap(Components.Schemas.Case.RoutingBasisPayload.init),
            routeOverridden: r.routeOverridden, light: light(view.light), warnAt: r.warnAt, redAt: r.redAt,
            supervisionOrders: view.orders.map(order), assisting: r.assisting, whistle: r.whistle, deadlineProfile: r.deadlineProfile,
            dispatchDue: r.dispatchDue, signDue: r.signDue, handleDue: r.handleDue, checkDue: r.checkDue,
            suspendedAt: r.suspendedAt, mergedInto: r.mergedInto, rating: r.rating.flatMap { Components.Schemas.CaseRating(rawValue: $0.rawValue) },
            returnCount: r.returnCount, reworkCount: r.reworkCount, extensionCount: r.extensionCount, reportedAt: r.reportedAt, filedAt: r.filedAt,
            dispatchedAt: r.dispatchedAt, handledAt: r.handledAt, closedAt: r.closedAt, updatedAt: r.updatedAt,
            tasks: view.tasks.map(task), allowedActions: view.allowedActions.map { Components.Schemas.CaseAction(rawValue: $0.rawValue)! },
            closing: view.closing.map(closing), callbacks: view.callbacks.map(callback),
            stages: view.stages.map { stage($0, at: Date()) },
            assistSteps: view.assistSteps.map { Components.Schemas.AssistStep(rawValue: $0.rawValue)! }, ladder: view.ladder.map(ladder),
            whistles: view.whistles.isEmpty
                ? nil : view.whistles.map { .init(id: $0.id, state: .init(rawValue: $0.state.rawValue)!, kindName: $0.kindName, proposed: $0.proposed) })
    }

    static func ladder(_ ladder: CaseLadderView) -> Components.Schemas.CaseLadder {
        let now = Date()
        return .init(
            level: APIMapping.level(ladder.level), holder: ladder.holder.map(unit), since: ladder.since, due: ladder.due,
            pendingTo: ladder.pendingTo.map(unit), slips: ladder.slips.map(slip),
            turns: ladder.turns.map {
                .init(
                    unit: unit($0.unit), startedAt: $0.startedAt, startedBy: $0.startedBy, endedAt: $0.endedAt, endedBy: $0.endedBy,
                    heldSeconds: ($0.heldSeconds(at: now) * 1000).rounded() / 1000)
            })
    }

    static func figures(_ result: LadderFiguresResult) -> Components.Schemas.LadderFigures {
        func counts(_ values: [LadderLevel: Int]) -> Components.Schemas.LevelCounts {
            .init(
                grid: values[.grid] ?? 0, community: values[.community] ?? 0, zone: values[.zone] ?? 0, street: values[.street] ?? 0,
                district: values[.district] ?? 0)
        }
        func round(_ value: Double?) -> Double? { value.map { ($0 * 10000).rounded() / 10000 } }
        let rows = result.rows.map { row in
            Components.Schemas.LadderFigureRow(
                unit: row.unit.map(unit), level: row.level.map(APIMapping.level), solved: counts(row.solved), solvedTotal: row.solvedTotal,
                frontLineShare: round(row.frontLineShare), handUps: row.handUps,
                handUpsByReason: .init(
                    beyondAuthority: row.byReason[.beyondAuthority] ?? 0, needsEnforcement: row.byReason[.needsEnforcement] ?? 0,
                    crossArea: row.byReason[.crossArea] ?? 0, needsFunds: row.byReason[.needsFunds] ?? 0,
                    partiesDisagree: row.byReason[.partiesDisagree] ?? 0, limitPassed: row.byReason[.limitPassed] ?? 0, other: row.byReason[.other] ?? 0),
                automaticHandUps: row.automatic, refusals: row.refused, turns: counts(row.turns),
                meanHoursHeld: .init(
                    grid: round(row.meanHoursHeld(.grid)), community: round(row.meanHoursHeld(.community)), zone: round(row.meanHoursHeld(.zone)),
                    street: round(row.meanHoursHeld(.street)), district: round(row.meanHoursHeld(.district))))
        }
        return .init(
            by: Components.Schemas.LadderFigures.ByPayload(rawValue: result.grouping.rawValue)!,
            scope: .init(id: result.scope.id, code: result.scope.code, name: result.scope.name), from: result.from, to: result.to,
            levels: result.ladder.levels.map(APIMapping.level), rows: rows)
    }

    static func unit(_ unit: LadderUnit) -> Components.Schemas.LadderUnit { .init(code: unit.code, name: unit.name, level: APIMapping.level(unit.level)) }

    static func slip(_ slip: HandoverSlip) -> Components.Schemas.HandoverSlip {
        let c = slip.content
        return .init(
            id: slip.id, from: unit(c.from), to: unit(c.to), reasonKind: Components.Schemas.HandUpReason(rawValue: c.reasonKind.rawValue)!,
            reason: c.reason, tried: c.tried, photos: c.photos, automatic: c.automatic, createdBy: slip.createdBy, createdAt: slip.createdAt,
            status: Components.Schemas.HandoverSlip.StatusPayload(rawValue: slip.status.rawValue)!, decidedBy: slip.decidedBy,
            decidedAt: slip.decidedAt, decisionReason: slip.decisionReason, newDue: slip.newDue)
    }

    static func state(_ state: CaseState) -> Components.Schemas.CaseState { Components.Schemas.CaseState(rawValue: state.rawValue)! }

    static func light(_ light: TrafficLight) -> Components.Schemas.Light { Components.Schemas.Light(rawValue: light.rawValue)! }

    static func order(_ order: SupervisionOrder) -> Components.Schemas.SupervisionOrder {
        .init(
            id: order.id, card: Components.Schemas.SupervisionOrder.CardPayload(rawValue: order.card) ?? .yellow, reason: order.reason,
            issuedAt: order.issuedAt, due: order.due, resolvedAt: order.resolvedAt, manual: order.manual, raisedBy: order.raisedBy,
            reply: order.reply, repliedAt: order.repliedAt, escalatedAt: order.escalatedAt)
    }

    static func closing(_ c: CaseClosing) -> Components.Schemas.CaseClosing {
        .init(
            outcome: Components.Schemas.DemandOutcome(rawValue: c.outcome.rawValue)!, explanation: c.explanation, plannedDate: c.plannedDate?.description,
            referredTo: c.referredTo,
            reply: c.reply.map {
                .init(by: $0.by, channel: Components.Schemas.ReporterReply.ChannelPayload(rawValue: $0.channel.rawValue)!, at: $0.at, content: $0.content)
            })
    }

    static func callback(_ c: CallbackRecord) -> Components.Schemas.CaseCallbackRecord {
        .init(
            id: c.id, at: c.at, byUser: c.byUser, contacted: c.callback.contacted, resolved: c.callback.resolved,
            satisfaction: c.callback.satisfaction.flatMap { Components.Schemas.CaseRating(rawValue: $0.rawValue) }, note: c.callback.note)
    }

    static func stage(_ entry: (clock: StageClock, calendarGap: Bool), at now: Date) -> Components.Schemas.StageClock {
        let c = entry.clock
        return .init(
            stage: Components.Schemas.Stage(rawValue: c.stage.rawValue)!, startedAt: c.startedAt, due: c.due, warnAt: c.warnAt, redAt: c.redAt,
            light: light(c.light(at: now)), stoppedAt: c.stoppedAt, lateSeconds: c.lateSeconds, calendarGap: entry.calendarGap)
    }

    static func summary(_ r: CaseRecord) -> Components.Schemas.CaseSummary {
        .init(
            id: r.id, number: r.number, state: state(r.state), stateLabel: r.state.label.localized(RequestScope.language), version: r.version,
            category: r.categoryCode.map { Components.Schemas.CategoryRef(code: $0, name: r.categoryName ?? $0) }, grade: r.grade,
            grid: .init(id: r.gridId, code: r.gridCode, name: r.gridName), level: r.level.map(APIMapping.level),
            leadDepartment: r.leadDepartmentId.map { .init(id: $0, code: r.leadDepartmentCode ?? "", name: r.leadDepartmentName ?? "") },
            light: light(GridService.light(of: r, at: Date())), handleDue: r.handleDue, reportedAt: r.reportedAt)
    }

    static func task(_ task: CaseTask) -> Components.Schemas.CaseTask {
        .init(
            id: task.id, department: .init(id: task.departmentId, code: task.departmentCode, name: task.departmentName), lead: task.lead,
            state: Components.Schemas.CaseTask.StatePayload(rawValue: task.state.rawValue) ?? .cancelled, dispatchedAt: task.dispatchedAt,
            signedAt: task.signedAt, handledAt: task.handledAt)
    }

    static func nearby(_ nearby: NearbyCase) -> Components.Schemas.NearbyCase {
        .init(id: nearby.id, number: nearby.number, state: state(nearby.state), meters: (nearby.meters * 10).rounded() / 10, reportedAt: nearby.reportedAt)
    }

    static func event(_ event: CaseEventRecord) throws -> Components.Schemas.CaseEvent {
        let payload = try JSONDecoder().decode(OpenAPIObjectContainer.self, from: Data(event.payload.utf8))
        return .init(
            seq: event.seq, at: event.at, actor: event.actor, role: event.role, action: event.action, from: event.from.map(state),
            to: state(event.to), payload: .init(additionalProperties: payload))
    }
}

/// Outbound event subscriptions.
extension APIHandler {
    func listWebhooks(_ input: Operations.ListWebhooks.Input) async throws -> Operations.ListWebhooks.Output {
        let items = try await service.webhooks(try caller, tenantId: try tenantId)
        return .ok(.init(body: .json(.init(items: items.map(CaseMapping.webhook)))))
    }

    func createWebhook(_ input: Operations.CreateWebhook.Input) async throws -> Operations.CreateWebhook.Output {
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        let created = try await service.createWebhook(
            try caller, tenantId: try tenantId, url: body.url, eventTypes: body.eventTypes,
            department: body.department)
        return .created(.init(body: .json(.init(webhook: CaseMapping.webhook(created.subscription), secret: created.secret))))
    }

    func getWebhookAllowList(_ input: Operations.GetWebhookAllowList.Input) async throws -> Operations.GetWebhookAllowList.Output {
        .ok(.init(body: .json(.init(entries: try await service.webhookAllowList(try caller, tenantId: try tenantId)))))
    }

    func setWebhookAllowList(_ input: Operations.SetWebhookAllowList.Input) async throws -> Operations.SetWebhookAllowList.Output {
        guard case .json(let body) = input.body else { throw Self.jsonRequired }
        return .ok(.init(body: .json(.init(entries: try await service.setWebhookAllowList(try caller, tenantId: try tenantId, entries: body.entries)))))
    }

    func deleteWebhook(_ input: Operations.DeleteWebhook.Input) async throws -> Operations.DeleteWebhook.Output {
        try await service.deleteWebhook(try caller, tenantId: try tenantId, id: input.path.webhookId)
        return .noContent(.init())
    }
}

extension CaseMapping {
    static func webhook(_ subscription: WebhookSubscription) -> Components.Schemas.Webhook {
        .init(
            id: subscription.id, url: subscription.url, eventTypes: subscription.eventTypes, department: subscription.departmentCode,
            createdBy: subscription.createdBy, createdAt: subscription.createdAt)
    }
}

/// Case photos.
extension APIHandler {
    func uploadAttachment(_ input: Operations.UploadAttachment.Input) async throws -> Operations.UploadAttachment.Output {
        let (type, body): (String, HTTPBody) =
            switch input.body {
            case .jpeg(let body): ("image/jpeg", body)
            case .png(let body): ("image/png", body)
            case .imageWebp(let body): ("image/webp", body)
            }
        let meta = try await service.uploadAttachment(
            try caller, tenantId: try tenantId, caseId: input.path.caseId, kind: input.query.kind?.rawValue ?? "before",
            declaredType: type, bytes: try await Self.photoBytes(body))
        return .created(.init(body: .json(CaseMapping.attachment(meta))))
    }

    /// A photo's bytes, refused past the limit before they are all read.
    static func photoBytes(_ body: HTTPBody) async throws -> [UInt8] {
        do { return Array(try await Data(collecting: body, upTo: AttachmentRules.maxBytes + 1)) } catch {
            throw GridError(
                .attachmentTooLarge,
                Text(zh: "照片超过 \(AttachmentRules.maxBytes) 字节的上限", en: "the photo is over the limit of \(AttachmentRules.maxBytes) bytes"))
        }
    }

    func listAttachments(_ input: Operations.ListAttachments.Input) async throws -> Operations.ListAttachments.Output {
        let items = try await service.attachments(try caller, tenantId: try tenantId, caseId: input.path.caseId)
        return .ok(.init(body: .json(.init(items: items.map(CaseMapping.attachment)))))
    }

    func getAttachment(_ input: Operations.GetAttachment.Input) async throws -> Operations.GetAttachment.Output {
        let (meta, data) = try await service.attachment(try caller, tenantId: try tenantId, caseId: input.path.caseId, id: input.path.attachmentId)
        let body = HTTPBody(data.readableBytesView)
        let typed: Operations.GetAttachment.Output.Ok.Body =
            switch meta.contentType {
            case "image/png": .png(body)
            case "image/webp": .imageWebp(body)
            default: .jpeg(body)
            }
        return .ok(.init(body: typed))
    }
}

extension CaseMapping {
    static func attachment(_ meta: AttachmentMeta) -> Components.Schemas.Attachment {
        .init(
            id: meta.id, kind: Components.Schemas.Attachment.KindPayload(rawValue: meta.kind) ?? .before, contentType: meta.contentType,
            size: meta.size, sha256: meta.sha256, uploadedBy: meta.uploadedBy, createdAt: meta.createdAt)
    }
}

/// Assisting departments' tasks.
extension APIHandler {
    func assistCase(_ input: Operations.AssistCase.Input) async throws -> Operations.AssistCase.Output {
        var note: String?
        if case .json(let body)? = input.body { note = body.note }
        let view = try await service.advanceAssistingTask(
            try caller, tenantId: try tenantId, caseId: input.path.caseId, handled: input.path.step == .handled,
            note: note)
        return .ok(.init(headers: .init(eTag: APIMapping.eTag(view.record.version)), body: .json(CaseMapping.view(view))))
    }
}
