import Testing

@testable import Web

/// The list pages the server keeps between requests.
@Suite struct AnsweredPagesTests {
    @Test("a kept page answers only at its version; once a newer version is seen every older page is gone, and the oldest goes when full")
    func keptWhileTheVersionHolds() {
        let pages = AnsweredPages()
        pages.keep([1], for: "due", version: 5)
        #expect(pages.json(for: "due", version: 5) == [1])
        #expect(pages.json(for: "due", version: 6) == nil)
        // Asked again at the old version (a reader on an older snapshot): nothing is kept of it.
        #expect(pages.json(for: "due", version: 5) == nil)
        pages.keep([2], for: "late", version: 5)
        #expect(pages.json(for: "late", version: 5) == nil)
        for i in 0...AnsweredPages.capacity { pages.keep([UInt8(i % 256)], for: "p\(i)", version: 6) }
        #expect(pages.json(for: "p0", version: 6) == nil)
        #expect(pages.json(for: "p\(AnsweredPages.capacity)", version: 6) == [UInt8(AnsweredPages.capacity % 256)])
    }
}
