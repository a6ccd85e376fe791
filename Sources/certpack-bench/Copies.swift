// The copies issue: a pack with copy pages made from phone photos.
import Foundation
import Images

#if canImport(Glibc)
    import Glibc
#endif

/// A 12 MP phone photo (4000 × 3000) of an ID card lying on a table, in perspective, with sensor noise
/// (so its JPEG is as big as a phone's: several MB); and where the card's corners are.
func phonePhoto(seed: UInt64, width: Int = 4000, height: Int = 3000) -> (PixelBuffer, [PixelPoint]) {
    let quad = [PixelPoint(820, 610), PixelPoint(3330, 700), PixelPoint(3240, 2280), PixelPoint(760, 2170)]
    let cardW = 1011.0
    let cardH = 638.0
    let toCard = Homography(from: quad, to: [PixelPoint(0, 0), PixelPoint(cardW, 0), PixelPoint(cardW, cardH), PixelPoint(0, cardH)])!
    var state = seed &* 6364136223846793005 &+ 1442695040888963407
    var pixels = [UInt32](repeating: 0, count: width * height)
    pixels.withUnsafeMutableBufferPointer { px in
        for y in 0..<height {
            for x in 0..<width {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                let noise = Int(state >> 59) - 16
                let p = toCard.apply(PixelPoint(Double(x) + 0.5, Double(y) + 0.5))
                var base: Int
                if p.x >= 0, p.y >= 0, p.x < cardW, p.y < cardH {
                    // Card: pale, with lines of "print" and a portrait block.
                    base = 225
                    let row = Int(p.y) % 38
                    let col = Int(p.x)
                    if col > 60 && col < 600 && p.y > 120 && p.y < 560 && row < 14 && (col / 9) % 5 != 0 { base = 40 }
                    if col > 680 && col < 950 && p.y > 90 && p.y < 450 { base = 120 }
                } else {
                    base = 90 + (x + y) / 200 % 40  // the table's grain
                }
                let v = UInt32(max(0, min(255, base + noise)))
                px[y * width + x] = v << 16 | UInt32(max(0, min(255, Int(v) - 8))) << 8 | UInt32(max(0, min(255, Int(v) - 20)))
            }
        }
    }
    return (PixelBuffer(width: width, height: height, pixels: pixels), quad)
}

/// `certpack fill` of the example applicant with four 12 MP phone photos (both ID cards, front and
/// back, cropped by corners): process start to files written, the pack's size, the peak memory.
/// With an output folder as argument, the photos and the pack are kept there to look at.
func copiesBench() throws {
    let keep = arguments.count > 2 ? URL(fileURLWithPath: arguments[2]) : nil
    let folder = keep ?? FileManager.default.temporaryDirectory.appendingPathComponent("certpack-copies-\(getpid())")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { if keep == nil { try? FileManager.default.removeItem(at: folder) } }
    var yaml = try String(contentsOf: repo.appendingPathComponent("Examples/new-odc-personal.yaml"), encoding: .utf8)
    yaml += "copies:\n"
    var photoBytes = 0
    for (person, seed) in [("legalRepresentative", UInt64(1)), ("handler", 3)] {
        yaml += "  \(person):\n"
        for (side, s) in [("front", seed), ("back", seed + 1)] {
            let (photo, quad) = phonePhoto(seed: s)
            let jpeg = try JPEG.encode(photo, quality: 92)
            photoBytes += jpeg.count
            let name = "\(person)-\(side).jpg"
            try Data(jpeg).write(to: folder.appendingPathComponent(name))
            yaml += "    \(side): {file: \(name), corners: [\(quad.map { "[\(Int($0.x)), \(Int($0.y))]" }.joined(separator: ", "))]}\n"
        }
    }
    if keep != nil {
        // To look at: the licence too, as a phone photo taken from above (no corners: fitted whole).
        let (photo, _) = phonePhoto(seed: 9, width: 3000, height: 4000)
        try Data(try JPEG.encode(photo, quality: 92)).write(to: folder.appendingPathComponent("licence.jpg"))
        yaml += "  businessLicence: licence.jpg\n"
    }
    let applicant = folder.appendingPathComponent("applicant.yaml")
    try yaml.write(to: applicant, atomically: true, encoding: .utf8)
    let certpack = URL(fileURLWithPath: arguments[0]).deletingLastPathComponent().appendingPathComponent("certpack").path
    let out = folder.appendingPathComponent("out")
    var times: [Double] = []
    for _ in 0..<3 {
        let start = now()
        let r = runChild(certpack, ["fill", applicant.path, "-o", out.path, "--force"])
        times.append(now() - start)
        if r.status != 0 {
            print("  certpack fill failed: \(r.output)\(r.stderr)")
            return
        }
    }
    var usage = rusage()
    getrusage(RUSAGE_CHILDREN.rawValue, &usage)
    let cpu = (Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6) / 3
    let pdf = FileManager.default.enumerator(atPath: out.path)?.compactMap { $0 as? String }.first { $0.hasSuffix("申请材料.pdf") }
    let bytes = pdf.flatMap { try? FileManager.default.attributesOfItem(atPath: out.appendingPathComponent($0).path)[.size] as? Int } ?? 0
    print(
        String(
            format:
                "  4 photos of %.1f MB on average: best of 3 %.2f s (process start to files written), %.2f s of CPU; pack %.2f MB; peak memory %.0f MB",
            Double(photoBytes) / 4 / 1_048_576, times.min()!, cpu, Double(bytes) / 1_048_576, Double(usage.ru_maxrss) / 1024))
    if let keep { print("  kept in \(keep.path)") }
}
