import GridCore
import Testing

/// The hand-up ladder's rules without a database: the levels a district uses, and every move from
/// every place by every actor.
@Suite struct LadderTests {
    static let withZones = try! LevelLadder([.district, .zone, .street, .community, .grid])

    @Test func aDistrictsLadderAlwaysHasTheStreetAndTheDistrictAndNamesEachLevelOnce() throws {
        #expect(LevelLadder.standard.levels == [.grid, .community, .street, .district])
        #expect(Self.withZones.levels == [.grid, .community, .zone, .street, .district], "sorted lowest first")
        let missing = try #require(throws: GridError.self) { try LevelLadder([.grid, .community, .district]) }
        #expect(missing.fieldErrors.map(\.code) == [.ladderLevelsInvalid])
        #expect(missing.fieldErrors.first?.message.en.contains("street") == true)
        let twice = try #require(throws: GridError.self) { try LevelLadder([.street, .street, .district]) }
        #expect(twice.fieldErrors.map(\.code) == [.ladderLevelsInvalid])
        #expect(try LevelLadder([.street, .district]).levels == [.street, .district], "a district may solve everything at the street")
    }

    @Test func aCaseGoesUpOneLevelAtATimeSkippingOnlyLevelsTheDistrictDoesNotUse() throws {
        #expect(LevelLadder.standard.above(.grid) == .community)
        #expect(LevelLadder.standard.above(.community) == .street, "no zones: community to street")
        #expect(Self.withZones.above(.community) == .zone)
        #expect(Self.withZones.above(.zone) == .street)
        #expect(LevelLadder.standard.above(.district) == nil)
        #expect(Self.withZones.below(.street) == [.zone, .community, .grid], "nearest first")
    }

    @Test func theHolderHandsUpWithAReasonAndTheSlipWaitsForTheLevelAbove() throws {
        let ladder = Self.withZones
        let atCommunity = LadderCustody(level: .community)
        let handed = try LadderRules.apply(.handUp, to: atCommunity, by: .holder, reason: "需执法力量", on: ladder)
        #expect(handed == LadderCustody(level: .community, pendingTo: .zone), "the community holds it until the zone accepts")
        #expect(try LadderRules.apply(.accept, to: handed, by: .upper, on: ladder) == LadderCustody(level: .zone))
        #expect(try LadderRules.apply(.refuse, to: handed, by: .upper, reason: "属社区职责", on: ladder) == atCommunity)

        let noReason = try #require(throws: GridError.self) { try LadderRules.apply(.handUp, to: atCommunity, by: .holder, reason: "  ", on: ladder) }
        #expect(noReason.fieldErrors.map(\.code) == [.fieldRequired])
        let refusedBare = try #require(throws: GridError.self) { try LadderRules.apply(.refuse, to: handed, by: .upper, on: ladder) }
        #expect(refusedBare.fieldErrors.map(\.code) == [.fieldRequired])
    }

    @Test func handingUpPastTheTopToAnUnusedOrSkippedLevelOrTwiceIsRefused() throws {
        let top = try #require(throws: GridError.self) {
            try LadderRules.apply(.handUp, to: LadderCustody(level: .district), by: .holder, reason: "x", on: .standard)
        }
        #expect(top.code == .ladderTopReached && top.kind == .conflict)
        let unused = try #require(throws: GridError.self) {
            try LadderRules.apply(.handUp, to: LadderCustody(level: .community), by: .holder, target: .zone, reason: "x", on: .standard)
        }
        #expect(unused.fieldErrors.map(\.code) == [.ladderLevelNotUsed])
        let skipped = try #require(throws: GridError.self) {
            try LadderRules.apply(.handUp, to: LadderCustody(level: .grid), by: .holder, target: .street, reason: "x", on: .standard)
        }
        #expect(skipped.fieldErrors.map(\.code) == [.ladderNotNextLevel])
        let waiting = LadderCustody(level: .grid, pendingTo: .community)
        let twice = try #require(throws: GridError.self) { try LadderRules.apply(.handUp, to: waiting, by: .holder, reason: "x", on: .standard) }
        #expect(twice.code == .ladderSlipPending)
        let acceptedAlready = try #require(throws: GridError.self) {
            try LadderRules.apply(.accept, to: LadderCustody(level: .community), by: .upper, on: .standard)
        }
        #expect(acceptedAlready.code == .ladderNoSlip, "a slip is accepted once")
    }

    @Test func eachMoveBelongsToOneActor() throws {
        let ladder = LevelLadder.standard
        let held = LadderCustody(level: .community)
        let waiting = LadderCustody(level: .community, pendingTo: .street)
        let allowed: [LadderMove: LadderActor] = [.handUp: .holder, .autoHandUp: .system, .accept: .upper, .refuse: .upper, .delegate: .centre]
        let actors: [LadderActor] = [.holder, .upper, .centre, .system, .other]
        for move in LadderMove.allCases {
            let from = move == .accept || move == .refuse ? waiting : move == .delegate ? LadderCustody(level: .street) : held
            for actor in actors {
                let attempt = {
                    try LadderRules.apply(move, to: from, by: actor, target: move == .delegate ? .community : nil, reason: "原因", on: ladder)
                }
                if actor == allowed[move] {
                    #expect(throws: Never.self, "\(move) by \(actor)") { _ = try attempt() }
                } else {
                    let error = try #require(throws: GridError.self, "\(move) by \(actor)") { _ = try attempt() }
                    #expect(error.code == .ladderNotAllowed && error.kind == .forbidden, "\(move) by \(actor)")
                }
            }
        }
    }

    @Test func theCentreDelegatesDownToALevelInUseAndTheSystemHandsUpWithoutAReason() throws {
        let ladder = Self.withZones
        let atStreet = LadderCustody(level: .street)
        #expect(try LadderRules.apply(.delegate, to: atStreet, by: .centre, target: .grid, on: ladder) == LadderCustody(level: .grid))
        let up = try #require(throws: GridError.self) { try LadderRules.apply(.delegate, to: atStreet, by: .centre, target: .district, on: ladder) }
        #expect(up.fieldErrors.map(\.code) == [.ladderDelegateNotBelow])
        let unused = try #require(throws: GridError.self) {
            try LadderRules.apply(.delegate, to: atStreet, by: .centre, target: .zone, on: .standard)
        }
        #expect(unused.fieldErrors.map(\.code) == [.ladderLevelNotUsed])
        let nowhere = try #require(throws: GridError.self) { try LadderRules.apply(.delegate, to: atStreet, by: .centre, on: ladder) }
        #expect(nowhere.fieldErrors.map(\.code) == [.fieldRequired])
        let automatic = try LadderRules.apply(.autoHandUp, to: LadderCustody(level: .grid), by: .system, on: ladder)
        #expect(automatic == LadderCustody(level: .grid, pendingTo: .community))
    }

    /// Every place a case can stand (each level of the ladder, with and without a slip waiting for
    /// the level above) × every move × every actor: what a case's view offers (`permits`) is
    /// exactly what the rules then allow, given a reason and the nearest level below to delegate to.
    @Test func whatTheViewOffersIsWhatTheRulesAllowFromEveryPlaceByEveryActor() throws {
        let actors: [LadderActor] = [.holder, .upper, .centre, .system, .other]
        var allowed = 0
        for ladder in [LevelLadder.standard, Self.withZones] {
            for level in ladder.levels {
                for pending in ladder.above(level).map({ [nil, $0] }) ?? [nil] {
                    let custody = LadderCustody(level: level, pendingTo: pending)
                    for move in LadderMove.allCases {
                        for actor in actors {
                            let offered = LadderRules.permits(move, custody, by: actor, on: ladder)
                            let outcome = Result {
                                try LadderRules.apply(
                                    move, to: custody, by: actor, target: move == .delegate ? ladder.below(level).first : nil, reason: "原因", on: ladder)
                            }
                            switch outcome {
                            case .success(let after):
                                allowed += 1
                                #expect(offered, "\(move) by \(actor) at \(custody) is allowed but not offered")
                                switch move {
                                case .handUp, .autoHandUp: #expect(after == LadderCustody(level: level, pendingTo: ladder.above(level)))
                                case .accept: #expect(after == LadderCustody(level: pending!))
                                case .refuse: #expect(after == LadderCustody(level: level))
                                case .delegate: #expect(after.level < level && after.pendingTo == nil)
                                }
                            case .failure:
                                #expect(!offered, "\(move) by \(actor) at \(custody) is offered but refused")
                            }
                        }
                    }
                }
            }
        }
        #expect(allowed > 20, "the sweep allowed \(allowed) moves")
    }
}
