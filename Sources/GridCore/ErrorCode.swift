/// Every code the API and the CLI answer with, in one place: the machine-readable half of a
/// `GridError` (`code`) and of each `FieldError` in it. The raw value is what clients see
/// (`org.unit.notFound`); `kind` decides the HTTP status when the code is the error's own. The
/// OpenAPI document lists the same codes (`ErrorCode` schema), and a test keeps the two equal.
///
/// Adding a code: add the case here (sorted by raw value within its area), place it under its kind
/// in `kind`, and run the `ErrorCodeTests` (they print the schema lines to paste into openapi.yaml).
public enum ErrorCode: String, CaseIterable, Sendable, Codable, CustomStringConvertible {
    case anchorBadLine = "anchor.badLine"
    case anchorIncomplete = "anchor.incomplete"
    case assessmentIndicatorUnknown = "assessment.indicatorUnknown"
    case assessmentSchemeNotFound = "assessment.schemeNotFound"
    case assessmentVersionInForce = "assessment.versionInForce"
    case assessmentWeightsSum = "assessment.weightsSum"
    case attachmentBadDimensions = "attachment.badDimensions"
    case attachmentCaseNotOpen = "attachment.caseNotOpen"
    case attachmentEmpty = "attachment.empty"
    case attachmentNotAllowed = "attachment.notAllowed"
    case attachmentNotFound = "attachment.notFound"
    case attachmentNotImage = "attachment.notImage"
    case attachmentTooLarge = "attachment.tooLarge"
    case attachmentTooMany = "attachment.tooMany"
    case attachmentTypeMismatch = "attachment.typeMismatch"
    case attachmentUnreadable = "attachment.unreadable"
    case authActionNotAllowed = "auth.actionNotAllowed"
    case authBadCredentials = "auth.badCredentials"
    case authBadCurrentPassword = "auth.badCurrentPassword"
    case authInvalidToken = "auth.invalidToken"
    case authOutOfScope = "auth.outOfScope"
    case authPasswordChangeRequired = "auth.passwordChangeRequired"
    case authRequired = "auth.required"
    case authThrottled = "auth.throttled"
    case bindingDepartmentNotAllowed = "binding.departmentNotAllowed"
    case bindingDepartmentRequired = "binding.departmentRequired"
    case bindingNotFound = "binding.notFound"
    case bindingRoleAndScope = "binding.roleAndScope"
    case briefRendererMissing = "brief.rendererMissing"
    case briefSubscriptionNotFound = "brief.subscriptionNotFound"
    case calendarDayBadDate = "calendar.day.badDate"
    case calendarDayDuplicate = "calendar.day.duplicate"
    case calendarDayMakeUpOnWorkingDay = "calendar.day.makeUpOnWorkingDay"
    case calendarDayUnknownType = "calendar.day.unknownType"
    case calendarHoursBadTime = "calendar.hours.badTime"
    case calendarHoursEndNotAfterStart = "calendar.hours.endNotAfterStart"
    case calendarHoursNone = "calendar.hours.none"
    case calendarHoursOverlap = "calendar.hours.overlap"
    case calendarNationalUnknownYear = "calendar.national.unknownYear"
    case calendarSyntax = "calendar.syntax"
    case calendarWeekdayDuplicate = "calendar.weekday.duplicate"
    case calendarWeekdayInvalid = "calendar.weekday.invalid"
    case calendarWeekdaysNone = "calendar.weekdays.none"
    case callbackNotContacted = "callback.notContacted"
    case caseCallbackNotAllowed = "case.callback.notAllowed"
    case caseCallbackNotClosed = "case.callback.notClosed"
    case caseChangedMeanwhile = "case.changedMeanwhile"
    case caseCloseNotChecked = "case.close.notChecked"
    case caseExtensionMissing = "case.extension.missing"
    case caseGridMismatch = "case.gridMismatch"
    case caseGridUnknown = "case.gridUnknown"
    case caseMergeSelf = "case.merge.self"
    case caseMergeTargetClosed = "case.merge.targetClosed"
    case caseNotFound = "case.notFound"
    case caseNumberInUse = "case.numberInUse"
    case caseOrderAlreadyAnswered = "case.order.alreadyAnswered"
    case caseOrderCaseNotOpen = "case.order.caseNotOpen"
    case caseOrderNotAllowed = "case.order.notAllowed"
    case caseOrderNotFound = "case.order.notFound"
    case caseOrderNotYours = "case.order.notYours"
    case caseOutsideDistrict = "case.outsideDistrict"
    case casePlaceRequired = "case.placeRequired"
    case caseQueueNotYours = "case.queue.notYours"
    case caseTaskNotAllowed = "case.task.notAllowed"
    case caseTaskNotYours = "case.task.notYours"
    case caseTransitionNotAllowed = "case.transition.notAllowed"
    case caseTransitionRoleNotAllowed = "case.transition.roleNotAllowed"
    case caseVersionMismatch = "case.versionMismatch"
    case catalogBadCode = "catalog.badCode"
    case catalogCycle = "catalog.cycle"
    case catalogDuplicateCode = "catalog.duplicateCode"
    case catalogDuplicateGrade = "catalog.duplicateGrade"
    case catalogGrade = "catalog.grade"
    case catalogGradesOnClass = "catalog.gradesOnClass"
    case catalogItemWithoutGrades = "catalog.itemWithoutGrades"
    case catalogLeadAssists = "catalog.leadAssists"
    case catalogNoCategories = "catalog.noCategories"
    case catalogProfileNotFound = "catalog.profile.notFound"
    case catalogSelfParent = "catalog.selfParent"
    case catalogTwoDefaultGrades = "catalog.twoDefaultGrades"
    case catalogUnknownParent = "catalog.unknownParent"
    case categoryNotFound = "category.notFound"
    case categoryNotItem = "category.notItem"
    case categoryUnknown = "category.unknown"
    case csvColumnMissing = "csv.column.missing"
    case csvColumnUnknown = "csv.column.unknown"
    case csvColumns = "csv.columns"
    case csvDuplicate = "csv.duplicate"
    case csvEmpty = "csv.empty"
    case csvEncoding = "csv.encoding"
    case csvHeaderDuplicate = "csv.header.duplicate"
    case csvQuote = "csv.quote"
    case csvSpreadsheetNumber = "csv.spreadsheetNumber"
    case dbDuplicate = "db.duplicate"
    case dbInvalid = "db.invalid"
    case dbReference = "db.reference"
    case dbRetry = "db.retry"
    case dbUnavailable = "db.unavailable"
    case demoBadSize = "demo.badSize"
    case departmentBadCode = "department.badCode"
    case departmentBadName = "department.badName"
    case departmentDuplicateCode = "department.duplicateCode"
    case departmentNotFound = "department.notFound"
    case departmentNotStreetOffice = "department.notStreetOffice"
    case departmentUnitChanged = "department.unitChanged"
    case departmentUnitKind = "department.unitKind"
    case departmentUnitRequired = "department.unitRequired"
    case departmentUnknown = "department.unknown"
    case dutyDuplicate = "duty.duplicate"
    case dutyNoDuties = "duty.noDuties"
    case fieldBadPhone = "field.badPhone"
    case fieldFormat = "field.format"
    case fieldFuture = "field.future"
    case fieldInvalid = "field.invalid"
    case fieldNotAllowed = "field.notAllowed"
    case fieldNotObject = "field.notObject"
    case fieldNull = "field.null"
    case fieldOutOfRange = "field.outOfRange"
    case fieldRange = "field.range"
    case fieldRequired = "field.required"
    case fieldTooLong = "field.tooLong"
    case fieldType = "field.type"
    case fieldUnknown = "field.unknown"
    case fieldUnknownValue = "field.unknownValue"
    case fieldWithoutCategory = "field.withoutCategory"
    case geoBadCoordinate = "geo.badCoordinate"
    case geojsonCodeSpreadsheetNumber = "geojson.code.spreadsheetNumber"
    case geojsonGeometryInvalid = "geojson.geometry.invalid"
    case geojsonMalformed = "geojson.malformed"
    case geojsonNoFeatures = "geojson.noFeatures"
    case geojsonNotFeature = "geojson.notFeature"
    case geojsonNotFeatureCollection = "geojson.notFeatureCollection"
    case geojsonPropertyInvalid = "geojson.property.invalid"
    case gradeUnknown = "grade.unknown"
    case headerIfMatch = "header.ifMatch"
    case idempotencyBadKey = "idempotency.badKey"
    case idempotencyKeyReused = "idempotency.keyReused"
    case `internal` = "internal"
    case jointAlreadyAnswered = "joint.alreadyAnswered"
    case jointNotFound = "joint.notFound"
    case jointPartnerSuspended = "joint.partnerSuspended"
    case jointPartnerUnknown = "joint.partnerUnknown"
    case ladderDelegateNotBelow = "ladder.delegateNotBelow"
    case ladderLevelNotUsed = "ladder.levelNotUsed"
    case ladderLevelsInvalid = "ladder.levelsInvalid"
    case ladderNoSlip = "ladder.noSlip"
    case ladderNotAllowed = "ladder.notAllowed"
    case ladderNotNextLevel = "ladder.notNextLevel"
    case ladderSlipPending = "ladder.slipPending"
    case ladderTopReached = "ladder.topReached"
    case limitUnitMissing = "limit.unitMissing"
    case locateOutsideDistrict = "locate.outsideDistrict"
    case notificationNotFound = "notification.notFound"
    case orgUnitBadCode = "org.unit.badCode"
    case orgUnitBadName = "org.unit.badName"
    case orgUnitCycle = "org.unit.cycle"
    case orgUnitDuplicateCode = "org.unit.duplicateCode"
    case orgUnitGridLevelChanged = "org.unit.gridLevelChanged"
    case orgUnitGridLevelNotGrid = "org.unit.gridLevelNotGrid"
    case orgUnitGridLevelOutOfRange = "org.unit.gridLevelOutOfRange"
    case orgUnitGridNeedsGeometry = "org.unit.gridNeedsGeometry"
    case orgUnitKindChanged = "org.unit.kindChanged"
    case orgUnitKindNotAllowed = "org.unit.kindNotAllowed"
    case orgUnitMemberDuplicate = "org.unit.memberDuplicate"
    case orgUnitMemberUnknown = "org.unit.memberUnknown"
    case orgUnitMoveCycle = "org.unit.moveCycle"
    case orgUnitMoveHasCases = "org.unit.moveHasCases"
    case orgUnitNotFound = "org.unit.notFound"
    case orgUnitNotThisDistrict = "org.unit.notThisDistrict"
    case orgUnitParentRetired = "org.unit.parentRetired"
    case orgUnitRetired = "org.unit.retired"
    case orgUnitUnknown = "org.unit.unknown"
    case orgUnitUnknownKind = "org.unit.unknownKind"
    case orgUnitUnknownParent = "org.unit.unknownParent"
    case paginationBadCursor = "pagination.badCursor"
    case paginationBadLimit = "pagination.badLimit"
    case patrolNotAllowed = "patrol.notAllowed"
    case patrolPointOutside = "patrol.pointOutside"
    case periodReversed = "period.reversed"
    case periodTooLong = "period.tooLong"
    case requestBadCharacter = "request.badCharacter"
    case requestContentType = "request.contentType"
    case requestInvalid = "request.invalid"
    case requestMalformed = "request.malformed"
    case requestTooLarge = "request.tooLarge"
    case routeMethodNotAllowed = "route.methodNotAllowed"
    case routeNotFound = "route.notFound"
    case routingTestInvalid = "routing.test.invalid"
    case rulesBadId = "rules.badId"
    case rulesDuplicateId = "rules.duplicateId"
    case rulesEmptyList = "rules.emptyList"
    case rulesNoRules = "rules.noRules"
    case rulesNotFound = "rules.notFound"
    case rulesNotPublishable = "rules.notPublishable"
    case rulesRuleOverlaps = "rules.rule.overlaps"
    case rulesRuleShadowed = "rules.rule.shadowed"
    case rulesTime = "rules.time"
    case rulesTimeWindowEmpty = "rules.timeWindow.empty"
    case rulesTimeWindowHalf = "rules.timeWindow.half"
    case rulesTooMany = "rules.tooMany"
    case rulesUnknownProfile = "rules.unknownProfile"
    case rulesWeekday = "rules.weekday"
    case statsBadGroup = "stats.badGroup"
    case tenantBadCode = "tenant.badCode"
    case tenantBadDivision = "tenant.badDivision"
    case tenantBadName = "tenant.badName"
    case tenantDuplicateCode = "tenant.duplicateCode"
    case tenantGridLevelsCount = "tenant.gridLevels.count"
    case tenantGridLevelsDuplicate = "tenant.gridLevels.duplicate"
    case tenantGridLevelsInUse = "tenant.gridLevels.inUse"
    case tenantGridLevelsKey = "tenant.gridLevels.key"
    case tenantGridLevelsName = "tenant.gridLevels.name"
    case tenantNotFound = "tenant.notFound"
    case tenantSuspended = "tenant.suspended"
    case trafficLightInvalid = "trafficLight.invalid"
    case userBadLogin = "user.badLogin"
    case userBadName = "user.badName"
    case userBadPassword = "user.badPassword"
    case userBadPhone = "user.badPhone"
    case userDuplicateLogin = "user.duplicateLogin"
    case userNotFound = "user.notFound"
    case userPasswordUnchanged = "user.passwordUnchanged"
    case userWeakPassword = "user.weakPassword"
    case validationFailed = "validation.failed"
    case versionMismatch = "version.mismatch"
    case webhookAllowListBadEntry = "webhook.allowList.badEntry"
    case webhookAllowListTooLong = "webhook.allowList.tooLong"
    case webhookBadEventType = "webhook.badEventType"
    case webhookBadURL = "webhook.badURL"
    case webhookFailed = "webhook.failed"
    case webhookInternalTarget = "webhook.internalTarget"
    case webhookNotFound = "webhook.notFound"
    case whistleAlreadyCheckedIn = "whistle.alreadyCheckedIn"
    case whistleAlreadyCheckedOut = "whistle.alreadyCheckedOut"
    case whistleCaseClosed = "whistle.caseClosed"
    case whistleCaseHasWhistle = "whistle.caseHasWhistle"
    case whistleDepartmentNotAllowed = "whistle.departmentNotAllowed"
    case whistleMustStay = "whistle.mustStay"
    case whistleNotCheckedIn = "whistle.notCheckedIn"
    case whistleNotFound = "whistle.notFound"
    case whistleNotSummoned = "whistle.notSummoned"
    case whistlePartyNotAllowed = "whistle.partyNotAllowed"
    case whistlePointOutside = "whistle.pointOutside"
    case whistleReleased = "whistle.released"
    case whistleTransitionNotAllowed = "whistle.transitionNotAllowed"
    case whistleUnitNotAllowed = "whistle.unitNotAllowed"

    /// The raw value, as clients see it (also in string interpolation).
    public var description: String { rawValue }

    /// What the code means for the response status when it is the error's own code (a field code
    /// inside a 400 `validation.failed` is always a bad request).
    public var kind: GridError.Kind {
        switch self {
        case .anchorBadLine, .anchorIncomplete, .assessmentIndicatorUnknown, .assessmentWeightsSum, .attachmentBadDimensions, .attachmentEmpty,
            .bindingDepartmentNotAllowed, .bindingDepartmentRequired,
            .bindingRoleAndScope, .calendarDayBadDate, .calendarDayDuplicate, .calendarDayMakeUpOnWorkingDay, .calendarDayUnknownType,
            .calendarHoursBadTime, .calendarHoursEndNotAfterStart, .calendarHoursNone, .calendarHoursOverlap, .calendarSyntax,
            .calendarWeekdayDuplicate, .calendarWeekdayInvalid, .calendarWeekdaysNone, .callbackNotContacted, .caseCloseNotChecked, .caseGridUnknown,
            .caseMergeSelf, .caseMergeTargetClosed, .casePlaceRequired, .catalogBadCode, .catalogCycle, .catalogDuplicateCode,
            .catalogDuplicateGrade, .catalogGrade, .catalogGradesOnClass, .catalogItemWithoutGrades, .catalogLeadAssists, .catalogNoCategories,
            .catalogSelfParent, .catalogTwoDefaultGrades, .catalogUnknownParent, .categoryNotItem, .categoryUnknown, .csvColumnMissing,
            .csvColumnUnknown, .csvColumns, .csvDuplicate, .csvEmpty, .csvEncoding, .csvHeaderDuplicate, .csvQuote, .csvSpreadsheetNumber,
            .dbInvalid, .demoBadSize, .departmentBadCode, .departmentBadName, .departmentUnitChanged, .departmentUnitKind, .departmentUnitRequired,
            .departmentUnknown, .dutyDuplicate, .dutyNoDuties, .fieldBadPhone, .fieldFormat, .fieldFuture, .fieldInvalid, .fieldNotAllowed,
            .fieldNotObject, .fieldNull, .fieldOutOfRange, .fieldRange, .fieldRequired, .fieldTooLong, .fieldType, .fieldUnknown, .fieldUnknownValue,
            .fieldWithoutCategory, .geoBadCoordinate, .geojsonCodeSpreadsheetNumber, .geojsonGeometryInvalid, .geojsonMalformed, .geojsonNoFeatures,
            .geojsonNotFeature, .geojsonNotFeatureCollection, .geojsonPropertyInvalid, .gradeUnknown, .headerIfMatch, .idempotencyBadKey,
            .ladderDelegateNotBelow, .ladderLevelNotUsed, .ladderLevelsInvalid, .ladderNotNextLevel, .limitUnitMissing, .orgUnitBadCode,
            .orgUnitMemberDuplicate, .orgUnitMemberUnknown, .statsBadGroup,
            .orgUnitBadName, .orgUnitCycle, .orgUnitDuplicateCode, .orgUnitGridLevelChanged, .orgUnitGridLevelNotGrid, .orgUnitGridLevelOutOfRange,
            .orgUnitGridNeedsGeometry, .orgUnitKindChanged, .orgUnitKindNotAllowed, .orgUnitMoveCycle, .orgUnitNotThisDistrict,
            .orgUnitParentRetired, .orgUnitUnknown, .orgUnitUnknownKind, .orgUnitUnknownParent, .paginationBadCursor, .paginationBadLimit,
            .periodReversed, .periodTooLong, .requestBadCharacter, .requestInvalid, .requestMalformed, .routingTestInvalid, .rulesBadId,
            .rulesDuplicateId, .rulesEmptyList, .rulesNoRules, .rulesRuleOverlaps, .rulesRuleShadowed, .rulesTime, .rulesTimeWindowEmpty,
            .rulesTimeWindowHalf, .rulesTooMany, .rulesUnknownProfile, .rulesWeekday, .tenantBadCode, .tenantBadDivision, .tenantBadName,
            .tenantGridLevelsCount, .tenantGridLevelsDuplicate, .tenantGridLevelsInUse, .tenantGridLevelsKey, .tenantGridLevelsName,
            .trafficLightInvalid, .userBadLogin, .userBadName, .userBadPassword, .userBadPhone, .userPasswordUnchanged, .userWeakPassword,
            .validationFailed, .webhookAllowListBadEntry, .webhookAllowListTooLong, .webhookBadEventType, .webhookBadURL, .webhookInternalTarget,
            .whistleDepartmentNotAllowed, .whistleUnitNotAllowed, .jointPartnerUnknown:
            .badRequest
        case .authBadCredentials, .authInvalidToken, .authRequired:
            .unauthorized
        case .attachmentNotAllowed, .authActionNotAllowed, .authBadCurrentPassword, .authOutOfScope, .authPasswordChangeRequired,
            .caseCallbackNotAllowed, .caseOrderNotAllowed, .caseOrderNotYours, .caseQueueNotYours, .caseTaskNotYours, .caseTransitionRoleNotAllowed,
            .ladderNotAllowed, .patrolNotAllowed, .tenantSuspended, .whistlePartyNotAllowed:
            .forbidden
        case .assessmentSchemeNotFound, .attachmentNotFound, .bindingNotFound, .calendarNationalUnknownYear, .caseNotFound, .caseOrderNotFound,
            .catalogProfileNotFound,
            .categoryNotFound, .departmentNotFound, .locateOutsideDistrict, .notificationNotFound, .orgUnitNotFound, .routeMethodNotAllowed,
            .routeNotFound, .rulesNotFound, .tenantNotFound, .userNotFound, .webhookNotFound, .whistleNotFound, .jointNotFound,
            .briefSubscriptionNotFound:
            .notFound
        case .assessmentVersionInForce, .attachmentCaseNotOpen, .attachmentTooMany, .caseCallbackNotClosed, .caseChangedMeanwhile, .caseExtensionMissing,
            .caseNumberInUse,
            .caseOrderAlreadyAnswered, .caseOrderCaseNotOpen, .caseTaskNotAllowed, .caseTransitionNotAllowed, .dbDuplicate, .dbReference, .dbRetry,
            .departmentDuplicateCode, .departmentNotStreetOffice, .ladderNoSlip, .ladderSlipPending, .ladderTopReached, .orgUnitMoveHasCases,
            .orgUnitRetired, .tenantDuplicateCode, .userDuplicateLogin, .whistleTransitionNotAllowed, .whistleAlreadyCheckedIn, .whistleAlreadyCheckedOut,
            .whistleCaseClosed, .whistleCaseHasWhistle, .whistleMustStay, .whistleNotCheckedIn, .whistleNotSummoned, .whistleReleased, .jointAlreadyAnswered,
            .jointPartnerSuspended:
            .conflict
        case .caseVersionMismatch, .versionMismatch:
            .preconditionFailed
        case .caseGridMismatch, .caseOutsideDistrict, .idempotencyKeyReused, .patrolPointOutside, .rulesNotPublishable, .whistlePointOutside:
            .unprocessable
        case .attachmentTooLarge, .requestTooLarge:
            .payloadTooLarge
        case .attachmentNotImage, .attachmentTypeMismatch, .attachmentUnreadable, .requestContentType:
            .unsupportedMediaType
        case .authThrottled:
            .tooManyRequests
        case .briefRendererMissing, .dbUnavailable, .webhookFailed:
            .unavailable
        case .internal:
            .internal
        }
    }
}
