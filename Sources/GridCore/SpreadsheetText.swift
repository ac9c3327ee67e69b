/// What Excel and WPS do to long digit strings (codes, phone numbers) in a column left as
/// "General": they become numbers, shown and saved as `1.10102E+14` or `110102000000.0`, and the
/// digits past the fifteenth (or the sixth, in scientific notation) are lost. Such a value is
/// refused with the fix, never read as a rounded code.
public enum SpreadsheetText {
    /// Whether `text` is a number as a spreadsheet writes it rather than a digit string:
    /// scientific notation or a decimal point.
    public static func isMangledNumber(_ text: String) -> Bool {
        text.wholeMatch(of: #/[+-]?[0-9]+(\.[0-9]*)?[eE][+-]?[0-9]+/#) != nil || text.wholeMatch(of: #/[0-9]+\.[0-9]+/#) != nil
    }

    /// Whether the digits of a code given as a number look rounded: a national code of 9 digits or
    /// more with a 3-digit segment of `000` after the division code, which no street, community or
    /// grid has, is what rounding to fewer significant digits leaves.
    public static func looksRounded(_ digits: String) -> Bool {
        guard digits.count >= 9, digits.count <= 15, digits.count % 3 == 0 else { return digits.count > 15 }
        var segment = digits.dropFirst(6)
        while !segment.isEmpty {
            if segment.prefix(3) == "000" { return true }
            segment = segment.dropFirst(3)
        }
        return false
    }

    /// The message for a mangled `value` in `column`, with what to do about it.
    public static func problem(_ column: String, _ value: String) -> Text {
        Text(
            zh: "\(column)“\(value)”是被 Excel/WPS 改写成数字的编码（科学计数法或小数），原来的数字已丢失：请将该列设为文本格式后重新填写并导出",
            en:
                "\(column) '\(value)' is a code Excel/WPS turned into a number (scientific notation or a decimal) and its digits are lost: format the column as text, enter the codes again and export"
        )
    }
}
