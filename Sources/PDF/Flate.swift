import CSystemZlib

/// PDF's FlateDecode (zlib format), for the streams CertPack writes itself.
enum Flate {
    /// `bytes` compressed at zlib's default level (cairo's, so the sizes match what cairo writes).
    static func compress(_ bytes: [UInt8]) -> [UInt8] {
        var length = compressBound(uLong(bytes.count))
        var out = [UInt8](repeating: 0, count: Int(length))
        let status = out.withUnsafeMutableBufferPointer { o in
            bytes.withUnsafeBufferPointer { i in
                compress2(o.baseAddress, &length, i.baseAddress, uLong(i.count), Z_DEFAULT_COMPRESSION)
            }
        }
        precondition(status == Z_OK, "zlib compress2 failed (\(status))")  // only on bad arguments or no memory
        out.removeSubrange(Int(length)...)
        return out
    }

    /// The decompressed bytes of a zlib stream; nil when it is not one (or is cut short).
    static func decompress(_ bytes: UnsafeRawBufferPointer, sizeHint: Int = 0) -> [UInt8]? {
        var stream = z_stream()
        guard inflateInit_(&stream, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
        defer { inflateEnd(&stream) }
        var out = [UInt8](repeating: 0, count: max(4096, sizeHint > 0 ? sizeHint : bytes.count * 4))
        var produced = 0
        stream.next_in = UnsafeMutablePointer(mutating: bytes.bindMemory(to: UInt8.self).baseAddress)
        stream.avail_in = uInt(bytes.count)
        while true {
            if produced == out.count { out.append(contentsOf: repeatElement(0, count: out.count)) }
            let status = out.withUnsafeMutableBufferPointer { o -> Int32 in
                stream.next_out = o.baseAddress! + produced
                stream.avail_out = uInt(o.count - produced)
                let s = inflate(&stream, Z_NO_FLUSH)
                produced = o.count - Int(stream.avail_out)
                return s
            }
            if status == Z_STREAM_END { break }
            guard status == Z_OK || (status == Z_BUF_ERROR && produced == out.count) else { return nil }
        }
        out.removeSubrange(produced...)
        return out
    }
}
