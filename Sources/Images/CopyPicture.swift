import Foundation
import Rules
import Typeset

/// Why a picture was refused: the file and what to do, in Chinese.
public struct PictureRefusal: Error, CustomStringConvertible, Equatable, Sendable {
    public var path: String
    public var reason: String
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
    public var description: String { "\(path)：\(reason)" }
}

/// A picture made ready for a copy page.
public struct PreparedPicture: Sendable {
    public var image: PageImage
    /// True when the file's own JPEG data is embedded (stripped of metadata, not decoded and encoded again).
    public var passthrough: Bool
}

/// Reads a picture given for a copy page (an untrusted file) and makes it what the page embeds.
///
/// The file is read only where it is given, through `InputFile` (a regular file, at most
/// `fileLimit` bytes), and never copied anywhere. Its size is read from its header and checked
/// (`sideLimit`, `pixelLimit`) before a pixel is decoded, so a forged header cannot take the
/// memory; corrupt data is refused, not printed grey. HEIC and other formats are refused with what
/// to do. A JPEG that needs nothing done (upright, no corners, not much bigger than printed) is
/// embedded as it is, its metadata segments removed; anything else is decoded once (TurboJPEG
/// scaling it down in the DCT when it is much larger than needed), turned upright by its EXIF
/// orientation, warped or resized to the printed resolution and encoded once at `quality`.
public enum CopyPicture {
    public static let fileLimit = 30 * 1024 * 1024
    /// 60 MP: more than any phone's full-resolution photo (48–50 MP sensors).
    public static let pixelLimit = 60_000_000
    public static let sideLimit = 16_384
    /// High enough for an ID card's small print (the address, the issuing office) to stay legible.
    public static let quality = 88

    /// What the page needs: the printed box in points and the resolution to make the picture at.
    public struct Target: Sendable {
        public var width: Double
        public var height: Double
        public var dpi: Double
        /// Fill the box exactly (an ID card at true size) rather than fit inside it.
        public var exact: Bool
        /// A JPEG bigger than this is encoded again, whatever its pixel size.
        public var passthroughBytes: Int
        public init(width: Double, height: Double, dpi: Double, exact: Bool, passthroughBytes: Int) {
            self.width = width
            self.height = height
            self.dpi = dpi
            self.exact = exact
            self.passthroughBytes = passthroughBytes
        }
        var pixelWidth: Int { Int((width / 72 * dpi).rounded()) }
        var pixelHeight: Int { Int((height / 72 * dpi).rounded()) }
    }

    enum Format { case jpeg, png }

    /// Reads and prepares the picture `copy` for `target`.
    public static func load(_ copy: CopyImage, for target: Target) throws -> PreparedPicture {
        let path = copy.file
        func refuse(_ reason: String) -> PictureRefusal { PictureRefusal(path: path, reason: reason) }
        let data: [UInt8]
        do { data = [UInt8](try InputFile.read(URL(fileURLWithPath: path), limit: fileLimit)) } catch let e as InputFile.Refusal {
            throw refuse(e.reason)
        }
        let format = try sniff(data, refuse)
        // The size from the header, checked before decoding.
        let stored: (width: Int, height: Int)
        var orientation = Orientation.up
        var jpegInfo: JPEGInfo?
        switch format {
        case .jpeg:
            do { jpegInfo = try JPEG.info(data) } catch let JPEG.Problem.malformed(why) { throw refuse("JPEG 图片已损坏（\(why)）；请重新导出或重新拍摄") } catch {
                throw refuse("JPEG 图片已损坏")
            }
            stored = (jpegInfo!.width, jpegInfo!.height)
            orientation = jpegInfo!.orientation
        case .png:
            guard let s = PNG.size(data) else { throw refuse("PNG 图片已损坏（没有图像头 IHDR）") }
            stored = s
        }
        guard stored.width > 0, stored.height > 0 else { throw refuse("图片尺寸为 0") }
        guard stored.width <= sideLimit, stored.height <= sideLimit, stored.width * stored.height <= pixelLimit else {
            throw refuse("图片尺寸 \(stored.width) × \(stored.height) 像素过大（上限每边 \(sideLimit) 像素、共 \(pixelLimit / 1_000_000) 百万像素）；请缩小后再试")
        }
        let upright = orientation.swapsSides ? (width: stored.height, height: stored.width) : stored
        let corners = copy.corners.map { $0.map { PixelPoint($0.x, $0.y) } }
        if let corners {
            guard corners.allSatisfy({ $0.x <= Double(upright.width) && $0.y <= Double(upright.height) }) else {
                throw refuse("corners 有角点在图片之外（图片为 \(upright.width) × \(upright.height) 像素）")
            }
            guard Homography(from: corners, to: corners) != nil else { throw refuse("corners 的四个角点围不成四边形（有三点共线）") }
        }
        // The pixel size to make: the box at `dpi`, the picture's proportions kept unless exact, never more than it has.
        let (outW, outH) = outputSize(upright: upright, corners: corners, target: target)

        if format == .jpeg, let info = jpegInfo, corners == nil, orientation == .up, info.isCommon, info.components == 1 || info.components == 3,
            Double(upright.width) <= 1.5 * Double(outW), data.count <= target.passthroughBytes
        {
            // Checked whole (a corrupt scan is refused here too), cheaply at 1/8 scale, then embedded as it is.
            do { _ = try JPEG.decode(data, minimumSide: 1) } catch { throw refuse(corrupt(error)) }
            let clean: [UInt8]
            do { clean = try JPEG.stripped(data) } catch { throw refuse(corrupt(error)) }
            return PreparedPicture(
                image: PageImage(
                    width: info.width, height: info.height, jpeg: clean,
                    pixels: {
                        try? JPEG.decode(clean).pixels
                    }), passthrough: true)
        }

        // Decode once, only as large as needed.
        var pixels: PixelBuffer
        do {
            switch format {
            case .jpeg:
                let quadW = corners.map { max(distance($0[0], $0[1]), distance($0[3], $0[2])) } ?? Double(upright.width)
                let quadH = corners.map { max(distance($0[0], $0[3]), distance($0[1], $0[2])) } ?? Double(upright.height)
                let ratio = max(Double(outW) / quadW, Double(outH) / quadH)
                let needed = Int((Double(max(upright.width, upright.height)) * ratio).rounded(.up))
                pixels = try JPEG.decode(data, minimumSide: needed).upright(orientation)
            case .png:
                pixels = try PNG.decode(data)
            }
        } catch { throw refuse(corrupt(error)) }
        let scale = Double(pixels.width) / Double(upright.width)
        let result: PixelBuffer?
        if let corners {
            result = Warp.perspective(pixels, corners: corners.map { PixelPoint($0.x * scale, $0.y * scale) }, width: outW, height: outH)
        } else if pixels.width == outW && pixels.height == outH {
            result = pixels
        } else {
            result = Warp.resize(pixels, width: outW, height: outH)
        }
        guard let result else { throw refuse("无法裁剪图片") }
        let encoded: [UInt8]
        do { encoded = try JPEG.encode(result, quality: quality) } catch { throw refuse(corrupt(error)) }
        return PreparedPicture(
            image: PageImage(width: outW, height: outH, jpeg: encoded, pixels: { try? JPEG.decode(encoded).pixels }),
            passthrough: false)
    }

    /// The pixel size a picture is made at for `target`.
    static func outputSize(upright: (width: Int, height: Int), corners: [PixelPoint]?, target: Target) -> (Int, Int) {
        if target.exact { return (target.pixelWidth, target.pixelHeight) }
        var w = Double(upright.width)
        var h = Double(upright.height)
        if let c = corners {
            w = (distance(c[0], c[1]) + distance(c[3], c[2])) / 2
            h = (distance(c[0], c[3]) + distance(c[1], c[2])) / 2
        }
        let fit = min(Double(target.pixelWidth) / w, Double(target.pixelHeight) / h, 1)
        return (max(1, Int((w * fit).rounded())), max(1, Int((h * fit).rounded())))
    }

    static func distance(_ a: PixelPoint, _ b: PixelPoint) -> Double { ((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y)).squareRoot() }

    static func corrupt(_ error: any Error) -> String {
        switch error {
        case let JPEG.Problem.corrupt(why), let JPEG.Problem.malformed(why): "图片数据已损坏，无法解码（\(why)）；请重新导出或重新拍摄"
        default: "图片数据已损坏，无法解码；请重新导出或重新拍摄"
        }
    }

    /// JPEG or PNG by their signatures; anything else refused saying what to do.
    static func sniff(_ d: [UInt8], _ refuse: (String) -> PictureRefusal) throws -> Format {
        if d.count >= 3, d[0] == 0xFF, d[1] == 0xD8, d[2] == 0xFF { return .jpeg }
        if PNG.size(d) != nil || (d.count >= 8 && d[0] == 0x89 && d[1] == 0x50 && d[2] == 0x4E && d[3] == 0x47) {
            if PNG.size(d) == nil { throw refuse("PNG 图片已损坏（没有图像头 IHDR）") }
            return .png
        }
        func ascii(_ r: Range<Int>) -> String { d.count >= r.upperBound ? String(decoding: d[r], as: UTF8.self) : "" }
        if ascii(4..<8) == "ftyp" {
            let brand = ascii(8..<12)
            if ["heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1"].contains(brand) {
                throw refuse("这是 HEIC/HEIF 照片（苹果手机的默认格式），不支持。请在手机上把照片存为 JPEG 再试：iPhone「设置 › 相机 › 格式」选「兼容性最佳」后重拍，或用微信发送原图后另存为 JPG")
            }
            if brand.hasPrefix("avi") { throw refuse("这是 AVIF 图片，不支持；请另存为 JPEG 或 PNG 后再试") }
        }
        let kind: String
        if ascii(0..<4) == "RIFF" && ascii(8..<12) == "WEBP" {
            kind = "WebP 图片"
        } else if ascii(0..<3) == "GIF" {
            kind = "GIF 图片"
        } else if ascii(0..<2) == "BM" {
            kind = "BMP 图片"
        } else if ascii(0..<4) == "II*\u{0}" || ascii(0..<4) == "MM\u{0}*" {
            kind = "TIFF 图片"
        } else if ascii(0..<5) == "%PDF-" {
            kind = "PDF 文件"
        } else {
            kind = "无法识别的文件"
        }
        throw refuse("\(kind)不支持：复印件图片只接受 JPEG（.jpg）和 PNG；请用手机或扫描仪另存为 JPEG 后再试")
    }
}
