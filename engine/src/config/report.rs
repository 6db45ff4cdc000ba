//! `[report]`: how the reports are branded, a logo (an image file, read now and embedded)
//! and an accent colour.

use super::raw::RawReport;
use super::Context;
use crate::branding::{Branding, Colour, Logo, LogoProblem};
use crate::diag::ConfigCode;

/// The section, validated: the logo read and embedded, the colour checked.
pub(super) fn report(raw: &RawReport, cx: &mut Context) -> Branding {
    let mut branding = Branding::default();
    if let Some(logo) = &raw.logo {
        match Logo::read(&cx.join(logo.get_ref()), logo.get_ref()) {
            Ok(read) => branding.logo = Some(read),
            Err(e) => {
                let missing =
                    matches!(&e.problem, LogoProblem::Unreadable(io) if io.kind() == std::io::ErrorKind::NotFound);
                let message = if missing {
                    format!("logo `{}` does not exist", logo.get_ref())
                } else {
                    format!("logo `{}` cannot be used: {}", logo.get_ref(), e.problem)
                };
                let code = if missing { ConfigCode::FileMissing } else { ConfigCode::InvalidLogo };
                cx.problem(code, logo.span(), message);
            }
        }
    }
    if let Some(accent) = &raw.accent {
        match Colour::parse(accent.get_ref()) {
            Ok(colour) => branding.accent = Some(colour),
            Err(message) => cx.problem(ConfigCode::InvalidColour, accent.span(), message),
        }
    }
    branding
}
