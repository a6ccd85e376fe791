import Foundation
import Rules

/// What kind of file a batch is, by its name and its first bytes: CSV text, an .xlsx workbook, a
/// YAML/JSON list, or a spreadsheet format CertPack recognises only to refuse with what to do.
public enum SpreadsheetKind: Equatable, Sendable {
    case csv
    case xlsx
    case yamlOrJSON
    /// Excel 97–2003 (.xls), WPS 表格 (.et) or an encrypted workbook: an OLE compound file.
    case legacyExcel
    /// .xlsb: Excel's binary workbook.
    case binaryExcel
    case numbers
    case ods

    /// The kind of the file at `url`: the extension first, the first bytes when it says nothing clear.
    public static func of(_ url: URL) -> SpreadsheetKind {
        switch url.pathExtension.lowercased() {
        case "xlsx", "xlsm": return .xlsx
        case "xls", "et": return .legacyExcel
        case "xlsb": return .binaryExcel
        case "numbers": return .numbers
        case "ods", "fods": return .ods
        case "yaml", "yml", "json": return .yamlOrJSON
        default: break
        }
        // Through the one safe open: a FIFO or a device is not opened for reading here (the reader refuses it).
        let head = (try? InputFile.head(url, count: 8, limit: InputFile.batchLimit)) ?? Data()
        if head.starts(with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) { return .legacyExcel }
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return .xlsx }  // a zip: the workbook reader says if it is not one
        return .csv
    }

    /// Why the file is refused and what to do, for the formats that are recognised only to be refused.
    public var refusal: String? {
        let saveAs = "请在 Excel 中另存为 .xlsx（「文件」→「另存为」→「Excel 工作簿 (*.xlsx)」），或另存为 CSV"
        switch self {
        case .legacyExcel: return "这是旧版 Excel 97-2003 工作簿（.xls）、WPS 表格（.et）或设了密码的工作簿，无法读取：\(saveAs)（不设密码）"
        case .binaryExcel: return "这是 Excel 二进制工作簿（.xlsb），无法读取：\(saveAs)"
        case .numbers: return "这是 Numbers 表格（.numbers），无法读取：请在 Numbers 中「文件」→「导出为」→「Excel…」存成 .xlsx，或在 Excel 中另存为 .xlsx"
        case .ods: return "这是 OpenDocument 表格（.ods），无法读取：请另存为 .xlsx（在 LibreOffice/WPS 中「另存为」→「Excel 2007-365 (.xlsx)」；或在 Excel 中另存为 .xlsx）"
        case .csv, .xlsx, .yamlOrJSON: return nil
        }
    }
}
