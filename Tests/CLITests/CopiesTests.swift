import Foundation
import Images
import Testing

/// A scan-like card picture (red mark top-left) as a JPEG.
private func cardJPEG(width: Int = 1011, height: Int = 638) throws -> [UInt8] {
    var b = PixelBuffer(width: width, height: height, fill: 0xEEF0F4)
    for y in 40..<140 { for x in 40..<140 { b[x, y] = 0xD01010 } }
    return try JPEG.encode(b, quality: 85)
}

private func imageCount(_ pdf: URL) throws -> Int {
    try run("pdfimages", ["-list", pdf.path]).out.split(separator: "\n").dropFirst(2).count
}

@Suite struct CopiesCommandLine {
    /// Pictures named relative to the applicant file, found from any working folder; only the pack is written.
    @Test func fillReadsThePicturesRelativeToTheApplicantFileAndCopiesThemNowhere() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data/pics")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        try Data(try cardJPEG()).write(to: data.appendingPathComponent("正面.jpg"))
        try Data(try cardJPEG()).write(to: data.appendingPathComponent("反面.jpg"))
        let yaml =
            try String(contentsOf: repoRoot.appendingPathComponent("Examples/new-odc-personal.yaml"), encoding: .utf8)
            + "copies:\n  legalRepresentative: {front: pics/正面.jpg, back: pics/反面.jpg}\n"
        let applicant = folder.appendingPathComponent("data/applicant.yaml")
        try yaml.write(to: applicant, atomically: true, encoding: .utf8)
        let out = folder.appendingPathComponent("out")
        let r = try run(certpack, ["fill", applicant.path, "-o", out.path])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.contains("复印件") && r.out.contains("法人有效身份证复印件"))
        let pack = out.appendingPathComponent("91440305MA5DPL4W0G-深圳市南山区康宁诊所有限公司")
        #expect(try imageCount(pack.appendingPathComponent("申请材料.pdf")) == 2)
        #expect(files(under: out).allSatisfy { !$0.lowercased().hasSuffix(".jpg") }, "\(files(under: out))")
        let md = try String(contentsOf: pack.appendingPathComponent("清单.md"), encoding: .utf8)
        #expect(md.contains("已生成，打印后加盖公章"))
        // The checks read the pictures as the run does.
        #expect(try run(certpack, ["validate", applicant.path]).status == 0)
    }

    @Test func aHEICPictureIsRefusedNamingTheFieldAndNothingIsWritten() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let heic: [UInt8] = [0, 0, 0, 0x18] + Array("ftypheic".utf8) + [UInt8](repeating: 0, count: 64)
        try Data(heic).write(to: folder.appendingPathComponent("IMG_0001.HEIC"))
        try Data(try cardJPEG()).write(to: folder.appendingPathComponent("back.jpg"))
        let yaml =
            try String(contentsOf: repoRoot.appendingPathComponent("Examples/new-odc-personal.yaml"), encoding: .utf8)
            + "copies:\n  handler: {front: IMG_0001.HEIC, back: back.jpg}\n"
        let applicant = folder.appendingPathComponent("applicant.yaml")
        try yaml.write(to: applicant, atomically: true, encoding: .utf8)
        let out = folder.appendingPathComponent("out")
        let r = try run(certpack, ["fill", applicant.path, "-o", out.path])
        #expect(r.status != 0)
        #expect(r.err.contains("copies.handler.front") && r.err.contains("HEIC") && r.err.contains("JPEG"), "\(r.err)")
        #expect(files(under: out).filter { !$0.hasPrefix(".") }.isEmpty)
        let v = try run(certpack, ["validate", applicant.path])
        #expect(v.status != 0 && (v.out + v.err).contains("copies.handler.front"))
    }

    /// Batch columns name the pictures relative to the batch file; the pack and 全部打印.pdf hold the copy pages.
    @Test func batchColumnsNameThePicturesRelativeToTheBatchFile() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("photos"), withIntermediateDirectories: true)
        for name in ["lr-f.jpg", "lr-b.jpg", "licence.jpg"] {
            try Data(try cardJPEG()).write(to: folder.appendingPathComponent("photos/" + name))
        }
        let rows = batchCSV(
            count: 2,
            bad: [
                1: { v in
                    v["营业执照图片"] = "photos/licence.jpg"
                    v["法定代表人身份证正面图片"] = "photos/lr-f.jpg"
                    v["法定代表人身份证反面图片"] = "photos/lr-b.jpg"
                }
            ])
        let csv = folder.appendingPathComponent("batch.csv")
        try rows.write(to: csv, atomically: true, encoding: .utf8)
        let out = folder.appendingPathComponent("out")
        let r = try run(certpack, ["batch", csv.path, "-o", out.path, "--jobs", "1"])
        #expect(r.status == 0, "\(r.err)")
        let all = out.appendingPathComponent("全部打印.pdf")
        #expect(try imageCount(all) == 3)
        #expect(try run("qpdf", ["--check", all.path]).status == 0)
        let text = try run("pdftotext", [all.path, "-"]).out.filter { !$0.isWhitespace }
        #expect(text.contains("仅供办理深圳医保在线签约数字证书使用，他用无效"))
        #expect(text.contains("已生成，打印后加盖公章"))
    }

    @Test func aBatchRowWithOnlyOneSideOfAnIDCardIsReported() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(try cardJPEG()).write(to: folder.appendingPathComponent("f.jpg"))
        let csv = folder.appendingPathComponent("batch.csv")
        try batchCSV(count: 1, bad: [1: { $0["经办人身份证正面图片"] = "f.jpg" }]).write(to: csv, atomically: true, encoding: .utf8)
        let r = try run(certpack, ["batch", csv.path, "--check"])
        #expect(r.status != 0)
        #expect((r.out + r.err).contains("经办人身份证反面图片") && (r.out + r.err).contains("正反两面"), "\(r.out)\(r.err)")
    }
}
