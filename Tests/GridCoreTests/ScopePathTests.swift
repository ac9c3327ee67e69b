import GridCore
import Testing

@Suite struct ScopePathTests {
    @Test(arguments: ["1.", "1.12.", "1.12.130.4711."])
    func wellFormedPathsParse(raw: String) throws {
        let path = try #require(ScopePath(raw))
        #expect(path.raw == raw)
        #expect(path.description == raw)
    }

    @Test(arguments: ["", ".", "1", "1.12", "1..12.", ".1.", "a.", "1.b.", "1. 2.", "1.12.."])
    func malformedPathsAreRejected(raw: String) {
        #expect(ScopePath(raw) == nil)
    }

    @Test func rootAndChildBuildDottedPaths() {
        let path = ScopePath.root(1).child(12).child(130)
        #expect(path.raw == "1.12.130.")
        #expect(path == ScopePath("1.12.130."))
        #expect(path.ids == [1, 12, 130])
        #expect(path.depth == 3)
        #expect(ScopePath.root(7).depth == 1)
    }

    @Test func coversItselfAndItsDescendantsOnly() throws {
        let street = try #require(ScopePath("1.12."))
        #expect(street.covers(street))
        #expect(street.covers(try #require(ScopePath("1.12.130."))))
        #expect(street.covers(try #require(ScopePath("1.12.130.4711."))))
        #expect(!street.covers(try #require(ScopePath("1."))))
        #expect(!street.covers(try #require(ScopePath("1.13."))))
    }

    @Test func aNumericPrefixIsNotAnAncestor() throws {
        // "1.1." must not cover "1.12." even though "1.1" is a string prefix of "1.12".
        let one = try #require(ScopePath("1.1."))
        #expect(!one.covers(try #require(ScopePath("1.12."))))
        #expect(!one.covers(try #require(ScopePath("1.10.5."))))
        #expect(!ScopePath.root(1).covers(ScopePath.root(12)))
    }

    @Test func upperBoundDelimitsExactlyTheSubtreeInByteOrder() throws {
        let node = try #require(ScopePath("1.1."))
        let inside = ["1.1.", "1.1.0.", "1.1.999999.", "1.1.5.6.7."]
        let outside = ["1.12.", "1.10.", "1.2.", "1.", "1.0.", "2.1."]
        func inRange(_ raw: String) -> Bool {
            // PostgreSQL compares C-collated text bytewise; compare the UTF-8 bytes the same way.
            Array(raw.utf8).lexicographicallyPrecedes(Array(node.upperBound.utf8))
                && !Array(raw.utf8).lexicographicallyPrecedes(Array(node.raw.utf8))
        }
        for raw in inside {
            #expect(inRange(raw), "\(raw) should be inside [\(node.raw), \(node.upperBound))")
            #expect(node.covers(try #require(ScopePath(raw))))
        }
        for raw in outside {
            #expect(!inRange(raw), "\(raw) should be outside [\(node.raw), \(node.upperBound))")
            #expect(!node.covers(try #require(ScopePath(raw))))
        }
    }

    @Test func rebaseMovesADescendantUnderTheNewPath() throws {
        let old = try #require(ScopePath("1.12."))
        let new = try #require(ScopePath("1.13.7."))
        let descendant = try #require(ScopePath("1.12.130.4711."))
        let moved = old.rebase(descendant, onto: new)
        #expect(moved.raw == "1.13.7.130.4711.")
        #expect(moved.ids == [1, 13, 7, 130, 4711])
        #expect(old.rebase(old, onto: new) == new)
    }

    @Test func sortingPutsAncestorsBeforeDescendants() {
        let paths = ["1.12.130.", "1.2.", "1.12.", "1.", "1.1.", "1.12.130.4711."].compactMap(ScopePath.init)
        #expect(paths.count == 6)
        let sorted = paths.sorted()
        #expect(sorted.first?.raw == "1.")
        for i in sorted.indices {
            for j in sorted.indices where j > i {
                #expect(!sorted[j].covers(sorted[i]), "\(sorted[j]) sorts after \(sorted[i]) but covers it")
            }
        }
    }
}

@Suite struct ScopePathCanonicalTests {
    @Test func nonCanonicalIdsAreRefused() {
        for raw in ["+1.", "01.", "-1.", "1.02.", "1..", ".", "", "1", "1.a."] {
            #expect(ScopePath(raw) == nil, "\(raw) was accepted")
        }
        #expect(ScopePath("0.") != nil)
        #expect(ScopePath("1.20.") == ScopePath.root(1).child(20))
    }
}
