import Rules
import Typeset

/// A form template: the declarative layout of one form, read from `Templates/forms/*.yaml`.
///
/// Everything a clerk might want to change (a label, a column width, a row height, the wording of
/// the declaration) lives in the YAML; this file only says what the YAML may contain. Lengths in
/// the YAML are millimetres; here they are points. See `TemplateLoader` for the format.
public struct FormTemplate: Sendable {
    /// Which document of the pack this template draws.
    public enum Kind: String, Sendable, CaseIterable {
        case cover, unitApplication, institutionApplication, holderAppendix, authorization

        /// The Rules form it draws (nil for our cover sheet).
        public var formKind: FormKind? {
            switch self {
            case .cover: nil
            case .unitApplication: .unitApplication
            case .institutionApplication: .institutionApplication
            case .holderAppendix: .holderAppendix
            case .authorization: .authorization
            }
        }
    }

    /// The YAML file, for errors.
    public var file: String
    public var kind: Kind
    /// The form's title, printed bold and centred (e.g. 单位数字证书申请表).
    public var title: String
    /// The project line above the title (深圳医保在线签约).
    public var project: String
    /// The page is drawn once per copy mark (两联); one unmarked copy when empty.
    public var copyMarks: [String]
    public var margins: Margins
    /// Footer texts, interpolated; `{{page.number}}` and `{{page.count}}` count pages of this form.
    public var footerLeft: Interpolation
    public var footerRight: Interpolation
    /// Printed under the title on pages after the first (e.g. （续页）).
    public var continuation: String
    /// The body, top to bottom.
    public var blocks: [Block]
}

public struct Margins: Sendable, Equatable {
    public var top, right, bottom, left: Double
}

/// Show a block, group or row only when every stated condition holds.
public struct Condition: Sendable, Equatable {
    /// The service ticked on this form is one of these.
    public var services: [Service]?
    /// These field paths have a non-empty value.
    public var present: [String]
    public var line: Int

    public static let always = Condition(services: nil, present: [], line: 0)
}

/// One piece of the body.
public enum Block: Sendable {
    case grid(Grid)
    case paragraph(Paragraph)
    case table(RepeatTable)
    case spacer(Double)
}

/// A ruled grid: fixed columns, rows of cells, rows grouped under an optional vertical heading in
/// the first column (机构信息, 法定代表人, …).
public struct Grid: Sendable {
    /// Column widths in points; the first column holds group headings when groups have them.
    public var columns: [Double]
    public var groups: [Group]
    public var when: Condition
    public var line: Int
}

public struct Group: Sendable {
    /// Printed vertically in column 0 across the group's rows.
    public var heading: String?
    public var rows: [Row]
    public var when: Condition
    public var line: Int
}

public struct Row: Sendable {
    public var height: Double
    public var cells: [Cell]
    public var when: Condition
    public var line: Int
}

public struct Cell: Sendable {
    public var content: CellContent
    public var span: Int
    public var align: TextStyle.HAlign?
    public var size: Double?
    /// The floor this cell's text may shrink to before it wraps (default 7 pt).
    public var minSize: Double?
    public var line: Int
}

public enum CellContent: Sendable {
    /// A label (宋体, centred, light grey ground).
    case label(String)
    /// A bound value; `placeholder` is printed (grey) when the value is empty.
    case value(path: String, placeholder: String?)
    /// Interpolated running text.
    case text(Interpolation, placeholder: String?)
    /// A tick row bound to a choice: one vector box per option, the bound one ticked.
    case ticks(path: String, options: [TickOption])
    /// A box left empty for a seal or a signature: caption top-left, optional note bottom-right.
    case box(caption: String, note: Interpolation?)
    /// An empty cell (for pen).
    case blank
}

public struct TickOption: Sendable, Equatable {
    /// The value that ticks it (a model enum's raw value, e.g. `renew`).
    public var value: String
    public var label: String
}

/// A paragraph of running text with interpolated fields, broken by the Chinese rules.
public struct Paragraph: Sendable {
    public var text: Interpolation
    public var role: FontRole
    public var size: Double
    public var leading: Double
    public var align: TextStyle.HAlign
    public var indent: Double
    public var when: Condition
    public var line: Int
}

/// A table with a header and one row per element of a collection (holders, change items, checklist
/// entries). It continues on the next page with its header repeated; a row is never split.
public struct RepeatTable: Sendable {
    public var collection: Collection
    public var columns: [Column]
    public var headerHeight: Double
    /// Minimum row height; rows grow to fit wrapped text when `grows` is set.
    public var rowHeight: Double
    public var grows: Bool
    /// Blank rows added after the data so the table is at least this many rows long.
    public var minRows: Int
    public var when: Condition
    public var line: Int

    public struct Column: Sendable {
        public var header: String
        public var width: Double
        public var content: ColumnContent
        public var align: TextStyle.HAlign
        public var size: Double
        public var line: Int
    }

    public enum ColumnContent: Sendable {
        case text(Interpolation)
        /// An empty tick box to tick by hand.
        case tickBox
        case blank
    }
}

/// The collections a table can repeat over, each with the scope its rows bind.
public enum Collection: String, Sendable, CaseIterable {
    /// 机构个人证书 holders; rows bind `holder.*`.
    case holders
    /// 变更事项; rows bind `changeItem.*`.
    case changeItems = "change.items"
    /// The checklist of the pack (cover sheet); rows bind `document.*`.
    case checklist = "checklist.documents"
    /// The fee lines; rows bind `fee.*`.
    case fees = "fees.items"

    public var scope: FieldScope {
        switch self {
        case .holders: .holder
        case .changeItems: .changeItem
        case .checklist: .document
        case .fees: .fee
        }
    }
}
