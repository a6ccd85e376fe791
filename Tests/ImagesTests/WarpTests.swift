import Testing

@testable import Images

@Suite struct WarpTests {
    @Test func theHomographyTakesEachCornerToItsPlace() throws {
        let from = [PixelPoint(0, 0), PixelPoint(100, 0), PixelPoint(100, 60), PixelPoint(0, 60)]
        let to = [PixelPoint(12, 30), PixelPoint(140, 18), PixelPoint(151, 95), PixelPoint(4, 88)]
        let h = try #require(Homography(from: from, to: to))
        for (a, b) in zip(from, to) {
            let p = h.apply(a)
            #expect(abs(p.x - b.x) < 1e-6 && abs(p.y - b.y) < 1e-6)
        }
    }

    @Test func threeCornersOnALineMakeNoHomography() {
        let line = [PixelPoint(0, 0), PixelPoint(10, 10), PixelPoint(20, 20), PixelPoint(0, 30)]
        #expect(Homography(from: line, to: line) == nil)
    }

    /// The web page's crop: a photo with the card at a known quadrilateral, warped back to the card.
    @Test func aPhotographedCardIsWarpedBackToItsRectangleWithinAPixel() throws {
        let card = Pictures.card(width: 320, height: 202)
        let quad = [PixelPoint(141.5, 92.25), PixelPoint(655.0, 131.0), PixelPoint(618.5, 468.0), PixelPoint(118.0, 431.5)]
        let photo = Pictures.photo(of: card, at: quad, width: 760, height: 560)
        let back = try #require(Warp.perspective(photo, corners: quad, width: card.width, height: card.height))
        #expect(back.width == 320 && back.height == 202)
        for colour in [Pictures.red, Pictures.blue] {
            let want = try #require(Pictures.centroid(of: colour, in: card))
            let got = try #require(Pictures.centroid(of: colour, in: back))
            #expect(abs(got.x - want.x) <= 1.0 && abs(got.y - want.y) <= 1.0, "\(colour): \(got) vs \(want)")
        }
        // Nearly every pixel back where it was (edges of marks blur by resampling).
        var off = 0
        for y in 0..<card.height { for x in 0..<card.width where Pictures.distance(card[x, y], back[x, y]) > 120 { off += 1 } }
        #expect(Double(off) / Double(card.width * card.height) < 0.03)
        // No table left at the card's edges: the corners are the card's.
        #expect(Pictures.distance(back[1, 1], Pictures.paper) < 60 && Pictures.distance(back[318, 200], Pictures.paper) < 60)
    }

    @Test func shrinkingAveragesInsteadOfSkippingPixels() throws {
        // One-pixel black and white stripes brought down 4×: grey, not stripes or solid black.
        var b = PixelBuffer(width: 400, height: 40)
        for y in 0..<40 { for x in 0..<400 where x % 2 == 0 { b[x, y] = 0 } }
        let small = try #require(Warp.resize(b, width: 100, height: 10))
        for x in 0..<100 {
            let v = Int(small[x, 5] & 0xFF)
            #expect(abs(v - 128) < 20, "column \(x): \(v)")
        }
    }
}
