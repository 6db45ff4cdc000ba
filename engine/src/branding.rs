//! How the reports are branded: the logo on the cover, embedded so the page stays
//! self-contained, and an accent colour. They come from `[report]` of the assessment file
//! ([`crate::config`]) and are recorded in result.json ([`crate::result`]), so `kaizen
//! report` renders the same branded report from the result alone. A module of its own,
//! importing nothing of Kaizen's, so that the result does not depend on the reports.
//!
//! A result file may come from anyone: its logo and colour are checked when it is read
//! (a colour is `#rgb` or `#rrggbb`, a logo one of a few image types in base64), so neither
//! can carry markup or CSS into the HTML report.

use base64::Engine as _;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::path::{Path, PathBuf};

/// The largest logo embedded, in bytes: a logo is a few kilobytes; a photograph by mistake
/// would make every report megabytes larger.
pub const MAX_LOGO_BYTES: usize = 1 << 20;

/// The branding of the reports (`[report]` of the assessment file).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Branding {
    /// The logo on the report's cover, embedded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logo: Option<Logo>,
    /// The accent colour of the report's rules, links and charts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accent: Option<Colour>,
}

impl Branding {
    /// Whether nothing is branded.
    pub fn is_empty(&self) -> bool {
        self.logo.is_none() && self.accent.is_none()
    }
}

/// An image embedded in the result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Logo {
    /// The file it was read from, as the assessment file names it (for reference only).
    pub file: String,
    /// The image's type, from its content.
    pub media_type: ImageType,
    /// The image, base64-encoded (standard alphabet, padded).
    pub data: Base64,
}

impl Logo {
    /// Reads the image at `path`; `name` is how the assessment file names it.
    pub fn read(path: &Path, name: &str) -> Result<Logo, LogoError> {
        let fail = |problem| LogoError { path: path.to_path_buf(), problem };
        let meta = std::fs::metadata(path).map_err(|e| fail(LogoProblem::Unreadable(e)))?;
        if meta.is_dir() {
            return Err(fail(LogoProblem::Folder));
        }
        if meta.len() > MAX_LOGO_BYTES as u64 {
            return Err(fail(LogoProblem::TooLarge(meta.len())));
        }
        let bytes = std::fs::read(path).map_err(|e| fail(LogoProblem::Unreadable(e)))?;
        let media_type = ImageType::sniff(&bytes).ok_or_else(|| fail(LogoProblem::NotAnImage))?;
        Ok(Logo {
            file: name.to_owned(),
            media_type,
            data: Base64(base64::engine::general_purpose::STANDARD.encode(bytes)),
        })
    }

    /// The logo as a `data:` URI, for an `<img src>`.
    pub fn data_uri(&self) -> String {
        format!("data:{};base64,{}", self.media_type.mime(), self.data.0)
    }
}

/// Why a logo cannot be embedded.
#[derive(Debug, thiserror::Error)]
#[error("cannot use {} as the logo: {problem}", path.display())]
pub struct LogoError {
    /// The file.
    pub path: PathBuf,
    /// What is wrong with it.
    pub problem: LogoProblem,
}

/// What is wrong with a logo file.
#[derive(Debug, thiserror::Error)]
pub enum LogoProblem {
    /// It cannot be read.
    #[error("{0}")]
    Unreadable(std::io::Error),
    /// It is a folder.
    #[error("it is a folder")]
    Folder,
    /// It is larger than [`MAX_LOGO_BYTES`].
    #[error("it is {0} bytes; a logo is embedded in every report and may be at most 1 MiB")]
    TooLarge(u64),
    /// Its content is none of the image types a report embeds.
    #[error("it is not a PNG, JPEG, GIF, WebP or SVG image")]
    NotAnImage,
}

/// The image types a report embeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub enum ImageType {
    /// PNG.
    #[serde(rename = "image/png")]
    Png,
    /// JPEG.
    #[serde(rename = "image/jpeg")]
    Jpeg,
    /// GIF.
    #[serde(rename = "image/gif")]
    Gif,
    /// WebP.
    #[serde(rename = "image/webp")]
    Webp,
    /// SVG. Browsers run no script and load nothing of an SVG shown by `<img>`.
    #[serde(rename = "image/svg+xml")]
    Svg,
}

impl ImageType {
    /// The type of an image, from its first bytes (for SVG, an `<svg` element near the
    /// start of a UTF-8 text); `None` for anything else.
    pub fn sniff(bytes: &[u8]) -> Option<ImageType> {
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(ImageType::Png)
        } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
            Some(ImageType::Jpeg)
        } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
            Some(ImageType::Gif)
        } else if bytes.len() > 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
            Some(ImageType::Webp)
        } else {
            // An XML declaration, a doctype and comments may come before the element.
            let head = &bytes[..bytes.len().min(4096)];
            let text = match std::str::from_utf8(head) {
                Ok(text) => text,
                Err(e) if e.error_len().is_none() => std::str::from_utf8(&head[..e.valid_up_to()]).ok()?,
                Err(_) => return None,
            };
            let text = text.trim_start_matches('\u{feff}').trim_start();
            (text.starts_with('<') && text.contains("<svg")).then_some(ImageType::Svg)
        }
    }

    /// The media type, as a `data:` URI names it.
    pub fn mime(self) -> &'static str {
        match self {
            ImageType::Png => "image/png",
            ImageType::Jpeg => "image/jpeg",
            ImageType::Gif => "image/gif",
            ImageType::Webp => "image/webp",
            ImageType::Svg => "image/svg+xml",
        }
    }
}

/// Base64 text (standard alphabet, padded), checked when read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Base64(String);

impl TryFrom<String> for Base64 {
    type Error = String;

    fn try_from(text: String) -> Result<Base64, String> {
        match base64::engine::general_purpose::STANDARD.decode(&text) {
            Ok(_) => Ok(Base64(text)),
            Err(e) => Err(format!("the logo's data is not base64: {e}")),
        }
    }
}

impl From<Base64> for String {
    fn from(data: Base64) -> String {
        data.0
    }
}

impl schemars::JsonSchema for Base64 {
    fn schema_name() -> Cow<'static, str> {
        "Base64".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Base64 text, standard alphabet, padded.",
            "type": "string",
            "contentEncoding": "base64"
        })
    }
}

/// A colour, `#rgb` or `#rrggbb` (hexadecimal digits, either case), checked when read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Colour(String);

impl Colour {
    /// The colour written `text`, or why it is not one.
    pub fn parse(text: &str) -> Result<Colour, String> {
        let digits = text.strip_prefix('#').unwrap_or("");
        if matches!(digits.len(), 3 | 6) && digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            Ok(Colour(text.to_owned()))
        } else {
            Err(format!("`{text}` is not a colour: write `#rgb` or `#rrggbb` in hexadecimal, as `#0a7` or `#2f5fb3`"))
        }
    }

    /// The colour as CSS writes it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Colour {
    type Error = String;

    fn try_from(text: String) -> Result<Colour, String> {
        Colour::parse(&text)
    }
}

impl From<Colour> for String {
    fn from(colour: Colour) -> String {
        colour.0
    }
}

impl schemars::JsonSchema for Colour {
    fn schema_name() -> Cow<'static, str> {
        "Colour".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A colour, `#rgb` or `#rrggbb` in hexadecimal.",
            "type": "string",
            "pattern": "^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_are_three_or_six_hexadecimal_digits() {
        for good in ["#0a7", "#2F5FB3", "#000000"] {
            assert_eq!(Colour::parse(good).unwrap().as_str(), good);
        }
        for bad in ["0a7", "#0a", "#0a7f", "#ggg", "red", "#0a7; } body { x: y", "#0a7\n", ""] {
            assert!(Colour::parse(bad).is_err(), "{bad:?} was taken for a colour");
        }
    }

    #[test]
    fn images_are_told_by_their_content() {
        assert_eq!(ImageType::sniff(b"\x89PNG\r\n\x1a\n...."), Some(ImageType::Png));
        assert_eq!(ImageType::sniff(&[0xff, 0xd8, 0xff, 0xe0]), Some(ImageType::Jpeg));
        assert_eq!(ImageType::sniff(b"GIF89a..."), Some(ImageType::Gif));
        assert_eq!(ImageType::sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some(ImageType::Webp));
        let svg = b"\xef\xbb\xbf<?xml version=\"1.0\"?>\n<!-- logo -->\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>";
        assert_eq!(ImageType::sniff(svg), Some(ImageType::Svg));
        assert_eq!(ImageType::sniff(b"<html><body>not a logo</body></html>"), None);
        assert_eq!(ImageType::sniff(b"hello <svg"), None);
        assert_eq!(ImageType::sniff(b""), None);
    }

    #[test]
    fn a_result_with_a_colour_or_logo_data_that_could_carry_markup_is_refused() {
        let ok: Branding = serde_json::from_str(
            r##"{"accent":"#0a7","logo":{"file":"l.svg","media_type":"image/svg+xml","data":"PHN2Zy8+"}}"##,
        )
        .unwrap();
        assert_eq!(ok.logo.as_ref().unwrap().data_uri(), "data:image/svg+xml;base64,PHN2Zy8+");
        for bad in [
            r##"{"accent":"red;}</style><script>"}"##,
            r##"{"logo":{"file":"l","media_type":"text/html","data":"PHN2Zy8+"}}"##,
            r##"{"logo":{"file":"l","media_type":"image/png","data":"\" onerror=\"x"}}"##,
        ] {
            assert!(serde_json::from_str::<Branding>(bad).is_err(), "{bad}");
        }
    }
}
