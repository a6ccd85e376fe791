import CTurboJPEG
import Foundation

/// What a JPEG's markers say before a pixel is decoded.
public struct JPEGInfo: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var components: Int
    /// Baseline or progressive Huffman (SOF0–SOF2): what every PDF reader decodes.
    public var isCommon: Bool
    /// From the EXIF APP1 segment; `.up` when there is none.
    public var orientation: Orientation
}

/// JPEG files: the marker stream read and rewritten by hand (header, EXIF orientation, metadata
/// stripped), pixels through libjpeg-turbo's TurboJPEG API.
public enum JPEG {
    public enum Problem: Error, Equatable, Sendable {
        /// Not a JPEG, or its markers make no sense.
        case malformed(String)
        /// TurboJPEG refused the data.
        case corrupt(String)
    }

    /// Reads the markers up to the first scan: the frame's size and components, and the EXIF orientation.
    public static func info(_ data: [UInt8]) throws(Problem) -> JPEGInfo {
        guard data.count > 4, data[0] == 0xFF, data[1] == 0xD8 else { throw .malformed("不是 JPEG 文件") }
        var i = 2
        var orientation = Orientation.up
        while i + 4 <= data.count {
            guard data[i] == 0xFF else { throw .malformed("标记错误（偏移 \(i)）") }
            let marker = data[i + 1]
            if marker == 0xFF {
                i += 1
                continue
            }  // fill bytes
            if marker == 0xD8 || (0xD0...0xD7).contains(marker) || marker == 0x01 {
                i += 2
                continue
            }
            if marker == 0xD9 || marker == 0xDA { break }
            let length = Int(data[i + 2]) << 8 | Int(data[i + 3])
            guard length >= 2, i + 2 + length <= data.count else { throw .malformed("数据段长度超出文件（偏移 \(i)）") }
            let body = (i + 4)..<(i + 2 + length)
            if marker == 0xE1, let o = exifOrientation(data[body]) { orientation = o }
            if [0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF].contains(marker) {
                guard body.count >= 6 else { throw .malformed("图像头（SOF）太短") }
                let b = body.lowerBound
                let height = Int(data[b + 1]) << 8 | Int(data[b + 2])
                let width = Int(data[b + 3]) << 8 | Int(data[b + 4])
                let components = Int(data[b + 5])
                guard width > 0, height > 0, components > 0 else { throw .malformed("图像尺寸为 0") }
                // Keep reading: an EXIF segment may come after the frame header (rare, but legal).
                var info = JPEGInfo(width: width, height: height, components: components, isCommon: marker <= 0xC2, orientation: orientation)
                var j = body.upperBound
                while j + 4 <= data.count, data[j] == 0xFF, data[j + 1] != 0xDA, data[j + 1] != 0xD9 {
                    let l = Int(data[j + 2]) << 8 | Int(data[j + 3])
                    guard l >= 2, j + 2 + l <= data.count else { break }
                    if data[j + 1] == 0xE1, let o = exifOrientation(data[(j + 4)..<(j + 2 + l)]) { info.orientation = o }
                    j += 2 + l
                }
                return info
            }
            i = body.upperBound
        }
        throw .malformed("找不到图像头（SOF）")
    }

    /// The orientation (tag 0x0112) of an APP1 body that starts `Exif\0\0`, read from IFD0 of its TIFF structure.
    static func exifOrientation(_ body: ArraySlice<UInt8>) -> Orientation? {
        let b = Array(body)
        guard b.count >= 14, b[0] == 0x45, b[1] == 0x78, b[2] == 0x69, b[3] == 0x66, b[4] == 0, b[5] == 0 else { return nil }
        let t = 6  // the TIFF header
        let little: Bool
        switch (b[t], b[t + 1]) {
        case (0x49, 0x49): little = true
        case (0x4D, 0x4D): little = false
        default: return nil
        }
        func u16(_ o: Int) -> Int? {
            guard o >= 0, o + 2 <= b.count else { return nil }
            return little ? Int(b[o]) | Int(b[o + 1]) << 8 : Int(b[o]) << 8 | Int(b[o + 1])
        }
        func u32(_ o: Int) -> Int? {
            guard let a = u16(o), let c = u16(o + 2) else { return nil }
            return little ? a | c << 16 : a << 16 | c
        }
        guard u16(t + 2) == 42, let ifd = u32(t + 4), let count = u16(t + ifd) else { return nil }
        for k in 0..<min(count, 512) {
            let entry = t + ifd + 2 + 12 * k
            guard let tag = u16(entry) else { return nil }
            if tag == 0x0112 {
                // Type SHORT (3), count 1: the value sits in the first two bytes of the value field.
                guard u16(entry + 2) == 3, let v = u16(entry + 8) else { return nil }
                return Orientation(rawValue: v)
            }
        }
        return nil
    }

    /// The same JPEG without metadata: every APPn segment (EXIF, XMP, ICC, JFIF, maker notes…) but
    /// APP14 (Adobe: how the colours are coded, needed to decode them), and every comment, removed;
    /// the coded image is copied byte for byte.
    public static func stripped(_ data: [UInt8]) throws(Problem) -> [UInt8] {
        guard data.count > 4, data[0] == 0xFF, data[1] == 0xD8 else { throw .malformed("不是 JPEG 文件") }
        var out: [UInt8] = [0xFF, 0xD8]
        out.reserveCapacity(data.count)
        var i = 2
        while i + 4 <= data.count {
            guard data[i] == 0xFF else { throw .malformed("标记错误（偏移 \(i)）") }
            let marker = data[i + 1]
            if marker == 0xFF {
                i += 1
                continue
            }
            if marker == 0xDA {
                // The first scan and everything after it (further tables and scans of a progressive file) as it is.
                out.append(contentsOf: data[i...])
                return out
            }
            let length = Int(data[i + 2]) << 8 | Int(data[i + 3])
            guard length >= 2, i + 2 + length <= data.count else { throw .malformed("数据段长度超出文件（偏移 \(i)）") }
            let metadata = (0xE0...0xEF).contains(marker) && marker != 0xEE || marker == 0xFE
            if !metadata { out.append(contentsOf: data[i..<(i + 2 + length)]) }
            i += 2 + length
        }
        throw .malformed("找不到图像数据（SOS）")
    }

    /// TurboJPEG's scaling factors that make a side of `side` pixels at least `needed` pixels, the smallest such.
    static func scale(for side: Int, needed: Int) -> (num: Int32, denom: Int32) {
        var n: Int32 = 0
        guard let factors = tjGetScalingFactors(&n) else { return (1, 1) }
        var best: (num: Int32, denom: Int32) = (1, 1)
        for k in 0..<Int(n) {
            let f = factors[k]
            guard f.num <= f.denom else { continue }  // never decode larger
            let scaled = (side * Int(f.num) + Int(f.denom) - 1) / Int(f.denom)
            if scaled >= needed && Double(f.num) / Double(f.denom) < Double(best.num) / Double(best.denom) { best = (f.num, f.denom) }
        }
        return best
    }

    /// Decodes to pixels as stored (orientation not applied), scaled down by TurboJPEG (in the DCT,
    /// cheaply) as far as keeps the longer side at least `minimumSide` pixels (nil: full size).
    /// Corrupt or truncated data is an error, not a grey picture (TJFLAG_STOPONWARNING); a progressive
    /// file with an absurd number of scans is refused (TJFLAG_LIMITSCANS).
    public static func decode(_ data: [UInt8], minimumSide: Int? = nil) throws(Problem) -> PixelBuffer {
        guard let handle = tjInitDecompress() else { throw .corrupt("无法初始化 JPEG 解码器") }
        defer { tjDestroy(handle) }
        var w: Int32 = 0
        var h: Int32 = 0
        var subsamp: Int32 = 0
        var colorspace: Int32 = 0
        let header = data.withUnsafeBufferPointer { tjDecompressHeader3(handle, $0.baseAddress, UInt($0.count), &w, &h, &subsamp, &colorspace) }
        guard header == 0, w > 0, h > 0 else { throw .corrupt(String(cString: tjGetErrorStr2(handle))) }
        let f: (num: Int32, denom: Int32) = minimumSide.map { scale(for: Int(max(w, h)), needed: $0) } ?? (1, 1)
        let num = Int(f.num)
        let denom = Int(f.denom)
        let sw: Int = (Int(w) * num + denom - 1) / denom
        let sh: Int = (Int(h) * num + denom - 1) / denom
        var pixels = [UInt32](repeating: 0, count: sw * sh)
        let flags = Int32(TJFLAG_STOPONWARNING | TJFLAG_LIMITSCANS)
        let status = data.withUnsafeBufferPointer { src in
            pixels.withUnsafeMutableBytes { dst in
                tjDecompress2(
                    handle, src.baseAddress, UInt(src.count), dst.baseAddress!.assumingMemoryBound(to: UInt8.self),
                    Int32(sw), Int32(sw * 4), Int32(sh), Int32(TJPF_BGRX.rawValue), flags)
            }
        }
        guard status == 0 else { throw .corrupt(String(cString: tjGetErrorStr2(handle))) }
        // BGRX leaves the fourth byte as it likes: cairo's RGB24 ignores it, comparisons should not.
        pixels.withUnsafeMutableBufferPointer { p in for k in p.indices { p[k] &= 0xFFFFFF } }
        return PixelBuffer(width: sw, height: sh, pixels: pixels)
    }

    /// Encodes pixels as a baseline JPEG (4:2:0 below quality 90, else 4:4:4) without metadata.
    public static func encode(_ image: PixelBuffer, quality: Int) throws(Problem) -> [UInt8] {
        guard let handle = tjInitCompress() else { throw .corrupt("无法初始化 JPEG 编码器") }
        defer { tjDestroy(handle) }
        var buffer: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        let subsampling = quality >= 90 ? TJSAMP_444 : TJSAMP_420
        let status = image.pixels.withUnsafeBytes { src in
            tjCompress2(
                handle, src.baseAddress!.assumingMemoryBound(to: UInt8.self), Int32(image.width), Int32(image.width * 4),
                Int32(image.height), Int32(TJPF_BGRX.rawValue), &buffer, &size, Int32(subsampling.rawValue), Int32(quality), 0)
        }
        defer { if let buffer { tjFree(buffer) } }
        guard status == 0, let buffer else { throw .corrupt(String(cString: tjGetErrorStr2(handle))) }
        return try stripped(Array(UnsafeBufferPointer(start: buffer, count: Int(size))))
    }
}
