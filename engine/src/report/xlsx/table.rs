//! The sheets' tables: a header row frozen, filtered and sized, then rows of cells, each
//! written as it comes (constant memory), within Excel's limits of rows and text.

use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};
use std::borrow::Cow;

/// The rows a sheet can hold, its header included (Excel's limit).
const MAX_ROWS: u32 = 1_048_576;

/// The longest text a cell can hold, in UTF-16 code units (Excel's limit).
const MAX_TEXT: usize = 32_767;

/// The cell formats, made once for the whole workbook.
pub(super) struct Formats {
    header: Format,
    text: Format,
    wrap: Format,
    number: Format,
    share: Format,
}

impl Formats {
    pub(super) fn new() -> Formats {
        let top = Format::new().set_align(FormatAlign::Top);
        Formats {
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_background_color(Color::RGB(0x1F_3A_5F))
                .set_font_color(Color::White)
                .set_border_bottom(FormatBorder::Thin),
            text: top.clone(),
            wrap: top.clone().set_text_wrap(),
            number: top.clone(),
            share: top.set_num_format("0%"),
        }
    }
}

/// One cell.
pub(super) enum Cell<'a> {
    /// Text, cut to what a cell holds.
    Text(Cow<'a, str>),
    /// A number: a level, a count, a line, a figure.
    Number(f64),
    /// A share in 0..=1, shown as a percentage.
    Share(f64),
    /// Nothing.
    Empty,
}

pub(super) fn text<'a>(value: impl Into<Cow<'a, str>>) -> Cell<'a> {
    Cell::Text(value.into())
}

pub(super) fn number(value: impl Into<f64>) -> Cell<'static> {
    Cell::Number(value.into())
}

pub(super) fn count(value: usize) -> Cell<'static> {
    Cell::Number(value as f64)
}

pub(super) fn share(value: Option<f64>) -> Cell<'static> {
    value.map_or(Cell::Empty, Cell::Share)
}

/// A column: its header, its width (in characters) and whether its text wraps.
pub(super) struct Column {
    title: String,
    width: f64,
    wrap: bool,
}

pub(super) fn column(title: &str, width: f64) -> Column {
    Column { title: title.to_owned(), width, wrap: false }
}

/// A column of long text, wrapped in its width.
pub(super) fn long(title: &str, width: f64) -> Column {
    Column { title: title.to_owned(), width, wrap: true }
}

/// A sheet being written row by row under its header.
pub(super) struct Table<'w> {
    pub(super) sheet: &'w mut Worksheet,
    formats: &'w Formats,
    wrap: Vec<bool>,
    /// The next row.
    pub(super) row: u32,
    /// Rows left out for want of room.
    cut: usize,
}

impl<'w> Table<'w> {
    pub(super) fn new(
        workbook: &'w mut Workbook,
        formats: &'w Formats,
        name: &str,
        columns: &[Column],
    ) -> Result<Table<'w>, XlsxError> {
        let sheet = workbook.add_worksheet_with_constant_memory()?;
        sheet.set_name(name)?;
        for (i, c) in columns.iter().enumerate() {
            let col = col(i);
            sheet.set_column_width(col, c.width)?;
            sheet.write_string_with_format(0, col, fit(&c.title), &formats.header)?;
        }
        sheet.set_freeze_panes(1, 0)?;
        Ok(Table { sheet, formats, wrap: columns.iter().map(|c| c.wrap).collect(), row: 1, cut: 0 })
    }

    pub(super) fn row(&mut self, cells: &[Cell<'_>]) -> Result<(), XlsxError> {
        // The last row is kept for the note that says how many did not fit.
        if self.row >= MAX_ROWS - 1 {
            self.cut += 1;
            return Ok(());
        }
        for (i, cell) in cells.iter().enumerate() {
            let (row, col) = (self.row, col(i));
            match cell {
                Cell::Text(s) if s.is_empty() => {}
                Cell::Text(s) => {
                    let format = if self.wrap.get(i).copied().unwrap_or(false) {
                        &self.formats.wrap
                    } else {
                        &self.formats.text
                    };
                    self.sheet.write_string_with_format(row, col, fit(s), format)?;
                }
                Cell::Number(n) => {
                    self.sheet.write_number_with_format(row, col, *n, &self.formats.number)?;
                }
                Cell::Share(n) => {
                    self.sheet.write_number_with_format(row, col, *n, &self.formats.share)?;
                }
                Cell::Empty => {}
            }
        }
        self.row += 1;
        Ok(())
    }

    /// Sets the filter over the rows written, and says how many did not fit.
    pub(super) fn finish(self) -> Result<(), XlsxError> {
        let last = self.row - 1;
        let columns = col(self.wrap.len().max(1) - 1);
        self.sheet.autofilter(0, 0, last, columns)?;
        if self.cut > 0 {
            let note = format!(
                "… and {} more rows: a sheet holds at most {MAX_ROWS} rows; result.json has them all",
                self.cut
            );
            self.sheet.write_string_with_format(self.row, 0, note, &self.formats.text)?;
        }
        Ok(())
    }
}

pub(super) fn col(index: usize) -> u16 {
    u16::try_from(index).unwrap_or(u16::MAX)
}

/// `text` cut to what a cell holds, saying so.
fn fit(text: &str) -> Cow<'_, str> {
    // A UTF-8 string has at least as many bytes as UTF-16 code units.
    if text.len() <= MAX_TEXT {
        return Cow::Borrowed(text);
    }
    const CUT: &str = "… (cut: result.json has it all)";
    let room = MAX_TEXT - CUT.encode_utf16().count();
    let mut units = 0;
    let end = text
        .char_indices()
        .find(|(_, c)| {
            units += c.len_utf16();
            units > room
        })
        .map_or(text.len(), |(i, _)| i);
    Cow::Owned(format!("{}{CUT}", &text[..end]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_too_long_for_a_cell_is_cut_and_says_so() {
        assert_eq!(fit("short"), "short");
        // 20,000 two-unit characters: 40,000 UTF-16 units in 80,000 bytes.
        let long = "𝄞".repeat(20_000);
        let cut = fit(&long);
        assert!(cut.encode_utf16().count() <= MAX_TEXT, "{}", cut.encode_utf16().count());
        assert!(cut.encode_utf16().count() > MAX_TEXT - 40);
        assert!(cut.ends_with("(cut: result.json has it all)"));
        let exact = "a".repeat(MAX_TEXT);
        assert_eq!(fit(&exact).len(), MAX_TEXT);
    }
}
