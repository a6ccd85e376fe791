import Foundation

/// One row of a batch table as the spreadsheet shows it, whatever file it came from: the row number
/// Excel shows, the text of each cell by column (A = 0), and which cells were stored as numbers
/// (only an .xlsx knows; in a CSV every cell is text).
public struct SheetRow: Sendable, Equatable {
    public var row: Int
    public var fields: [String]
    /// Columns whose cell is a number in the workbook (not text, not a date).
    public var numbers: Set<Int>

    public init(row: Int, fields: [String], numbers: Set<Int> = []) {
        self.row = row
        self.fields = fields
        self.numbers = numbers
    }

    public init(_ csv: CSVReader.Row) { self.init(row: csv.row, fields: csv.fields) }

    /// The cells of a workbook row laid out by column; missing cells are empty.
    public init(_ xlsx: XLSXReader.Row) {
        var fields = [String](repeating: "", count: (xlsx.cells.last?.column ?? -1) + 1)
        var numbers: Set<Int> = []
        for cell in xlsx.cells {
            fields[cell.column] = cell.text
            if cell.isNumber { numbers.insert(cell.column) }
        }
        self.init(row: xlsx.row, fields: fields, numbers: numbers)
    }
}
